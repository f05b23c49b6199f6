"""What a build gets its long-lived inputs from: the taxonomy, the theme, the article cache.

`build.run` always asks a session. A one-off build (`Session`) loads each of them and closes
the cache at the end; the preview server's `PreviewSession` keeps them between rebuilds and
loads again only what changed (`keys.signature`).
"""

from __future__ import annotations

from pathlib import Path

from . import keys, render, taxonomy
from .cache import Cache
from .config import Config
from .model import Problem


class Session:
    """A one-off build's: everything loaded fresh, the cache closed when the build ends."""

    def taxonomy(self, folder: Path) -> tuple[taxonomy.Taxonomy, list[Problem]]:
        return taxonomy.load(folder)

    def theme(self, cfg: Config) -> render.Theme:
        return render.load_theme(cfg)

    def cache(self, state: Path, key: str) -> Cache:
        return Cache(state, key)

    def release(self, cache: Cache) -> None:
        """The build is over: a one-off build closes the cache's database."""
        cache.close()


class PreviewSession(Session):
    """A preview's: the taxonomy and the compiled theme are reloaded only when one of their
    files changes; the article cache's records stay in memory, not re-read from disk."""

    def __init__(self) -> None:
        self._tax: tuple[str, taxonomy.Taxonomy, list[Problem]] | None = None
        self._theme: tuple[str, render.Theme] | None = None
        self._cache: Cache | None = None

    def taxonomy(self, folder: Path) -> tuple[taxonomy.Taxonomy, list[Problem]]:
        signature = keys.signature(None, [folder])
        if self._tax is None or self._tax[0] != signature:
            self._tax = (signature, *taxonomy.load(folder))
        return self._tax[1], list(self._tax[2])

    def theme(self, cfg: Config) -> render.Theme:
        signature = keys.signature(cfg, render.theme_folders(cfg))
        if self._theme is None or self._theme[0] != signature:
            self._theme = (signature, render.load_theme(cfg))
        return self._theme[1]

    def cache(self, state: Path, key: str) -> Cache:
        if self._cache is None or self._cache.folder != state or self._cache.key != key:
            if self._cache is not None:
                self._cache.close()
            self._cache = Cache(state, key)
        else:
            self._cache.rollover()
        return self._cache

    def release(self, cache: Cache) -> None:
        """Kept open for the next rebuild."""
