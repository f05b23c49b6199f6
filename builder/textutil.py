"""Language-aware text measures: CJK/Latin counts, reading time, excerpts, slugs (pure)."""

from __future__ import annotations

import html
import math
import re
import unicodedata
from functools import lru_cache

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Chinese characters (CJK Unified Ideographs, Extension A, Compatibility Ideographs), as the
inside of a regex character class: the one definition every module uses."""
KANA_HANGUL = "\u3040-\u30ff\uac00-\ud7af"
CJK_CHARS = HAN + KANA_HANGUL
"""Characters counted one by one, not as words (reading time, language guess)."""
CJK = re.compile(f"[{CJK_CHARS}]")
LATIN_WORD = re.compile(f"[^\\W\\d_{CJK_CHARS}]+" r"(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*")
CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 220
_SPACE = re.compile(r"\s+")
SENTENCE_END = "。！？!?；;…"


def counts(text: str) -> tuple[int, int]:
    """(CJK characters, Latin words and numbers) in `text`."""
    latin, cjk = CJK.subn(" ", text)
    return cjk, len(LATIN_WORD.findall(latin))


def reading_minutes(text: str, counted: tuple[int, int] | None = None) -> int:
    """`counted`: `counts(text)`, when the caller has it already."""
    cjk, words = counted or counts(text)
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
_HAN = re.compile(f"[{HAN}]+")


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


@lru_cache(maxsize=4096)
def source_slug(name: str) -> str:
    """The slug of a source's page (sources repeat on thousands of articles: cached)."""
    return slugify(name, 60) or "source"


# Characters that HTML and XML do not allow in text: C0 controls but tab and newline (a
# carriage return becomes a newline), DEL and the C1 controls, lone surrogates, and the
# noncharacters (U+FDD0–U+FDEF, U+FFFE/U+FFFF of every plane). One NUL in a title would make
# every feed that lists it ill-formed XML.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(p << 16 | 0xFFFE)}{chr(p << 16 | 0xFFFF)}" for p in range(1, 17)) + "]")
_FORBIDDEN_UTF8 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|"
                             rb"\xef\xbf[\xbe\xbf]|\xef\xb7[\x90-\xaf]")


def scrub(text: str) -> str:
    """`text` without the characters HTML and XML forbid (see above)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _FORBIDDEN.sub("", text)


def first_forbidden(text: str) -> int:
    """The index of the first forbidden character in `text`, or -1."""
    m = _FORBIDDEN.search(text)
    return m.start() if m else -1


def scrub_value(value: object) -> object:
    """`scrub` applied to every string in a parsed front matter (keys included)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub_value(k): scrub_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub_value(v) for v in value)
    return value


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def scrub_utf8(data: bytes) -> bytes:
    """The same for encoded output (the last guard before a page is written). Most pages
    hold none: that is found by a few scans at C speed (the pattern's alternation is slow on
    megabytes of text)."""
    if len(data.translate(None, _CONTROL_BYTES)) == len(data) and \
            b"\xef\xbf" not in data and b"\xef\xb7" not in data and \
            (b"\xc2" not in data or not _C1_UTF8.search(data)):
        return data
    return _FORBIDDEN_UTF8.sub(b"", data)


_HEADING_HTML = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.S | re.I)
_HEADING_MD = re.compile(r"^ {0,3}(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MARKUP = re.compile(r"<[^>]+>")


def headings(body: str, formats: tuple[str, ...] = ("html", "markdown"), deepest: int = 3,
             limit: int = 200_000) -> list[str]:
    """The text of the body's headings down to level `deepest`, in the raw body (before
    cleaning): HTML headings first, then Markdown ones, each in document order. Markup and
    entities are resolved, whitespace collapsed; commented-out HTML is skipped. The one
    heading extractor: titles are taken from headings and repaired against them."""
    head = body[:limit]
    out: list[str] = []
    if "html" in formats:
        out += [m.group(2) for m in _HEADING_HTML.finditer(_COMMENT.sub("", head))
                if int(m.group(1)) <= deepest]
        out = [_MARKUP.sub("", text) for text in out]
    if "markdown" in formats:
        out += [m.group(2) for m in _HEADING_MD.finditer(head) if len(m.group(1)) <= deepest]
    texts = (" ".join(html.unescape(text).split()) for text in out)
    return [text for text in texts if text]
