"""Pages → files: path-safe, staged then committed, unchanged files untouched, stale removed.

Rendered pages that differ from what the output holds are written to a staging folder
first; only when every page rendered does `commit` move them into place (os.replace, atomic
per file) and delete the files of pages that no longer exist. A build that fails while
rendering leaves the output exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from pathlib import Path, PurePosixPath

from .model import Page

MANIFEST = "manifest.json"


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
    def __init__(self, output: Path, state: Path):
        self.output = output.resolve()
        self.state = state
        self.staging = state / "staging"
        self.old, self.old_keys = self._load_manifest()
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
        digest = hashlib.sha256(page.body).hexdigest()
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
        staged.write_bytes(page.body)
        self.staged.append(rel)
        return True

    def commit(self) -> tuple[int, int]:
        """Move staged files into the output and remove stale ones → (written, removed)."""
        if not self.staged and set(self.old) == set(self.new) and self.keys == self.old_keys:
            return 0, 0  # a no-change build touches nothing, not even the manifest
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
        removed = 0
        for rel in sorted(set(self.old) - set(self.new)):
            target = self.output / rel
            try:
                _inside(self.output, target)
                target.unlink()
                removed += 1
            except (FileNotFoundError, UnsafePath):
                continue
            _prune_empty(target.parent, self.output)
        self._save_manifest()
        shutil.rmtree(self.staging, ignore_errors=True)
        return len(self.staged), removed

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _save_manifest(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        tmp = self.state / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps({"files": dict(sorted(self.new.items())),
                                   "keys": dict(sorted(self.keys.items()))}, indent=0),
                       encoding="utf-8")
        os.replace(tmp, self.state / MANIFEST)


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


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so a reader never sees it half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
