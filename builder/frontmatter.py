"""Split a text into front matter and body (pure): every syntax Hexo, Jekyll and Hugo accept.

YAML between `---` lines (Hexo: any run of 3+ dashes, the same run closing), YAML without the
opening line (Hexo: the file starts with `title: …` and the block ends at the first `---`),
TOML between `+++` lines (Hugo), JSON between `;;;` lines without its braces (Hexo, also
without the opening line) and a bare `{…}` JSON object (Hugo)."""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from .model import Problem

_OPEN = re.compile(r"^(-{3,}|\+{3}|;{3,})[ \t]*$")
_SEPARATOR = re.compile(r"^(-{3,}|;{3,})[ \t]*$", re.M)
"""The line that ends a block without an opening line (Hexo's "new" mode)."""
HEADLESS_KEY = re.compile(r"^[ \t]*[\"']?([A-Za-z_][\w-]*)[\"']?[ \t]*:")
"""The first line of a block without an opening line: a `key:` (YAML) or `"key":` (JSON)."""
MAX_HEADLESS_LINES = 200
MAX_FRONT_MATTER = 256 * 1024


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """The C safe loader (5-10x faster) that refuses duplicate keys: YAML forbids them, and
    with PyYAML's last-one-wins a second `date:` would silently change what is published."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key `{key}`", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


class _TextDatesLoader(_Loader):
    """Timestamps kept as text: `date: 2021-02-30` is then reported, not a crash."""


_TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                 lambda loader, node: loader.construct_scalar(node))
_ALIAS = re.compile(r"\*[^\s,\]}]+")
_TABS = re.compile(r"\n(\t+)")
"""Hexo reads tabs that indent YAML as two spaces each (YAML itself forbids them)."""


def split(text: str, path: str, headless_keys: frozenset[str] = frozenset()
          ) -> tuple[dict | None, str, int, list[Problem]]:
    """Return (front matter mapping or None, body, 1-based line where the body starts, problems).

    Leading blank lines before the fence are allowed (Hexo from RSS writes one), and so are
    trailing spaces after a fence. A file without a fence has no front matter, unless its first
    line is `key:` with a key in `headless_keys` and a `---`/`;;;` line follows (Hexo's front
    matter without the opening line). A front matter that cannot be read is an error: the
    metadata of that article is unknown.
    """
    stripped = text.lstrip("\n \t")
    skipped = text[: len(text) - len(stripped)].count("\n")
    first_line = stripped.split("\n", 1)[0]
    opened = _OPEN.match(first_line)
    if opened:
        fence = opened.group(1)
        kind = {"+": "toml", ";": "json"}.get(fence[0], "yaml")
        rest = stripped[len(first_line) + 1:] if "\n" in stripped else ""
        closing = re.escape(fence) + (r"|\.\.\." if fence == "---" else "")
        close = re.compile(rf"^(?:{closing})[ \t]*$", re.M).search(rest)
        start_line = skipped + 2
        if close is None:
            if kind == "yaml" and fence != "---":  # a long rule opening a Markdown body
                return None, text, 1, []
            return None, text, 1, [Problem(path, skipped + 1, "error", "front-matter-unclosed",
                                           f"front matter opened with `{fence}` is never closed",
                                           f"add a line `{fence}` after the metadata")]
        raw = rest[: close.start()]
        body = rest[close.end() + 1:]
        body_line = start_line + raw.count("\n") + 1
        data, problems = _load(kind, raw, path, start_line)
        return data, body, body_line, problems
    if stripped.startswith("{"):
        try:
            data, end = json.JSONDecoder().raw_decode(stripped)
        except json.JSONDecodeError as exc:
            if re.match(r'\{\s*"', stripped):  # `{"key": …`: JSON front matter, broken
                return None, text, 1, [Problem(path, skipped + exc.lineno, "error",
                                               "front-matter-syntax",
                                               f"JSON front matter: {exc.msg}")]
            return None, text, 1, []  # a body that starts with a brace, not front matter
        if isinstance(data, dict):
            consumed = stripped[:end]
            body = stripped[end:].lstrip(" \t").removeprefix("\n")
            return _plain(data), body, skipped + consumed.count("\n") + 2, []
    key = HEADLESS_KEY.match(first_line)
    if key and key.group(1).lower() in headless_keys:
        head = "\n".join(stripped.split("\n", MAX_HEADLESS_LINES + 1)[:MAX_HEADLESS_LINES + 1])
        close = _SEPARATOR.search(head)
        if close is not None:
            kind = "json" if close.group(1)[0] == ";" else "yaml"
            raw = stripped[: close.start()]
            body = stripped[close.end() + 1:]
            data, problems = _load(kind, raw, path, skipped + 1)
            return data, body, skipped + raw.count("\n") + 2, problems
    return None, text, 1, []


def _load(kind: str, raw: str, path: str, line0: int) -> tuple[dict | None, list[Problem]]:
    if len(raw) > MAX_FRONT_MATTER:
        return None, [Problem(path, line0, "error", "front-matter-too-large",
                              f"front matter is {len(raw) // 1024} KB; at most "
                              f"{MAX_FRONT_MATTER // 1024} KB is read")]
    if kind == "json":
        # Hexo writes the members without the braces: `"title": "x",` lines between `;;;`.
        wrapped = raw if raw.lstrip().startswith("{") else "{" + raw + "}"
        try:
            data = json.loads(wrapped)
        except json.JSONDecodeError as exc:
            return None, [Problem(path, line0 + exc.lineno - 1, "error", "front-matter-syntax",
                                  f"JSON front matter: {exc.msg}",
                                  'write `"key": value` members separated by commas')]
    elif kind == "toml":
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"at line (\d+)", str(exc))
            line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
            return None, [Problem(path, line0 + line - 1 if line else line0, "error",
                                  "front-matter-syntax", f"TOML front matter: {str(exc).split(' (at line')[0]}")]
    else:
        if "*" in raw and _ALIAS.search(raw) and _has_alias(raw):
            return None, [Problem(path, line0, "error", "front-matter-syntax",
                                  "YAML aliases (`*name`) are not allowed in front matter",
                                  "write the values out; aliases can expand without bound")]
        raw = _TABS.sub(lambda m: "\n" + "  " * len(m.group(1)), raw)
        try:
            try:
                data = yaml.load(raw, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
            except ValueError:  # an impossible timestamp (2021-02-30, 0000-00-00)
                data = yaml.load(raw, Loader=_TextDatesLoader)  # noqa: S506
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            # An error found only at the end (an unclosed bracket or quote) is reported
            # where the construct opened.
            if mark is not None and mark.line >= raw.count("\n") and \
                    getattr(exc, "context_mark", None) is not None:
                mark = exc.context_mark
            line = line0 + mark.line if mark else line0
            reason = getattr(exc, "problem", None) or str(exc).split("\n")[0]
            return None, [Problem(path, line, "error", "front-matter-syntax",
                                  f"YAML front matter: {reason}")]
        except RecursionError:
            return None, [Problem(path, line0, "error", "front-matter-syntax",
                                  "YAML front matter is nested too deeply")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return None, [Problem(path, line0, "error", "front-matter-not-mapping",
                              f"front matter is a {type(data).__name__}, not a mapping of fields",
                              "write `key: value` lines between the fences")]
    return _plain(data), []


def _plain(data: dict) -> dict:
    """Keys as strings; keep values as the loader typed them (dates stay dates)."""
    return {str(k): v for k, v in data.items()}


def _has_alias(raw: str) -> bool:
    """Whether the YAML holds an alias event (the C parser's events; quoted `*` is text)."""
    try:
        return any(isinstance(e, yaml.AliasEvent) for e in yaml.parse(raw, Loader=_Base))
    except yaml.YAMLError:
        return False


_KEY_LINE = re.compile(r"^[ \t]*[\"']?([^\s\"':=#-][^\"':=\n]*?)[\"']?[ \t]*[:=]", re.M)


def key_lines(raw_text: str, body_line: int) -> dict[str, int]:
    """key → line of each top-level-looking `key:` in the front matter (one pass)."""
    head = "\n".join(raw_text.split("\n")[: max(body_line - 1, 0)])
    out: dict[str, int] = {}
    for m in _KEY_LINE.finditer(head):
        out.setdefault(m.group(1).strip(), head.count("\n", 0, m.start()) + 1)
    return out


def syntax(text: str, headless_keys: frozenset[str] = frozenset()) -> str:
    """Which front-matter syntax `text` uses, in words (for the migration summary)."""
    stripped = text.lstrip("\n \t")
    first_line = stripped.split("\n", 1)[0]
    opened = _OPEN.match(first_line)
    if opened:
        return {"+": "TOML (+++)", ";": "JSON (;;;)"}.get(opened.group(1)[0], "YAML (---)")
    if stripped.startswith("{"):
        return "JSON ({…})"
    key = HEADLESS_KEY.match(first_line)
    if key and key.group(1).lower() in headless_keys and _SEPARATOR.search(stripped):
        return "front matter without the opening line"
    return "no front matter"
