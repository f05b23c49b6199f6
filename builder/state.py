"""Where a build keeps its state, whose the output folder is, and one build at a time per output.

The state (article cache, output manifest, fingerprint, staging) lives in the user's cache
folder, `$XDG_CACHE_HOME/green-archive/<output key>/` (`~/.cache/…` by default), keyed by the
output folder's absolute path, or under `cache_dir` from site.toml; when neither can be written,
in `.green-archive/` beside site.toml. Never beside the output, so nothing of it is published
with the site or lands in its repository.

The output folder is the tool's own: a marker file (`.green-archive`) says so. A folder that
holds files but no marker is refused unless `--force`; `/`, the home folder and any folder that
contains the content folder (the project root among them) are always refused.

A lock file in the state folder (holding the builder's pid) keeps a second build of the same
output waiting; it is an `flock`, so the lock of a build that died is free again at once and its
stale pid is simply overwritten.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path

from . import keys, write
from .config import Config
from .model import Problem

MARKER = ".green-archive"
"""The file in the output folder that marks it as green-archive's."""
LOCK = "lock"
APP = "green-archive"


def cache_home() -> Path | None:
    """`$XDG_CACHE_HOME`, else `~/.cache`; None when there is no home folder."""
    given = os.environ.get("XDG_CACHE_HOME", "")
    if given and Path(given).is_absolute():
        return Path(given)
    try:
        return Path.home() / ".cache"
    except (RuntimeError, KeyError):
        return None


def _usable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def state_dir(cfg: Config) -> Path:
    """The state folder of `cfg`'s output (see the module's docstring). Safe to delete."""
    key = keys.output_folder(cfg.path("output_dir"))
    if cfg.cache_dir:
        return cfg.path("cache_dir") / key
    home = cache_home()
    if home is not None and _usable(home / APP):
        return home / APP / key
    return Path(cfg.root).resolve() / ".green-archive" / key


def legacy_state_dir(output: Path) -> Path:
    """Where builds before the state moved kept it: beside the output (never written now)."""
    return output.parent / f".{output.name}.green-archive"


# -- the output folder ---------------------------------------------------------------------
def check_output(cfg: Config, force: bool = False) -> Problem | None:
    """Refuse an output folder the build must not write into; None when it may.

    Refused always: `/`, the home folder or a folder containing it, the content folder and
    any folder containing it (the project root), a folder overlapping the taxonomy or the
    theme, a folder containing the state. A folder inside the content folder is allowed:
    content discovery never enters the output (nor the state) folder.
    Refused unless `force`: a non-empty folder without the marker file."""
    output = cfg.path("output_dir")
    content = cfg.content_folder or Path("/nonexistent/object-storage")  # nothing local to spare
    where = str(output)

    def refuse(code: str, message: str, hint: str) -> Problem:
        return Problem(where, None, "error", code, message, hint)

    hint = "choose an empty or new folder: `output_dir` in site.toml or --output"
    home = None
    with contextlib.suppress(RuntimeError, KeyError):
        home = Path.home().resolve()
    if output == Path(output.anchor):
        return refuse("output-refused", "the output folder is the file system's root", hint)
    if home is not None and (output == home or output in home.parents):
        return refuse("output-refused", "the output folder is the home folder or contains it",
                      hint)
    if output == content:
        return refuse("output-refused", "the output folder is the content folder", hint)
    if content in output.parents and cfg.content != content:  # `file://`: fsspec enters it
        return refuse("output-refused", "the output folder is inside the content URL's "
                      "folder", hint)
    if output in content.parents:
        return refuse("output-refused", f"the output folder contains the content folder "
                      f"({content}): building would overwrite the project", hint)
    config_root = Path(cfg.root).resolve()
    for name, folder in (("taxonomy", cfg.path("taxonomy_dir")),
                         ("templates", (config_root / cfg.templates_dir).resolve()),
                         ("static files", (config_root / "static").resolve()),
                         ("themes", (config_root / cfg.themes_dir).resolve())):
        if output == folder or folder in output.parents or output in folder.parents:
            return refuse("output-refused", f"the output folder overlaps the {name} folder "
                          f"({folder})", hint)
    if output == config_root or output in config_root.parents:
        return refuse("output-refused", "the output folder is the project folder (the folder "
                      "of site.toml) or contains it", hint)
    state = state_dir(cfg)
    if output == state or output in state.parents:
        return refuse("output-refused", f"the output folder contains the build state ({state})",
                      "set `cache_dir` outside the output folder")
    if output.exists() and not output.is_dir():
        return refuse("output-refused", "the output path is a file, not a folder", hint)
    if is_ours(output) or force:
        return None
    if legacy_state_dir(output).joinpath("manifest.json").is_file():
        return None  # built by an earlier version, which kept its state beside the output
    try:
        foreign = next(iter(os.scandir(output)), None) if output.is_dir() else None
    except OSError as exc:
        return refuse("output-unreadable", f"cannot read the output folder: {exc.strerror}",
                      "check its permissions")
    if foreign is not None:
        return refuse("output-foreign",
                      f"the output folder holds files green-archive did not write (no {MARKER} "
                      f"marker, e.g. {foreign.name})",
                      "choose an empty folder, or pass --force to let green-archive take it over: "
                      "files of the same names are then replaced")
    return None


