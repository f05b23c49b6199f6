"""Structure: layout wrappers unwrapped (or made paragraphs), headings demoted below the page's
h1 without skipping a level, table parts and list items kept inside tables and lists, empty
markup and repeated breaks dropped, loose text put into paragraphs, and blocks never left inside
a paragraph (the sanitizer's HTML parser would split it there)."""

from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from .chrome import chrome_line, title_headings
from .links import caption
from .walk import GONE, RENAMED, UNWRAP, Context, Handler, has, mark, marked

WRAPPERS = frozenset({"span", "font", "section", "div", "center", "article", "main", "label",
                      "big", "tt", "nobr", "o:p", "st1"})
_TO_PARAGRAPH = frozenset({"div", "section", "center", "article", "main"})
BLOCKS = frozenset({"p", "ul", "ol", "dl", "table", "figure", "blockquote", "pre", "hr", "h1",
                    "h2", "h3", "h4", "h5", "h6", "div", "section"})
BLOCK_TEXT = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption",
                        "pre", "blockquote", "dt", "dd", "caption"})
_BLOCKISH = BLOCKS | {"br", "img", "figure"}
_BLOCKISH_ALL = BLOCKS | BLOCK_TEXT
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TABLE_PARTS = frozenset({"td", "th", "tr", "tbody", "thead", "tfoot", "caption"})
_EMPTYABLE = frozenset({"p", "li", "strong", "b", "em", "i", "blockquote", "figcaption", "h1",
                        "h2", "h3", "h4", "h5", "h6", "a"})
"""h1 too: every body h1 becomes an h2 at the end of the walk."""
_P_CLOSERS = frozenset({"p", "ul", "ol", "dl", "dt", "dd", "li", "table", "figure", "figcaption",
                        "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div",
                        "section", "center", "article", "main", "address", "details", "summary",
                        "menu", "dir", "fieldset", "hgroup", "listing", "xmp", "plaintext"})
"""Start tags that close an open paragraph in the HTML parsing algorithm."""
_IN_TABLE = {"table": frozenset({"caption", "colgroup", "thead", "tbody", "tfoot", "tr", "td", "th"}),
             "thead": frozenset({"tr", "td", "th"}), "tbody": frozenset({"tr", "td", "th"}),
             "tfoot": frozenset({"tr", "td", "th"}), "tr": frozenset({"td", "th"})}
"""What the HTML parser keeps inside table structure; anything else it moves before the table."""
_NBSP_RUN = re.compile(r"[\u00a0\u3000\u2002\u2003\u2009\u200b]+")


def strings(string: NavigableString, ctx: Context) -> None:
    """Runs of `&nbsp;`, ideographic and zero-width spaces become one space."""
    if _NBSP_RUN.search(string):
        string.replace_with(_NBSP_RUN.sub(" ", string))


def wrapper(node: Tag, ctx: Context) -> int:
    """Layout wrappers keep their content and lose the tag; a block wrapper holding only text
    and inline markup becomes a paragraph so the text stays a block."""
    if node.name in _TO_PARAGRAPH and not has(node, _BLOCKISH) and node.get_text().strip():
        node.name = "p"
        node.attrs = {}
        return RENAMED
    node.unwrap()
    return GONE


def heading(node: Tag, ctx: Context) -> None:
    ctx.headings.append((node, int(node.name[1])))


def inline_only(node: Tag, ctx: Context) -> None:
    """A heading (or pre) holds text and inline markup only: blocks inside it keep their content, not
    their tags (an HTML parser would end the heading at the first one)."""
    for inner in [n for n in node.descendants if isinstance(n, Tag) and n.name in _P_CLOSERS]:
        inner.unwrap()


_CLOSED_BY = {"b": frozenset({"p"}), "i": frozenset({"p"}), "u": frozenset({"p"}),
              "s": frozenset({"p"}), "small": frozenset({"p"}), "a": frozenset({"table"})}
"""Inline elements that lxml's parser ends at these start tags."""


def no_block_inside(node: Tag, ctx: Context) -> int | None:
    """Emphasis around paragraphs (a link around a table) loses its tag: the parser would end
    it there, so keeping it would not survive a second cleaning."""
    if has(node, _CLOSED_BY[node.name]):
        node.unwrap()
        return GONE
    return None


def demote_headings(ctx: Context) -> None:
    """The page has one h1 (the title): body headings start at h2, their order kept and no
    level skipped. Only headings still there count (an empty one went); a heading that becomes
    an h2 and repeats the title goes, and the levels are worked out again."""
    while True:
        headings = [h for h, _ in ctx.headings if h.name in HEADINGS]
        levels = sorted({int(h.name[1]) for h in headings})
        mapping = {level: min(6, 2 + i) for i, level in enumerate(levels)}
        previous = 1  # the page's own h1
        for h in headings:
            level = min(mapping[int(h.name[1])], previous + 1)
            h.name = f"h{level}"
            previous = level
        if not title_headings(ctx, headings):
            return


def table_enter(node: Tag, ctx: Context) -> None:
    ctx.tables += 1


def table_part(node: Tag, ctx: Context) -> int | None:
    """A table cell or row outside any table keeps its content, not its tag."""
    return UNWRAP if ctx.tables == 0 else None


def table_leave(node: Tag, ctx: Context) -> int | None:
    """A table without cells goes (its text stays); what the HTML parser would move out of
    the table's structure is moved before it here."""
    ctx.tables -= 1
    _foster(node, node)
    if not has(node, ("td", "th")):
        if node.get_text(strip=True):
            node.unwrap()
        else:
            node.decompose()
        return GONE
    return None


