"""Repairs with evidence: a title whose quotes became `_`, a missing or invalid date (pure)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC
from pathlib import PurePosixPath

from . import dates, textutil
from .config import Config
from .model import Meta, Problem

_QUOTES = "“”\"'‘’「」『』《》〈〉【】"
_ATTR = re.compile(r"\b(?:title|alt)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)
_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HAN = re.compile(f"[{textutil.HAN}]")


def title_candidates(body: str) -> list[str]:
    """Texts in the body that may hold the real title: headings, image titles, then the text."""
    attrs = [" ".join(html.unescape(m.group(1)[1:-1]).split())
             for m in _ATTR.finditer(body[:200_000])]
    return textutil.headings(body) + [a for a in attrs if a]


def repair_title(title: str, body: str) -> tuple[str, str]:
    """Restore quotes that a scraper replaced by `_`, from the body's own heading or image
    titles, when they match character for character around the gaps.

    `联想_零碳之路_：从_零碳服务_到_零碳工厂_` + heading `联想“零碳之路”：从“零碳服务”到“零碳工厂”`
    → the heading's quotes. Returns (title, evidence); evidence is empty when nothing changed.
    """
    if "_" not in title or not _HAN.search(title):
        return title, ""
    core = _loose(title)
    pattern = None
    for where, candidates in (("heading or image title", title_candidates(body)),
                              ("body text", [_TAG.sub("", _COMMENT.sub("", body[:300_000]))])):
        for candidate in candidates:
            if core not in _loose(candidate):
                continue  # cheap test first: compiling the gap pattern is not
            pattern = pattern or _gap_pattern(title)
            m = pattern.search(candidate)
            if m and all(g and g != "_" for g in m.groups()):
                fills = iter(m.groups())
                fixed = "".join(next(fills) if ch == "_" else ch for ch in title)
                return fixed, f"quotes restored from the {where}: {candidate[:80]!r}"
    return _repair_by_phrases(title, body)


_PAIRS = {"“": "”", "\"": "\"", "'": "'", "‘": "’", "「": "」", "『": "』", "《": "》"}


def _repair_by_phrases(title: str, body: str) -> tuple[str, str]:
    """Second strategy: every `_phrase_` of the title is quoted in the body as “phrase”."""
    parts = title.split("_")
    if len(parts) % 2 == 0:  # an odd number of `_`: they are not quote pairs
        return title, ""
    text = _TAG.sub("", _COMMENT.sub("", body[:300_000]))
    out, seen = [parts[0]], []
    for i in range(1, len(parts), 2):
        phrase = parts[i]
        if not phrase or len(phrase) > 40:
            return title, ""
        m = re.search("([" + re.escape("".join(_PAIRS)) + "])" + re.escape(phrase)
                      + "([" + re.escape("".join(_PAIRS.values())) + "])", text)
        if not m or _PAIRS.get(m.group(1)) != m.group(2):
            return title, ""
        out += [m.group(1), phrase, m.group(2), parts[i + 1]]
        seen.append(m.group(0))
    return "".join(out), f"each quoted phrase appears quoted in the body: {', '.join(seen)}"


_LOOSE = re.compile(r"[\s_、，,·" + re.escape(_QUOTES) + "]+")


def _loose(text: str) -> str:
    """Text without quotes, `_`, list commas and spaces: what must match around the gaps."""
    return _LOOSE.sub("", text)


def _gap_pattern(title: str) -> re.Pattern:
    """Each `_` → one quote-like character (captured); between the title's characters the
    body may add a list comma or a space (`多角度全链条` ~ `多角度、全链条`)."""
    parts = []
    for ch in title:
        if ch == "_":
            parts.append(f"([{re.escape(_QUOTES)}_])")
        elif ch.isspace():
            parts.append(r"\s*")
        else:
            parts.append(re.escape(ch))
    return re.compile(r"[、，,·\s]?".join(parts))


def _folder_year(path: str) -> int | None:
    folder = dates.find_year_in_folders(path, UTC)
    return folder.year if folder else None


def resolve_date(meta: Meta, time_fact: str, body_text: str, path: str,
                 cfg: Config, expected: bool = False) -> tuple[Meta, list[Problem]]:
    """Keep a valid front-matter date; else recover one with evidence, in this order:
    the body's publication-time line, the original URL, the file name, the first date
    written in the body, a year in the folder names. `expected`: the file has no front
    matter, so a date from its name or body is the normal case, not a repair worth a warning.
    (A date in the future is reported by the index, which knows now.)"""
    problems: list[Problem] = []
    tz = cfg.tz
    moment, evidence = meta.date, meta.date_evidence
    if moment is None:
        why = meta.date_evidence.removeprefix("invalid: ") or "no date field"
        candidates = (
            ("the body's publication-time line", lambda: dates.find_date(time_fact, tz)),
            ("the original URL", lambda: dates.find_date_in_name(meta.source_url, tz)),
            ("the file name", lambda: dates.find_date_in_name(PurePosixPath(path).name, tz)),
            ("the folder names", lambda: dates.find_date_in_name(path, tz)),
            ("the first date in the title", lambda: dates.find_date_in_name(meta.title, tz)
             or dates.find_date(meta.title, tz)),
            ("a publication date in the body", lambda: dates.find_publication_date(
                body_text[:5000], tz, _folder_year(path))),
            ("the year in the folder names", lambda: dates.find_year_in_folders(path, tz)),
        )
        for source, find in candidates:
            found = find()
            if found is not None:
                moment, evidence = found, source
                break
        if moment is None:
            problems.append(Problem(path, None, "warning", "date-missing",
                                    f"no usable date ({why}) and none found in the body, the "
                                    "original URL or the file name; built as undated (listed "
                                    "after dated articles, not in feeds)",
                                    "add `date: YYYY-MM-DD` to the front matter"))
            return meta, problems
        if not expected or source not in ("the file name", "the folder names"):
            problems.append(Problem(path, None, "warning", "date-repaired",
                                    f"date {moment.isoformat()} recovered from {source} ({why})"))
    return replace(meta, date=moment, date_evidence=evidence), problems
