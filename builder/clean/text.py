"""Plain text: the cleaned tree as text with a line break at every block, its first real
paragraph and its first image, read in one pass; and the tree serialised for the sanitizer."""

from __future__ import annotations

import re

from bs4 import Comment, NavigableString, Tag

from .structure import BLOCK_TEXT, BLOCKS

_BREAKS = BLOCKS | BLOCK_TEXT | {"br"}
_SPACE_RUN = re.compile(r"[ \t\r\f\v]+")


def plain_text(root: Tag) -> tuple[str, str, str]:
    """(text, first paragraph, lead image URL)."""
    parts: list[str] = []
    first = lead = ""
    for node in root.descendants:
        if isinstance(node, Tag):
            name = node.name
            if name in _BREAKS:
                parts.append("\n")
                if name == "p" and not first:
                    candidate = _SPACE_RUN.sub(" ", node.get_text()).strip()
                    if len(candidate) > 20:
                        first = candidate
            elif name == "img" and not lead:
                lead = node.get("src") or ""
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            parts.append(node)
    lines = [_SPACE_RUN.sub(" ", line).strip() for line in "".join(parts).split("\n")]
    text = "\n".join(line for line in lines if line)
    return text, first or (text.split("\n", 1)[0] if text else ""), lead


_VOID = frozenset({"br", "img", "hr", "wbr", "area", "base", "col", "embed", "input", "link",
                   "meta", "param", "source", "track"})


def serialize(root: Tag) -> str:
    """The children of `root` as HTML for the sanitizer (which parses it again): what bs4's
    `decode_contents` writes, without its formatter machinery. Text between two tags that is
    only spaces is written as lxml reads it back (one newline if it has one, else one space),
    so that cleaning the output again finds the same text."""
    out: list[str] = []
    _serialize(root.contents, out, False)
    return "".join(out)


_BLANK = re.compile(r"[ \t\n\r\f]+")


def _serialize(children: list, out: list[str], pre: bool) -> None:
    append = out.append
    run: list[str] = []
    for child in children:
        if type(child) is NavigableString:
            run.append(child)
            continue
        if run:
            _text(run, out, pre)
        if isinstance(child, Tag):
            name = child.name
            if child.attrs:
                append(f"<{name}" + "".join(f' {k}="{_attr(v)}"'  # sorted, as bs4 writes them
                                            for k, v in sorted(child.attrs.items())) + ">")
            else:
                append(f"<{name}>")
            if name in _VOID and not child.contents:
                continue
            _serialize(child.contents, out, pre or name == "pre")
            append(f"</{name}>")
        else:  # CDATA, processing instructions, doctypes: as bs4 writes them
            append(child.output_ready())
    if run:
        _text(run, out, pre)


def _text(run: list[str], out: list[str], pre: bool) -> None:
    value = "".join(run) if len(run) > 1 else run[0]
    run.clear()
    if not pre and _BLANK.fullmatch(value):
        value = "\n" if "\n" in value else " "
    out.append(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _attr(value) -> str:
    if isinstance(value, list):
        value = " ".join(value)
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;")
