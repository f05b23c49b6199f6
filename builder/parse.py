"""SourceFile → Draft: decode, split front matter, normalise fields whatever they are called."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

from . import dates, frontmatter, textutil
from .config import Config
from .decode import decode
from .model import Draft, Meta, Problem, Severity, SourceFile
from .urls import unproxy

# Field names seen in Hexo, Jekyll, Hugo, Pelican and scraped front matter, by meaning.
# Where two spellings of one field are present, the one listed first wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "date": ("date", "pubdate", "pubDate", "created", "created_at", "published_at", "datetime"),
    "publish_date": ("publishDate", "publish_date", "published"),
    "expiry_date": ("expiryDate", "expiry_date", "unpublishdate", "expires"),
    "time": ("time",),
    "updated": ("updated", "lastmod", "last_modified_at", "modified", "last_modified",
                "updated_at", "update"),
    "source": ("source", "sourceName", "source_name", "publisher", "via", "feed", "media"),
    "source_url": ("sourceUrl", "source_url", "original_url", "originalUrl", "original",
                   "link", "url", "canonical", "canonical_url", "from"),
    "authors": ("authors", "author", "reporter", "editor", "writer"),
    "image": ("image", "headimg", "thumbnail", "cover", "featured_image", "featured-img-url",
              "featured-img", "banner", "lead_image", "og_image", "img", "photo"),
    "slug": ("slug",),
    "permalink": ("permalink",),
    "aliases": ("aliases", "redirect_from"),
    "description": ("description", "excerpt", "summary", "abstract", "meta", "subtitle"),
    "excerpt_separator": ("excerpt_separator",),
    "language": ("lang", "language", "locale"),
    "categories": ("categories", "category"),
    "tags": ("tags", "keywords"),
    "companies": ("companies",),
    "themes": ("themes",),
    "exclude_companies": ("exclude_companies",),
    "exclude_themes": ("exclude_themes",),
    "draft": ("draft",),
}
# Known fields that mean something to a peer but nothing to the archive: read and ignored,
# with the reason the migration summary (`check`) gives.
IGNORED: dict[str, str] = {
    **dict.fromkeys(("layout", "type", "template", "markup", "outputs", "headless", "build",
                     "cascade", "params", "resources", "linkTitle", "translationKey",
                     "isCJKLanguage"), "the theme's article template lays out every article"),
    **dict.fromkeys(("weight", "sticky", "top", "pin", "pinned"),
                    "listings are ordered by date, newest first"),
    **dict.fromkeys(("comments", "toc", "mathjax", "katex", "reward", "aplayer", "share",
                     "copyright", "menu", "series", "photos", "hidden", "sitemap", "docs-url"),
                    "a theme feature the archive does not have"),
    **dict.fromkeys(("imageAttribution", "imageDescription", "imageAlt", "featured-img-alt",
                     "featured-img-url-768", "featured-img-url-1280"),
                    "only the lead image's URL is used"),
    **dict.fromkeys(("id", "uuid"), "articles are identified by their file path"),
    "redirect_to": "an article cannot redirect away; delete the file instead",
}
HEADLESS_KEYS = frozenset({"title", "date", "layout", "tags", "categories", "permalink",
                           "updated", "draft", "published", "slug", "comments"})
"""A file may start with its YAML (or JSON) without the opening `---`/`;;;` line, as Hexo
allows, only when its first line is one of these fields."""
_FIELD_OF = {name: field for field, names in ALIASES.items() for name in names}
_FIELD_OF_LOWER = {name.lower(): field for name, field in _FIELD_OF.items()}
_RANK = {name: i for names in ALIASES.values() for i, name in enumerate(names)}
_IGNORED_LOWER = {name.lower(): name for name in IGNORED}

MAX_TITLE = 300
MAX_UNKNOWN_REPORTED = 20
MAX_BODY = 2_000_000
"""Characters of body a news article may have; a larger one is reported and skipped."""
MAX_FIELD = 2000
MAX_ALIASES = 20
SAFE_SLUG = re.compile(r"^[\w][\w.-]{0,150}$")
SAFE_URL = re.compile(r"^(?:https?:)?//[^\s/$.?#][^\s]*$", re.I)
SAFE_PATH = re.compile(r"^/(?:[\w\-.~%+]+/)*(?:[\w\-.~%+]+(?:/|\.html?)?)?$")
"""A URL path a permalink or alias may take: segments of word characters, `-._~%+`."""
PLACEHOLDER = re.compile(r":(year|month|i_month|day|i_day|title|slug|categories|name)\b")
PLACEHOLDER_IMAGE = re.compile(r"^https?://(?:picsum\.photos|placehold\.it|via\.placeholder\.com|"
                               r"dummyimage\.com|placekitten\.com)/", re.I)
HTML_BODY = re.compile(r"^\s*<(?:div|p|section|article|html|body|table|h[1-6]|figure|img|span|"
                       r"center|ul|ol|blockquote|!--)\b", re.I)
MARKDOWN_MARK = re.compile(r"^(?:#{1,6}\s|[*+-]\s|\d+\.\s|>\s?|```|~~~|!\[)", re.M)
DATED_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")
"""Jekyll's and Hexo's post file names: `2008-12-03-permalinked-post.markdown`."""
READABLE_SLUG = re.compile(r"^(?=[\w-]*[a-z])[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def parse(src: SourceFile, cfg: Config) -> Draft | list[Problem]:
    """Read one source file; return a Draft, or the problems that make it unusable."""
    text, problems = decode(src.data, src.path)
    if text is None:
        return problems
    if (at := textutil.first_forbidden(text)) >= 0:  # never into any page, feed or JSON
        problems.append(Problem(src.path, text.count("\n", 0, at) + 1, "warning",
                                "control-characters", "characters HTML and XML forbid (control "
                                "characters, lone surrogates, noncharacters) removed"))
        text = textutil.scrub(text)
    front, body, body_line, split_problems = frontmatter.split(text, src.path, HEADLESS_KEYS)
    problems += split_problems
    if any(p.severity == "error" for p in split_problems):
        return problems
    if front and (clean := textutil.scrub_value(front)) != front:  # written as escapes
        problems.append(Problem(src.path, None, "warning", "control-characters",
                                "front-matter values held characters HTML and XML forbid "
                                "(removed)"))
        front = clean
    meta, field_problems = normalise(front or {}, text, body_line, src.path, cfg)
    problems += field_problems
    if len(body) > MAX_BODY:
        problems.append(Problem(src.path, body_line, "error", "body-too-large",
                                f"the body is {len(body) // 1_000_000} million characters; at most "
                                f"{MAX_BODY // 1_000_000} million are built",
                                "split the file or remove what is not the article"))
        return problems
    body_format = sniff_format(src.path, body)
    if not front:
        meta = _meta_from_plain(meta, body, src.path)
    return Draft(src.path, meta, body, body_format, body_line, tuple(problems),
                 has_front_matter=front is not None)


def sniff_format(path: str, body: str) -> str:
    """`html` for .html files and Markdown files whose body is an HTML fragment."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if HTML_BODY.match(body) and not MARKDOWN_MARK.search(body[:4000]):
        return "html"
    return "markdown"


