"""Per-article results kept between builds: one SQLite file in the hidden state folder.

Each content file has one row: its stat (mtime, size) and digest, its compact record (the
Article without its body HTML and plain text, and the file's problems), its body HTML, what
tagging read (`TagInput`) and the key of the taxonomy it was tagged with. A build reads every
record (the index needs them all) but a body only when it renders that article's page or a feed
entry, so bodies never sit in memory all at once. An edit rewrites one row, not the whole cache.
The cache only finds and stores: when the taxonomy changed since a row was tagged, the
loader (articles.py) asks for the stored `TagInput` and runs the core's `tag` step itself.
The rows belong to one key (`keys.article_cache`: settings and builder code); a different key
empties the table. The folder is safe to delete at any time.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
from dataclasses import replace
from pathlib import Path

from .model import Processed, TagInput

FILE = "cache.sqlite"
FLUSH_EVERY = 256
"""Fresh results are written in batches of this many, so a cold build's bodies never pile
up in memory."""


def compact(done: Processed) -> Processed:
    """The result without the article's body and text and without what tagging read: what
    the index and listings need."""
    article = done.article
    if article is not None and (article.html or article.text):
        article = replace(article, html="", text="")
    return Processed(article, done.problems)


class _Row:
    __slots__ = ("mtime_ns", "size", "digest", "blob", "result", "tax_key")

    def __init__(self, mtime_ns: int, size: int, digest: str, blob: bytes | None,
                 result: Processed | None = None, tax_key: str = ""):
        self.mtime_ns, self.size, self.digest, self.blob, self.result = \
            mtime_ns, size, digest, blob, result
        self.tax_key = tax_key

    def value(self) -> Processed:
        if self.result is None:
            self.result = pickle.loads(self.blob)
            self.blob = None
        return self.result


class Cache:
    """The article cache of one state folder and key. Use: `known_digest`/`lookup`/`store`
    while reading sources, `body` while rendering, `save` at the end of a successful build (it
    drops the rows of files that are gone). A preview keeps one instance: `rollover` starts its
    next build from what is in memory."""

    def __init__(self, folder: Path, key: str):
        self.folder = folder
        self.key = key
        self.rows: dict[str, _Row] = {}
        self.seen: set[str] = set()
        self._pending: dict[str, tuple] = {}
        self._stats: dict[str, tuple[int, int]] = {}
        self._retagged: dict[str, tuple[bytes, str]] = {}
        self._db: sqlite3.Connection | None = None
        self._inherited: sqlite3.Connection | None = None
        self._pid = 0
        with contextlib.suppress(OSError):  # the cache's former format
            (folder / "articles.pickle").unlink(missing_ok=True)
        try:
            self._load()
        except sqlite3.DatabaseError:  # a damaged file: start again
            self._reset_file()

    # -- storage --------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():  # forked workers open their own
            if self._db is not None:  # inherited from the parent: never used nor closed here
                self._inherited = self._db
            self.folder.mkdir(parents=True, exist_ok=True)
            # one build at a time uses it, but a preview builds first in one thread, then in another
            self._db = sqlite3.connect(self.folder / FILE, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
            self._create()
            self._pid = os.getpid()
        return self._db

    def _create(self) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS articles (path TEXT PRIMARY KEY, "
                         "mtime_ns INTEGER, size INTEGER, digest TEXT, record BLOB, body TEXT, "
                         "tagging BLOB, tax_key TEXT)")

    def _load(self) -> None:
        if not (self.folder / FILE).is_file():
            return
        db = self._connect()
        stored = db.execute("SELECT v FROM meta WHERE k = 'key'").fetchone()
        if stored is None or stored[0] != self.key:
            with db:  # another builder version may have had other columns
                db.execute("DROP TABLE articles")
                self._create()
                db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self.key,))
            return
        for path, mtime_ns, size, digest, blob, tax_key in db.execute(
                "SELECT path, mtime_ns, size, digest, record, tax_key FROM articles"):
            self.rows[path] = _Row(mtime_ns, size, digest, blob, None, tax_key)

    def _reset_file(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(self.folder / (FILE + suffix))
        self.rows.clear()

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    # -- reading sources ------------------------------------------------------------------
    def holds(self, path: str) -> bool:
        """True when a result for this file (of some content) is stored."""
        return path in self.rows

    def known_digest(self, path: str, mtime_ns: int, size: int) -> str | None:
        """The digest of a file whose modification time and size are unchanged since the
        last build (so it need not be read again), like Black's cache."""
        row = self.rows.get(path)
        return row.digest if row and (row.mtime_ns, row.size) == (mtime_ns, size) else None

    def lookup(self, path: str, digest: str) -> tuple[Processed, str] | None:
        """The compact result stored for this file and content, and the key of the taxonomy
        it was tagged with; None when not cached."""
        row = self.rows.get(path)
        if row is None or row.digest != digest:
            return None
        self.seen.add(path)
        return row.value(), row.tax_key

    def tag_input(self, path: str) -> TagInput | None:
        """What tagging read of a stored article (for re-tagging it)."""
        stored = self._connect().execute("SELECT tagging FROM articles WHERE path = ?",
                                         (path,)).fetchone()
        return pickle.loads(stored[0]) if stored and stored[0] is not None else None

    def store_retagged(self, path: str, done: Processed, tax_key: str) -> Processed:
        """Replace a stored article's record after re-tagging; returns its compact form."""
        small = compact(done)
        row = self.rows[path]
        row.result, row.tax_key = small, tax_key
        self._retagged[path] = (pickle.dumps(small, protocol=pickle.HIGHEST_PROTOCOL), tax_key)
        return small

    def note_stat(self, path: str, mtime_ns: int, size: int) -> None:
        """The file was touched but its content is the same: remember the new stat."""
        row = self.rows.get(path)
        if row is not None and (row.mtime_ns, row.size) != (mtime_ns, size):
            row.mtime_ns, row.size = mtime_ns, size
            self._stats[path] = (mtime_ns, size)

    def store(self, path: str, digest: str, mtime_ns: int, size: int, done: Processed,
              tax_key: str) -> Processed:
        """Store a fresh result; returns its compact form (the body goes to the file)."""
        small = compact(done)
        article, tag_input = done.article, done.tag_input
        body = article.html if article is not None else ""
        self.rows[path] = _Row(mtime_ns, size, digest, None, small, tax_key)
        self.seen.add(path)
        self._pending[path] = (path, mtime_ns, size, digest,
                               pickle.dumps(small, protocol=pickle.HIGHEST_PROTOCOL), body,
                               pickle.dumps(tag_input, protocol=pickle.HIGHEST_PROTOCOL)
                               if tag_input is not None else None, tax_key)
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()
        return small

    def flush(self) -> None:
        """Write pending rows (bodies must be in the file before pages are rendered)."""
        if not self._pending and not self._stats and not self._retagged:
            return
        db = self._connect()
        with db:
            db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           self._pending.values())
            db.executemany("UPDATE articles SET record = ?, tax_key = ? WHERE path = ?",
                           [(blob, key, p) for p, (blob, key) in self._retagged.items()])
            db.executemany("UPDATE articles SET mtime_ns = ?, size = ? WHERE path = ?",
                           [(m, s, p) for p, (m, s) in self._stats.items()])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self.key,))
        self._pending.clear()
        self._stats.clear()
        self._retagged.clear()

    # -- rendering ------------------------------------------------------------------------
    def body(self, path: str) -> str:
        """The body HTML of a stored article (read on demand)."""
        pending = self._pending.get(path)
        if pending is not None:
            return pending[5]
        row = self._connect().execute("SELECT body FROM articles WHERE path = ?",
                                      (path,)).fetchone()
        if row is None:  # never publish an empty page for a body that went missing
            raise LookupError(f"the article cache lost the body of {path}; build again")
        return row[0]

    # -- end of a build -------------------------------------------------------------------
    def save(self) -> None:
        """Write what is pending and drop the rows of files this build did not see."""
        gone = [p for p in self.rows if p not in self.seen]
        self.flush()
        if gone:
            db = self._connect()
            with db:
                db.executemany("DELETE FROM articles WHERE path = ?", [(p,) for p in gone])
            for p in gone:
                del self.rows[p]

    def rollover(self) -> None:
        """Start the next build of a long-running preview from the rows in memory."""
        self.seen = set()


class NoCache:
    """The cache of a run that must write nothing (`check`): it finds nothing and keeps
    nothing; results keep their bodies, since nothing can be read back."""

    def holds(self, path: str) -> bool:
        return False

    def known_digest(self, path: str, mtime_ns: int, size: int) -> None:
        return None

    def lookup(self, path: str, digest: str) -> None:
        return None

    def store(self, path: str, digest: str, mtime_ns: int, size: int, done: Processed,
              tax_key: str) -> Processed:
        return done

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass
