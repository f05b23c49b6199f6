"""Scraped HTML or Markdown → safe, readable body HTML, plain text and the facts found in it.

`clean_html` parses the body once with BeautifulSoup (lxml) and walks the tree once: at each
element the handlers of the concerns that declared its name run (`HANDLERS`, in order):

| module | concern |
| --- | --- |
| `sanitizing.py` | dangerous elements, attributes and elements outside the allowlist, nh3 |
| `chrome.py` | facts (time, source, authors, abstract, headings) and the page's furniture |
| `links.py` | proxies, tag-page links, relative links, images, figures, the source link |
| `structure.py` | wrappers, headings, tables, lists, empty markup, breaks, loose text |
| `text.py` | plain text, first paragraph, lead image |

The nh3 allowlist sanitizer runs last on the serialised tree. The handlers emit only allowed
elements, nested as an HTML parser builds them, so the sanitizer re-nests nothing and
`clean_html(clean_html(x).html) == clean_html(x)` holds by construction (a property test checks
it on the corpus and on generated markup): every article is cleaned once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..config import CleanConfig
from . import chrome, links, sanitizing, structure
from .sanitizing import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, sanitize
from .text import plain_text, serialize
from .walk import Context, Facts, Handler, Walker, parse

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "HANDLERS", "URL_SCHEMES", "Cleaned", "Facts",
           "clean_html", "markdown_to_html", "sanitize"]

HANDLERS: tuple[Handler, ...] = (
    sanitizing.REMOVE_DANGEROUS,
    chrome.HEADING,
    chrome.CLASSES,
    chrome.NAV_LINK,
    links.ANCHOR,
    links.IMAGE,
    sanitizing.STRIP_ATTRIBUTES,
    structure.HEADINGS_HANDLER,
    structure.TABLE,
    structure.TABLE_PART,
    structure.EMPTY,
    structure.LIST_ITEM,
    structure.BREAKS,
    structure.WRAPPER,
    structure.PARAGRAPH,
    structure.PRE,
    structure.NO_BLOCK_INSIDE,
    sanitizing.UNWRAP_DISALLOWED,
)
"""Every handler, in the order they run at an element (enter: document order; leave: after the
element's children). Dangerous elements go before anything reads them; facts are read before
chrome goes (a widget's facts too); links and images are fixed before attributes are stripped
(a centred paragraph is remembered: it may be a caption); a paragraph is judged (empty, caption,
chrome line) once its content is final; anything outside the allowlist is unwrapped last."""

FINISH = (
    ("source_link", links.source_link),
    ("demote_headings", structure.demote_headings),
    ("chrome_headings", chrome.chrome_headings),
)
"""After the walk: the last links, heading levels (they need every heading), then the top
level's loose text is wrapped (`structure.wrap_loose_text`)."""


@dataclass(frozen=True, slots=True)
class Cleaned:
    html: str
    text: str
    first_paragraph: str
    lead_image: str
    facts: Facts


@cache
def _walker() -> Walker:
    return Walker(HANDLERS, structure.strings)


@cache
def _unlink(patterns: tuple[str, ...]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@cache
def _markdown():
    import markdown as md

    return md.Markdown(extensions=["tables", "footnotes", "fenced_code", "sane_lists"],
                       output_format="html")


def markdown_to_html(text: str) -> str:
    """Python-Markdown with tables, footnotes and fenced code. Raw HTML passes through here
    and is then cleaned like any HTML body: it is not trusted more. (One converter per process,
    reset before each use: building one loads every extension.)"""
    converter = _markdown()
    try:
        return converter.reset().convert(text)
    finally:
        converter.reset()


def clean_html(html: str, *, title: str = "", base_url: str = "",
               cfg: CleanConfig | None = None) -> Cleaned:
    """Walk `html` once with every handler and sanitise the result. Never raises on any input."""
    cfg = cfg or CleanConfig()
    ctx = Context(title=title, base_url=base_url, cfg=cfg, facts=Facts(),
                  unlink=_unlink(tuple(cfg.unlink_patterns)))
    try:
        if _too_deep(html):
            raise RecursionError("nesting deeper than MAX_DEPTH")
        soup = ctx.soup = parse(html)
        walker = _walker()
        walker.walk(soup, ctx)
        for _name, step in FINISH:
            step(ctx)
        root = soup.body or soup
        structure.wrap_loose_text(root, ctx)
        body = serialize(root)
        text, first, lead = plain_text(root)
    except RecursionError:
        # Pathological nesting (tens of thousands of levels): keep the words, drop markup.
        words = " ".join(parse(html).get_text(" ", strip=True).split())
        body, text, first, lead = f"<p>{_escape(words)}</p>", words, words[:300], ""
        ctx.facts.removed.append("markup too deeply nested: kept as plain text")
    safe = sanitize(body)
    # what the sanitizer emptied (a URL its parser refused): the tag goes as cleaning would
    if "<a rel=" in safe:
        safe = _BARE_LINK.sub(r"\1", safe)
    safe = _EMPTY_P.sub("", safe)
    safe = _BLANK_LINES.sub("\n", safe).strip()
    return Cleaned(safe, text, first, lead, ctx.facts)


_EMPTY_P = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")
_BARE_LINK = re.compile(r'<a rel="noopener noreferrer">(.*?)</a>', re.S)
_BLANK_LINES = re.compile(r"\n\s*\n+")
MAX_DEPTH = 256
_TAG_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source", "area", "col",
                   "embed", "param", "track", "base"})


def _too_deep(html: str) -> bool:
    """Markup nested deeper than MAX_DEPTH (no real article is): the walk would be slow and the
    browser's layout too, so such a body is kept as plain text."""
    depth = 0
    for closing, name, self_closing in _TAG_TOKEN.findall(html):
        if name.lower() in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
        if depth > MAX_DEPTH:
            return True
    return False


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
