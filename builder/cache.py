"""Per-article results kept between builds, keyed by content digest, settings and version."""

from __future__ import annotations

import hashlib
import pickle
import threading
from functools import cache
from pathlib import Path

from . import __version__
from .model import Article, Problem
from .write import write_atomic

FILE = "articles.pickle"
Result = tuple[Article | None, tuple[Problem, ...]]


@cache
def code_version() -> str:
    """The builder's version and a hash of its source: editing the code invalidates the cache."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Cache:
    """One pickle of {(path, digest): result} for one (settings, taxonomy, version) key.

    A changed key (new settings, taxonomy or builder version) starts empty. Entries not used
    by a build are dropped when it saves, so the file never outgrows the archive. The folder
    is safe to delete at any time.
    """

    def __init__(self, folder: Path, key: str):
        self.folder = folder
        self.key = f"{key}:{code_version()}"
        self.old: dict[tuple[str, str], Result] = {}
        self.new: dict[tuple[str, str], Result] = {}
        self.old_stats: dict[str, tuple[int, int, str]] = {}
        self.new_stats: dict[str, tuple[int, int, str]] = {}
        try:
            with open(folder / FILE, "rb") as f:
                stored_key, entries, stats = pickle.load(f)
            if stored_key == self.key:
                self.old, self.old_stats = entries, stats
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError,
                AttributeError, ImportError):
            pass

    def known_digest(self, path: str, mtime_ns: int, size: int) -> str | None:
        """The digest of a file whose modification time and size are unchanged since the
        last build (so it need not be read again), like Black's cache."""
        hit = self.old_stats.get(path)
        return hit[2] if hit and hit[:2] == (mtime_ns, size) else None

    def note_stat(self, path: str, mtime_ns: int, size: int, digest: str) -> None:
        self.new_stats[path] = (mtime_ns, size, digest)

    def get(self, path: str, digest: str) -> Result | None:
        hit = self.old.get((path, digest))
        if hit is not None:
            self.new[(path, digest)] = hit
        return hit

    def put(self, path: str, digest: str, result: Result) -> None:
        self.new[(path, digest)] = result

    def rollover(self) -> None:
        """Make this build's entries the next build's (a preview keeps the cache in memory)."""
        self.old, self.new = self.new, {}
        self.old_stats, self.new_stats = self.new_stats, {}

    def save(self, background: bool = False) -> None:
        """Write the cache (atomically). `background`: in a thread, for the preview, whose
        next rebuild reads the in-memory copy and never this file."""
        if self.new.keys() == self.old.keys() and self.new_stats == self.old_stats:
            return
        snapshot = (self.key, self.new, self.new_stats)  # not mutated after rollover

        def write() -> None:
            write_atomic(self.folder / FILE, pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))

        if background:
            threading.Thread(target=write, daemon=False).start()
        else:
            write()
