"""Site + theme → an iterator of Pages (lazy, so memory stays flat); Jinja2 built once."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Protocol

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    DictLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup

from . import chart, feeds, i18n, images, keys, state, textutil, urls
from .config import Config
from .index import primary
from .model import KINDS, Article, Page, Site
from .search import labels as search_labels
from .taxonomy import Taxonomy

KIND_KEYS = {"company": "companies", "theme": "themes"}
"""The catalog key naming each kind's index."""
FEED_ENTRIES = 20
OTHER_LANGUAGE_CARDS = 4
"""Cards of each other language on the home page (the site's own language leads)."""
RELATED_TERMS = 8


def local_date(moment: datetime, language: str, cfg: Config,
               catalogs: dict[str, dict] | None = None) -> str:
    """The publication date as a reader of that language writes it."""
    return i18n.date(moment.astimezone(cfg.tz), language,
                     catalogs or {"en": {"months": _MONTHS_EN}})


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


@dataclass(frozen=True)
class Theme:
    """A loaded theme: the Jinja environment and the static files to copy."""

    env: Environment
    static: tuple[tuple[str, Path], ...]
    """(output name, source file), site overrides first."""
    key: str
    """The content of every template, static file and catalog (`keys.files`)."""
    catalogs: dict = field(default_factory=dict)
    """language → interface strings (`i18n/<lang>.yaml`, the site's over the theme's)."""


def _theme_dir(cfg: Config) -> Path:
    theme_dir = Path(cfg.root) / cfg.themes_dir / cfg.theme
    if not (theme_dir / "templates").is_dir():
        packaged = Path(__file__).resolve().parent.parent / "themes" / cfg.theme
        theme_dir = packaged if (packaged / "templates").is_dir() else theme_dir
    return theme_dir


def theme_folders(cfg: Config) -> list[Path]:
    """Every folder a build reads templates and static files from."""
    theme_dir = _theme_dir(cfg)
    return [Path(cfg.root) / cfg.templates_dir, theme_dir / "templates", Path(cfg.root) / "static",
            theme_dir / "static", *_catalog_folders(cfg)]


def _catalog_folders(cfg: Config) -> list[Path]:
    """Interface string catalogs: the site's `i18n/` over the theme's."""
    return [Path(cfg.root) / "i18n", _theme_dir(cfg) / "i18n"]


