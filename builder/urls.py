"""Every URL of the site, one function per page kind; templates never build URLs by hand."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from .config import RESERVED_FOLDERS, Config, UrlsConfig
from .model import Article


def unproxy(url: str, prefixes: tuple[str, ...]) -> str:
    """`https://cors.zfour.workers.dev/?http://images…` → `http://images…`."""
    for prefix in prefixes:
        while url.startswith(prefix) and len(url) > len(prefix):
            url = url[len(prefix):]
    return url


def _fill(pattern: str, **values: object) -> str:
    return pattern.format(**{k: quote(str(v), safe="-_.~") for k, v in values.items()})


def article(cfg: Config, a: Article) -> str:
    """An article's URL: its front matter's permalink, else the `[urls] article` pattern."""
    return a.permalink or article_at(cfg, a.date, a.slug, a.undated)


def article_at(cfg: Config, date: datetime, slug: str, undated: bool = False) -> str:
    """The URL an article with this date and slug would have. An undated article's has
    `undated` for the year and no month or day: `/articles/undated/{slug}/`."""
    if undated:
        return _undated_pattern(cfg.urls.article).format(slug=_quote_slug(slug))
    local = date.astimezone(cfg.tz)
    return cfg.urls.article.format(year=local.year, month=f"{local.month:02d}",
                                   day=f"{local.day:02d}", slug=_quote_slug(slug))


@lru_cache(maxsize=1 << 16)
def _quote_slug(slug: str) -> str:
    """A slug as a URL path segment (every article's URL is asked for several times a build)."""
    return quote(slug, safe="-_.~")


@lru_cache(maxsize=16)
def _undated_pattern(pattern: str) -> str:
    out = pattern.replace("{year}", "undated")
    for part in ("{month}", "{day}"):
        out = out.replace(part + "/", "").replace("/" + part, "").replace(part, "")
    return out


def undated(cfg: Config) -> str:
    """The archive page of the articles without a date."""
    return cfg.urls.undated


def home() -> str:
    return "/"


def companies(cfg: Config) -> str:
    return cfg.urls.companies


def company(cfg: Config, slug: str) -> str:
    return _fill(cfg.urls.company, slug=slug)


def themes(cfg: Config) -> str:
    return cfg.urls.themes


def theme(cfg: Config, slug: str) -> str:
    return _fill(cfg.urls.theme, slug=slug)


def term(cfg: Config, kind: str, slug: str) -> str:
    return company(cfg, slug) if kind == "company" else theme(cfg, slug)


def term_index(cfg: Config, kind: str) -> str:
    return companies(cfg) if kind == "company" else themes(cfg)


def sources(cfg: Config) -> str:
    return cfg.urls.sources


def source(cfg: Config, slug: str) -> str:
    return _fill(cfg.urls.source, slug=slug)


def archive(cfg: Config) -> str:
    return cfg.urls.archive


def year(cfg: Config, y: int) -> str:
    return _fill(cfg.urls.year, year=y)


def month(cfg: Config, y: int, m: int) -> str:
    return _fill(cfg.urls.month, year=y, month=f"{m:02d}")


def language(cfg: Config, code: str) -> str:
    """The listing of every article in one language (`/en/`)."""
    return _fill(cfg.urls.language, lang=code)


def in_language(listing: str, code: str) -> str:
    """A listing's articles in one language: `/companies/byd/` → `/companies/byd/en/`."""
    return f"{listing}{quote(code, safe='-_.~')}/"


def topics(cfg: Config) -> str:
    return cfg.urls.topics


def search(cfg: Config) -> str:
    return cfg.urls.search


def not_found() -> str:
    return "/404.html"


def feed(listing: str = "/") -> str:
    """The Atom feed of a listing page (the site's at `/feed.xml`)."""
    return listing.rstrip("/") + "/feed.xml"


def page(listing: str, n: int) -> str:
    """Page `n` (1-based) of a paginated listing."""
    return listing if n <= 1 else f"{listing}page/{n}/"


def api_articles() -> str:
    return "/api/articles.json"


def asset(name: str) -> str:
    return f"/static/{name}"


def sitemap() -> str:
    return "/sitemap.xml"


def robots() -> str:
    return "/robots.txt"


def search_bundle() -> str:
    """The folder the search index (Pagefind's bundle: its script, styles and index) is
    served from; written as a whole by the search stage (`out_folder` gives its place)."""
    return "/pagefind/"


def search_asset(name: str) -> str:
    """A file of the search bundle, e.g. `pagefind-ui.js`."""
    return search_bundle() + name


FIXED_FILES = (sitemap(), robots(), feed(), not_found())
"""Files of the site's own at its root."""
FIXED_FOLDERS = RESERVED_FOLDERS
"""Folders of the site's own (the search bundle, assets, the JSON export, the preview's)."""


@lru_cache(maxsize=16)
def _reserved(patterns: UrlsConfig) -> tuple[frozenset[str], tuple[str, ...]]:
    """(URLs of the site's own pages that an article URL must not equal, folders it must not
    be inside)."""
    exact = {getattr(patterns, name) for name in ("companies", "themes", "sources", "archive",
                                                  "undated", "topics", "search")}
    exact |= {f + "/" for f in FIXED_FILES} | {"/"}
    return frozenset(exact), tuple(FIXED_FOLDERS) + tuple(f + "/" for f in FIXED_FILES)


def reserved(cfg: Config, url: str) -> str:
    """The site's own path an article URL would take (`/search/`, `/companies/`, a file such
    as `/sitemap.xml`, a folder such as `/pagefind/`), or "" when it is free. Only an article
    pattern without a folder of its own (`/{slug}/`) can reach one."""
    exact, folders = _reserved(cfg.urls)
    if url in exact:
        return url
    for prefix in folders:
        if url.startswith(prefix) or url == prefix.rstrip("/"):
            return prefix
    return ""


def base_path(cfg: Config) -> str:
    """The path part of base_url, e.g. `/archive/` for https://example.org/archive/."""
    return _base_path(cfg.base_url)


@lru_cache(maxsize=16)
def _base_path(base_url: str) -> str:
    path = urlsplit(base_url).path if "://" in base_url else base_url
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def href(cfg: Config, url: str) -> str:
    """A site URL as a link from any page: the base path prefixed (sub-path hosting)."""
    return base_path(cfg).rstrip("/") + url


def absolute(cfg: Config, url: str) -> str:
    """A full URL (canonical links, feeds, sitemap)."""
    if "://" not in cfg.base_url:
        return href(cfg, url)
    return cfg.base_url.rstrip("/").removesuffix(base_path(cfg).rstrip("/")) + href(cfg, url)


def out_folder(url: str) -> str:
    """Where a folder URL's files live in the output folder: `/pagefind/` → `pagefind`."""
    return unquote(url).strip("/")


def redirect_page(cfg: Config, target: str) -> bytes:
    """A page at an old URL that sends readers (to the site-relative URL: it works on any host,
    the preview included) and search engines (the canonical link) to `target`, a site URL."""
    def attr(text: str) -> str:
        return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")

    canonical, local = attr(absolute(cfg, target)), attr(href(cfg, target))
    return ('<!doctype html>\n<html><head><meta charset="utf-8">\n<title>Moved</title>\n'
            f'<link rel="canonical" href="{canonical}">\n<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={local}">\n</head>\n<body>\n'
            f'<p>This article has moved to <a href="{local}">{canonical}</a>.</p>\n'
            "</body></html>\n").encode()


def out_path(url: str) -> str:
    """Where a URL's file lives in the output folder: `/a/b/` → `a/b/index.html`."""
    path = unquote(url).lstrip("/")  # a file is named by the decoded path a server looks up
    if not path or path.endswith("/"):
        return path + "index.html"
    return path
