"""Bytes → text: BOMs, UTF-16, GB18030 detected by strict decoding, line endings (pure)."""

from __future__ import annotations

import codecs
import re

from .model import Problem
from .textutil import HAN

_CJK = re.compile(f"[{HAN}]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


_CONTROL_BYTES = bytes(b for b in range(1, 32) if b < 9 or 13 < b < 32)


def _looks_binary(data: bytes) -> bool:
    """Many control bytes, or NUL bytes in what is not UTF-8 text (a stray NUL in a text file
    is reported and removed instead)."""
    head = data[:8192]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if bool(head) and controls > len(head) * 0.05:
        return True
    if b"\x00" in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            return exc.start < len(head) - 4  # not merely a character cut at the 8 KB edge
    return False


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Decode a content file. Returns (text or None when unusable, problems).

    Order: a BOM decides (UTF-8, UTF-16 LE/BE); then strict UTF-8; then strict GB18030,
    accepted only when the result reads as Chinese text; else UTF-8 with replacement
    characters and a warning. Binary data (NUL bytes without a UTF-16 BOM) is refused.
    """
    problems: list[Problem] = []
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        return None, [Problem(path, None, "error", "empty-file", "file is empty")]
    if data.startswith(codecs.BOM_UTF8):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return None, [Problem(path, None, "error", "encoding",
                                  f"has a UTF-16 byte-order mark but is not UTF-16: {exc.reason}")]
    elif _looks_binary(data):
        return None, [Problem(path, None, "error", "binary",
                              "looks like a binary file (NUL or control bytes), not text")]
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as utf8_error:
            text = _try_gb18030(data)
            if text is not None:
                problems.append(Problem(path, None, "warning", "encoding-gb18030",
                                        "not UTF-8; decoded as GB18030 (GBK) Chinese text",
                                        "save the file as UTF-8"))
            else:
                text = data.decode("utf-8", errors="replace")
                line = data[:utf8_error.start].count(b"\n") + 1
                problems.append(Problem(path, line, "warning", "encoding-invalid",
                                        "invalid UTF-8 bytes were replaced by U+FFFD",
                                        "save the file as UTF-8"))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        problems.append(Problem(path, line, "warning", "nul-bytes", "NUL characters removed"))
        text = text.replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\ufffd" in text and not any(p.code == "encoding-invalid" for p in problems):
        line = text[:text.index("\ufffd")].count("\n") + 1
        problems.append(Problem(path, line, "warning", "replacement-chars",
                                "text holds U+FFFD replacement characters (damaged upstream)"))
    return text, problems


def _try_gb18030(data: bytes) -> str | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    # GB18030 decodes almost any byte string; accept it only when it reads as Chinese:
    # many common ideographs and no control characters.
    letters = sum(1 for ch in text if not ch.isascii())
    if letters and len(_CJK.findall(text)) >= 0.6 * letters and not _CONTROL.search(text):
        return text
    return None
