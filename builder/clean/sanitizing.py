"""Sanitizing: dangerous elements go with their content, attributes outside the allowlist go,
elements outside it are unwrapped during the walk, and the nh3 allowlist sanitizer runs last.

Unwrapping what the sanitizer would strip anyway keeps its HTML parser from re-nesting the
result (a `<details>` inside a paragraph would close the paragraph there): cleaned output is
then a fixed point of cleaning by construction.
"""

from __future__ import annotations

import nh3
from bs4 import Tag

from .walk import GONE, UNWRAP, Context, Handler, drop, mark

# --- the sanitizer's allowlist: the only markup a body may keep ---------------------------
ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "a", "img", "figure", "figcaption", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "q", "cite", "strong", "b", "em", "i",
    "u", "s", "del", "ins", "sub", "sup", "small", "mark", "abbr", "code", "pre", "kbd",
    "samp", "var", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading", "decoding", "referrerpolicy"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
DANGEROUS = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "form", "input", "button", "select", "textarea", "option", "link", "meta", "base",
    "svg", "math", "canvas", "video", "audio", "source", "track", "portal", "dialog", "head",
    "title", "param", "map", "area", "nav", "header", "footer", "aside"})
VOID_LIKE = frozenset({"embed", "source", "track", "param", "area", "input", "base", "meta",
                       "link", "portal"})
"""lxml does not know these are empty: what it nested inside them is the text that followed
them, which stays."""
FURNITURE = frozenset({"nav", "header", "footer", "aside", "form", "button", "select", "option",
                       "label", "dialog"})
"""Page furniture: its text is counted as removed chrome."""
KEEP_UNTIL_FINISH = frozenset({"h1", "html", "body"})
"""Not allowed, but renamed (h1 → h2) or the document itself."""


def remove_dangerous(node: Tag, ctx: Context) -> int:
    """Scripts, styles, forms, frames, embeds, SVG/MathML and page furniture, with content."""
    if node.name in FURNITURE:
        return drop(node, ctx)
    if node.name in VOID_LIKE:
        return UNWRAP
    node.decompose()
    return GONE


def strip_attributes(node: Tag, ctx: Context) -> None:
    """Inline styles, classes, ids, data-* and presentational attributes go (links and images
    get theirs from their own handlers). A centred block is remembered: a caption is often
    told by that alone."""
    attrs = node.attrs
    if not attrs:
        return
    style, align = attrs.get("style"), attrs.get("align")
    if "center" in f"{style if isinstance(style, str) else ''} " \
                   f"{align if isinstance(align, str) else ''}".lower():
        mark(node, "_centred")
    keep = ALLOWED_ATTRIBUTES.get(node.name, ())
    node.attrs = {k: v for k, v in attrs.items() if k in keep} if keep else {}


def unwrap_disallowed(node: Tag, ctx: Context) -> int:
    """An element outside the allowlist keeps its content and loses its tag, as the sanitizer
    would do, but before the sanitizer's parser sees it."""
    node.unwrap()
    return GONE


def sanitize(html: str) -> str:
    """The last step: the nh3 (Ammonia) allowlist. Nothing outside it survives."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer",
                     strip_comments=True, clean_content_tags={"script", "style"},
                     set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async",
                                                       "referrerpolicy": "no-referrer"}})


REMOVE_DANGEROUS = Handler("remove_dangerous", DANGEROUS, enter=remove_dangerous)
STRIP_ATTRIBUTES = Handler("strip_attributes", None, enter=strip_attributes,
                           exclude=frozenset({"a", "img"}))
UNWRAP_DISALLOWED = Handler("unwrap_disallowed", None, leave=unwrap_disallowed,
                            exclude=ALLOWED_TAGS | KEEP_UNTIL_FINISH)