def _as_list(value: object) -> tuple[str, ...]:
    """A list, a scalar, or a comma-separated string → tuple of non-empty strings."""
    if value is None:
        return ()
    if isinstance(value, (list, tuple, set)):
        out: list[str] = []
        for item in value:
            out.extend(_as_list(item))
        return tuple(out)
    if isinstance(value, dict):
        return tuple(str(k).strip() for k in value if str(k).strip())
    text = str(value).strip()
    if not text:
        return ()
    parts = re.split(r"\s*[,，、;；]\s*", text)
    return tuple(p for p in parts if p)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_as_text(v) for v in value)
    return " ".join(str(value).split())


class Fields:
    """The front matter sorted by meaning: one (key, value) per field, the line of each key,
    the problems found while reading them."""

    def __init__(self, front: dict, raw: str, body_line: int, path: str):
        self.path = path
        self.lines = frontmatter.key_lines(raw, body_line)
        self.problems: list[Problem] = []
        self.ignored: list[str] = []
        self.values: dict[str, tuple[str, object]] = {}
        unknown = 0
        for key, value in front.items():
            field = _FIELD_OF.get(key) or _FIELD_OF_LOWER.get(key.lower())
            if field is None:
                name = _IGNORED_LOWER.get(key.lower())
                if name is not None:
                    self.ignored.append(name)
                    continue
                if key.startswith(("_", "x-", "x_")):
                    continue
                unknown += 1
                if unknown <= MAX_UNKNOWN_REPORTED:
                    close = difflib.get_close_matches(key, list(_FIELD_OF) + sorted(IGNORED),
                                                      n=1, cutoff=0.75)
                    self.warn(key, "unknown-field", f"unknown front-matter field `{key}` (ignored)",
                              f"did you mean `{close[0]}`?" if close else "")
                continue
            held = self.values.get(field)
            if held is None or _RANK.get(key, 99) < _RANK.get(held[0], 99):
                self.values[field] = (key, value)
        if unknown > MAX_UNKNOWN_REPORTED:
            self.problems.append(Problem(path, None, "warning", "unknown-field",
                                         f"{unknown - MAX_UNKNOWN_REPORTED} more unknown fields "
                                         "(ignored)"))

    def get(self, field: str) -> tuple[str, object]:
        return self.values.get(field, (field, None))

    def line(self, key: str) -> int | None:
        return self.lines.get(key)

    def warn(self, key: str, code: str, message: str, hint: str = "",
             severity: Severity = "warning") -> None:
        self.problems.append(Problem(self.path, self.line(key), severity, code, message, hint))


