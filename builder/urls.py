"""Every URL of the site, one function per page kind; templates never build URLs by hand."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from .config import Config
from .model import Article


def _fill(pattern: str, **values: object) -> str:
    return pattern.format(**{k: quote(str(v), safe="-_.~") for k, v in values.items()})


def article(cfg: Config, a: Article) -> str:
    return article_at(cfg, a.date, a.slug)


def article_at(cfg: Config, date: datetime, slug: str) -> str:
    """The URL an article with this date and slug would have."""
    local = date.astimezone(cfg.tz)
    return cfg.urls.article.format(year=local.year, month=f"{local.month:02d}",
                                   day=f"{local.day:02d}", slug=quote(slug, safe="-_.~"))


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


def out_path(url: str) -> str:
    """Where a URL's file lives in the output folder: `/a/b/` → `a/b/index.html`."""
    path = unquote(url).lstrip("/")  # a file is named by the decoded path a server looks up
    if not path or path.endswith("/"):
        return path + "index.html"
    return path
