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


# The C loader when libyaml is there (5-10x faster); both are safe loaders.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        except json.JSONDecodeError:
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
            line = getattr(exc, "lineno", None)
            return None, [Problem(path, line0 + line - 1 if line else line0, "error",
                                  "front-matter-syntax", f"TOML front matter: {str(exc).split(' (at line')[0]}")]
    else:
        try:
            data = yaml.load(raw, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
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


def line_of(raw_text: str, key: str, body_line: int) -> int | None:
    """Best-effort line number of `key:` in the front matter (for problems about a field)."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[:=]", re.M)
    head = raw_text.split("\n")
    for i, line in enumerate(head[: max(body_line - 1, 0)], 1):
        if pattern.match(line):
            return i
    return None