def normalise(front: dict, raw: str, body_line: int, path: str,
              cfg: Config) -> tuple[Meta, list[Problem]]:
    """Front-matter mapping → Meta, one group of fields at a time; every unusable value is a
    Problem naming its line."""
    fields = Fields(front, raw, body_line, path)
    values: dict = {}
    for group in (_title, _dates, _people, _links, _image, _address, _text, _terms, _state):
        values.update(group(fields, cfg))
    values["ignored"] = tuple(fields.ignored)
    date_problem = values.pop("date_problem", None)
    meta = Meta(**values)
    if date_problem:
        meta = replace(meta, date_evidence=f"invalid: {date_problem[0]}")
        fields.problems.append(Problem(path, date_problem[1], "warning", "date-invalid",
                                       f"date is unusable: {date_problem[0]}"))
    return meta, fields.problems


def _title(f: Fields, cfg: Config) -> dict:
    key, title = f.get("title")
    if title is not None and not isinstance(title, (str, int, float)):
        f.warn(key, "field-type", f"`{key}` must be text, not {type(title).__name__}")
        title = None
    title = _as_text(title)
    if len(title) > MAX_TITLE:
        f.warn(key, "field-too-long", f"title is {len(title)} characters; cut to {MAX_TITLE}")
        title = title[:MAX_TITLE].rstrip() + "…"
    return {"title": title}


def _dates(f: Fields, cfg: Config) -> dict:
    """date (+ a separate `time`), publish date, expiry date, updated date."""
    values: dict = {}
    key, raw_date = f.get("date")
    key_p, raw_publish = f.get("publish_date")
    if isinstance(raw_publish, bool):  # Jekyll's `published: false` is a flag (see _state)
        key_p, raw_publish = "publish_date", None
    publish = _date_field(f, key_p, raw_publish, cfg)
    if raw_date is None and raw_publish is not None:  # Hugo: the date falls back to it
        key, raw_date = key_p, raw_publish
    if raw_date is not None:
        try:
            moment = dates.parse_date(raw_date, cfg.tz)
            _, raw_time = f.get("time")
            clock = dates.parse_time(raw_time) if raw_time is not None else None
            if clock is not None and moment.hour == moment.minute == 0:
                moment = moment.replace(hour=clock.hour, minute=clock.minute, second=clock.second)
            values["date"] = moment
            values["date_evidence"] = f"front matter `{key}`" + (" + `time`" if clock else "")
        except dates.DateError as exc:
            values["date_problem"] = (str(exc), f.line(key))
    if publish is not None and (values.get("date") is None or publish > values["date"]):
        values["publish_date"] = publish
    values["expiry_date"] = _date_field(f, *f.get("expiry_date"), cfg)
    values["updated"] = _date_field(f, *f.get("updated"), cfg)
    return values


def _date_field(f: Fields, key: str, value: object, cfg: Config) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return dates.parse_date(value, cfg.tz)
    except dates.DateError as exc:
        f.warn(key, "date-invalid", f"`{key}` is not a date: {exc} (ignored)")
        return None


def _people(f: Fields, cfg: Config) -> dict:
    """Authors and the publisher (feed bots write the feed's name as `author`)."""
    categories = _as_list(f.get("categories")[1])
    authors = tuple(a[:100] for a in _as_list(f.get("authors")[1]))
    source = _as_text(f.get("source")[1])[:200]
    # Feed bots write the feed's name as `author` and again as a category: that is the
    # publisher, not a person.
    if authors and not source and len(authors) == 1 and authors[0] in categories:
        source, authors = authors[0], ()
    return {"authors": authors, "source": source}