def _foster(table: Tag, part: Tag) -> None:
    allowed = _IN_TABLE[part.name]
    for child in list(part.contents):
        if isinstance(child, Tag):
            if child.name not in allowed:
                table.insert_before(child.extract())
                for inner in [n for n in child.descendants
                              if isinstance(n, Tag) and n.name in _TABLE_PARTS]:
                    inner.unwrap()  # no longer inside a table
            elif child.name in _IN_TABLE:
                _foster(table, child)
        elif child.strip():
            table.insert_before(child.extract())


def list_item(li: Tag, ctx: Context) -> None:
    """A list item outside a list gets one (consecutive ones share it)."""
    parent = li.parent
    if parent.name in ("ul", "ol"):
        return
    previous = li.previous_sibling
    while isinstance(previous, str) and not previous.strip():
        previous = previous.previous_sibling
    if isinstance(previous, Tag) and previous.name == "ul" and marked(previous, "_made"):
        previous.append(li.extract())
    else:
        ul = ctx.soup.new_tag("ul")
        mark(ul, "_made")
        li.wrap(ul)


def empty(node: Tag, ctx: Context) -> int | None:
    """Empty paragraphs, list items, emphasis, headings and links go."""
    if node.get_text().strip():
        return None
    if has(node, ("img", "br") if node.name == "a" else ("img",)):
        return None
    node.decompose()
    return GONE


def breaks(node: Tag, ctx: Context) -> None:
    """Two breaks in a row (spaces between) are one."""
    previous_br = None
    for child in list(node.contents):
        if isinstance(child, Tag):
            if child.name == "br":
                if previous_br is not None:
                    previous_br.decompose()
                previous_br = child
            else:
                previous_br = None
        elif child.strip():
            previous_br = None


def paragraph(p: Tag, ctx: Context) -> int | None:
    """A paragraph, once its content is final: breaks at its ends go; a block inside it splits
    it (as the HTML parser would); a caption joins its image; a chrome line goes."""
    contents = p.contents
    while contents and getattr(contents[0], "name", None) == "br":
        contents[0].extract()
    while contents and getattr(contents[-1], "name", None) == "br":
        contents[-1].extract()
    if not contents:
        p.decompose()
        return GONE
    if has(p, _P_CLOSERS):
        return _split(p, ctx)
    return caption(p, ctx) or chrome_line(p, ctx)


def _split(p: Tag, ctx: Context) -> int:
    """Blocks that are children of `p` end it; inline runs between them stay paragraphs. A
    block nested deeper (inside emphasis) leaves the paragraph's content unwrapped."""
    if any(isinstance(c, Tag) and c.name not in _P_CLOSERS and has(c, _P_CLOSERS)
           for c in p.contents):
        p.unwrap()
        return GONE
    run: list = []
    for child in list(p.contents):
        if isinstance(child, Tag) and child.name in _P_CLOSERS:
            _flush(p, run, ctx)
            p.insert_before(child.extract())
        else:
            run.append(child)
    _flush(p, run, ctx)
    p.decompose()
    return GONE


def _flush(anchor: Tag, run: list, ctx: Context) -> None:
    if any(getattr(n, "name", None) == "img" or (n.get_text() if isinstance(n, Tag) else str(n)).strip()
           for n in run):
        new = ctx.soup.new_tag("p")
        anchor.insert_before(new)
        for n in run:
            new.append(n.extract())
        paragraph(new, ctx)
    run.clear()


def wrap_loose_text(root: Tag, ctx: Context) -> None:
    """Text and inline tags left at the top level go into paragraphs (a double break ends
    one)."""
    run: list = []

    def flush() -> None:
        if any(getattr(n, "name", None) == "img" or (n.get_text() if isinstance(n, Tag)
               else str(n)).strip() for n in run):
            p = ctx.soup.new_tag("p")
            run[0].insert_before(p)
            for n in run:
                p.append(n.extract())
            breaks(p, ctx)
            paragraph(p, ctx)
        run.clear()

    for node in list(root.children):
        is_block = isinstance(node, Tag) and (node.name in _BLOCKISH_ALL
                                              or has(node, _BLOCKISH_ALL))
        double_break = isinstance(node, Tag) and node.name == "br" and bool(run) \
            and isinstance(node.next_sibling, Tag) and node.next_sibling.name == "br"
        if is_block or double_break:
            flush()
        else:
            run.append(node)
    flush()
    breaks(root, ctx)


WRAPPER = Handler("wrapper", WRAPPERS, leave=wrapper)
HEADINGS_HANDLER = Handler("headings", HEADINGS, enter=heading, leave=inline_only)
PRE = Handler("pre", frozenset({"pre"}), leave=inline_only)
NO_BLOCK_INSIDE = Handler("no_block_inside", frozenset(_CLOSED_BY), leave=no_block_inside)
TABLE = Handler("table", frozenset({"table"}), enter=table_enter, leave=table_leave)
TABLE_PART = Handler("table_part", _TABLE_PARTS, enter=table_part)
LIST_ITEM = Handler("list_item", frozenset({"li"}), leave=list_item)
EMPTY = Handler("empty", _EMPTYABLE, leave=empty)
BREAKS = Handler("breaks", None, leave=breaks)
PARAGRAPH = Handler("paragraph", frozenset({"p"}), leave=paragraph)
