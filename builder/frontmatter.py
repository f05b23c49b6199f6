"""Split a text into front matter (YAML `---`, TOML `+++`, JSON `{`) and body (pure)."""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from .model import Problem

_FENCE = {"---": "yaml", "+++": "toml"}
_CLOSE = {"yaml": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M), "toml": re.compile(r"^\+\+\+[ \t]*$", re.M)}
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


def split(text: str, path: str) -> tuple[dict | None, str, int, list[Problem]]:
    """Return (front matter mapping or None, body, 1-based line where the body starts, problems).

    Leading blank lines before the fence are allowed (Hexo from RSS writes one), and so are
    trailing spaces after a fence. A file without a fence has no front matter. A front matter
    that cannot be read is an error: the metadata of that article is unknown.
    """
    stripped = text.lstrip("\n \t")
    skipped = text[: len(text) - len(stripped)].count("\n")
    first = stripped.split("\n", 1)[0].rstrip()
    if first in _FENCE:
        kind = _FENCE[first]
        rest = stripped[len(stripped.split("\n", 1)[0]) + 1:] if "\n" in stripped else ""
        close = _CLOSE[kind].search(rest)
        start_line = skipped + 2
        if close is None:
            return None, text, 1, [Problem(path, skipped + 1, "error", "front-matter-unclosed",
                                           f"front matter opened with `{first}` is never closed",
                                           f"add a line `{first}` after the metadata")]
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
    return None, text, 1, []


def _load(kind: str, raw: str, path: str, line0: int) -> tuple[dict | None, list[Problem]]:
    if len(raw) > MAX_FRONT_MATTER:
        return None, [Problem(path, line0, "error", "front-matter-too-large",
                              f"front matter is {len(raw) // 1024} KB; at most "
                              f"{MAX_FRONT_MATTER // 1024} KB is read")]
    if kind == "toml":
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
