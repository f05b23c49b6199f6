"""A one-line status for long builds on a terminal (silent when output is not a terminal)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, enabled: bool = True, stream=sys.stderr):
        self.stream = stream
        self.enabled = enabled and stream.isatty()
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.last < 0.1 and done < total:
            return
        self.last = time.monotonic()
        width = 30
        filled = int(width * done / max(total, 1))
        self.stream.write(f"\r{stage:10s} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{done}/{total}")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled and self.last:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
