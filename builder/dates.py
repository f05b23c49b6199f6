"""Parse the many ways a date is written into aware datetimes (pure)."""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

MIN_YEAR = 1900
MAX_YEAR = 2200

INVALID_WORDS = frozenset({"invalid date", "nan", "null", "none", "undefined", "n/a", "tbd"})

MONTHS = {
    # English and German month names (full and short), lower case
    "january": 1, "jan": 1, "januar": 1, "jänner": 1, "jän": 1,
    "february": 2, "feb": 2, "februar": 2,
    "march": 3, "mar": 3, "märz": 3, "mär": 3, "maerz": 3,
    "april": 4, "apr": 4,
    "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juni": 6,
    "july": 7, "jul": 7, "juli": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12, "dezember": 12, "dez": 12,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

_TIME = r"(?:[T\s]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
_ZONE = r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + _ZONE + r"$", re.I)
COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[T\s]?(\d{2})(\d{2})(\d{2})?)?" + _ZONE + "$")
CJK_RE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"
    r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?")
DMY_RE = re.compile(r"^(\d{1,2})\.?\s+(" + _MONTH_RE + r")\.?,?\s+(\d{4})" + _TIME + _ZONE + "$",
                    re.I)
MDY_RE = re.compile(r"^(" + _MONTH_RE + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
                    + _TIME + _ZONE + "$", re.I)
DOTTED_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME + _ZONE + "$")
ZERO_RE = re.compile(r"^0{4}-0{2}-0{2}")
TIME_ONLY_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class DateError(ValueError):
    """A date value that is present but not a usable date; the message says why."""


def _zone(text: str | None, default: tzinfo) -> tzinfo:
    if not text:
        return default
    text = text.upper()
    if text in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _make(y, mo, d, h=None, mi=None, s=None, zone=None, *, tz: tzinfo) -> datetime:
    y, mo, d = int(y), int(mo), int(d)
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise DateError(f"year {y} is impossible for a news article")
    try:
        return datetime(y, mo, d, int(h or 0), int(mi or 0), int(s or 0), tzinfo=_zone(zone, tz))
    except ValueError as exc:
        raise DateError(f"impossible date: {exc}") from None


def parse_date(value: object, tz: tzinfo) -> datetime:
    """A front-matter date value → aware datetime; naive times are in `tz`.

    Accepts YAML datetimes and dates, epoch seconds or milliseconds, ISO 8601 (also with a
    space after `T`), `YYYY-MM-DD HH:MM:SS +0800`, RFC 2822, Chinese `2021年9月5日`,
    `5. Februar 2026`, `March 5, 2021`, `05.02.2026` and `YYYYMMDD`.
    Raises DateError with the reason otherwise.
    """
    if isinstance(value, datetime):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise DateError(f"year {value.year} is impossible for a news article")
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return _make(value.year, value.month, value.day, tz=tz)
    if isinstance(value, bool) or value is None:
        raise DateError(f"not a date: {value!r}")
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            moment = datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise DateError(f"epoch {value} is out of range") from None
        return _make(moment.year, moment.month, moment.day, moment.hour, moment.minute,
                     moment.second, "Z", tz=tz)
    if not isinstance(value, str):
        raise DateError(f"not a date: {type(value).__name__}")
    text = " ".join(value.replace("\u3000", " ").split())
    if not text:
        raise DateError("empty date")
    if text.lower() in INVALID_WORDS:
        raise DateError(f"{text!r} is a placeholder, not a date")
    if ZERO_RE.match(text):
        raise DateError(f"{text!r} is a zero date")
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", text):
        return parse_date(float(text), tz)
    if m := ISO_RE.match(text):
        return _make(*m.groups(), tz=tz)
    if m := COMPACT_RE.match(text):
        return _make(*m.groups(), tz=tz)
    if m := CJK_RE.fullmatch(text):
        return _make(*m.groups(), tz=tz)
    if m := DMY_RE.match(text):
        d, mon, y, h, mi, s, z = m.groups()
        return _make(y, MONTHS[mon.lower()], d, h, mi, s, z, tz=tz)
    if m := MDY_RE.match(text):
        mon, d, y, h, mi, s, z = m.groups()
        return _make(y, MONTHS[mon.lower()], d, h, mi, s, z, tz=tz)
    if m := DOTTED_RE.match(text):
        d, mo, y, h, mi, s, z = m.groups()
        return _make(y, mo, d, h, mi, s, z, tz=tz)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is not None:
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise DateError(f"year {moment.year} is impossible for a news article")
        return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    if re.fullmatch(r"[+-]\d{4}", text):
        raise DateError(f"{text!r} has a time zone but no date")
    raise DateError(f"unrecognised date format: {text!r}")


