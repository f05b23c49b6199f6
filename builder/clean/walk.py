"""One walk of the BeautifulSoup tree calling each concern's handlers for the elements it names.

A `Handler` declares the tags it cares about and an `enter` (before the element's children,
document order) and/or a `leave` (after them) function. The walker visits every node once; a
handler's return value says what became of the element:

- `CONTINUE` (0): go on with the next handler;
- `GONE`: the element was removed (or replaced); its remaining handlers and children are skipped;
- `UNWRAP` (enter only): the walker unwraps the element and visits its former children in its
  place;
- `RENAMED` (leave only): the element now has another name: the handlers of the new name run.

`finish` functions run once after the walk, in order, for what needs the whole document (heading
levels, loose text at the top level, the last links).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from ..config import CleanConfig

CONTINUE, GONE, UNWRAP, RENAMED = 0, 1, 2, 3


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
    """What the chrome handlers removed, for `check --explain`."""
    removed_chars: int = 0
    """Word characters of the text removed as chrome (page furniture, not article text)."""


@dataclass(slots=True)
class Context:
    """One cleaning's settings, the facts found so far and what the walk remembers for `finish`."""

    title: str
    base_url: str
    cfg: CleanConfig
    facts: Facts
    unlink: re.Pattern | None
    tables: int = 0
    """Tables open around the node being visited."""
    anchors: deque = field(default_factory=lambda: deque(maxlen=3))
    """(raw href, label, text before) of the last links seen: the source link is among them."""
    headings: list = field(default_factory=list)
    """Every heading entered, in document order, with its level then (for demotion)."""
    soup: BeautifulSoup | None = None


Fn = Callable[[Tag, Context], int | None]


@dataclass(frozen=True, slots=True)
class Handler:
    name: str
    tags: frozenset[str] | None
    """The element names this handler is called for; None: every element."""
    enter: Fn | None = None
    leave: Fn | None = None
    exclude: frozenset[str] = frozenset()
    """With `tags=None`: names it is not called for."""

    def wants(self, name: str) -> bool:
        return (name in self.tags) if self.tags is not None else name not in self.exclude


StringFn = Callable[[NavigableString, Context], None]


class Walker:
    """Dispatch tables built from the handlers (per element name, computed once per name)."""

    def __init__(self, handlers: tuple[Handler, ...], on_string: StringFn):
        self.handlers = handlers
        self.on_string = on_string
        self._enter: dict[str, tuple[Fn, ...]] = {}
        self._leave: dict[str, tuple[Fn, ...]] = {}

    def enter_for(self, name: str) -> tuple[Fn, ...]:
        found = self._enter.get(name)
        if found is None:
            found = self._enter[name] = tuple(h.enter for h in self.handlers
                                              if h.enter and h.wants(name))
        return found

    def leave_for(self, name: str) -> tuple[Fn, ...]:
        found = self._leave.get(name)
        if found is None:
            found = self._leave[name] = tuple(h.leave for h in self.handlers
                                              if h.leave and h.wants(name))
        return found

    def walk(self, node: Tag, ctx: Context) -> None:
        """Visit `node`'s children (and theirs) once, in document order."""
        for child in list(node.contents):
            if child.__dict__.get("parent") is not node:  # removed or moved by a handler
                continue
            if isinstance(child, Tag):
                self.element(child, ctx)
            elif type(child) is Comment:
                child.extract()
            else:
                self.on_string(child, ctx)

    def element(self, el: Tag, ctx: Context) -> None:
        for fn in self.enter_for(el.name):
            done = fn(el, ctx)
            if done:
                if done == UNWRAP:
                    parent = el.parent
                    kids = list(el.contents)
                    el.unwrap()
                    for kid in kids:
                        if kid.__dict__.get("parent") is parent:
                            if isinstance(kid, Tag):
                                self.element(kid, ctx)
                            elif type(kid) is Comment:
                                kid.extract()
                            else:
                                self.on_string(kid, ctx)
                return
        if el.contents:
            self.walk(el, ctx)
        self.leave(el, ctx)

    def leave(self, el: Tag, ctx: Context) -> None:
        """The leave handlers of `el` (again after a rename)."""
        if el.__dict__.get("parent") is None:  # replaced by a handler of a descendant
            return
        for fn in self.leave_for(el.name):
            done = fn(el, ctx)
            if done:
                if done == RENAMED:
                    self.leave(el, ctx)
                return


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


# --- small helpers the concerns share ------------------------------------------------------

_WORD = re.compile(r"\w")


def text(node: Tag) -> str:
    """The node's text, whitespace collapsed."""
    return " ".join(node.get_text(" ", strip=True).split())


def has(node: Tag, names) -> bool:
    """Whether an element named in `names` is under `node`."""
    return any(isinstance(n, Tag) and n.name in names for n in node.descendants)


def tags(root: Tag, names=None) -> list[Tag]:
    """Elements under `root` in document order, optionally only those named in `names`."""
    return [n for n in root.descendants if isinstance(n, Tag)
            and (names is None or n.name in names)]


def class_match(node: Tag, pattern: re.Pattern) -> bool:
    classes = node.get("class")
    if not classes:
        return False
    return any(pattern.search(c) for c in (classes if isinstance(classes, list) else [classes]))


def drop(node: Tag, ctx: Context, why: str = "") -> int:
    """Remove chrome, keeping account of what went (for --explain and the text-kept test)."""
    if why:
        ctx.facts.removed.append(why)
    ctx.facts.removed_chars += len(_WORD.findall(node.get_text()))
    node.decompose()
    return GONE


def mark(node: Tag, key: str, value=True) -> None:
    """Remember something about an element for a later handler (not an attribute: nothing of
    it is serialised)."""
    node.__dict__[key] = value


def marked(node: Tag, key: str):
    return node.__dict__.get(key)
