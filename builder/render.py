"""Site + theme → an iterator of Pages (lazy, so memory stays flat); Jinja2 built once."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Protocol

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import feeds, keys, textutil, urls
from .config import Config
from .model import KINDS, Article, Page, Site
from .search import labels as search_labels
from .taxonomy import Taxonomy

KIND_TITLES = {"company": ("公司", "Companies"), "theme": ("主题", "Themes")}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
             "September", "Oktober", "November", "Dezember")
FEED_ENTRIES = 20


def local_date(moment: datetime, language: str, cfg: Config) -> str:
    """The publication date as a reader of that language writes it."""
    d = moment.astimezone(cfg.tz)
    if language.startswith(("zh", "ja")):
        return f"{d.year}年{d.month}月{d.day}日"
    if language.startswith("de"):
        return f"{d.day}. {MONTHS_DE[d.month - 1]} {d.year}"
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def undated_label(language: str) -> str:
    """What a listing shows instead of the date of an article without one."""
    if language.startswith(("zh", "ja")):
        return "日期不详"
    return "ohne Datum" if language.startswith("de") else "undated"


@dataclass(frozen=True)
class Theme:
    """A loaded theme: the Jinja environment and the static files to copy."""

    env: Environment
    static: tuple[tuple[str, Path], ...]
    """(output name, source file), site overrides first."""
    key: str
    """The content of every template and static file (`keys.files`)."""


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
            theme_dir / "static"]


def load_theme(cfg: Config) -> Theme:
    """Site templates (`templates_dir`) override the theme's, file by file."""
    theme_dir = _theme_dir(cfg)
    folders = [Path(cfg.root) / cfg.templates_dir, theme_dir / "templates"]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(f)) for f in folders if f.is_dir()]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    static: dict[str, Path] = {}
    for folder in (Path(cfg.root) / "static", theme_dir / "static"):
        if folder.is_dir():
            for f in sorted(folder.rglob("*")):
                if f.is_file():
                    static.setdefault(f.relative_to(folder).as_posix(), f)
    templates = [(f.as_posix(), f) for folder in folders if folder.is_dir()
                 for f in sorted(folder.rglob("*")) if f.is_file()]
    return Theme(env, tuple(sorted(static.items())),
                 keys.files(templates + sorted(static.items())))


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


