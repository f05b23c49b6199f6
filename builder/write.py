"""Pages → files: path-safe, staged then committed, unchanged files untouched, stale removed.

Rendered pages that differ from what the output holds are written to a staging folder
first; only when every page rendered does `commit` move them into place (os.replace, atomic
per file) and delete the files of pages that no longer exist. A build that fails while
rendering leaves the output exactly as it was.

A commit first writes an intent log (`commit.json`: every file it will replace or delete,
flushed to disk) and removes it only after the new manifest is in place. A commit that was
interrupted (killed, a full disk, a read-only folder) leaves the log behind; the next build's
`Writer` trusts none of the files it names, so they are rendered and written again (or
deleted) and that build equals a clean one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from .model import Page
from .textutil import scrub_utf8

MANIFEST = "manifest.json"
INTENT = "commit.json"
TEXT_SUFFIXES = (".html", ".htm", ".xml", ".json", ".txt", ".webmanifest")


class CommitFailed(Exception):
    """A commit stopped part way (`done` of `total` changes made); the intent log stays, so
    the next build repairs the output. `cause` is the OSError."""

    def __init__(self, cause: OSError, done: int, total: int):
        super().__init__(str(cause))
        self.cause, self.done, self.total = cause, done, total


class UnsafePath(ValueError):
    """A page asked to be written outside the output folder."""


def safe_relative(out_path: str) -> PurePosixPath:
    """Validate an output path: relative, no `..`, no empty or control-character parts."""
    parts = out_path.split("/")
    if not out_path or out_path.startswith(("/", "\\")) or \
            any(p in ("..", ".", "") or "\\" in p or not p.isprintable() for p in parts):
        raise UnsafePath(f"refusing to write outside the output folder: {out_path!r}")
    return PurePosixPath(out_path)


def manifest_files(state: Path) -> list[str]:
    """The files the last build left in the output (relative paths), from its manifest."""
    try:
        files = json.loads((state / MANIFEST).read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return []
    return [str(k) for k in files] if isinstance(files, dict) else []


class Writer:
    """One build's writes into `output`: `current` (a page whose key the manifest holds is
    kept), `add` (stage a rendered page), then `commit` (move into place, remove stale files,
    save the manifest) or `abort`."""

    def __init__(self, output: Path, state: Path):
        self.output = output.resolve()
        self.state = state
        self.staging = state / "staging"
        self.old, self.old_keys = self._load_manifest()
        self.repaired = self._distrust_interrupted()
        """Files an interrupted commit may have left wrong (rewritten or deleted now)."""
        self.new: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.staged: list[str] = []
        shutil.rmtree(self.staging, ignore_errors=True)
        self.unchanged = 0
        self._base = str(self.output) + os.sep

    def _load_manifest(self) -> tuple[dict[str, str], dict[str, str]]:
        try:
            data = json.loads((self.state / MANIFEST).read_text(encoding="utf-8"))
            return ({str(k): str(v) for k, v in data.get("files", {}).items()},
                    {str(k): str(v) for k, v in data.get("keys", {}).items()})
        except (OSError, ValueError, AttributeError):
            return {}, {}

    def _distrust_interrupted(self) -> int:
        """An interrupted commit's files: unknown content, so none is current; one that the
        new build does not produce is removed as stale."""
        try:
            touched = json.loads((self.state / INTENT).read_text(encoding="utf-8"))["files"]
        except FileNotFoundError:
            return 0
        except (OSError, ValueError, KeyError, TypeError):
            touched = None
        if not isinstance(touched, list):  # an unreadable log: trust nothing at all
            touched = list(self.old)
        for rel in touched:
            if isinstance(rel, str):
                self.old[rel] = ""
                self.old_keys.pop(rel, None)
        return len(touched)

    def current(self, out_path: str, key: str) -> bool:
        """True when the page at `out_path` was last built from the same input key and its
        file is still there: it need not be rendered again. (Paths in the manifest were
        checked when they were written, so a matching key needs no new check.)"""
        if self.old_keys.get(out_path) != key or out_path in self.new or out_path not in self.old:
            return False
        if not os.path.isfile(self._base + out_path):
            return False
        self.new[out_path] = self.old[out_path]
        self.keys[out_path] = key
        self.unchanged += 1
        return True

    def add(self, page: Page, key: str = "") -> bool:
        """Stage a page if its bytes differ from the output's; True when staged."""
        rel = safe_relative(page.out_path).as_posix()
        if rel in self.new:
            raise UnsafePath(f"two pages want the same file: {rel}")
        body = page.body
        if rel.endswith(TEXT_SUFFIXES):  # the last guard: no control character is published
            body = scrub_utf8(body)
        digest = hashlib.sha256(body).hexdigest()
        self.new[rel] = digest
        if key:
            self.keys[rel] = key
        target = self.output / rel
        if self.old.get(rel) == digest and target.is_file():
            self.unchanged += 1
            return False
        # staged flat (one folder, numbered files): no directory tree to create and delete
        staged = self.staging / f"{len(self.staged)}.page"
        if not self.staged:
            self.staging.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(body)
        self.staged.append(rel)
        return True

    def commit(self) -> tuple[int, int]:
        """Move staged files into the output and remove stale ones → (written, removed).
        Raises CommitFailed when a file operation fails part way (see the module)."""
        if not self.staged and set(self.old) == set(self.new) and self.keys == self.old_keys \
                and not self.repaired:
            return 0, 0  # a no-change build touches nothing, not even the manifest
        stale = sorted(set(self.old) - set(self.new))
        self._log_intent([*self.staged, *stale])
        done, total = 0, len(self.staged) + len(stale)
        try:
            self.output.mkdir(parents=True, exist_ok=True)
            made: set[Path] = set()
            for i, rel in enumerate(self.staged):
                target = self.output / rel
                _inside(self.output, target)
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                if target.is_dir():
                    shutil.rmtree(target)
                os.replace(self.staging / f"{i}.page", target)
                done += 1
            removed = 0
            for rel in stale:
                target = self.output / rel
                try:
                    _inside(self.output, target)
                    target.unlink()
                    removed += 1
                except (FileNotFoundError, UnsafePath):
                    continue
                finally:
                    done += 1
                _prune_empty(target.parent, self.output)
            self._save_manifest()
        except OSError as exc:
            raise CommitFailed(exc, done, total) from exc
        (self.state / INTENT).unlink(missing_ok=True)
        shutil.rmtree(self.staging, ignore_errors=True)
        return len(self.staged), removed

    def _log_intent(self, files: list[str]) -> None:
        """Write (and flush to disk) the files this commit will touch, before touching any."""
        self.state.mkdir(parents=True, exist_ok=True)
        path = self.state / INTENT
        if path.exists():  # an earlier interrupted commit: keep its files in the log too
            try:
                earlier = json.loads(path.read_text(encoding="utf-8"))["files"]
                files = sorted(set(files) | {f for f in earlier if isinstance(f, str)})
            except (OSError, ValueError, KeyError, TypeError):
                files = sorted(set(files) | set(self.old))
        tmp = self.state / (INTENT + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"files": files}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(self.state)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _save_manifest(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        tmp = self.state / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps({"files": dict(sorted(self.new.items())),
                                   "keys": dict(sorted(self.keys.items()))}, indent=0),
                       encoding="utf-8")
        os.replace(tmp, self.state / MANIFEST)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _inside(root: Path, target: Path) -> None:
    resolved = target.parent.resolve() / target.name
    if resolved != root and root not in resolved.parents:
        raise UnsafePath(f"refusing to write outside the output folder: {target}")


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def put(output: Path, name: str, data: bytes) -> None:
    """One file of the tool's own (the output's marker) written into the output folder
    atomically, outside the manifest: created if missing, never replaced once there."""
    output.mkdir(parents=True, exist_ok=True)
    target = output / safe_relative(name)
    if target.is_file():
        return
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


