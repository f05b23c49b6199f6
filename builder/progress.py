"""A one-line status for long builds on a terminal (silent when output is not a terminal),
and the stage timings of a build."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, enabled: bool = True, stream=None):
        self.stream = stream or sys.stderr  # looked up now: sys.stderr may have been replaced
        self.enabled = enabled and self.stream.isatty()
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


class Clock:
    """The build's stage timings: `clock("index")` marks the end of a stage."""

    def __init__(self) -> None:
        self._marks: list[tuple[str, float]] = []
        self._start = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self._marks.append((stage, round(now - self._start, 3)))
        self._start = now

    @property
    def marks(self) -> tuple[tuple[str, float], ...]:
        return tuple(self._marks)
