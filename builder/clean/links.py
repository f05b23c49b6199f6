"""Links and images: proxies unwrapped, tag/tracking links made plain text, relative links
resolved against the original URL, images made lazy and given an `alt`, an image followed by
its caption made a figure, and the trailing link to the original article found."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from ..urls import unproxy
from .sanitizing import URL_SCHEMES
from .walk import GONE, UNWRAP, Context, Handler, has, marked, text

_CAPTION_START = re.compile(r"^\s*(?:图|▲|△|↑|（图|\(图|图片|图源|Photo|Foto|Bild|Image|Source:|"
                            r"Quelle:|Fig\.|Figure)", re.I)
_SOURCE_LABEL = re.compile(r"原文|查看原文|阅读原文|Original|Source|Quelle", re.I)
_TYPO_SCHEME = re.compile(r"https?:(?!//)", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_JUNK_ALT = re.compile(r"[\w-]*\.(?:jpe?g|png|gif|webp|bmp)|image|img|图片|\d+", re.I)
_URL_ATTRS = ("src", "href", "data-src", "data-original")


def _unproxy_attrs(node: Tag, ctx: Context) -> None:
    attrs = node.attrs
    for attr in _URL_ATTRS:
        value = attrs.get(attr)
        if isinstance(value, str):
            attrs[attr] = unproxy(value.strip(), ctx.cfg.proxy_prefixes)


_IMAGE_SCHEMES = frozenset({"http", "https"})


def _valid(url: str, schemes: frozenset[str], host: bool = False) -> bool:
    """An allowed scheme, and a URL the sanitizer's URL parser accepts too (`github.com:name`
    is a bad port: the sanitizer would drop the attribute and leave an empty tag)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return False
    return bool(parts.netloc) or not host


def _encode_spaces(url: str) -> str:
    """Spaces and control characters are not allowed in a URL: percent-encode them."""
    return _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", url.strip())


def anchor(a: Tag, ctx: Context) -> int | None:
    """Remember the link (the source link is among the last ones), unwrap proxies, make links to
    the source site's tag/search/tracking pages plain text, resolve relative links."""
    raw = a.get("href")
    if raw:
        before = a.previous_sibling if isinstance(a.previous_sibling, str) else ""
        label = marked(a, "_label")
        ctx.anchors.append((raw, text(a) if label is None else label, before))
    _unproxy_attrs(a, ctx)
    href = a.get("href")
    href = href.strip() if isinstance(href, str) else ""
    if not href or href.startswith("#") \
            or not a.get_text(strip=True) and not has(a, ("img",)) \
            or (ctx.unlink and ctx.unlink.search(href)) \
            or href.lower().startswith(("javascript:", "vbscript:", "data:")):
        return UNWRAP
    if href.startswith("//"):
        href = "https:" + href
    elif _TYPO_SCHEME.match(href):  # `https:github.com/x`, a typo seen upstream
        scheme, rest = href.split(":", 1)
        href = scheme + "://" + rest.lstrip("/")
    elif not urlsplit(href).scheme and ctx.base_url:
        href = urljoin(ctx.base_url, href)
    if not _valid(href, URL_SCHEMES):
        return UNWRAP
    attrs = {"href": _encode_spaces(href)}
    title = a.get("title")
    if isinstance(title, str) and title.strip():
        attrs["title"] = title.strip()
    a.attrs = attrs
    return None


def source_link(ctx: Context) -> None:
    """A trailing `原文链接`/`查看原文`/`Source:` link names the original article."""
    for raw, label, before in ctx.anchors:
        if _SOURCE_LABEL.search(label + before):
            href = raw.strip() if isinstance(raw, str) else ""
            if href.startswith(("http://", "https://")) and not ctx.facts.source_url:
                ctx.facts.source_url = href


def _size(value: object) -> str:
    if isinstance(value, str) and value.strip().isdigit() and 0 < int(value.strip()) < 10000:
        return value.strip()
    return ""


def image(img: Tag, ctx: Context) -> int | None:
    """Lazy, async, no-referrer images with a real `alt`; broken sizes and junk go."""
    _unproxy_attrs(img, ctx)
    src = img.get("src") or img.get("data-src") or img.get("data-original") or ""
    src = src.strip() if isinstance(src, str) else ""
    if src.startswith("//"):
        src = "https:" + src
    elif src and not urlsplit(src).scheme and ctx.base_url:
        src = urljoin(ctx.base_url, src)
    if not _valid(src, _IMAGE_SCHEMES, host=True):
        img.decompose()
        return GONE
    alt = img.get("alt") if isinstance(img.get("alt"), str) else ""
    title = img.get("title") if isinstance(img.get("title"), str) else ""
    alt = alt.strip() or title.strip()
    if not alt or _JUNK_ALT.fullmatch(alt):
        alt = ctx.title
    attrs = {"src": _encode_spaces(src), "alt": alt}
    width, height = _size(img.get("width")), _size(img.get("height"))
    if width and height:
        attrs["width"], attrs["height"] = width, height
    attrs.update(loading="lazy", decoding="async", referrerpolicy="no-referrer")
    img.attrs = attrs
    return None


def _image_holder(node) -> Tag | None:
    """The image of a paragraph that holds one image and no text (or a loose image)."""
    if not isinstance(node, Tag):
        return None
    if node.name == "img":
        return node
    if node.name != "p":
        return None
    found = None
    for child in node.contents:
        if isinstance(child, Tag):
            if child.name == "img" and found is None:
                found = child
            elif child.name != "br":
                return None
        elif child.strip():
            return None
    return found


def caption(p: Tag, ctx: Context) -> int | None:
    """A short paragraph after a paragraph holding one image, centred or starting like a
    caption (`图`, `▲`, `Photo`…), becomes that image's figure and figcaption."""
    previous = p.previous_sibling
    while isinstance(previous, str) and not previous.strip():
        previous = previous.previous_sibling
    img = _image_holder(previous)
    if img is None or has(p, ("img",)):
        return None
    found = text(p)
    if not found or len(found) > 90:
        return None
    if not (marked(p, "_centred") or _CAPTION_START.match(found)):
        return None
    soup = ctx.soup
    figure = soup.new_tag("figure")
    previous.replace_with(figure)
    if img is not previous:
        figure.append(img.extract())
    else:
        figure.append(img)
    figcaption = soup.new_tag("figcaption")
    figcaption.string = found
    figure.append(figcaption)
    p.decompose()
    return GONE


ANCHOR = Handler("anchor", frozenset({"a"}), enter=anchor)
IMAGE = Handler("image", frozenset({"img"}), enter=image)