class IncompleteFolder(Exception):
    """A folder written by `put_folder` failed its check (the message says why)."""


def put_folder(root: Path, name: str, files: Iterable[tuple[str, bytes]],
               check: Callable[[Path], str | None]) -> None:
    """A folder of the tool's own (a search bundle) written under `root`, inside the output,
    as a whole: its files go into `.tmp-NAME`, `check` looks at the finished folder (None: it is
    complete), and only then is it renamed to `NAME`, replacing a folder of that name. A failed
    check raises IncompleteFolder and leaves nothing behind."""
    folder = root / safe_relative(name)
    tmp = root / f".tmp-{folder.name}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for rel, data in files:
            path = tmp / safe_relative(rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        problem = check(tmp)
        if problem:
            raise IncompleteFolder(problem)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def replace_file(path: Path, data: bytes) -> None:
    """A file of the tool's own (the search index's list of bundles) replaced atomically: a
    reader sees the old bytes or the new ones."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def prune(root: Path, keep: set[str], folders: re.Pattern, names: re.Pattern) -> None:
    """Delete the entries of `root` that are not kept and that the tool wrote: folders whose
    name matches `folders`, files whose name matches `names`; anything else is left alone."""
    for entry in os.scandir(root):
        if entry.name in keep:
            continue
        if entry.is_dir(follow_symlinks=False):
            if folders.match(entry.name):
                shutil.rmtree(entry.path, ignore_errors=True)
        elif names.match(entry.name):
            os.unlink(entry.path)
