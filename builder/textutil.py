"""Language-aware text measures: CJK/Latin counts, reading time, excerpts, slugs (pure)."""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
LATIN_WORD = re.compile(r"[^\W\d_\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+"
                        r"(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*")
CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 220
_SPACE = re.compile(r"\s+")
SENTENCE_END = "。！？!?；;…"


def counts(text: str) -> tuple[int, int]:
    """(CJK characters, Latin words and numbers) in `text`."""
    cjk = len(CJK.findall(text))
    words = len(LATIN_WORD.findall(CJK.sub(" ", text)))
    return cjk, words


def reading_minutes(text: str) -> int:
    cjk, words = counts(text)
    return max(1, math.ceil(cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))


def article_chars(text: str) -> int:
    """Characters a reader reads: everything but whitespace."""
    return len(_SPACE.sub("", text))


def width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def excerpt(text: str, columns: int) -> str:
    """The first `columns` display columns of `text` (a CJK character is 2), cut at a
    sentence end when one is near, else at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    used = 0
    for i, ch in enumerate(text):
        used += width(ch)
        if used > columns:
            cut = text[:i]
            break
    else:
        return text
    best = max(cut.rfind(p) for p in SENTENCE_END)
    if best >= len(cut) * 0.6:
        return cut[: best + 1]
    if not CJK.search(cut[-10:]):
        space = cut.rfind(" ")
        if space > len(cut) * 0.6:
            cut = cut[:space]
    return cut.rstrip(" ,，、:：;；-—") + "…"


_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                         "Ü": "Ue", "ø": "o", "Ø": "O", "æ": "ae", "å": "aa", "ı": "i",
                         "ł": "l", "đ": "d"})
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def unicode_slug(text: str, max_length: int = 60) -> str:
    """A slug that keeps letters of any script: `联想-零碳工厂`."""
    slug = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKC", text).lower()).strip("-_")
    return slug[:max_length].rstrip("-_")


def slugify(text: str, max_length: int = 80) -> str:
    """A readable ASCII slug for any language: pinyin for Chinese (`lian-xiang-ji-tuan`),
    transliteration for German (`ae`, `ss`) and accents dropped for the rest."""
    parts: list[str] = []
    pos = 0
    for m in _HAN.finditer(text):
        parts.append(text[pos:m.start()])
        from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 (slow to import: only when needed)

        parts.append(" " + " ".join(lazy_pinyin(m.group(), style=Style.NORMAL,
                                                errors="ignore")) + " ")
        pos = m.end()
    parts.append(text[pos:])
    ascii_text = unicodedata.normalize("NFKD", "".join(parts).translate(_GERMAN))
    ascii_text = ascii_text.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


SKETCH_TEXT = 6000
"""Characters of an article's text its duplicate sketch covers."""


@lru_cache(maxsize=4096)
def source_slug(name: str) -> str:
    """The slug of a source's page (sources repeat on thousands of articles: cached)."""
    return slugify(name, 60) or "source"