def _environment(loader: BaseLoader) -> Environment:
    return Environment(
        loader=loader,
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def load_theme(cfg: Config) -> Theme:
    """Site templates (`templates_dir`) override the theme's, file by file."""
    theme_dir = _theme_dir(cfg)
    folders = [Path(cfg.root) / cfg.templates_dir, theme_dir / "templates"]
    env = _environment(ChoiceLoader([FileSystemLoader(str(f)) for f in folders if f.is_dir()]))
    static: dict[str, Path] = {}
    for folder in (Path(cfg.root) / "static", theme_dir / "static"):
        if folder.is_dir():
            for f in sorted(folder.rglob("*")):
                if f.is_file():
                    static.setdefault(f.relative_to(folder).as_posix(), f)
    catalogs = i18n.load(_catalog_folders(cfg))
    templates = [(f.as_posix(), f) for folder in folders + _catalog_folders(cfg) if folder.is_dir()
                 for f in sorted(folder.rglob("*")) if f.is_file()]
    return Theme(env, tuple(sorted(static.items())),
                 keys.files(templates + sorted(static.items())), catalogs)


def theme_sources(theme: Theme) -> tuple[dict[str, str], dict, str]:
    """(template name → source, catalogs, key): what another machine needs to render with
    `theme` (`theme_from_sources`), without its files."""
    names = theme.env.list_templates()
    return ({name: theme.env.loader.get_source(theme.env, name)[0] for name in names},
            theme.catalogs, theme.key)


def theme_from_sources(templates: dict[str, str], catalogs: dict, key: str) -> Theme:
    """A theme made from `theme_sources`: renders the same bytes, copies no static file."""
    return Theme(_environment(DictLoader(templates)), (), key, catalogs)


@dataclass(frozen=True, slots=True)
class Job:
    """A page not yet rendered: its input key decides whether it must be."""

    url: str
    out_path: str
    key: str
    """A hash of everything the page shows (`keys.page`): the incremental model's one key."""
    make: Callable[[], Page]
    listed: bool = True
    """In the sitemap: public HTML pages only (not redirects, folded duplicates, previews)."""
    lastmod: str = ""
    """When what the page shows last changed (ISO 8601), for the sitemap; empty: unknown."""
    shows: tuple[str, ...] = ()
    """The articles whose bodies the page shows (a worker that renders it is sent them)."""
    inline: bool = False
    """Rendered by the building process itself, never in a forked worker (it keeps what it
    computes for the next build: `EntryMemo`)."""


def make(job: Job) -> Page:
    """Render one job (top-level: the forked render workers call it)."""
    return job.make()


class Bodies(Protocol):
    """Where the renderer gets an article's body HTML: the records in the Site are compact
    (no body), so pages and feeds ask for a body when they show one."""

    def body(self, article_id: str) -> str: ...


class OwnBodies:
    """Bodies kept in the Site's own articles (a Site built in memory, as in the tests)."""

    def __init__(self, site: Site):
        self.site = site

    def body(self, article_id: str) -> str:
        return self.site.by_id[article_id].html


class Memo:
    """Values kept between builds in the state folder, each under a name and the key it was
    made from (a hash of its inputs, made as page keys are, so the code and settings are in
    it); a value is reused while its key is the same, and only this build's values are kept.
    Pure memoisation: a lost or damaged file costs time, never correctness."""

    FILE = "memo.pickle"

    def __init__(self, folder: Path | None = None):
        self.path = folder / self.FILE if folder is not None else None
        self._old: dict | None = None
        self.new: dict = {}
        self.made = 0
        """Values made by this build (not found in the memo)."""

    def get(self, name, key: str):
        if self._old is None:
            self._old = self._load()
        hit = self._old.get(name)
        if hit is not None and hit[0] == key:
            self.new[name] = hit
            return hit[1]
        return None

    def put(self, name, key: str, value):
        """Keep `value` under `name` and `key`; returns it."""
        self.new[name] = (key, value)
        self.made += 1
        return value

    def _load(self) -> dict:
        return state.read_memo(self.path) or {}

    def save(self) -> None:
        """Keep this build's values, when it made any (or dropped some)."""
        if self.path is None or self._old is None or \
                (not self.made and len(self.new) == len(self._old)):
            return
        state.write_memo(self.path, self.new)


class EntryMemo(Memo):
    """`api/articles.json`'s entries, each serialised once."""

    FILE = "api-entries.pickle"


class ListingMemo(Memo):
    """Each listing's page keys and each topic's head, made once while the articles it
    lists are the same."""

    FILE = "listings.pickle"


class Renderer:
    """Turns the Site into pages. Holds only read-only inputs; `jobs()` is a generator."""

    def __init__(self, site: Site, cfg: Config, tax: Taxonomy, theme: Theme,
                 bodies: Bodies | None = None, images: dict[str, str] | None = None,
                 image_files: dict[str, Path] | None = None,
                 redirects: dict[str, str] | None = None, entries: EntryMemo | None = None,
                 listings: ListingMemo | None = None):
        self.site, self.cfg, self.tax, self.theme = site, cfg, tax, theme
        self.entries = entries or EntryMemo()
        """`api/articles.json`'s entries from the last build (`EntryMemo`)."""
        self.listings = listings or ListingMemo()
        """Listings' page keys and topic heads from the last build (`ListingMemo`)."""
        self.redirects = redirects or {}
        """Old URL → id of the article it now redirects to (`slugs.update`)."""
        self.bodies = bodies or OwnBodies(site)
        self.search = cfg.search
        self.images = images or {}
        """Original image URL → site URL of its archived copy (`images = "archive"`)."""
        self.image_files = image_files or {}
        self.https = cfg.base_url.startswith("https://")
        self._local_images = {u: urls.href(cfg, v) for u, v in self.images.items()}
        self._absolute_images = {u: urls.absolute(cfg, v) for u, v in self.images.items()}
        self.lang = cfg.language
        self.catalogs = theme.catalogs or i18n.load([Path(__file__).resolve().parent.parent
                                                     / "themes" / "default" / "i18n"])
        self._stamps: dict[str, str] = {}
        self._years: dict[str, dict] = {}
        self._year_of: dict[str, int | str] = {}
        self._shown: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._short: dict[str, str] = {}
        """A listing's base URL → its articles per year (for every page of the listing)."""
        self._urls: dict[str, str] = {}
        self._cards: dict[str, dict] = {}
        self._chrome: dict[str, dict] = {}
        self._catalogs: dict[str, i18n.Catalog] = {}
        # archived images: a page changes when an image it shows gets (or loses) its copy
        self.shared_key = keys.pages(cfg, theme.key, tax.key) + (
            keys.page("images", tuple(sorted(self.images.items()))) if self.images else "")
        self.templates = {name: theme.env.get_template(f"{name}.html") for name in
                          ("article", "list", "term", "home", "terms", "topics", "archive",
                           "search", "404")}
        self.t = self.catalog(self.lang)
        self.common = self.chrome(self.lang)

    def chrome(self, language: str) -> dict:
        """What every page in this interface language shows around its content."""
        hit = self._chrome.get(language)
        if hit is not None:
            return hit
        cfg, t = self.cfg, self.catalog(language)
        hit = self._chrome[language] = {
            "site": {"title": cfg.title, "description": cfg.description,
                     "language": cfg.language, "search": self.search, "https": self.https,
                     "image": self.site_image()},
            "t": t,
            "ui_lang": t.language,
            "nav": [(t(key), self.href(url)) for key, url in (
                ("home", urls.home()), ("companies", urls.companies(cfg)),
                ("themes", urls.themes(cfg)), ("sources", urls.sources(cfg)),
                ("archive", urls.archive(cfg)), ("topics", urls.topics(cfg)))],
            "css": self.href(urls.asset("style.css")),
            "favicon": self.href(urls.asset("favicon.svg")),
            "search_js": self.href(urls.asset("search.js")),
            "search_bundle": self.href(urls.search_bundle()),
            "ui_js": self.href(urls.asset("ui.js")),
            "home": self.href(urls.home()),
            "feed": self.href(urls.feed()),
            "search_url": self.href(urls.search(cfg)),
        }
        return hit

    # -- helpers --------------------------------------------------------------------------
    def catalog(self, language: str) -> i18n.Catalog:
        hit = self._catalogs.get(language)
        if hit is None:
            hit = self._catalogs[language] = i18n.catalog(self.catalogs, language)
        return hit

    def href(self, url: str) -> str:
        return urls.href(self.cfg, url)

    def body(self, a: Article, absolute: bool = False) -> str:
        """An article's body as pages show it: archived images point at their copies (with the
        original as a link), http images on an https site are asked for over https."""
        local = self._absolute_images if absolute else self._local_images
        return images.rewrite(self.bodies.body(a.id), local, self.https)

    def image(self, url: str) -> str:
        """A lead image's address: its archived copy, else the original (https on an https
        site)."""
        if url in self.images:
            return self.href(self.images[url])
        if self.https and url.startswith("http://"):
            return "https://" + url[len("http://"):]
        return url

    def url_of(self, a: Article) -> str:
        """An article's URL (cached: listings, feeds and the sitemap all ask)."""
        hit = self._urls.get(a.id)
        if hit is None:
            hit = self._urls[a.id] = urls.article(self.cfg, a)
        return hit

    def term_name(self, kind: str, slug: str, language: str | None = None) -> str:
        """A term's name in `language` (the site's by default) where the taxonomy has it."""
        entry = self.tax.entry(kind, slug)
        return entry.name(language or self.lang) if entry else slug

    def other_name(self, kind: str, slug: str) -> str:
        """The term's name in the other of its two languages, when it differs."""
        entry = self.tax.entry(kind, slug)
        if entry is None:
            return ""
        other = entry.en if self.lang.startswith("zh") else entry.zh
        return other if other and other != entry.name(self.lang) else ""

    def terms_of(self, a: Article, kind: str) -> list[dict]:
        """An article's chips, named in the article's own language."""
        language = a.language or self.lang
        return [{"name": self.term_name(kind, s, language),
                 "url": self.href(urls.term(self.cfg, kind, s)), "slug": s}
                for s in self.shown_terms(a.id)[KINDS.index(kind)]]

    def shown_terms(self, article_id: str) -> tuple[tuple[str, ...], ...]:
        """An article's terms that have a page, per kind in KINDS' order (cached: stamps,
        chips and topic heads all ask)."""
        hit = self._shown.get(article_id)
        if hit is None:
            tags, terms = self.site.by_id[article_id].tags, self.site.terms
            hit = self._shown[article_id] = tuple(
                tuple(t.term for t in tags if t.kind == kind and t.term in terms[kind])
                for kind in KINDS)
        return hit

    def source_of(self, a: Article) -> dict | None:
        if not a.source:
            return None
        slug = textutil.source_slug(a.source)
        return {"name": a.source, "url": self.href(urls.source(self.cfg, slug))}

    def card(self, a: Article) -> dict:
        """What a listing shows of an article (cached: an article is on many listings)."""
        hit = self._cards.get(a.id)
        if hit is None:
            hit = self._cards[a.id] = self._card(a)
        return hit

    def _card(self, a: Article) -> dict:
        language = a.language or self.lang
        own = self.catalog(language)  # the card's labels follow its article
        return {
            "id": a.id, "title": a.title, "url": self.href(self.url_of(a)),
            "date_iso": "" if a.undated else a.date.isoformat(),
            "date": own("undated") if a.undated else
            local_date(a.date, language, self.cfg, self.catalogs),
            "excerpt": a.excerpt, "source": self.source_of(a), "lang": a.language,
            "companies": self.terms_of(a, "company"), "themes": self.terms_of(a, "theme"),
            "reading_minutes": a.reading_minutes,
            "minutes": own("minutes", n=a.reading_minutes), "chips_label": own("chips_label"),
            "year": "" if a.undated else a.date.astimezone(self.cfg.tz).year,
            "draft": a.draft, "preview": own("preview") if a.draft else "",
        }

    def render(self, name: str, url: str, title: str, ui: str | None = None, **ctx) -> Page:
        canonical = ctx.pop("canonical_override", "") or urls.absolute(self.cfg, url)
        description = ctx.pop("description", "") or self.cfg.description
        body = self.templates[name].render(
            **self.chrome(ui or self.lang), **ctx, page_title=title, canonical=canonical,
            description=description)
        return Page(url, urls.out_path(url), body.encode())

    # -- pages ----------------------------------------------------------------------------
    def stamp(self, article_id: str) -> str:
        """What a page shows of an article: its content (digest), URL, language and terms."""
        hit = self._stamps.get(article_id)
        if hit is None:
            a = self.site.by_id[article_id]
            hit = "\x1f".join((a.digest or a.id, a.slug, a.language, a.permalink, a.draft,
                               *(t for shown in self.shown_terms(article_id) for t in shown)))
            self._stamps[article_id] = hit
        return hit

    def short(self, article_id: str) -> str:
        """The article's stamp, hashed short (keys of pages that show many articles)."""
        hit = self._short.get(article_id)
        if hit is None:
            hit = self._short[article_id] = keys.short(self.stamp(article_id))
        return hit

    def of_ids(self, *parts, ids) -> str:
        """A key of `parts` and of what the pages show of the articles `ids`."""
        return keys.page(self.shared_key, (*parts, tuple(map(self.short, ids))))

    def job(self, url: str, key_parts: tuple, make: Callable[[], Page],
            listed: bool | None = None, lastmod: str = "", shows: tuple[str, ...] = (),
            inline: bool = False) -> Job:
        """A page, its input key made of `key_parts` (what the page shows of the site; the
        theme, taxonomy and settings are in `self.shared_key`): equal keys, equal bytes.
        `listed`: in the sitemap (default: an HTML page other than the 404)."""
        out = urls.out_path(url)
        if listed is None:
            listed = out.endswith(".html") and url != urls.not_found()
        return Job(url, out, keys.page(self.shared_key, key_parts), make, listed, lastmod, shows,
                   inline)

    def lastmod(self, ids) -> str:
        """The newest publication or update date of these articles (ISO 8601)."""
        newest = max((d for a in map(self.site.by_id.__getitem__, ids)
                      if (d := a.updated or (None if a.undated else a.date))), default=None)
        return newest.isoformat() if newest else ""

    def site_image(self) -> str:
        image = self.cfg.image
        if image.startswith("/"):
            return urls.absolute(self.cfg, image)
        return image if image.startswith(("http://", "https://")) else ""

    def languages_of(self, ids) -> dict[str, list[str]]:
        """primary language → the ids in it, the site's language first, then by count."""
        groups: dict[str, list[str]] = {}
        for i in ids:
            groups.setdefault(primary(self.site.by_id[i].language or self.lang), []).append(i)
        first = primary(self.lang)
        return {k: groups[k] for k in sorted(groups, key=lambda k: (k != first, -len(groups[k]), k))}

    def switch(self, base: str, counts: dict[str, int], here: str = "",
               per_language: Callable[[str], str] | None = None, ui: str | None = None
               ) -> list[dict]:
        """A language switch: every language with its count, linked to its listing."""
        if len(counts) < 2:
            return []
        per_language = per_language or (lambda code: urls.in_language(base, code))
        out = [{"code": "", "name": self.catalog(ui or self.lang)("all_languages"),
                "count": sum(counts.values()),
                "url": self.href(base), "current": here == ""}]
        out += [{"code": code, "name": i18n.language_name(self.catalogs, code), "count": n,
                 "url": self.href(per_language(code)), "current": here == code}
                for code, n in counts.items()]
        return out

    def jobs(self) -> Iterator[Job]:
        """Every output file as (url, output path, input key, how to render it): the build
        renders only those whose key changed since the last build. Redirect pages follow the
        pages and never take the place of one; the sitemap comes last: it lists every public
        HTML page before it, with its lastmod."""
        locations, taken = [], set()
        for job in chain(self._pages(), self.redirect_jobs()):
            if job.out_path in taken:  # a redirect at a path a page has
                continue
            taken.add(job.out_path)
            if job.listed:
                locations.append((urls.absolute(self.cfg, job.url), job.lastmod))
            yield job
        yield self.job(urls.sitemap(), ("sitemap", tuple(locations)), partial(
            lambda u, found: Page(u, urls.out_path(u), feeds.sitemap(found)), urls.sitemap(), locations))

    def _pages(self) -> Iterator[Job]:
        site, cfg = self.site, self.cfg
        empty = set(site.empty)
        for a in sorted(site.by_id.values(), key=lambda a: (-a.date.timestamp(), a.id)):
            if a.id in empty:
                continue  # no page: listed on its source's page, linked to the original
            older, newer = site.neighbours.get(a.id, (None, None))
            around = [i for i in (older, newer, site.duplicate_of.get(a.id))
                      if i] + list(site.related.get(a.id, ())) + list(site.duplicates.get(a.id, ()))
            yield self.job(self.url_of(a),
                           ("article", self.stamp(a.id), older, newer,
                            tuple((i, self.stamp(i)) for i in around)),
                           partial(self.article_page, a),
                           listed=not a.draft and a.id not in site.duplicate_of,
                           lastmod=self.lastmod((a.id,)), shows=(a.id,))
        yield from self.home_jobs()
        for kind in KINDS:
            yield self.job(urls.term_index(cfg, kind),
                           ("terms", kind, tuple((t.slug, len(t.article_ids))
                                                 for t in site.terms[kind].values())),
                           partial(self.term_index, kind))
            for slug, term in site.terms[kind].items():
                yield from self.term_jobs(kind, slug, list(term.article_ids))
        yield self.job(urls.sources(cfg), ("sources", tuple((slug, name, len(ids)) for slug, (name, ids)
                                                            in site.sources.items())),
                       self.source_index)
        for slug, (name, ids) in site.sources.items():
            titles_only = tuple((i, self.stamp(i)) for i in site.source_empty.get(slug, ()))
            yield from self.listing(urls.source(cfg, slug), name, list(ids),
                                    titles_only=titles_only)
        yield self.job(urls.archive(cfg), ("archive", tuple((m, len(ids)) for m, ids
                                                             in site.months.items()),
                                            len(site.undated)),
                       self.archive_index)
        if site.undated:  # after dated articles everywhere; here on their own
            yield from self.listing(urls.undated(cfg), self.t("undated_heading"),
                                    list(site.undated))
        for y, ids in site.years.items():
            yield from self.listing(urls.year(cfg, y), f"{y}", list(ids), languages=True)
        for (y, m), ids in site.months.items():
            yield from self.listing(urls.month(cfg, y, m), f"{y}-{m:02d}", list(ids))
        yield self.job(urls.topics(cfg), ("topics", tuple((k, s, len(t.article_ids))
                                                          for k in KINDS
                                                          for s, t in site.terms[k].items())),
                       self.topics_page)
        words = search_labels(cfg.language)
        yield self.job(urls.search(cfg), ("search", words["heading"]), partial(
            self.render, "search", urls.search(cfg), words["heading"], labels=words))
        yield self.job(urls.not_found(), ("404",), partial(self.render, "404", urls.not_found(), "404"))
        yield self.feed(urls.home(), cfg.title, [a.id for a in site.articles])
        yield self.job(urls.api_articles(), ("api", tuple(
            (i, self.stamp(i), site.duplicate_of.get(i), i in empty) for i in sorted(site.by_id))),
            self.api_export, inline=True)
        yield self.job(urls.robots(), ("robots",), self.robots)
        for url, path in sorted(self.image_files.items()):  # archived images
            yield self.job(url, ("image", url, path.name), partial(
                lambda u, p: Page(u, urls.out_path(u), p.read_bytes()), url, path))
        for name, path in self.theme.static:
            url = urls.asset(name)
            yield self.job(url, ("static", name), partial(
                lambda u, p: Page(u, urls.out_path(u), p.read_bytes()), url, path))

    def robots(self) -> Page:
        body = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(self.cfg, urls.sitemap())}\n"
        return Page(urls.robots(), urls.out_path(urls.robots()), body.encode())

    def article_page(self, a: Article) -> Page:
        site = self.site
        older, newer = site.neighbours.get(a.id, (None, None))
        copies = [site.by_id[i] for i in site.duplicates.get(a.id, ())]
        original = site.by_id.get(site.duplicate_of.get(a.id, ""))
        related = [self.card(site.by_id[i]) for i in site.related.get(a.id, ())]
        html = self.body(a)
        url = urls.absolute(self.cfg, self.url_of(a))
        image = (self._absolute_images.get(a.image) or a.image
                 if a.image.startswith(("http://", "https://")) else self.site_image())
        ctx = {
            "article": {
                **self.card(a),
                "html": Markup(html),
                "authors": a.authors,
                "image": a.image if a.image.startswith(("http://", "https://")) else "",
                "lead_original": a.image,
                # the lead image, unless the body already shows it
                "lead_image": self.image(a.image) if a.image.startswith(("http://", "https://"))
                and _image_key(a.image) not in html else "",
                "source_url": a.source_url,
                "chars": a.chars,
                "updated_iso": a.updated.isoformat() if a.updated else "",
            },
            "og_image": image,
            "json_ld": self.json_ld(a, url, image),
            "older": self.card(site.by_id[older]) if older else None,
            "newer": self.card(site.by_id[newer]) if newer else None,
            "related": related,
            "copies": [self.card(c) for c in copies],
            "original": self.card(original) if original else None,
            "description": a.excerpt,
            "og_type": "article",
        }
        page = self.render("article", self.url_of(a), a.title, **ctx,
                           canonical_override=urls.absolute(self.cfg, self.url_of(
                               original)) if original else "")
        return page

    def json_ld(self, a: Article, url: str, image: str) -> Markup:
        """schema.org NewsArticle for search engines and news aggregators, as the text of a
        `<script type="application/ld+json">` (`<`, `>` and `&` escaped: it cannot end the
        script element)."""
        home = urls.absolute(self.cfg, urls.home())
        publisher: dict = {"@type": "Organization", "name": self.cfg.title, "url": home}
        if self.site_image():
            publisher["logo"] = {"@type": "ImageObject", "url": self.site_image()}
        authors = [{"@type": "Person", "name": n} for n in a.authors] or \
            [{"@type": "Organization", "name": a.source} if a.source else publisher]
        about = [{"@type": "Organization" if kind == "company" else "Thing",
                  "name": self.term_name(kind, slug),
                  "url": urls.absolute(self.cfg, urls.term(self.cfg, kind, slug))}
                 for kind, shown in zip(KINDS, self.shown_terms(a.id), strict=True)
                 for slug in shown]
        data: dict = {
            "@context": "https://schema.org", "@type": "NewsArticle",
            "headline": a.title if len(a.title) <= 110 else a.title[:109] + "…",
            **({} if a.undated else {"datePublished": a.date.isoformat()}),
            **({"dateModified": a.updated.isoformat()} if a.updated else {}),
            "author": authors, "publisher": publisher,
            **({"image": [image]} if image else {}),
            "mainEntityOfPage": {"@type": "WebPage", "@id": url}, "url": url,
            **({"description": a.excerpt} if a.excerpt else {}),
            **({"inLanguage": a.language} if a.language else {}),
            **({"about": about} if about else {}),
            **({"isBasedOn": a.source_url} if a.source_url else {}),
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e")
                      .replace("&", "\\u0026"))

    # -- home and language listings ---------------------------------------------------------
    def home_jobs(self) -> Iterator[Job]:
        """The home page leads with the site's own language, then the latest of each other
        language; every language has its own paginated listing and feed (`/en/`…)."""
        site, cfg = self.site, self.cfg
        groups = site.languages or self.languages_of([a.id for a in site.articles])
        shown = []
        for n, (code, ids) in enumerate(groups.items()):
            shown.append((code, tuple((i, self.stamp(i))
                                      for i in ids[:cfg.per_page if n == 0 else OTHER_LANGUAGE_CARDS]),
                          len(ids)))
        yield self.job(urls.home(), ("home", tuple(shown)), partial(self.home_page, groups),
                       lastmod=self.lastmod(i for _, items, _ in shown for i, _ in items))
        counts = {code: len(ids) for code, ids in groups.items()}
        for code, ids in groups.items():
            listing = urls.language(cfg, code)
            ui = code if i18n.has(self.catalogs, code) else i18n.FALLBACK
            name = i18n.language_name(self.catalogs, code)
            yield from self.listing(listing, name, list(ids), feed=urls.feed(listing),
                                    ui=ui, lang=code, language=code,
                                    switch=tuple(counts.items()))
            yield self.feed(listing, f"{cfg.title} · {name}", ids)

    def home_page(self, groups: dict[str, tuple[str, ...]]) -> Page:
        cfg, by_id = self.cfg, self.site.by_id
        counts = {code: len(ids) for code, ids in groups.items()}
        sections = []
        for n, (code, ids) in enumerate(groups.items()):
            take = cfg.per_page if n == 0 else OTHER_LANGUAGE_CARDS
            name = i18n.language_name(self.catalogs, code)
            more = len(ids) > take or n > 0
            sections.append({
                "code": code, "name": name, "count": len(ids),
                "title": self.t("latest_in", name=name),
                "articles": [self.card(by_id[i]) for i in ids[:take]],
                "more": self.t("more_in", n=len(ids), name=name) if more else "",
                "more_url": self.href(urls.page(urls.language(cfg, code), 2 if n == 0 and
                                                len(ids) > take else 1)),
            })
        return self.render("home", urls.home(), cfg.title, intro=cfg.description,
                           sections=sections, feed_url="",
                           switch=self.switch(urls.home(), counts,
                                              per_language=lambda c: urls.language(cfg, c)))

    # -- topic pages ----------------------------------------------------------------------
    def term_jobs(self, kind: str, slug: str, ids: list[str]) -> Iterator[Job]:
        cfg = self.cfg
        name = self.term_name(kind, slug)
        listing = urls.term(cfg, kind, slug)
        entry = self.tax.entry(kind, slug)
        made = self.of_ids("term-head", kind, slug, ids=ids)
        head = self.listings.get(("term-head", kind, slug), made)
        if head is None:
            head = self.listings.put(("term-head", kind, slug), made, (
                self._coverage_key(ids), self._related_terms(kind, slug, ids)))
        context = ("term", kind, slug, entry.describe(self.lang) if entry else "", *head)
        # no feed for a term whose articles are all undated: it would stay empty
        dated = bool(ids) and not self.site.by_id[ids[0]].undated  # undated come last
        yield from self.listing(listing, name, ids, subtitle=self.other_name(kind, slug),
                                feed=urls.feed(listing) if dated else "", kind=kind, own=slug,
                                languages=True, term=context)
        if dated:
            yield self.feed(listing, f"{name} · {cfg.title}", ids)

    def _coverage_key(self, ids: list[str]) -> tuple:
        tz = self.cfg.tz
        cov = chart.coverage([a.date.astimezone(tz) for a in map(self.site.by_id.__getitem__, ids)
                              if not a.undated])
        return cov.months if cov else ()

    def _related_terms(self, kind: str, slug: str, ids: list[str]) -> tuple:
        """The companies and themes most often filed with this term: ((kind, slug, n), …)."""
        shown = self.shown_terms
        out = []
        for n, k in enumerate(KINDS):
            counts = Counter(chain.from_iterable(shown(i)[n] for i in ids))
            if k == kind:
                counts.pop(slug, None)
            ranked = sorted(((c, s) for s, c in counts.items()), key=lambda cs: (-cs[0], cs[1]))
            out += [(k, s, c) for c, s in ranked[:RELATED_TERMS]]
        return tuple(out)

    def term_head(self, context: tuple, ids: list[str], name: str) -> dict:
        """Page 1 of a topic: description, coverage chart, related terms, the latest article."""
        _, kind, slug, description, months, related = context
        t, cfg = self.t, self.cfg
        cov = chart.coverage([a.date.astimezone(cfg.tz) for a in map(self.site.by_id.__getitem__, ids)
                              if not a.undated])
        figure = None
        if cov:
            (fy, fm), (ly, lm) = cov.first, cov.last
            py, pm, peak = cov.peak
            summary = t("coverage_caption", first=t.month(fy, fm), last=t.month(ly, lm),
                        n=cov.total, peak_month=t.month(py, pm), peak=peak)
            figure = {"svg": chart.svg(cov, f"{t('coverage')}: {name}", summary, f"chart-{slug}"),
                      "caption": summary, "marks": chart.year_marks(cov), "peak": peak}
        groups = []
        for k in KINDS:
            items = [{"name": self.term_name(k, s), "url": self.href(urls.term(cfg, k, s)), "count": n}
                     for kk, s, n in related if kk == k]
            if items:
                groups.append({"kind": k, "title": t("related_companies" if k == "company"
                                                     else "related_themes"), "terms": items})
        return {"term_description": description, "chart": figure, "related_terms": groups,
                "featured": self.card(self.site.by_id[ids[0]]) if ids else None}

    # -- listings -------------------------------------------------------------------------
    def listing(self, base: str, title: str, ids: list[str], **extra) -> Iterator[Job]:
        """A paginated listing; with `languages`, one more listing per language of its
        articles when there are two or more (`{base}en/`…), linked by a language switch."""
        per = self.cfg.per_page
        total = max(1, math.ceil(len(ids) / per))
        if extra.pop("languages", False):
            groups = self.languages_of(ids)
            if len(groups) > 1:
                counts = tuple((code, len(g)) for code, g in groups.items())
                extra["switch"] = counts
                for code, g in groups.items():
                    name = i18n.language_name(self.catalogs, code)
                    sub = {k: v for k, v in extra.items() if k not in ("term", "feed")}
                    yield from self.listing(urls.in_language(base, code),
                                            self.t("in_language", title=title, name=name), g,
                                            **sub, language=code, parent=base)
        first = tuple(sorted(extra.items()))
        # every page's key is made from the listing's articles and `first`: while they are
        # the same, the keys are the last build's
        whole = self.of_ids("listing", base, title, first, per, ids=ids)
        made = self.listings.get(("listing", base), whole)
        if made is None:
            made = self.listings.put(("listing", base), whole, [
                (job.url, job.key, job.lastmod)
                for job in self._listing_jobs(base, title, ids, total, extra, first)])
        for n, (url, key, lastmod) in enumerate(made, 1):
            out = urls.out_path(url)
            yield Job(url, out, key, partial(self.listing_page, base, title, ids, n, total, extra),
                      out.endswith(".html") and url != urls.not_found(), lastmod)

    def _listing_jobs(self, base: str, title: str, ids: list[str], total: int, extra: dict,
                      first: tuple) -> Iterator[Job]:
        per = self.cfg.per_page
        # later pages show neither the topic's head nor the title-only items: their keys leave
        # them out, so a change there re-renders page 1 only
        later = tuple((k, True) if k == "term" else (k, v) for k, v in first
                      if k != "titles_only")
        years = self.year_counts(base, ids)
        for n in range(1, total + 1):
            chunk = ids[(n - 1) * per: n * per]
            shown = dict.fromkeys(self.year_of(i) for i in chunk)  # each year's head: its total
            parts = ("list", base, title, first if n == 1 else later, n, total, len(ids),
                     tuple((i, self.stamp(i)) for i in chunk),
                     tuple((y, years[y]) for y in shown))
            if n == 1 and "term" in extra and ids:
                parts += (self.stamp(ids[0]),)
            yield self.job(urls.page(base, n), parts,
                           partial(self.listing_page, base, title, ids, n, total, extra),
                           lastmod=self.lastmod(chunk))

    def listing_page(self, base: str, title: str, ids: list[str], n: int, total: int,
                     extra: dict) -> Page:
        per = self.cfg.per_page
        chunk = ids[(n - 1) * per: n * per]
        pager = {
            "current": n, "total": total,
            "prev": self.href(urls.page(base, n - 1)) if n > 1 else None,
            "next": self.href(urls.page(base, n + 1)) if n < total else None,
            "pages": [(i, self.href(urls.page(base, i))) for i in _window(n, total)],
        }
        feed = extra.get("feed")
        cards = [self.card(self.site.by_id[i]) for i in chunk]
        years = self.year_counts(base, ids)
        groups: list[dict] = []
        for c in cards:
            if not groups or groups[-1]["year"] != c["year"]:
                groups.append({"year": c["year"], "count": years[c["year"]], "articles": []})
            groups[-1]["articles"].append(c)
        parent = extra.get("parent") or base
        language = extra.get("language", "")
        counts = dict(extra.get("switch", ()))
        switch = self.switch(parent, counts, here=language) if counts else []
        if extra.get("ui"):  # the global language listings: every language one click away
            cfg = self.cfg
            switch = self.switch(urls.home(), counts, here=language,
                                 per_language=lambda c: urls.language(cfg, c), ui=extra["ui"])
        ctx = dict(heading=title if n == 1 else f"{title} · {n}/{total}",
                   subtitle=extra.get("subtitle", ""),
                   intro=extra.get("intro", "") if n == 1 else "",
                   articles=cards, groups=groups, pager=pager,
                   count=len(ids), feed_url=self.href(feed) if feed else "",
                   kind=extra.get("kind", ""), own=extra.get("own", ""), switch=switch,
                   titles_only=[self.title_only(self.site.by_id[i])
                                for i, _ in extra.get("titles_only", ())] if n == 1 else [],
                   lang=extra.get("lang") or self.lang)
        name = "list"
        if "term" in extra:
            name = "term"
            ctx.update(self.term_head(extra["term"], ids, title) if n == 1 else
                       {"term_description": "", "chart": None, "related_terms": [], "featured": None})
            if n == 1 and ids:  # the latest article is featured above: the years start after it
                ctx["groups"] = self._regroup(cards[1:], years)
            if ctx["term_description"]:
                ctx["description"] = ctx["term_description"]
        return self.render(
            name, urls.page(base, n), title if n == 1 else f"{title} ({n}/{total})",
            ui=extra.get("ui"), **ctx)

    def year_counts(self, base: str, ids: list[str]) -> dict:
        """The listing's articles per year (undated: ""), counted once per listing, not once
        per page (a listing of N articles has N / per_page pages)."""
        hit = self._years.get(base)
        if hit is None:
            hit = {}
            for i in ids:
                y = self.year_of(i)
                hit[y] = hit.get(y, 0) + 1
            self._years[base] = hit
        return hit

    def year_of(self, article_id: str) -> int | str:
        """The year an article is listed under (in the site's time zone; undated: "")."""
        hit = self._year_of.get(article_id)
        if hit is None:
            a = self.site.by_id[article_id]
            hit = self._year_of[article_id] = "" if a.undated else \
                a.date.astimezone(self.cfg.tz).year
        return hit

    @staticmethod
    def _regroup(cards: list[dict], years: dict[int, int]) -> list[dict]:
        groups: list[dict] = []
        for c in cards:
            if not groups or groups[-1]["year"] != c["year"]:
                groups.append({"year": c["year"], "count": years[c["year"]], "articles": []})
            groups[-1]["articles"].append(c)
        return groups

    def title_only(self, a: Article) -> dict:
        """An empty article as its source's page lists it: title, date, the original."""
        language = a.language or self.lang
        return {"title": a.title, "url": a.source_url, "lang": a.language,
                "date_iso": "" if a.undated else a.date.isoformat(),
                "date": self.catalog(language)("undated") if a.undated else
                local_date(a.date, language, self.cfg, self.catalogs)}

    def term_index(self, kind: str) -> Page:
        terms = sorted(self.site.terms[kind].values(), key=lambda t: (-len(t.article_ids),
                                                                      t.slug))
        items = [{"name": self.term_name(kind, t.slug), "other": self.other_name(kind, t.slug),
                  "url": self.href(urls.term(self.cfg, kind, t.slug)),
                  "count": len(t.article_ids)} for t in terms]
        heading = self.t(KIND_KEYS[kind])
        return self.render("terms", urls.term_index(self.cfg, kind), heading,
                           heading=heading, items=items)

    def source_index(self) -> Page:
        items = [{"name": name, "other": "", "count": len(ids) or len(self.site.source_empty.get(slug, ())),
                  "url": self.href(urls.source(self.cfg, slug))}
                 for slug, (name, ids) in sorted(self.site.sources.items(),
                                                 key=lambda kv: (-len(kv[1][1]), kv[0]))]
        return self.render("terms", urls.sources(self.cfg), self.t("sources"),
                           heading=self.t("sources"), items=items)

    def archive_index(self) -> Page:
        years = []
        for y, ids in self.site.years.items():
            months = [{"label": f"{m:02d}", "url": self.href(urls.month(self.cfg, y, m)),
                       "count": len(mids)}
                      for (yy, m), mids in sorted(self.site.months.items()) if yy == y]
            years.append({"year": y, "url": self.href(urls.year(self.cfg, y)),
                          "count": len(ids), "months": months})
        groups = self.site.languages or self.languages_of([a.id for a in self.site.articles])
        cfg = self.cfg
        undated = {"url": self.href(urls.undated(cfg)), "count": len(self.site.undated),
                   "label": self.t("undated_heading")} if self.site.undated else None
        return self.render("archive", urls.archive(cfg), self.t("archive"),
                           heading=self.t("archive"), years=years, undated=undated,
                           switch=self.switch(urls.archive(cfg), {c: len(i) for c, i in groups.items()},
                                              per_language=lambda c: urls.language(cfg, c)))

    def topics_page(self) -> Page:
        groups = []
        for kind in KINDS:
            terms = sorted(self.site.terms[kind].values(),
                           key=lambda t: (-len(t.article_ids), t.slug))
            groups.append({"title": self.t(KIND_KEYS[kind]), "terms": [
                {"name": self.term_name(kind, t.slug), "count": len(t.article_ids),
                 "url": self.href(urls.term(self.cfg, kind, t.slug))} for t in terms]})
        return self.render("topics", urls.topics(self.cfg), self.t("all_topics"),
                           groups=groups)

    def redirect_jobs(self) -> Iterator[Job]:
        """A page at each old URL of a moved article (and each alias), unless a live article
        has taken that URL. Listed nowhere: not in the sitemap, feeds or listings."""
        live = {self.url_of(a) for a in self.site.by_id.values()}
        for old, article_id in self.redirects.items():
            a = self.site.by_id.get(article_id)
            if a is None or old in live:
                continue
            target = self.url_of(a)
            yield self.job(old, ("redirect", target), partial(
                lambda u, t: Page(u, urls.out_path(u), urls.redirect_page(self.cfg, t)),
                old, target), listed=False)

    def feed(self, listing: str, title: str, ids) -> Job:
        """A listing's Atom feed: its newest dated articles (a feed is ordered by date, so an
        undated article has no place in it; previews, drafts, future and expired, never reach
        feed readers)."""
        by_id = self.site.by_id
        entries = list(islice((i for i in ids if not by_id[i].undated and not by_id[i].draft),
                              FEED_ENTRIES))
        return self.job(urls.feed(listing), ("feed", listing, title,
                                             tuple((i, self.stamp(i)) for i in entries)),
                        partial(self.feed_page, listing, title, entries), shows=tuple(entries))

    def feed_page(self, listing: str, title: str, ids: list[str]) -> Page:
        entries = [self.site.by_id[i] for i in ids]
        body = feeds.atom(self.cfg, title, urls.absolute(self.cfg, urls.feed(listing)),
                          urls.absolute(self.cfg, listing),
                          [(a, urls.absolute(self.cfg, self.url_of(a)), self.body(a, absolute=True))
                           for a in entries])
        url = urls.feed(listing)
        return Page(url, urls.out_path(url), body)

    def api_export(self) -> Page:
        """`/api/articles.json`: one entry per built article (duplicates included, marked),
        each serialised as `json.dumps` of the whole would (sorted keys, compact), and taken
        from the last build's (`self.entries`) when its key is the same."""
        empty = set(self.site.empty)
        parts = []
        for i in sorted(self.site.by_id):
            key = keys.page(self.shared_key, ("api-entry", i, self.stamp(i),
                                              self.site.duplicate_of.get(i), i in empty))
            text = self.entries.get(i, key)
            if text is None:
                text = json.dumps(self.api_entry(self.site.by_id[i], empty), ensure_ascii=False,
                                  separators=(",", ":"), sort_keys=True)
                self.entries.put(i, key, text)
            parts.append(text)
        body = f'{{"articles":[{",".join(parts)}],"count":{len(parts)}}}'
        return Page(urls.api_articles(), urls.out_path(urls.api_articles()),
                    body.encode() + b"\n")

    def api_entry(self, a: Article, empty: set[str]) -> dict:
        """What `/api/articles.json` says of one article."""
        return {
            "source_path": a.id,
            # an empty article has no page of its own: its URL is the original's
            "url": a.source_url if a.id in empty else urls.absolute(self.cfg, self.url_of(a)),
            "empty": a.id in empty,
            "title": a.title,
            "date": None if a.undated else a.date.isoformat(),
            "date_evidence": a.date_evidence,
            "undated": a.undated,
            "updated": a.updated.isoformat() if a.updated else None,
            "excerpt": a.excerpt,
            "preview": a.draft or None,
            "source": a.source,
            "source_url": a.source_url,
            "authors": list(a.authors),
            "language": a.language,
            "companies": [{"slug": s, "name": self.term_name("company", s)}
                          for s in a.terms("company")],
            "themes": [{"slug": s, "name": self.term_name("theme", s)}
                       for s in a.terms("theme")],
            "tags": [{"kind": t.kind, "slug": t.term, "score": t.score,
                      "evidence": list(t.evidence)} for t in a.tags],
            "duplicate_of": self.site.duplicate_of.get(a.id),
            "reading_minutes": a.reading_minutes,
            "chars": a.chars,
        }


def _image_key(url: str) -> str:
    """The part of an image URL that survives proxies and query strings."""
    return url.split("?")[-1 if url.count("http") > 1 else 0].rsplit("/", 1)[-1] or url


def _window(n: int, total: int, width: int = 2) -> list[int]:
    """Page numbers shown in the pager: first, last, and `width` around the current."""
    shown = {1, total, *range(max(1, n - width), min(total, n + width) + 1)}
    return sorted(shown)


def template_position(exc: BaseException) -> tuple[str, int | None]:
    """The template file and line an error happened in (Jinja keeps them in the traceback)."""
    if getattr(exc, "filename", None):
        return exc.filename, getattr(exc, "lineno", None)
    found = ("theme", None)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml")):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found
