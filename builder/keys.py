"""Every key the build compares, from one place: equal inputs give equal keys.

Four things are decided by comparing keys, and each key is made here from the same parts, so
they cannot disagree about what changed:

- the whole-build `fingerprint`: equal to the last good build's → nothing to do at all;
- the `article_cache` key: the settings the per-article stages read and the builder's code;
  a different one empties the article cache (a different taxonomy does not: the core re-tags);
- the `page` key of each output file: equal to the key the manifest recorded → not rendered;
- the preview's `signature`s of the taxonomy and theme folders: equal → not reloaded;
- the taxonomy's `content` key, kept with each cached article: different → re-tagged.

And one name: the build state's folder for an output path (`output_folder`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from . import __version__
from .config import Config

Stat = tuple[str, int, int]
"""(path, mtime_ns, size) of one file."""


def _digest(*parts: object, size: int = 16) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=size).hexdigest()


@cache
def code_version() -> str:
    """The builder's version and a hash of its source: editing the code changes every key."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def settings(cfg: Config) -> str:
    """Every setting (the whole-site stages may read any of them)."""
    return _digest(repr(cfg))


def article_settings(cfg: Config) -> str:
    """Only the settings the per-article stages read: a new `title` re-renders pages but
    keeps every cached article."""
    return _digest(cfg.timezone, cfg.language, cfg.clean, cfg.slugs,
                   cfg.tagging, cfg.duplicates.shingle)


def article_cache(cfg: Config) -> str:
    """The article cache's key: the per-article settings and the code (not the taxonomy)."""
    return f"{article_settings(cfg)}:{code_version()}"


def tree(folder: Path) -> list[Stat]:
    """(path, mtime_ns, size) of every file under `folder`, sorted: a folder's signature."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            try:
                st = os.stat(os.path.join(root, name))
            except OSError:
                continue
            out.append((os.path.join(root, name), st.st_mtime_ns, st.st_size))
    return out


def signature(cfg: Config | None, folders: Iterable[Path]) -> str:
    """The preview's test for reloading the taxonomy or the theme: settings and file stats."""
    return _digest(repr(cfg), [tree(f) for f in folders])


def fingerprint(cfg: Config, content: list[Stat], theme_folders: Iterable[Path],
                search: bool) -> str:
    """Every input of a build: code, settings, taxonomy and theme files, each content file's
    stat (see fingerprint.py for how it is used)."""
    return _digest(code_version(), repr(cfg), search,
                   [tree(f) for f in (cfg.path("taxonomy_dir"), *theme_folders)], content,
                   size=20)


def content(parts: Iterable[bytes]) -> str:
    """The bytes of some files, in order (the taxonomy's: `Taxonomy.key`)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()[:16]


def files(paths: Iterable[tuple[str, Path]]) -> str:
    """The content of named files (a loaded theme's templates and static files)."""
    digest = hashlib.sha256()
    for name, path in paths:
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def pages(cfg: Config, theme_key: str, taxonomy_key: str) -> str:
    """What every page shares: theme, taxonomy, settings and code."""
    return _digest(theme_key, taxonomy_key, repr(cfg), code_version())


def page(shared: str, parts: tuple) -> str:
    """One page's input key: `shared` (from `pages`) and what the page shows of the site."""
    return _digest(shared, parts)


def short(text: str) -> str:
    """A short hash of `text` (an article's stamp, in keys of pages that show many)."""
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def output_folder(output: Path) -> str:
    """The state folder's name for an output path: readable, and unique per absolute path."""
    digest = hashlib.blake2b(str(output).encode(), digest_size=8).hexdigest()
    name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in output.name)[:40]
    return f"{name or 'root'}-{digest}"
