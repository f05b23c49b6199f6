"""Scraped HTML or Markdown → safe, readable body HTML, plain text and the facts found in it.

`clean_html` runs PASSES, an ordered list of small named functions over one BeautifulSoup tree
(lxml parser), then the nh3 allowlist sanitizer. Each pass is tested on real fragments.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import markdown as md
import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .config import CleanConfig
from .textutil import HAN

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
DANGEROUS = ("script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
             "embed", "applet", "form", "input", "button", "select", "textarea", "option",
             "link", "meta", "base", "svg", "math", "canvas", "video", "audio", "source",
             "track", "portal", "dialog", "head", "title", "param", "map", "area", "nav",
             "header", "footer", "aside")
WRAPPERS = ("span", "font", "section", "div", "center", "article", "main",
            "label", "big", "tt", "nobr", "o:p", "st1")
BLOCKS = frozenset({"p", "ul", "ol", "dl", "table", "figure", "blockquote", "pre", "hr", "h1",
                    "h2", "h3", "h4", "h5", "h6", "div", "section"})

# Scraped chrome, recognised by text (whole paragraphs only, never inside a sentence).
_CHROME_LINES = re.compile(
    r"^\s*(?:[-－—–]+\s*(?:THE\s*END|End|完|END)\s*[-－—–]+|THE\s*END|"
    r"返回(?:首页|东财滚动新闻|搜狐|列表)[^。]{0,40}|"
    r"(?:本文)?转载请注明(?:出处|来源)[^。]{0,30}。?|"
    r"点击(?:进入|查看)[^。]{0,20}(?:专题|首页)[^。]{0,10}|"
    r"(?:分享到|扫一扫)[:：]?[^。]{0,30})\s*$", re.I)
_TIME_LINE = re.compile(r"^\s*(?:发布时间|发表时间|时间|日期|Published|Veröffentlicht)\s*[:：]?\s*"
                        r"(\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)\s*$",
                        re.I)
_SOURCE_LINE = re.compile(r"^\s*(?:来源|文章来源|出处|Source|Quelle)\s*[:：]\s*(\S.{0,40}?)\s*$", re.I)
_AUTHOR_LINE = re.compile(
    r"^\s*(?:[（(]?\s*)?((?:(?:每经|本报|新华社|财联社|证券时报|中新网)?(?:记者|编辑|责任编辑|责编|"
    r"作者|撰文|文(?=\s*[/／:：|｜])|编译|校对|实习记者|通讯员|特约记者)\s*[/／:：|｜]?\s*"
    f"[{HAN}·A-Za-z ]{{2,12}}"
    r"\s*[/／、，,\s]*){1,4})(?:\s*[)）])?\s*$")
_AUTHOR_PART = re.compile(r"(记者|编辑|作者|撰文|编译|通讯员|文(?=\s*[/／:：|｜]))\s*[/／:：|｜]?\s*"
                          f"([{HAN}·]{{2,4}}|[A-Za-z][A-Za-z .]{{1,30}}[A-Za-z])")
_CAPTION_START = re.compile(r"^\s*(?:图|▲|△|↑|（图|\(图|图片|图源|Photo|Foto|Bild|Image|Source:|"
                            r"Quelle:|Fig\.|Figure)", re.I)
_NBSP_RUN = re.compile(r"[\u00a0\u3000\u2002\u2003\u2009\u200b]+")
_SPACE_RUN = re.compile(r"[ \t\r\f\v]+")


@dataclass(slots=True)
class Facts:
    """Metadata found in the body: returned to the ingest stage, not thrown away."""

    time: str = ""
    """A publication time line (`2021-09-05 13:22:58`)."""
    source: str = ""
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    source_url: str = ""
    """A trailing `原文链接`/`查看原文`/`Source` link."""
    removed: list[str] = field(default_factory=list)
    """What the chrome passes removed, for `check --explain`."""
    removed_chars: int = 0
    """Word characters of the text removed as chrome (page furniture, not article text)."""


@dataclass(frozen=True, slots=True)
class Cleaned:
    html: str
    text: str
    first_paragraph: str
    lead_image: str
    facts: Facts


@dataclass(slots=True)
class Context:
    title: str
    base_url: str
    cfg: CleanConfig
    facts: Facts
    unlink: re.Pattern | None


Pass = Callable[[BeautifulSoup, Context], None]


def _tags(root: Tag, names=None) -> list[Tag]:
    """Tags under `root` in document order, optionally only those named in `names`.
    (A plain walk: much cheaper than bs4's find_all filter machinery.)"""
    return [n for n in root.descendants if isinstance(n, Tag)
            and (names is None or n.name in names)]


def _has(node: Tag, names) -> bool:
    return any(isinstance(n, Tag) and n.name in names for n in node.descendants)


def _class_match(node: Tag, pattern: re.Pattern) -> bool:
    classes = node.get("class")
    if not classes:
        return False
    return any(pattern.search(c) for c in (classes if isinstance(classes, list) else [classes]))


_TIME_CLASS = re.compile(r"(?:^|[-_])(?:time|date|pubtime)$")
_ABSTRACT_CLASS = re.compile(r"abstract|summary|digest", re.I)
_WIDGET_CLASS = re.compile(r"^(?:u-time|typeTags?|m-abstract(?:Up|Down)|share|article-share|tags?-?list)$")
_NAV_LINK = re.compile(r"\s*(?:返回(?:首页|列表|东财滚动新闻)|back to (?:home|top)|zurück)\s*", re.I)
_HEADING = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


_WORD = re.compile(r"\w")


def _drop(node: Tag, ctx: Context, why: str = "") -> None:
    """Remove chrome, keeping account of what went (for --explain and the text-kept test)."""
    if why:
        ctx.facts.removed.append(why)
    ctx.facts.removed_chars += len(_WORD.findall(node.get_text()))
    node.decompose()


def _text(node: Tag) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def _norm(text: str) -> str:
    """Loose form for comparing a heading with a title: no punctuation, no spaces."""
    return re.sub(r"[\W_]+", "", text).lower()


# --- passes, in order ----------------------------------------------------------------------

def remove_comments(soup: BeautifulSoup, ctx: Context) -> None:
    for comment in [n for n in soup.descendants if isinstance(n, Comment)]:
        comment.extract()


def remove_dangerous(soup: BeautifulSoup, ctx: Context) -> None:
    """Scripts, styles, forms, frames, embeds, SVG/MathML and page furniture, with content."""
    for node in _tags(soup, _DANGEROUS):
        if node.parent is not None:
            if node.name in _FURNITURE:
                _drop(node, ctx)
            elif node.name in _VOID_LIKE:
                # lxml does not know these are empty: what it nested inside them is the
                # text that followed them, which stays
                node.unwrap()
            else:
                node.decompose()


def collect_facts(soup: BeautifulSoup, ctx: Context) -> None:
    """Read the scraped page's own metadata before the chrome goes."""
    facts = ctx.facts
    for node in _tags(soup):
        if not node.get("class"):
            continue
        if _class_match(node, _TIME_CLASS):
            text = _text(node)
            if re.search(r"\d{4}", text) and not facts.time:
                facts.time = text
        elif "source" in node.get("class") and not facts.source and 1 < len(_text(node)) < 40:
            facts.source = _text(node)
        elif _class_match(node, _ABSTRACT_CLASS):
            text = _text(node)
            if len(text) > 10:
                facts.abstract = text


def remove_chrome(soup: BeautifulSoup, ctx: Context) -> None:
    """The source site's page furniture: a heading repeating the title, time/source lines,
    empty widgets, reporter/editor lines, `THE END`, back-to-home links."""
    title = _norm(ctx.title)
    for h in _tags(soup, ("h1", "h2")):
        text = _norm(_text(h))
        if title and text and (text == title or (len(title) > 8 and (title in text or text in title))):
            _drop(h, ctx, f"heading repeating the title: {_text(h)[:60]}")
    for node in _tags(soup):
        if node.parent is None or not node.get("class"):
            continue
        if _class_match(node, _WIDGET_CLASS):
            _drop(node, ctx, f"widget .{' '.join(node.get('class', []))}")
        elif _class_match(node, _ABSTRACT_CLASS) and ctx.facts.abstract \
                and _text(node) == ctx.facts.abstract:
            _drop(node, ctx, "abstract block (kept as the excerpt)")
    for a in _tags(soup, ("a",)):
        if a.parent is not None and _NAV_LINK.fullmatch(_text(a)):
            _drop(a, ctx, f"navigation link: {_text(a)}")


def remove_chrome_lines(soup: BeautifulSoup, ctx: Context) -> None:
    """Whole paragraphs that are chrome: time/source/reporter lines (their facts are kept),
    `THE END`, `转载请注明出处`. Runs last, once loose text has become paragraphs."""
    for p in _tags(soup, ("p", "div", "center", "h4", "h5", "h6", "span")):
        if p.parent is None or _has(p, ("img", "table", "p")):
            continue
        text = _text(p)
        if not text or len(text) > 120:
            continue
        if m := _TIME_LINE.match(text):
            ctx.facts.time = ctx.facts.time or m.group(1)
        elif m := _SOURCE_LINE.match(text):
            ctx.facts.source = ctx.facts.source or m.group(1)
        elif m := _AUTHOR_LINE.match(text):
            for _role, name in _AUTHOR_PART.findall(m.group(1)):
                name = name.strip()
                if name not in ctx.facts.authors:
                    ctx.facts.authors.append(name)
        elif not _CHROME_LINES.match(text):
            continue
        _drop(p, ctx, f"line: {text[:60]}")


def find_source_link(soup: BeautifulSoup, ctx: Context) -> None:
    """A trailing `原文链接`/`查看原文`/`Source:` link names the original article."""
    for a in [a for a in _tags(soup, ("a",)) if a.get("href")][-3:]:
        label = _text(a)
        before = a.previous_sibling if isinstance(a.previous_sibling, str) else ""
        if re.search(r"原文|查看原文|阅读原文|Original|Source|Quelle", label + before, re.I):
            href = a["href"].strip()
            if href.startswith(("http://", "https://")) and not ctx.facts.source_url:
                ctx.facts.source_url = href


def unwrap_proxies(soup: BeautifulSoup, ctx: Context) -> None:
    """`https://cors.zfour.workers.dev/?http://images…` → `http://images…`."""
    for node in _tags(soup, ("img", "a")):
        for attr in ("src", "href", "data-src", "data-original"):
            value = node.get(attr)
            if isinstance(value, str):
                node[attr] = unproxy(value.strip(), ctx.cfg.proxy_prefixes)


def unproxy(url: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        while url.startswith(prefix) and len(url) > len(prefix):
            url = url[len(prefix):]
    return url


def unlink_tag_pages(soup: BeautifulSoup, ctx: Context) -> None:
    """Links to the source site's tag/search/tracking pages become plain text; anchors without
    a usable target go, keeping their text."""
    for a in _tags(soup, ("a",)):
        href = a.get("href")
        href = href.strip() if isinstance(href, str) else ""
        if not href or href.startswith("#") or not a.get_text(strip=True) and not _has(a, ("img",)) \
                or (ctx.unlink and ctx.unlink.search(href)) \
                or href.lower().startswith(("javascript:", "vbscript:", "data:")):
            a.unwrap()


def fix_links(soup: BeautifulSoup, ctx: Context) -> None:
    """Resolve relative links against the original URL; drop those that stay relative."""
    for a in [a for a in _tags(soup, ("a",)) if isinstance(a.get("href"), str)]:
        href = a["href"].strip()
        if href.startswith("//"):
            href = "https:" + href
        elif re.match(r"https?:(?!//)", href, re.I):  # `https:github.com/x`, a typo seen upstream
            href = href.split(":", 1)[0] + "://" + href.split(":", 1)[1].lstrip("/")
        elif not urlsplit(href).scheme and ctx.base_url:
            href = urljoin(ctx.base_url, href)
        if urlsplit(href).scheme.lower() not in URL_SCHEMES:
            a.unwrap()
            continue
        attrs = {"href": _encode_spaces(href)}
        if isinstance(a.get("title"), str) and a["title"].strip():
            attrs["title"] = a["title"].strip()
        a.attrs = attrs


def _encode_spaces(url: str) -> str:
    """Spaces and control characters are not allowed in a URL: percent-encode them."""
    return re.sub(r"[\x00-\x20\x7f]", lambda m: f"%{ord(m.group()):02X}", url.strip())


def fix_images(soup: BeautifulSoup, ctx: Context) -> None:
    """Lazy, async, no-referrer images with a real `alt`; broken sizes and junk go."""
    for img in _tags(soup, ("img",)):
        src = img.get("src") or img.get("data-src") or img.get("data-original") or ""
        src = src.strip() if isinstance(src, str) else ""
        if src.startswith("//"):
            src = "https:" + src
        elif src and not urlsplit(src).scheme and ctx.base_url:
            src = urljoin(ctx.base_url, src)
        parts = urlsplit(src)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            img.decompose()
            continue
        alt = img.get("alt") if isinstance(img.get("alt"), str) else ""
        title = img.get("title") if isinstance(img.get("title"), str) else ""
        alt = alt.strip() or title.strip()
        if not alt or re.fullmatch(r"[\w-]*\.(?:jpe?g|png|gif|webp|bmp)|image|img|图片|\d+", alt,
                                   re.I):
            alt = ctx.title
        attrs = {"src": _encode_spaces(src), "alt": alt}
        width, height = img.get("width"), img.get("height")
        if _size(width) and _size(height):
            attrs["width"], attrs["height"] = _size(width), _size(height)
        attrs.update(loading="lazy", decoding="async", referrerpolicy="no-referrer")
        img.attrs = attrs


def _size(value: object) -> str:
    if isinstance(value, str) and value.strip().isdigit() and 0 < int(value.strip()) < 10000:
        return value.strip()
    return ""


def make_figures(soup: BeautifulSoup, ctx: Context) -> None:
    """An image alone in its paragraph, followed by a short caption paragraph → figure."""
    for img in _tags(soup, ("img",)):
        holder = img.parent
        if holder is None or holder.name not in ("p", "div", "center", "span"):
            continue
        if _text(holder):
            continue
        caption = holder.find_next_sibling()
        if caption is None or caption.name not in ("p", "div", "center") or _has(caption, ("img",)):
            continue
        text = _text(caption)
        if not text or len(text) > 90:
            continue
        style = (caption.get("style") or "") + " " + (caption.get("align") or "")
        centred = re.search(r"text-align\s*:\s*center|center", style, re.I)
        if not (centred or _CAPTION_START.match(text)):
            continue
        figure = soup.new_tag("figure")
        holder.replace_with(figure)
        figure.append(img.extract())
        figcaption = soup.new_tag("figcaption")
        figcaption.string = text
        figure.append(figcaption)
        caption.decompose()


def strip_attributes(soup: BeautifulSoup, ctx: Context) -> None:
    """Inline styles, classes, ids, data-* and presentational attributes go."""
    for node in _tags(soup):
        if node.name in ("img", "a"):
            continue
        keep = ALLOWED_ATTRIBUTES.get(node.name, ())
        node.attrs = {k: v for k, v in node.attrs.items() if k in keep}


def unwrap_wrappers(soup: BeautifulSoup, ctx: Context) -> None:
    """Layout wrappers (div, span, section, font, center) keep their content, lose the tag.
    A wrapper holding bare text becomes a paragraph so the text stays a block."""
    for node in _tags(soup, WRAPPERS):
        if node.name in ("div", "section", "center", "article", "main") \
                and not _has(node, _BLOCKISH) and _text(node):
            node.name = "p"
            node.attrs = {}
        else:
            node.unwrap()


def wrap_loose_text(soup: BeautifulSoup, ctx: Context) -> None:
    """Text and inline tags left at the top level (after unwrapping) go into paragraphs."""
    root = soup.body or soup
    run: list = []

    def flush() -> None:
        if any(getattr(n, "name", None) == "img" or (n.get_text() if isinstance(n, Tag)
               else str(n)).strip() for n in run):
            p = soup.new_tag("p")
            run[0].insert_before(p)
            for n in run:
                p.append(n.extract())
        run.clear()

    for node in list(root.children):
        is_block = isinstance(node, Tag) and (node.name in BLOCKS or node.name in _BLOCK_TEXT
                                              or _has(node, _BLOCKISH_ALL))
        double_break = isinstance(node, Tag) and node.name == "br" and bool(run) \
            and isinstance(node.next_sibling, Tag) and node.next_sibling.name == "br"
        if is_block or double_break:
            flush()
        else:
            run.append(node)
    flush()


def demote_headings(soup: BeautifulSoup, ctx: Context) -> None:
    """The page has one h1 (the title): body headings start at h2, their order kept and no
    level skipped."""
    headings = _tags(soup, _HEADING)
    levels = sorted({int(h.name[1]) for h in headings})
    # the levels used, in order, become h2, h3, …: no level is skipped after the page's h1
    mapping = {level: min(6, 2 + i) for i, level in enumerate(levels)}
    previous = 1  # the page's own h1
    for h in headings:
        level = min(mapping[int(h.name[1])], previous + 1)
        h.name = f"h{level}"
        previous = level


_TABLE_PARTS = frozenset({"td", "th", "tr", "tbody", "thead", "tfoot", "caption"})


def drop_empty(soup: BeautifulSoup, ctx: Context) -> None:
    """Empty paragraphs and tables, table cells outside a table, runs of `&nbsp;`, stray
    breaks."""
    for node in _tags(soup, _TABLE_PARTS):
        if node.parent is not None and node.find_parent("table") is None:
            node.unwrap()
    for li in _tags(soup, ("li",)):  # a list item outside a list gets one
        if li.parent is not None and li.parent.name not in ("ul", "ol"):
            previous = li.find_previous_sibling()
            if previous is not None and previous.name == "ul" and previous.get("data-made"):
                previous.append(li.extract())
            else:
                li.wrap(soup.new_tag("ul", attrs={"data-made": "1"}))
    for table in _tags(soup, ("table",)):
        if not _has(table, ("td", "th")):
            table.unwrap() if table.get_text(strip=True) else table.decompose()
    for string in [n for n in soup.descendants if isinstance(n, NavigableString)]:
        if not isinstance(string, Comment):
            new = _NBSP_RUN.sub(" ", str(string))
            if new != str(string):
                string.replace_with(new)
    for node in reversed(_tags(soup, _EMPTYABLE)):
        if node.parent is not None and not node.get_text(strip=True) \
                and not _has(node, ("img", "br") if node.name == "a" else ("img",)):
            node.decompose()
    for p in _tags(soup, ("p",)):
        while p.contents and getattr(p.contents[0], "name", None) == "br":
            p.contents[0].extract()
        while p.contents and getattr(p.contents[-1], "name", None) == "br":
            p.contents[-1].extract()
    for br in _tags(soup, ("br",)):
        if br.parent is None:
            continue
        nxt = br.next_sibling
        while isinstance(nxt, NavigableString) and not nxt.strip():
            nxt = nxt.next_sibling
        if getattr(nxt, "name", None) == "br":
            br.decompose()


_DANGEROUS = frozenset(DANGEROUS)
_VOID_LIKE = frozenset({"embed", "source", "track", "param", "area", "input", "base", "meta",
                        "link", "portal"})
_FURNITURE = frozenset({"nav", "header", "footer", "aside", "form", "button", "select", "option",
                        "label", "dialog"})
_BLOCKISH = BLOCKS | {"br", "img", "figure"}
_EMPTYABLE = frozenset({"p", "li", "strong", "b", "em", "i", "blockquote", "figcaption", "h2", "h3",
                        "h4", "h5", "h6", "a"})

PASSES: tuple[tuple[str, Pass], ...] = (
    ("remove_comments", remove_comments),
    ("remove_dangerous", remove_dangerous),
    ("collect_facts", collect_facts),
    ("remove_chrome", remove_chrome),
    ("find_source_link", find_source_link),
    ("unwrap_proxies", unwrap_proxies),
    ("unlink_tag_pages", unlink_tag_pages),
    ("fix_links", fix_links),
    ("fix_images", fix_images),
    ("make_figures", make_figures),
    ("strip_attributes", strip_attributes),
    ("unwrap_wrappers", unwrap_wrappers),
    ("demote_headings", demote_headings),
    ("drop_empty", drop_empty),
    ("wrap_loose_text", wrap_loose_text),
    ("remove_chrome_lines", remove_chrome_lines),
)
"""The cleaning passes, in order. Facts are read before chrome is removed; figures are made
before the attributes that mark captions (centred paragraphs) are stripped; loose text is
wrapped after empty markup is gone, and chrome lines are judged once they are paragraphs, so
that cleaning cleaned output changes nothing."""


def markdown_to_html(text: str) -> str:
    """Python-Markdown with tables, footnotes and fenced code. Raw HTML passes through here
    and is then cleaned like any HTML body: it is not trusted more."""
    converter = md.Markdown(extensions=["tables", "footnotes", "fenced_code", "sane_lists"],
                            output_format="html")
    return converter.convert(text)


def sanitize(html: str) -> str:
    """The last pass: the nh3 (Ammonia) allowlist. Nothing outside it survives."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer",
                     strip_comments=True, clean_content_tags={"script", "style"},
                     set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async",
                                                       "referrerpolicy": "no-referrer"}})


def clean_html(html: str, *, title: str = "", base_url: str = "",
               cfg: CleanConfig | None = None) -> Cleaned:
    """Run every pass over `html` and sanitise the result. Never raises on any input.

    The sanitizer's HTML5 parser may re-nest what the passes produced (a list inside inline
    code, a block inside a paragraph); cleaning is repeated on its own output until nothing
    changes (at most twice more), so `clean_html(clean_html(x).html) == clean_html(x)`."""
    cfg = cfg or CleanConfig()
    first = _clean_once(html, title, base_url, cfg)
    result = first
    for _ in range(2):
        again = _clean_once(result.html, title, base_url, cfg)
        if again.html == result.html:
            break
        result = again
    if result is first:
        return first
    # keep what only the first pass could see: facts from the scraped page's chrome
    return Cleaned(result.html, result.text, result.first_paragraph, result.lead_image or
                   first.lead_image, first.facts)


def _clean_once(html: str, title: str, base_url: str, cfg: CleanConfig) -> Cleaned:
    unlink = re.compile("|".join(f"(?:{p})" for p in cfg.unlink_patterns)) \
        if cfg.unlink_patterns else None
    ctx = Context(title=title, base_url=base_url, cfg=cfg, facts=Facts(), unlink=unlink)
    try:
        if _too_deep(html):
            raise RecursionError("nesting deeper than MAX_DEPTH")
        soup = BeautifulSoup(html, "lxml")
        for _name, run in PASSES:
            run(soup, ctx)
        root = soup.body or soup
        body = root.decode_contents() if soup.body else str(soup)
        text, first = _plain_text(root)
        lead = next((img["src"] for img in _tags(root, ("img",)) if img.get("src")), "")
    except RecursionError:
        # Pathological nesting (tens of thousands of levels): keep the words, drop markup.
        words = " ".join(BeautifulSoup(html, "lxml").get_text(" ", strip=True).split())
        body, text, first, lead = f"<p>{_escape(words)}</p>", words, words[:300], ""
        ctx.facts.removed.append("markup too deeply nested: kept as plain text")
    safe = sanitize(body)
    # the sanitizer's HTML parser may split invalid nesting into empty paragraphs
    safe = _EMPTY_P.sub("", safe)
    safe = re.sub(r"\n\s*\n+", "\n", safe).strip()
    return Cleaned(safe, text, first, lead, ctx.facts)


_EMPTY_P = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")
MAX_DEPTH = 256
_TAG_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source", "area", "col",
                   "embed", "param", "track", "base"})


def _too_deep(html: str) -> bool:
    """Markup nested deeper than MAX_DEPTH (no real article is): the passes would be slow
    and the browser's layout too, so such a body is kept as plain text."""
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


_BLOCK_TEXT = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption", "pre",
               "blockquote", "dt", "dd", "caption")
_BLOCK_TEXT_SET = frozenset(_BLOCK_TEXT)
_BLOCKISH_ALL = BLOCKS | _BLOCK_TEXT_SET


def _plain_text(root: Tag) -> tuple[str, str]:
    """Plain text with a line break at every block, and the first real paragraph."""
    parts: list[str] = []
    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name in _BLOCK_TEXT_SET or node.name in BLOCKS or node.name == "br":
                parts.append("\n")
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            parts.append(str(node))
    lines = [_SPACE_RUN.sub(" ", line).strip() for line in "".join(parts).split("\n")]
    text = "\n".join(line for line in lines if line)
    first = ""
    for p in _tags(root, ("p",)):
        candidate = _SPACE_RUN.sub(" ", p.get_text()).strip()
        if len(candidate) > 20:
            first = candidate
            break
    return text, first or (text.split("\n", 1)[0] if text else "")