def _links(f: Fields, cfg: Config) -> dict:
    """The original article's URL (Hugo's `url: /path/` is a permalink: see _address)."""
    key, url = f.get("source_url")
    url = _as_text(url)
    if not url or key.lower() == "url" and url.startswith("/") and not url.startswith("//"):
        return {}
    if SAFE_URL.match(url):
        return {"source_url": ("https:" + url) if url.startswith("//") else url}
    f.warn(key, "unsafe-url", f"`{key}` is not an http(s) URL: {url[:80]!r} (dropped)")
    return {}


def _image(f: Fields, cfg: Config) -> dict:
    """The lead image, without the image proxy the body's images also lose."""
    key, image = f.get("image")
    image = unproxy(_as_text(image), cfg.clean.proxy_prefixes)
    if not image:
        return {}
    if PLACEHOLDER_IMAGE.match(image):
        f.warn(key, "placeholder-image", f"`{key}` is a random placeholder image (dropped)")
    elif SAFE_URL.match(image) or _relative_image(image):
        return {"image": image}
    else:
        f.warn(key, "unsafe-url", f"`{key}` is not an http(s) image URL: {image[:80]!r} "
                                  "(dropped)")
    return {}


def _address(f: Fields, cfg: Config) -> dict:
    """Slug (front matter, else a dated file name's), permalink and aliases."""
    values: dict = {}
    key, slug = f.get("slug")
    slug = _as_text(slug)
    if slug:
        if SAFE_SLUG.match(slug) and ".." not in slug:
            values["slug"] = slug
        else:
            f.warn(key, "unsafe-slug", f"`{key}` {slug[:80]!r} is not a safe slug (ignored)",
                   "use letters, digits and hyphens only")
    if "slug" not in values:
        named = DATED_NAME.match(PurePosixPath(f.path).stem)
        if named and READABLE_SLUG.match(named.group(4)):  # Jekyll's and Hexo's :title
            values["slug"] = named.group(4)
    key, permalink = f.get("permalink")
    if permalink is None:
        key, url = f.get("source_url")
        if key.lower() == "url" and isinstance(url, str) and url.startswith("/") \
                and not url.startswith("//"):
            key, permalink = key, url  # Hugo's `url`: the page's path
    if permalink is not None:
        values["permalink"] = _permalink(f, key, _as_text(permalink), cfg)
    key, aliases = f.get("aliases")
    kept = []
    for alias in _as_list(aliases)[:MAX_ALIASES]:
        path = _safe_path(alias)
        if path is None:
            f.warn(key, "unsafe-alias", f"`{key}` {alias[:80]!r} is not a path on this site "
                                        "(ignored)", "write a path such as /2019/05/old-name/")
        else:
            kept.append(path)
    values["aliases"] = tuple(dict.fromkeys(kept))
    return values


def _permalink(f: Fields, key: str, value: str, cfg: Config) -> str:
    """A checked permalink path; `:placeholders` are filled per article (`fill_permalink`)."""
    if not value:
        return ""
    path = _safe_path(value)
    if path is not None and _reserved(path, cfg):
        f.warn(key, "unsafe-permalink", f"`{key}` {value[:80]!r} is a path the site's own pages "
                                        "use (ignored; the [urls] pattern is used)",
               "choose a path outside the listings, e.g. /2019/05/my-post/")
        return ""
    if path is None:
        f.warn(key, "unsafe-permalink", f"`{key}` {value[:80]!r} is not a safe path on this "
                                        "site (ignored; the [urls] pattern is used)",
               "write a path such as /2019/05/my-post/")
        return ""
    return path


SITE_PATHS = ("/static/", "/pagefind/", "/api/", "/page/", "/feed.xml", "/404.html",
              "/sitemap.xml", "/robots.txt", "/index.html")


def _reserved(path: str, cfg: Config) -> bool:
    """Whether an article at `path` would take the place of one of the site's own pages."""
    if path == "/":
        return True
    prefixes = [getattr(cfg.urls, name).split("{", 1)[0] for name in
                ("companies", "themes", "sources", "archive", "topics", "search", "company",
                 "theme", "source", "year", "month")]
    return any(path.startswith(p) for p in (*SITE_PATHS, *prefixes) if p not in ("", "/"))


