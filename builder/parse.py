"""SourceFile → Draft: decode, split front matter, normalise fields whatever they are called."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import PurePosixPath

from . import dates, frontmatter, textutil
from .config import Config
from .decode import decode
from .model import Draft, Meta, Problem, SourceFile

# Field names seen in Hexo, Jekyll, Hugo, Pelican and scraped front matter, by meaning.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "date": ("date", "published", "pubdate", "pubDate", "publishDate", "publish_date",
             "published_at", "created", "created_at", "datetime"),
    "time": ("time",),
    "updated": ("updated", "lastmod", "modified", "last_modified", "updated_at", "update"),
    "source": ("source", "sourceName", "source_name", "publisher", "via", "feed", "media"),
    "source_url": ("sourceUrl", "source_url", "original_url", "originalUrl", "original",
                   "link", "url", "canonical", "canonical_url", "from"),
    "authors": ("authors", "author", "reporter", "editor", "writer"),
    "image": ("image", "headimg", "thumbnail", "cover", "featured_image", "featured-img-url",
              "featured-img", "banner", "lead_image", "og_image", "img", "photo"),
    "slug": ("slug",),
    "description": ("description", "excerpt", "summary", "abstract", "meta", "subtitle"),
    "language": ("lang", "language", "locale"),
    "categories": ("categories", "category"),
    "tags": ("tags", "keywords"),
    "companies": ("companies",),
    "themes": ("themes",),
    "exclude_companies": ("exclude_companies",),
    "exclude_themes": ("exclude_themes",),
    "draft": ("draft",),
    "published": ("published_flag",),
}
# Known fields that carry nothing the archive uses (layout hints, comments switches…).
IGNORED = frozenset({
    "layout", "comments", "sticky", "top", "toc", "mathjax", "permalink", "type", "weight",
    "imageAttribution", "imageDescription", "imageAlt", "featured-img-alt", "docs-url",
    "featured-img-url-768", "featured-img-url-1280", "aliases", "id", "uuid", "hidden",
    "sitemap", "share", "copyright", "reward", "aplayer", "photos", "series", "menu",
})
_FIELD_OF = {name: field for field, names in ALIASES.items() for name in names}
_FIELD_OF_LOWER = {name.lower(): field for name, field in _FIELD_OF.items()}

MAX_TITLE = 300
MAX_UNKNOWN_REPORTED = 20
MAX_BODY = 2_000_000
"""Characters of body a news article may have; a larger one is reported and skipped."""
MAX_FIELD = 2000
SAFE_SLUG = re.compile(r"^[\w][\w.-]{0,150}$")
SAFE_URL = re.compile(r"^(?:https?:)?//[^\s/$.?#][^\s]*$", re.I)
PLACEHOLDER_IMAGE = re.compile(r"^https?://(?:picsum\.photos|placehold\.it|via\.placeholder\.com|"
                               r"dummyimage\.com|placekitten\.com)/", re.I)
HTML_BODY = re.compile(r"^\s*<(?:div|p|section|article|html|body|table|h[1-6]|figure|img|span|"
                       r"center|ul|ol|blockquote|!--)\b", re.I)
MARKDOWN_MARK = re.compile(r"^(?:#{1,6}\s|[*+-]\s|\d+\.\s|>\s?|```|~~~|!\[)", re.M)


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
    front, body, body_line, split_problems = frontmatter.split(text, src.path)
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


def normalise(front: dict, raw: str, body_line: int, path: str,
              cfg: Config) -> tuple[Meta, list[Problem]]:
    """Front-matter mapping → Meta; every unusable value is a Problem naming its line."""
    problems: list[Problem] = []
    fields: dict[str, tuple[str, object]] = {}

    key_lines = frontmatter.key_lines(raw, body_line)

    def line(key: str) -> int | None:
        return key_lines.get(key)

    def warn(key: str, code: str, message: str, hint: str = "", severity="warning") -> None:
        problems.append(Problem(path, line(key), severity, code, message, hint))

    unknown = 0
    for key, value in front.items():
        field = _FIELD_OF.get(key) or _FIELD_OF_LOWER.get(key.lower())
        if field is None:
            if key in IGNORED or key.startswith(("_", "x-", "x_")):
                continue
            unknown += 1
            if unknown <= MAX_UNKNOWN_REPORTED:
                close = difflib.get_close_matches(key, list(_FIELD_OF) + sorted(IGNORED), n=1,
                                                  cutoff=0.75)
                warn(key, "unknown-field", f"unknown front-matter field `{key}` (ignored)",
                     f"did you mean `{close[0]}`?" if close else "")
            continue
        if field in fields:
            continue  # the first spelling wins (`author` after `authors`, `tags` after `keywords`)
        fields[field] = (key, value)

    if unknown > MAX_UNKNOWN_REPORTED:
        problems.append(Problem(path, None, "warning", "unknown-field",
                                f"{unknown - MAX_UNKNOWN_REPORTED} more unknown fields (ignored)"))

    def get(field: str) -> tuple[str, object]:
        return fields.get(field, (field, None))

    values: dict = {}
    key, title = get("title")
    if title is not None and not isinstance(title, (str, int, float)):
        warn(key, "field-type", f"`{key}` must be text, not {type(title).__name__}")
        title = None
    title = _as_text(title)
    if len(title) > MAX_TITLE:
        warn(key, "field-too-long", f"title is {len(title)} characters; cut to {MAX_TITLE}")
        title = title[:MAX_TITLE].rstrip() + "…"
    values["title"] = title

    key, raw_date = get("date")
    if raw_date is not None:
        try:
            moment = dates.parse_date(raw_date, cfg.tz)
            key_t, raw_time = get("time")
            clock = dates.parse_time(raw_time) if raw_time is not None else None
            if clock is not None and moment.hour == moment.minute == 0:
                moment = moment.replace(hour=clock.hour, minute=clock.minute, second=clock.second)
            values["date"] = moment
            values["date_evidence"] = f"front matter `{key}`" + (" + `time`" if clock else "")
        except dates.DateError as exc:
            values["date_problem"] = (str(exc), line(key))
    key, raw_updated = get("updated")
    if raw_updated is not None:
        try:
            values["updated"] = dates.parse_date(raw_updated, cfg.tz)
        except dates.DateError as exc:
            warn(key, "date-invalid", f"`{key}` is not a date: {exc} (ignored)")

    categories = _as_list(get("categories")[1])
    tags = _as_list(get("tags")[1])
    values["categories"] = tuple(c[:100] for c in categories)
    values["tags"] = tuple(t[:100] for t in tags)

    key, authors = get("authors")
    authors = tuple(a[:100] for a in _as_list(authors))
    key_s, source = get("source")
    source = _as_text(source)[:200]
    # Feed bots write the feed's name as `author` and again as a category: that is the
    # publisher, not a person.
    if authors and not source and len(authors) == 1 and authors[0] in categories:
        source, authors = authors[0], ()
    values["authors"], values["source"] = authors, source

    key, url = get("source_url")
    url = _as_text(url)
    if url:
        if SAFE_URL.match(url):
            values["source_url"] = ("https:" + url) if url.startswith("//") else url
        else:
            warn(key, "unsafe-url", f"`{key}` is not an http(s) URL: {url[:80]!r} (dropped)")

    key, image = get("image")
    image = _as_text(image)
    if image:
        if PLACEHOLDER_IMAGE.match(image):
            warn(key, "placeholder-image", f"`{key}` is a random placeholder image (dropped)")
        elif SAFE_URL.match(image) or _relative_image(image):
            values["image"] = image
        else:
            warn(key, "unsafe-url", f"`{key}` is not an http(s) image URL: {image[:80]!r} "
                                    "(dropped)")

    key, slug = get("slug")
    slug = _as_text(slug)
    if slug:
        if SAFE_SLUG.match(slug) and ".." not in slug:
            values["slug"] = slug
        else:
            warn(key, "unsafe-slug", f"`{key}` {slug[:80]!r} is not a safe slug (ignored)",
                 "use letters, digits and hyphens only")

    key, description = get("description")
    description = _as_text(description)
    if len(description) > MAX_FIELD:
        warn(key, "field-too-long", f"`{key}` is {len(description)} characters; cut")
        description = description[:MAX_FIELD]
    values["description"] = description
    values["language"] = _as_text(get("language")[1])[:20]
    for field in ("companies", "themes", "exclude_companies", "exclude_themes"):
        values[field] = tuple(s.lower() for s in _as_list(get(field)[1]))
    draft = get("draft")[1]
    values["draft"] = draft is True or str(draft).lower() in ("true", "yes", "1")

    date_problem = values.pop("date_problem", None)
    meta = Meta(**values)
    if date_problem:
        meta = replace(meta, date_evidence=f"invalid: {date_problem[0]}")
        problems.append(Problem(path, date_problem[1], "warning", "date-invalid",
                                f"date is unusable: {date_problem[0]}"))
    return meta, problems


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