def parse_time(value: object) -> time | None:
    """A separate `time` field (`18:03`) → time, or None when it is not one."""
    if isinstance(value, int) and 0 <= value < 24 * 3600:
        # YAML 1.1 reads 18:03 as a sexagesimal integer (18*60+3)
        return time(value // 60, value % 60) if value < 24 * 60 else None
    if isinstance(value, str) and (m := TIME_ONLY_RE.match(value.strip())):
        h, mi, s = (int(g or 0) for g in m.groups())
        if h < 24 and mi < 60 and s < 60:
            return time(h, mi, s)
    return None


# Dates found in text: used to recover a missing date from a body, a URL or a file name.
_TEXT_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?!\d)"),
    CJK_RE,
    re.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?!\d)"),
)
_URL_PATTERNS = (
    re.compile(r"/(\d{4})[/-](\d{2})[/-](\d{2})(?=[/_.-]|$)"),
    re.compile(r"(?<!\d)(20\d{2}|19\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),
)


def find_date(text: str, tz: tzinfo, patterns=_TEXT_PATTERNS) -> datetime | None:
    """The first valid date written in `text` (body line, URL or file name), or None."""
    best: tuple[int, datetime] | None = None
    for pattern in patterns:
        for m in pattern.finditer(text):
            try:
                found = _make(*m.groups(), tz=tz)
            except DateError:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), found)
            break
    return best[1] if best else None


def find_date_in_name(text: str, tz: tzinfo) -> datetime | None:
    """A date in a URL or file name (`/2021/09/05/`, `20221101`, `2026-02-04-…`)."""
    return find_date(text, tz, _URL_PATTERNS)


_YEAR_FOLDER = re.compile(r"(?:^|/)((?:19|20)\d{2})/")


def find_year_in_folders(path: str, tz: tzinfo) -> datetime | None:
    """`article/2021/x.md` → 1 January 2021: a year-only date, the weakest evidence."""
    m = _YEAR_FOLDER.search(path)
    return _make(m.group(1), 1, 1, tz=tz) if m else None


# A date in a body is a publication date only when it stands as one: on a line of its own
# (perhaps with a label, a time, a source or an author), or right after or before a time word.
# A date inside a sentence ("到2036年1月1日，排放将减半", "emissions fall by 2036-01-01") is
# about something else.
_LABEL = (r"发布时间|发布日期|发表时间|发表日期|发布于|发表于|发布|发表|时间|日期|更新于|更新|"
          r"刊发|published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?|dated?|"
          r"veröffentlicht(?:\s+am)?|aktualisiert(?:\s+am)?|erschienen(?:\s+am)?|datum|stand|vom")
_BEFORE = re.compile(r"(?:" + _LABEL + r")\s*[:：]?\s*$", re.I)
_AFTER = re.compile(r"^\s*(?:发布|发表|刊发|更新)", re.I)
_SENTENCE = re.compile(r"[，。！？；,!?;]|\.(?:\s|$)")
_BYLINE = re.compile(r"^\s*(?:来源|作者|编辑|记者|责任编辑|source|author|autor|quelle|von|by)\b"
                     r"\s*[:：]?", re.I)
_LINE_REST = re.compile(r"^(?:\s|[:：|·•/\-–—()（）\[\]【】]|" + _LABEL + r"|来源|作者|编辑|记者|"
                        r"责任编辑|source|author|autor|quelle|\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)*",
                        re.I)


def find_publication_date(text: str, tz: tzinfo, not_after_year: int | None = None
                          ) -> datetime | None:
    """The first date in `text` that stands as a publication date (see above), and is not
    later than `not_after_year` (the year folder the file is in), or None."""
    found = []
    for pattern in _TEXT_PATTERNS:
        found += [(m.start(), m) for m in pattern.finditer(text)]
    for _, m in sorted(found, key=lambda pair: pair[0]):
        try:
            moment = _make(*m.groups(), tz=tz)
        except DateError:
            continue
        if not_after_year is not None and moment.year > not_after_year:
            continue
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        before, after = text[start:m.start()], text[m.end():end]
        if _BEFORE.search(before[-24:]) or _AFTER.match(after):
            return moment
        # a line of its own: only labels, a time, a source or an author around the date
        rest_before = _LINE_REST.sub("", before)
        if rest_before and _BYLINE.match(before) and len(rest_before) <= 16 \
                and not _SENTENCE.search(rest_before):
            rest_before = ""  # `编辑：张三 2023-05-01`: a byline with a name
        if not rest_before and not _SENTENCE.search(after) and len(after) <= 60:
            return moment
    return None