def _safe_path(value: str) -> str | None:
    """A site path (`my/post`, `/a/b.html`, `/:title`) normalised to start with `/` and end
    with `/` or `.html`; None when it could leave the site (`..`, a scheme, `//host`)."""
    value = value.strip()
    if not value or value.startswith("//") or "://" in value or "\\" in value:
        return None
    decoded = unquote(value)
    if ".." in decoded or any(not ch.isprintable() or ch.isspace() for ch in decoded):
        return None
    path = "/" + value.lstrip("/")
    if not path.endswith("/") and not path.lower().endswith((".html", ".htm")):
        path += "/"  # an extensionless path is served as its folder's index page
    check = PLACEHOLDER.sub(lambda m: m.group(1), path)
    return path if SAFE_PATH.match(check) else None


def fill_permalink(pattern: str, date: datetime, categories: tuple[str, ...],
                   slug: str) -> str:
    """Jekyll's and Hexo's permalink placeholders, filled for one article."""
    values = {"year": f"{date.year}", "month": f"{date.month:02d}", "i_month": f"{date.month}",
              "day": f"{date.day:02d}", "i_day": f"{date.day}", "title": slug, "slug": slug,
              "name": slug,
              "categories": "/".join(quote(c.lower().replace(" ", "-"), safe="-_.~")
                                     for c in categories)}
    path = PLACEHOLDER.sub(lambda m: values[m.group(1)], pattern)
    return re.sub(r"/{2,}", "/", path)


def _text(f: Fields, cfg: Config) -> dict:
    """Description (an excerpt or summary the author wrote), excerpt separator, language."""
    key, description = f.get("description")
    description = _as_text(description)
    if len(description) > MAX_FIELD:
        f.warn(key, "field-too-long", f"`{key}` is {len(description)} characters; cut")
        description = description[:MAX_FIELD]
    separator = f.get("excerpt_separator")[1]
    return {"description": description,
            "excerpt_separator": separator if isinstance(separator, str) and separator.strip()
            else "",
            "language": _as_text(f.get("language")[1])[:20]}


def _terms(f: Fields, cfg: Config) -> dict:
    """The source's categories and tags, and the editor's company/theme overrides."""
    values: dict = {
        "categories": tuple(c[:100] for c in _as_list(f.get("categories")[1])),
        "tags": tuple(t[:100] for t in _as_list(f.get("tags")[1])),
    }
    for field in ("companies", "themes", "exclude_companies", "exclude_themes"):
        values[field] = tuple(s.lower() for s in _as_list(f.get(field)[1]))
    return values


_TRUE = ("true", "yes", "1", "on")
_FALSE = ("false", "no", "0", "off")


def _state(f: Fields, cfg: Config) -> dict:
    """Draft: `draft: true` (Hugo, Hexo), `published: false` (Jekyll), a `_drafts/` folder."""
    key, draft = f.get("draft")
    if draft is True or str(draft).lower() in _TRUE:
        return {"draft": f"`{key}: true`"}
    key, published = f.get("publish_date")
    if published is False or isinstance(published, str) and published.lower() in _FALSE:
        return {"draft": f"`{key}: false`"}
    if "_drafts" in PurePosixPath(f.path).parts[:-1]:
        return {"draft": "in a `_drafts` folder"}
    return {}


def _relative_image(url: str) -> bool:
    return bool(url) and ":" not in url.split("/")[0] and not url.startswith(("//", "\\")) \
        and ".." not in url and all(ch.isprintable() for ch in url)


# Files without front matter: metadata sits in the body (gold-miner's blockquote list).
_BLOCKQUOTE_FIELD = re.compile(
    r"^>\s*\*?\s*(原文地址|原文链接|原文作者|译者|校对者|译文出自|本文永久链接)\s*[:：]\s*(.+)$", re.M)
_MD_LINK = re.compile(r"\[([^\]]*)\]\((\S+?)\)")


def _meta_from_plain(meta: Meta, body: str, path: str) -> Meta:
    head = body[:3000]
    source_url, authors = meta.source_url, list(meta.authors)
    for m in _BLOCKQUOTE_FIELD.finditer(head):
        name, value = m.group(1), m.group(2).strip()
        link = _MD_LINK.search(value)
        if name in ("原文地址", "原文链接") and not source_url:
            url = link.group(2) if link else value.split()[0]
            if SAFE_URL.match(url):
                source_url = url
        elif name == "原文作者" and not authors:
            authors = [link.group(1) if link else value]
    return replace(meta, source_url=source_url, authors=tuple(a[:100] for a in authors if a))

