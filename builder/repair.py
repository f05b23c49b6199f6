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
_CAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.S | re.I)
_MD_IMAGE = re.compile(r"!\[([^\]]+)\]\(")
_FILL = r"([^\w\s])"
"""What a `_` stood for: one punctuation mark or symbol (a quote, `/`, `、`, `+`, `.`…)."""
_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HAN = re.compile(f"[{textutil.HAN}]")


def title_candidates(body: str) -> list[str]:
    """Texts in the body that may hold the real title: headings, image titles, then the text."""
    head = body[:200_000]
    extra = [m.group(1)[1:-1] for m in _ATTR.finditer(head)]
    extra += [_TAG.sub("", m.group(1)) for m in _CAPTION.finditer(head)]
    extra += [m.group(1) for m in _MD_IMAGE.finditer(head)]
    extra = [" ".join(html.unescape(c).split()) for c in extra]
    return textutil.headings(body) + [c for c in extra if c]


def repair_title(title: str, body: str) -> tuple[str, str]:
    """Restore the punctuation a scraper replaced by `_` (quotes, `/`, `、`…), from text of the
    article that shows the same title with it: headings, image alt and title, captions, then
    the body text. Returns (title, evidence); evidence is empty when nothing changed.

    The whole title first: `联想_零碳之路_：从_零碳服务_到_零碳工厂_` + heading
    `联想“零碳之路”：从“零碳服务”到“零碳工厂”` → the heading's quotes. Else gap by gap, each
    from its own neighbourhood (`200Wh_kg！` + image alt `200Wh/kg！…` → `200Wh/kg！`), and a
    `_phrase_` that the body quotes as “phrase”; a gap without evidence keeps its `_`.
    """
    if "_" not in title or not _HAN.search(title):
        return title, ""
    candidates = [("heading, image text or caption", c) for c in title_candidates(body)]
    text = _TAG.sub("", _COMMENT.sub("", body[:300_000]))
    candidates.append(("body text", text))
    core = _loose(title)
    pattern = None
    for where, candidate in candidates:
        if core not in _loose(candidate):
            continue  # cheap test first: compiling the gap pattern is not
        pattern = pattern or _gap_pattern(title)
        m = pattern.search(candidate)
        if m:
            fills = iter(m.groups())
            fixed = "".join(next(fills) if ch == "_" else ch for ch in title)
            return fixed, f"punctuation restored from the {where}: {candidate[:80]!r}"
    return _repair_by_gaps(title, candidates, text)


def _repair_by_gaps(title: str, candidates: list[tuple[str, str]], text: str) -> tuple[str, str]:
    """Each `_` on its own: the characters around it, with one punctuation mark between them,
    written somewhere in the article; then `_phrase_` pairs the body quotes."""
    found: list[str] = []
    paired, quoted = _repair_by_phrases(title, text)
    if quoted:
        found.append(quoted)
    chars = list(paired)
    gaps = [i for i, ch in enumerate(paired) if ch == "_"]
    title_ = title
    title = paired
    for n, i in enumerate(gaps):
        start = gaps[n - 1] + 1 if n else 0
        end = gaps[n + 1] if n + 1 < len(gaps) else len(title)
        fill = _fill_gap(title[start:i], title[i + 1:end], candidates)
        if fill:
            chars[i] = fill[0]
            found.append(f"{title[max(start, i - 6):i]}{fill[0]}{title[i + 1:min(end, i + 7)]} "
                         f"({fill[1]})")
    fixed = "".join(chars)
    if fixed == title_:
        return title_, ""
    return fixed, "gaps restored from the article's own text: " + "; ".join(found)[:300]


def _fill_gap(left: str, right: str, candidates: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The punctuation mark between `left` and `right` in some candidate, trying the widest
    context first (six characters each side, then four, then two)."""
    for width in (6, 4, 2):
        a, b = left[-width:], right[:width]
        if len(a) + len(b) < 4 or (a and len(a) < min(2, len(left))) or \
                (b and len(b) < min(2, len(right))):
            continue
        if not (a and b) and len(a) + len(b) < 6:
            continue  # a gap at the title's edge needs a longer context on its one side
        pattern = re.compile(re.escape(a) + _FILL + re.escape(b))
        for where, candidate in candidates:
            m = pattern.search(candidate)
            if m and m.group(1) != "_":
                return m.group(1), where
    return None


_PAIRS = {"“": "”", "\"": "\"", "'": "'", "‘": "’", "「": "」", "『": "』", "《": "》"}


def _repair_by_phrases(title: str, text: str) -> tuple[str, str]:
    """Each `_phrase_` that the body writes quoted as “phrase” gets those quotes; the others
    keep their `_` (`100亿投建_风光火储_一体化…加速_奔向_新能源` → only “风光火储” is quoted in the
    body)."""
    parts = title.split("_")
    if len(parts) < 3:
        return title, ""
    out, seen = [parts[0]], []
    i = 1
    while i < len(parts):
        phrase = parts[i]
        m = None
        if i + 1 < len(parts) and phrase and len(phrase) <= 40:
            m = re.search("([" + re.escape("".join(_PAIRS)) + "])" + re.escape(phrase)
                          + "([" + re.escape("".join(_PAIRS.values())) + "])", text)
        if m and _PAIRS.get(m.group(1)) == m.group(2):
            out += [m.group(1), phrase, m.group(2), parts[i + 1]]
            seen.append(m.group(0))
            i += 2
        else:
            out += ["_", phrase]
            i += 1
    if not seen:
        return title, ""
    return "".join(out), f"quoted in the body: {', '.join(seen)}"


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
            parts.append(_FILL)
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
