"""Per-article results kept between builds: one SQLite file in the hidden state folder.

Each content file has one row: its stat (mtime, size) and digest, its compact record (the
Article without its body HTML and plain text, and the file's problems), its body HTML, what
tagging read (`TagInput`) and the key of the taxonomy it was tagged with. A build reads every
record (the index needs them all) but a body only when it renders that article's page or a feed
entry, so bodies never sit in memory all at once. An edit rewrites one row, not the whole cache.
A taxonomy edit re-tags each article from its stored `TagInput`: nothing is parsed or cleaned
again. The rows belong to one key (settings and builder code): a different key empties the
table. The folder is safe to delete at any time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
from dataclasses import replace
from functools import cache
from pathlib import Path

from . import __version__
from .model import Article, Problem, TagInput

FILE = "cache.sqlite"
FLUSH_EVERY = 256
"""Fresh results are written in batches of this many, so a cold build's bodies never pile
up in memory."""
Result = tuple[Article | None, tuple[Problem, ...]]


@cache
def code_version() -> str:
    """The builder's version and a hash of its source: editing the code invalidates the cache."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def compact(result: Result) -> Result:
    """The result without the article's body and text: what the index and listings need."""
    article, problems = result
    if article is not None and (article.html or article.text):
        article = replace(article, html="", text="")
    return article, problems


class _Row:
    __slots__ = ("mtime_ns", "size", "digest", "blob", "result", "tax_key")

    def __init__(self, mtime_ns: int, size: int, digest: str, blob: bytes | None,
                 result: Result | None = None, tax_key: str = ""):
        self.mtime_ns, self.size, self.digest, self.blob, self.result = \
            mtime_ns, size, digest, blob, result
        self.tax_key = tax_key

    def value(self) -> Result:
        if self.result is None:
            self.result = pickle.loads(self.blob)
            self.blob = None
        return self.result


class Cache:
    """The article cache of one state folder and key. Use: `known_digest`/`get`/`put` while
    reading sources, `body` while rendering, `save` at the end of a successful build (it drops
    the rows of files that are gone). A preview keeps one instance: `rollover` starts its next
    build from what is in memory."""

    def __init__(self, folder: Path, key: str):
        self.folder = folder
        self.key = f"{key}:{code_version()}"
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
    def known_digest(self, path: str, mtime_ns: int, size: int) -> str | None:
        """The digest of a file whose modification time and size are unchanged since the
        last build (so it need not be read again), like Black's cache."""
        row = self.rows.get(path)
        return row.digest if row and (row.mtime_ns, row.size) == (mtime_ns, size) else None

    def get(self, path: str, digest: str) -> Result | None:
        """The compact result for this file and content, if cached."""
        row = self.rows.get(path)
        if row is None or row.digest != digest:
            return None
        self.seen.add(path)
        return row.value()

    def tagged_with(self, path: str) -> str:
        """The key of the taxonomy a cached article was tagged with."""
        row = self.rows.get(path)
        return row.tax_key if row else ""

    def retag(self, path: str, tax, cfg) -> Result:
        """Tag a cached article again (the taxonomy changed) from its stored `TagInput`."""
        from .process import retag  # noqa: PLC0415 (loads the cleaning stack: only when needed)

        row = self.rows[path]
        article, problems = row.value()
        if article is None:
            return article, problems
        stored = self._connect().execute("SELECT tagging FROM articles WHERE path = ?",
                                         (path,)).fetchone()
        if stored is None or stored[0] is None:
            return article, problems
        result = retag(article, problems, pickle.loads(stored[0]), tax, cfg)
        row.result, row.tax_key = result, tax.key
        self._retagged[path] = (pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), tax.key)
        return result

    def note_stat(self, path: str, mtime_ns: int, size: int) -> None:
        """The file was touched but its content is the same: remember the new stat."""
        row = self.rows.get(path)
        if row is not None and (row.mtime_ns, row.size) != (mtime_ns, size):
            row.mtime_ns, row.size = mtime_ns, size
            self._stats[path] = (mtime_ns, size)

    def put(self, path: str, digest: str, mtime_ns: int, size: int, result: Result,
            tag_input: TagInput | None, tax_key: str) -> Result:
        """Store a fresh result; returns its compact form (the body goes to the file)."""
        small = compact(result)
        article = result[0]
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
