"""Find content files (sorted) and read their bytes; nothing else."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .model import Problem, SourceFile

EXTENSIONS = frozenset({".md", ".markdown", ".mdown", ".mkd", ".html", ".htm", ".txt"})
MAX_BYTES = 32 * 1024 * 1024
"""Files larger than this are reported and not read (a news article is never this big)."""


def discover(content: Path, exclude: tuple[Path, ...] = ()) -> list[str]:
    """Content files under `content`, as sorted `/`-separated relative paths.

    Hidden files and folders, and any folder in `exclude` (the taxonomy), are skipped.
    """
    return [rel for rel, _, _ in scan(content, exclude)]


def scan(content: Path, exclude: tuple[Path, ...] = ()) -> list[tuple[str, int, int]]:
    """`discover`, with each file's (mtime_ns, size): one directory walk, no extra stat."""
    content = content.resolve()
    skip = {str(p.resolve()) for p in exclude}
    found: list[tuple[str, int, int]] = []
    stack = [(str(content), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not name.startswith("_site") and os.path.realpath(entry.path) not in skip:
                        stack.append((entry.path, f"{prefix}{name}/"))
                    continue
                if os.path.splitext(name)[1].lower() not in EXTENSIONS or \
                        not entry.is_file():
                    continue
                st = entry.stat()
            except OSError:
                continue
            found.append((prefix + name, st.st_mtime_ns, st.st_size))
    found.sort()
    return found


def read(content: Path, rel: str) -> SourceFile | Problem:
    """Read one file; an unreadable or oversized file becomes a Problem."""
    path = content / rel
    try:
        stat = path.stat()
        if stat.st_size > MAX_BYTES:
            return Problem(rel, None, "error", "file-too-large",
                           f"file is {stat.st_size // 1024 // 1024} MB, more than "
                           f"{MAX_BYTES // 1024 // 1024} MB; not read")
        data = path.read_bytes()
    except OSError as exc:
        return Problem(rel, None, "error", "file-unreadable", f"cannot read: {exc.strerror}")
    return SourceFile(rel, data, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())
