"""Find content files (sorted) and read their bytes; nothing else.

Only files that resolve inside the content folder are read: a symbolic link pointing out of
it (`ln -s /etc/passwd content/x.md`), a dangling link and a link loop are skipped and
reported, and linked folders are not followed (a loop or a second copy of the archive).
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_module
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


def scan(content: Path, exclude: tuple[Path, ...] = (),
         problems: list[Problem] | None = None) -> list[tuple[str, int, int]]:
    """`discover`, with each file's (mtime_ns, size): one directory walk, no extra stat.
    Skipped symbolic links are appended to `problems` (when given)."""
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
                if entry.is_symlink():
                    stat = _linked(content, skip, entry, prefix + name, problems)
                    if stat is not None:
                        found.append((prefix + name, stat.st_mtime_ns, stat.st_size))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if not name.startswith("_site") and os.path.realpath(entry.path) not in skip:
                        stack.append((entry.path, f"{prefix}{name}/"))
                    continue
                if os.path.splitext(name)[1].lower() not in EXTENSIONS or \
                        not entry.is_file(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            found.append((prefix + name, st.st_mtime_ns, st.st_size))
    found.sort()
    return found


def _linked(content: Path, skip: set[str], entry: os.DirEntry, rel: str,
            problems: list[Problem] | None) -> os.stat_result | None:
    """The stat of a symbolic link's target when it is a content file inside the content
    folder; else None, and the link is reported."""
    def skipped(message: str, severity: str = "error") -> None:
        if problems is not None:
            problems.append(Problem(rel, None, severity, "symlink-skipped", message,
                                    "copy the file into the content folder instead"))

    is_content = os.path.splitext(entry.name)[1].lower() in EXTENSIONS
    try:
        target = Path(entry.path).resolve(strict=True)
    except RuntimeError:
        skipped("symbolic link loop; not read")
        return None
    except OSError:
        if is_content:
            skipped(f"dangling symbolic link (to {os.readlink(entry.path)!r}); not read")
        return None
    if target.is_dir():
        skipped("linked folder not followed (it may loop or repeat the archive)", "warning")
        return None
    if not is_content:
        return None
    if not inside(content, target):
        skipped(f"symbolic link to {str(target)[:120]!r}, outside the content folder; not read")
        return None
    if any(str(target).startswith(s + os.sep) for s in skip):
        skipped("symbolic link into the output, state or taxonomy folder; not read")
        return None
    try:
        st = target.stat()
    except OSError:
        return None
    return st if stat_module.S_ISREG(st.st_mode) else None


def inside(root: Path, path: Path) -> bool:
    return path == root or root in path.parents


def read(content: Path, rel: str) -> SourceFile | Problem:
    """Read one file; an unreadable or oversized file, or one that resolves outside the
    content folder (a symbolic link), becomes a Problem."""
    path = content / rel
    try:
        real = path.resolve(strict=True)
        if not inside(content.resolve(), real):
            return Problem(rel, None, "error", "symlink-skipped",
                           "resolves outside the content folder; not read",
                           "copy the file into the content folder instead")
        stat = real.stat()
        if stat.st_size > MAX_BYTES:
            return Problem(rel, None, "error", "file-too-large",
                           f"file is {stat.st_size // 1024 // 1024} MB, more than "
                           f"{MAX_BYTES // 1024 // 1024} MB; not read")
        data = real.read_bytes()
    except RuntimeError:
        return Problem(rel, None, "error", "symlink-skipped", "symbolic link loop; not read")
    except OSError as exc:
        return Problem(rel, None, "error", "file-unreadable", f"cannot read: {exc.strerror}")
    return SourceFile(rel, data, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())
