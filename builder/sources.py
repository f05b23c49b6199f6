"""Find content files (sorted) and read their bytes; nothing else.

Only files that resolve inside the content folder are read: a symbolic link pointing out of
it (`ln -s /etc/passwd content/x.md`), a dangling link and a link loop are skipped and
reported, and linked folders are not followed (a loop or a second copy of the archive).

The content may also be an fsspec URL (`s3://bucket/archive`, `gs://…`, `file:///…`; see
`Config.content`): `scan` and `read` then go through fsspec, so the machines that read the
files (a cluster's workers) need only the URL and the credentials fsspec finds in their
environment, not a shared folder.
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


def scan(content: Path | str, exclude: tuple[Path, ...] = (),
         problems: list[Problem] | None = None) -> list[tuple[str, int, int]]:
    """`discover`, with each file's (mtime_ns, size): one directory walk, no extra stat.
    Skipped symbolic links are appended to `problems` (when given)."""
    if isinstance(content, str):
        return _scan_url(content, problems)
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


def read(content: Path | str, rel: str) -> SourceFile | Problem:
    """Read one file; an unreadable or oversized file, or one that resolves outside the
    content folder (a symbolic link), becomes a Problem."""
    if isinstance(content, str):
        return _read_url(content, rel)
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


# -- content at an fsspec URL --------------------------------------------------------------------

def _filesystem(url: str):
    """(fsspec filesystem, root path) of a content URL. Raises OSError when fsspec, or the
    package of the URL's protocol (s3fs, gcsfs…), is not installed."""
    try:
        import fsspec
    except ImportError:
        raise OSError(f"content_dir is a URL ({url}): reading it needs fsspec: "
                      "pip install 'green-archive[cluster]'") from None
    try:
        fs, root = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise OSError(f"cannot read {url}: {exc}") from None
    return fs, root.rstrip("/")


def exists(url: str) -> bool:
    """Whether a content URL names a folder (or prefix) that can be listed."""
    fs, root = _filesystem(url)
    return bool(fs.isdir(root))


def _scan_url(url: str, problems: list[Problem] | None) -> list[tuple[str, int, int]]:
    """`scan` for a content URL: hidden and `_site` folders skipped as locally; a symbolic
    link (a `file://` URL) skipped and reported."""
    fs, root = _filesystem(url)
    found = []
    for path, info in sorted(fs.find(root, detail=True).items()):
        rel = path[len(root):].lstrip("/")
        parts = rel.split("/")
        if any(p.startswith(".") for p in parts) or any(p.startswith("_site") for p in parts[:-1]):
            continue
        if os.path.splitext(rel)[1].lower() not in EXTENSIONS or info.get("type") != "file":
            continue
        if info.get("islink"):
            if problems is not None:
                problems.append(Problem(rel, None, "error", "symlink-skipped",
                                        "symbolic link in a content URL; not read",
                                        "copy the file into the content folder instead"))
            continue
        found.append((rel, _modified_ns(info), int(info.get("size") or 0)))
    return found


def _modified_ns(info: dict) -> int:
    """When an object last changed, in ns, from whichever field its filesystem reports (the
    cache compares it with the size to skip unchanged files). Unknown: now, so that the file
    is read again and its content compared, never wrongly taken as unchanged."""
    import time
    from datetime import datetime

    for key in ("mtime", "LastModified", "last_modified", "updated", "modified", "created"):
        value = info.get(key)
        if isinstance(value, datetime):
            return int(value.timestamp() * 1e9)
        if isinstance(value, int | float) and value > 0:
            return int(value * 1e9)
        if isinstance(value, str) and value:
            try:
                return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1e9)
            except ValueError:
                continue
    return time.time_ns()


def _read_url(url: str, rel: str) -> SourceFile | Problem:
    """`read` for a content URL."""
    if rel.startswith("/") or ".." in rel.split("/"):
        return Problem(rel, None, "error", "file-unreadable", "not a path inside the content URL")
    try:
        fs, root = _filesystem(url)
        path = f"{root}/{rel}"
        info = fs.info(path)
        size = int(info.get("size") or 0)
        if size > MAX_BYTES:
            return Problem(rel, None, "error", "file-too-large",
                           f"file is {size // 1024 // 1024} MB, more than "
                           f"{MAX_BYTES // 1024 // 1024} MB; not read")
        data = fs.cat_file(path)
    except FileNotFoundError:
        return Problem(rel, None, "error", "file-unreadable", f"cannot read: not found in {url}")
    except OSError as exc:
        return Problem(rel, None, "error", "file-unreadable", f"cannot read: {exc}"[:300])
    return SourceFile(rel, data, _modified_ns(info), hashlib.sha256(data).hexdigest())