class Renderer:
    """Turns the Site into pages. Holds only read-only inputs; `jobs()` is a generator."""

    def __init__(self, site: Site, cfg: Config, tax: Taxonomy, theme: Theme,
                 bodies: Bodies | None = None, redirects: dict[str, str] | None = None):
        self.site, self.cfg, self.tax, self.theme = site, cfg, tax, theme
        self.redirects = redirects or {}
        """Old URL → id of the article it now redirects to (`slugs.update`)."""
        self.bodies = bodies or OwnBodies(site)
        self.lang = cfg.language
        self._stamps: dict[str, str] = {}
        self._urls: dict[str, str] = {}
        self._cards: dict[str, dict] = {}
        self.shared_key = keys.pages(cfg, theme.key, tax.key)
        self.templates = {name: theme.env.get_template(f"{name}.html") for name in
                          ("article", "list", "terms", "topics", "archive", "search", "404")}
        self.common = {
            "site": {"title": cfg.title, "description": cfg.description,
                     "language": cfg.language, "search": cfg.search, "image": self.site_image()},
            "nav": [(label, self.href(url)) for label, url in (
                ("首页 Home", urls.home()), ("公司 Companies", urls.companies(cfg)),
                ("主题 Themes", urls.themes(cfg)), ("来源 Sources", urls.sources(cfg)),
                ("归档 Archive", urls.archive(cfg)), ("全部主题 Topics", urls.topics(cfg)),
                ("搜索 Search", urls.search(cfg)))],
            "css": self.href(urls.asset("style.css")),
            "favicon": self.href(urls.asset("favicon.svg")),
            "search_js": self.href(urls.asset("search.js")),
            "search_bundle": self.href(urls.search_bundle()),
            "home": self.href(urls.home()),
            "feed": self.href(urls.feed()),
            "search_url": self.href(urls.search(cfg)),
        }

    # -- helpers --------------------------------------------------------------------------
    def href(self, url: str) -> str:
        return urls.href(self.cfg, url)

    def url_of(self, a: Article) -> str:
        """An article's URL (cached: listings, feeds and the sitemap all ask)."""
        hit = self._urls.get(a.id)
        if hit is None:
            hit = self._urls[a.id] = urls.article(self.cfg, a)
        return hit

    def term_name(self, kind: str, slug: str) -> str:
        entry = self.tax.entry(kind, slug)
        return entry.name(self.lang) if entry else slug

    def terms_of(self, a: Article, kind: str) -> list[dict]:
        return [{"name": self.term_name(kind, s), "url": self.href(urls.term(self.cfg, kind, s)),
                 "slug": s} for s in a.terms(kind) if s in self.site.terms[kind]]

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
        return {
            "id": a.id, "title": a.title, "url": self.href(self.url_of(a)),
            "date_iso": "" if a.undated else a.date.isoformat(),
            "date": undated_label(a.language or self.lang) if a.undated else
            local_date(a.date, a.language or self.lang, self.cfg),
            "excerpt": a.excerpt, "source": self.source_of(a), "lang": a.language,
            "companies": self.terms_of(a, "company"), "themes": self.terms_of(a, "theme"),
            "reading_minutes": a.reading_minutes, "draft": a.draft,
        }

    def render(self, name: str, url: str, title: str, **ctx) -> Page:
        canonical = ctx.pop("canonical_override", "") or urls.absolute(self.cfg, url)
        description = ctx.pop("description", "") or self.cfg.description
        body = self.templates[name].render(
            **self.common, **ctx, page_title=title, canonical=canonical,
            description=description)
        return Page(url, urls.out_path(url), body.encode())

    # -- pages ----------------------------------------------------------------------------
    def stamp(self, article_id: str) -> str:
        """What a page shows of an article: its content (digest), URL and filed terms."""
        hit = self._stamps.get(article_id)
        if hit is None:
            a = self.site.by_id[article_id]
            hit = "\x1f".join((a.digest or a.id, a.slug, a.permalink, a.draft,
                                *(t for k in KINDS for t in a.terms(k) if t in self.site.terms[k])))
            self._stamps[article_id] = hit
        return hit

    def job(self, url: str, key_parts: tuple, make: Callable[[], Page],
            listed: bool | None = None, lastmod: str = "") -> Job:
        """A page, its input key made of `key_parts` (what the page shows of the site; the
        theme, taxonomy and settings are in `self.shared_key`): equal keys, equal bytes.
        `listed`: in the sitemap (default: an HTML page other than the 404)."""
        out = urls.out_path(url)
        if listed is None:
            listed = out.endswith(".html") and url != urls.not_found()
        return Job(url, out, keys.page(self.shared_key, key_parts), make, listed, lastmod)

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
        yield from self._article_jobs()
        yield from self.listing(urls.home(), cfg.title, [a.id for a in site.articles],
                                intro=cfg.description, feed=urls.feed(), home=True)
        yield from self._term_jobs()
        yield self.job(urls.sources(cfg), ("sources", tuple((slug, name, len(ids)) for slug, (name, ids)
                                                            in site.sources.items())),
                       self.source_index)
        for slug, (name, ids) in site.sources.items():
            yield from self.listing(urls.source(cfg, slug), name, list(ids))
        yield self.job(urls.archive(cfg), ("archive", tuple((m, len(ids)) for m, ids
                                                             in site.months.items()),
                                            len(site.undated)),
                       self.archive_index)
        if site.undated:  # after dated articles everywhere; here on their own
            yield from self.listing(urls.undated(cfg), "日期不详 Undated", list(site.undated))
        for y, ids in site.years.items():
            yield from self.listing(urls.year(cfg, y), f"{y}", list(ids))
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
            (i, self.stamp(i), site.duplicate_of.get(i)) for i in sorted(site.by_id))),
            self.api_export)
        yield self.job(urls.robots(), ("robots",), self.robots)
        for name, path in self.theme.static:
            url = urls.asset(name)
            yield self.job(url, ("static", name), partial(
                lambda u, p: Page(u, urls.out_path(u), p.read_bytes()), url, path))

    def _article_jobs(self) -> Iterator[Job]:
        """One page per article (duplicates included), newest first; its key covers the
        articles it links to (neighbours, related, copies)."""
        site = self.site
        for a in sorted(site.by_id.values(), key=lambda a: (-a.date.timestamp(), a.id)):
            older, newer = site.neighbours.get(a.id, (None, None))
            around = [i for i in (older, newer, site.duplicate_of.get(a.id))
                      if i] + list(site.related.get(a.id, ())) + list(site.duplicates.get(a.id, ()))
            yield self.job(self.url_of(a),
                           ("article", self.stamp(a.id), older, newer,
                            tuple((i, self.stamp(i)) for i in around)),
                           partial(self.article_page, a),
                           listed=not a.draft and a.id not in site.duplicate_of,
                           lastmod=self.lastmod((a.id,)))

    def _term_jobs(self) -> Iterator[Job]:
        """Per kind: the index of terms, then each term's listing and feed."""
        site, cfg = self.site, self.cfg
        for kind in KINDS:
            yield self.job(urls.term_index(cfg, kind),
                           ("terms", kind, tuple((t.slug, len(t.article_ids))
                                                 for t in site.terms[kind].values())),
                           partial(self.term_index, kind))
            for slug, term in site.terms[kind].items():
                name = self.term_name(kind, slug)
                other = term.name_en if self.lang.startswith("zh") else term.name_zh
                listing = urls.term(cfg, kind, slug)
                # no feed for a term whose articles are all undated: it would stay empty
                dated = not site.by_id[term.article_ids[0]].undated  # undated come last
                yield from self.listing(listing, name, list(term.article_ids),
                                        subtitle=other if other != name else "",
                                        feed=urls.feed(listing) if dated else "", kind=kind)
                if dated:
                    yield self.feed(listing, f"{name} · {cfg.title}", term.article_ids)

    def robots(self) -> Page:
        body = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(self.cfg, urls.sitemap())}\n"
        return Page(urls.robots(), urls.out_path(urls.robots()), body.encode())

    def article_page(self, a: Article) -> Page:
        site = self.site
        older, newer = site.neighbours.get(a.id, (None, None))
        copies = [site.by_id[i] for i in site.duplicates.get(a.id, ())]
        original = site.by_id.get(site.duplicate_of.get(a.id, ""))
        related = [self.card(site.by_id[i]) for i in site.related.get(a.id, ())]
        html = self.bodies.body(a.id)
        url = urls.absolute(self.cfg, self.url_of(a))
        image = a.image if a.image.startswith(("http://", "https://")) else self.site_image()
        ctx = {
            "article": {
                **self.card(a),
                "html": Markup(html),
                "authors": a.authors,
                "image": a.image if a.image.startswith(("http://", "https://")) else "",
                # the lead image, unless the body already shows it
                "lead_image": a.image if a.image.startswith(("http://", "https://"))
                and _image_key(a.image) not in html else "",
                "source_url": a.source_url,
                "chars": a.chars,
                "year": "" if a.undated else a.date.astimezone(self.cfg.tz).year,
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
                 for kind in KINDS for slug in a.terms(kind) if slug in self.site.terms[kind]]
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

    def listing(self, base: str, title: str, ids: list[str], **extra) -> Iterator[Job]:
        per = self.cfg.per_page
        total = max(1, math.ceil(len(ids) / per))
        for n in range(1, total + 1):
            chunk = ids[(n - 1) * per: n * per]
            parts = ("list", base, title, tuple(sorted(extra.items())), n, total, len(ids),
                     tuple((i, self.stamp(i)) for i in chunk))
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
        return self.render(
            "list", urls.page(base, n), title if n == 1 else f"{title} ({n}/{total})",
            heading=title if n == 1 else f"{title} · {n}/{total}", subtitle=extra.get("subtitle", ""),
            intro=extra.get("intro", "") if n == 1 else "",
            articles=[self.card(self.site.by_id[i]) for i in chunk], pager=pager,
            count=len(ids), feed_url=self.href(feed) if feed else "",
            kind=extra.get("kind", ""))

    def term_index(self, kind: str) -> Page:
        terms = sorted(self.site.terms[kind].values(), key=lambda t: (-len(t.article_ids),
                                                                      t.slug))
        items = [{"name": self.term_name(kind, t.slug),
                  "other": t.name_en if self.lang.startswith("zh") else t.name_zh,
                  "url": self.href(urls.term(self.cfg, kind, t.slug)),
                  "count": len(t.article_ids)} for t in terms]
        zh, en = KIND_TITLES[kind]
        return self.render("terms", urls.term_index(self.cfg, kind), f"{zh} {en}",
                           heading=f"{zh} {en}", items=items)

    def source_index(self) -> Page:
        items = [{"name": name, "other": "", "count": len(ids),
                  "url": self.href(urls.source(self.cfg, slug))}
                 for slug, (name, ids) in sorted(self.site.sources.items(),
                                                 key=lambda kv: (-len(kv[1][1]), kv[0]))]
        return self.render("terms", urls.sources(self.cfg), "来源 Sources",
                           heading="来源 Sources", items=items)

    def archive_index(self) -> Page:
        years = []
        for y, ids in self.site.years.items():
            months = [{"label": f"{m:02d}", "url": self.href(urls.month(self.cfg, y, m)),
                       "count": len(mids)}
                      for (yy, m), mids in sorted(self.site.months.items()) if yy == y]
            years.append({"year": y, "url": self.href(urls.year(self.cfg, y)),
                          "count": len(ids), "months": months})
        undated = {"url": self.href(urls.undated(self.cfg)), "count": len(self.site.undated),
                   "label": "日期不详 Undated"} if self.site.undated else None
        return self.render("archive", urls.archive(self.cfg), "归档 Archive",
                           heading="归档 Archive", years=years, undated=undated)

    def topics_page(self) -> Page:
        groups = []
        for kind in KINDS:
            zh, en = KIND_TITLES[kind]
            terms = sorted(self.site.terms[kind].values(),
                           key=lambda t: (-len(t.article_ids), t.slug))
            groups.append({"title": f"{zh} {en}", "terms": [
                {"name": self.term_name(kind, t.slug), "count": len(t.article_ids),
                 "url": self.href(urls.term(self.cfg, kind, t.slug))} for t in terms]})
        return self.render("topics", urls.topics(self.cfg), "全部主题 All topics",
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
                        partial(self.feed_page, listing, title, entries))

    def feed_page(self, listing: str, title: str, ids: list[str]) -> Page:
        entries = [self.site.by_id[i] for i in ids]
        body = feeds.atom(self.cfg, title, urls.absolute(self.cfg, urls.feed(listing)),
                          urls.absolute(self.cfg, listing),
                          [(a, urls.absolute(self.cfg, self.url_of(a)), self.bodies.body(a.id))
                           for a in entries])
        url = urls.feed(listing)
        return Page(url, urls.out_path(url), body)

    def api_export(self) -> Page:
        """`/api/articles.json`: one entry per built article (duplicates included, marked)."""
        items = []
        for a in sorted(self.site.by_id.values(), key=lambda a: a.id):
            items.append({
                "source_path": a.id,
                "url": urls.absolute(self.cfg, self.url_of(a)),
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
            })
        body = json.dumps({"articles": items, "count": len(items)}, ensure_ascii=False,
                          separators=(",", ":"), sort_keys=True)
        return Page(urls.api_articles(), urls.out_path(urls.api_articles()),
                    body.encode() + b"\n")


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