def is_ours(output: Path) -> bool:
    return (output / MARKER).is_file()


def mark(output: Path) -> None:
    """Create the output folder if needed and put the marker in it."""
    write.put(output, MARKER, (json.dumps({
        "generator": APP,
        "note": "this folder is written by green-archive; files it did not write are kept"})
        + "\n").encode())


# -- one build at a time -------------------------------------------------------------------
class Locked(Exception):
    """Another build holds the output; `pid` is its process id (0 when unknown)."""

    def __init__(self, pid: int):
        super().__init__(pid)
        self.pid = pid


class OutputLock:
    """An exclusive lock on one output's state folder, holding the builder's pid.

    `acquire(wait)` waits up to `wait` seconds, then raises `Locked`. The lock is an `flock`
    on the file, released by the kernel when its process dies, so a lock left by a killed
    build is free: its pid in the file is stale and is overwritten."""

    def __init__(self, state: Path):
        self.path = state / LOCK
        self._fd: int | None = None
        self.stale_pid = 0
        """The pid a dead build left in the lock file (taken over), or 0."""

    def acquire(self, wait: float = 0.0, waiting: Callable[[int], None] | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(0.0, wait)
        told = False
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                        break  # no locking on this file system: go on unlocked
                    holder = _read_pid(fd)
                    if time.monotonic() >= deadline:
                        raise Locked(holder) from None
                    if waiting and not told:
                        waiting(holder)
                        told = True
                    time.sleep(0.1)
            previous = _read_pid(fd)
            if previous and previous != os.getpid() and not _alive(previous):
                self.stale_pid = previous
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing releases the flock
        self._fd = None

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _read_pid(fd: int) -> int:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return 0
    return int(text) if text.isdigit() else 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- the search index ----------------------------------------------------------------------
SEARCH_STAMP = "search.json"


def _manifest_digest(state: Path) -> str:
    from .write import MANIFEST

    try:
        return hashlib.sha256((state / MANIFEST).read_bytes()).hexdigest()
    except OSError:
        return ""


def search_pages(output: Path) -> int | None:
    """The pages the search index in `output` holds, or None when it is missing, unreadable
    or marked failed (`search.indexed_pages`)."""
    from .search import indexed_pages

    return indexed_pages(output)


def note_search(state: Path, pages: int) -> None:
    """The search index now matches the output the manifest describes."""
    tmp = state / (SEARCH_STAMP + ".tmp")
    tmp.write_text(json.dumps({"manifest": _manifest_digest(state), "pages": pages}),
                   encoding="utf-8")
    os.replace(tmp, state / SEARCH_STAMP)


def search_current(output: Path, state: Path) -> bool:
    """The search index was built over the output as it is now (the manifest has not
    changed since) and still holds as many pages as then: else it must be built again."""
    try:
        stamp = json.loads((state / SEARCH_STAMP).read_text(encoding="utf-8"))
        manifest, pages = stamp["manifest"], stamp["pages"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return bool(manifest) and manifest == _manifest_digest(state) and \
        search_pages(output) == pages


# -- memos: values kept between builds to save time ------------------------------------------
def read_memo(path: Path | None) -> dict | None:
    """A memo file's dict (`index.RelatedMemo`, `render.Memo`), or None when there is none or
    it cannot be read: a memo only saves time, so a lost or damaged one is simply made again."""
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def write_memo(path: Path, data: dict) -> None:
    """Replace a memo file atomically; a failure to write it is ignored (see `read_memo`)."""
    tmp = path.with_suffix(".tmp")
    with contextlib.suppress(OSError):
        with open(tmp, "wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
