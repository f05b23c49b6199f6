"""Chrome and facts: the scraped page's own metadata (time, source, authors, abstract) is read,
and its furniture removed: a heading repeating the title, widgets, navigation links, and whole
paragraphs that are time/source/reporter lines or `THE END`."""

from __future__ import annotations

import re

from bs4 import Tag

from ..textutil import HAN
from .walk import Context, Handler, class_match, drop, has, mark, marked, text

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
_TIME_CLASS = re.compile(r"(?:^|[-_])(?:time|date|pubtime)$")
_ABSTRACT_CLASS = re.compile(r"abstract|summary|digest", re.I)
_WIDGET_CLASS = re.compile(r"^(?:u-time|typeTags?|m-abstract(?:Up|Down)|share|article-share|tags?-?list)$")
_NAV_LINK = re.compile(r"\s*(?:返回(?:首页|列表|东财滚动新闻)|back to (?:home|top)|zurück)\s*", re.I)
_NORM = re.compile(r"[\W_]+")
_YEAR = re.compile(r"\d{4}")


def _norm(value: str) -> str:
    """Loose form for comparing a heading with a title: no punctuation, no spaces."""
    return _NORM.sub("", value).lower()


# --- facts ---------------------------------------------------------------------------------

def _class_facts(node: Tag, ctx: Context) -> None:
    facts = ctx.facts
    if class_match(node, _TIME_CLASS):
        if not facts.time:
            found = text(node)
            if _YEAR.search(found):
                facts.time = found
    elif "source" in node.get("class"):
        if not facts.source:
            found = text(node)
            if 1 < len(found) < 40:
                facts.source = found
    elif class_match(node, _ABSTRACT_CLASS):
        found = text(node)
        if len(found) > 10:
            facts.abstract = found
        mark(node, "_abstract", found)


def _facts_inside(node: Tag, ctx: Context) -> None:
    """The facts of a subtree removed as chrome: they were on the page all the same."""
    for child in node.contents:
        if not isinstance(child, Tag) or child.name in _SKIP:
            continue
        if child.get("class"):
            _class_facts(child, ctx)
        _facts_inside(child, ctx)


def _drop_with_facts(node: Tag, ctx: Context, why: str) -> int:
    _facts_inside(node, ctx)
    return drop(node, ctx, why)


# --- handlers ------------------------------------------------------------------------------

def heading(node: Tag, ctx: Context) -> int | None:
    """h1/h2: removed when it repeats the title."""
    found = text(node)
    if not found:
        return None
    if repeats_title(found, ctx.title):
        return _drop_with_facts(node, ctx, f"heading repeating the title: {found[:60]}")
    return None


def repeats_title(heading_text: str, title: str) -> bool:
    title, norm = _norm(title), _norm(heading_text)
    return bool(title and norm and (norm == title or (len(title) > 8 and (title in norm
                                                                           or norm in title))))


def title_headings(ctx: Context, headings: list[Tag]) -> bool:
    """Headings that became the body's top level (h2) and repeat the title go too; True if one
    went (the levels are then worked out again)."""
    gone = False
    if not ctx.title:
        return gone
    for h in headings:
        if h.name == "h2" and h.__dict__.get("parent") is not None:
            found = text(h)
            if repeats_title(found, ctx.title):
                drop(h, ctx, f"heading repeating the title: {found[:60]}")
                gone = True
    return gone


def classes(node: Tag, ctx: Context) -> int | None:
    """Facts told by class names (time, source, abstract), then widgets by class name."""
    if not node.get("class"):
        return None
    _class_facts(node, ctx)
    if class_match(node, _WIDGET_CLASS):
        return _drop_with_facts(node, ctx, f"widget .{' '.join(node.get('class', []))}")
    return None


def abstract_block(node: Tag, ctx: Context) -> int | None:
    """The abstract block, once read as the excerpt, leaves the body."""
    found = marked(node, "_abstract")
    if found is not None and ctx.facts.abstract and found == ctx.facts.abstract:
        return drop(node, ctx, "abstract block (kept as the excerpt)")
    return None


def nav_link(a: Tag, ctx: Context) -> int | None:
    label = text(a)
    mark(a, "_label", label)
    if _NAV_LINK.fullmatch(label):
        return _drop_with_facts(a, ctx, f"navigation link: {label}")
    return None


def chrome_line(p: Tag, ctx: Context) -> int | None:
    """A whole paragraph that is chrome: a time/source/reporter line (its fact is kept),
    `THE END`, `转载请注明出处`."""
    if has(p, _LINE_HOLDS):
        return None
    found = text(p)
    if not found or len(found) > 120:
        return None
    facts = ctx.facts
    if m := _TIME_LINE.match(found):
        facts.time = facts.time or m.group(1)
    elif m := _SOURCE_LINE.match(found):
        facts.source = facts.source or m.group(1)
    elif m := _AUTHOR_LINE.match(found):
        for _role, name in _AUTHOR_PART.findall(m.group(1)):
            name = name.strip()
            if name not in facts.authors:
                facts.authors.append(name)
    elif not _CHROME_LINES.match(found):
        return None
    return drop(p, ctx, f"line: {found[:60]}")


def chrome_headings(ctx: Context) -> None:
    """Headings (h4–h6 once demoted) can be chrome lines too."""
    for h, _ in ctx.headings:
        if h.__dict__.get("parent") is not None and h.name in ("h4", "h5", "h6"):
            chrome_line(h, ctx)


_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "frame", "frameset",
                   "object", "embed", "applet", "svg", "math", "nav", "header", "footer",
                   "aside", "form", "head", "title"})
_LINE_HOLDS = frozenset({"img", "table", "p"})

HEADING = Handler("heading", frozenset({"h1", "h2"}), enter=heading)
CLASSES = Handler("classes", None, enter=classes, leave=abstract_block)
NAV_LINK = Handler("nav_link", frozenset({"a"}), enter=nav_link)
