"""Matching: the taxonomy's aliases compiled into one automaton; every mention in a text."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import ahocorasick

from .model import Kind

if TYPE_CHECKING:
    from .taxonomy import Entry

_LATIN = re.compile(r"[A-Za-z0-9]")


class Pattern(NamedTuple):
    """One alias as the automaton stores it."""

    kind: Kind | str
    """company, theme, or `policy` (a policy theme's word: see scoring._policies)."""
    slug: str
    alias: str
    """As written in the taxonomy (normalised width and script)."""
    ambiguous: bool
    exact_case: bool
    """Upper-case acronyms (GM, VW, CATL) match only in upper case."""
    latin_start: bool
    latin_end: bool
    """Latin letters or digits at the edge: the match must not continue a word there."""


class Mention(NamedTuple):
    """One accepted occurrence of an alias: characters [start, end) of the text."""

    start: int
    end: int
    pattern: Pattern


class Matcher(NamedTuple):
    automaton: object
    """pyahocorasick automaton over the aliases' UTF-8 bytes (see _utf8); None when empty."""
    source_tags: dict[str, tuple[tuple[str, str], ...]]
    """Folded source tag → the (kind, slug) it means."""
    folds: re.Pattern | None
    """The characters whose normalised form occurs in some alias (full-width letters,
    traditional characters): a text without any is matched as it is (see find_mentions)."""
    policies: dict[str, frozenset[str]] | None = None
    """Policy theme → the themes it is the policy of; its words are in the automaton as
    patterns of kind `policy` (one pass finds aliases and policy words together)."""


# --- normalisation: same length in and out, so match offsets map back to the text ---------

@cache
def _table() -> dict[int, str]:
    """Full-width → half-width, ideographic space → space, traditional → simplified (one
    character to one character, from OpenCC's TSCharacters table)."""
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    table[0x00A0] = " "
    try:
        import opencc

        dictionary = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
        for line in dictionary.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) == 1 and len(parts[1]) == 1 \
                    and parts[0] != parts[1]:
                table[ord(parts[0])] = parts[1]
    except (ImportError, OSError):  # pragma: no cover - the dependency is declared
        pass
    return table


def normalise(text: str) -> str:
    """Width and script folded, same length as `text`."""
    return text.translate(_table())


def _fold_one(match: re.Match) -> str:
    return _table().get(ord(match[0]), match[0])


def fold_case(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def key(alias: str) -> str:
    """The form two aliases are compared in (duplicates, shared aliases)."""
    return fold_case(normalise(unicodedata.normalize("NFC", alias.strip())))


def exact_case(alias: str) -> bool:
    """Upper-case ASCII acronyms of up to six characters match only in upper case."""
    norm = normalise(alias.strip())
    return norm.isupper() and len(norm) <= 6 and norm.isascii()


def source_tag_key(tag: str) -> str:
    return fold_case(normalise(tag))


# --- compiling ---------------------------------------------------------------------------

def compile_entries(entries: dict[str, dict[str, Entry]]) -> Matcher:
    automaton = ahocorasick.Automaton()
    payloads: dict[str, list[Pattern]] = defaultdict(list)
    source_tags: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for kind, by_slug in entries.items():
        for entry in by_slug.values():
            for alias, weak in [(a, False) for a in entry.aliases] + \
                               [(a, True) for a in entry.ambiguous]:
                norm = normalise(alias.strip())
                if not norm:
                    continue
                payloads[fold_case(norm)].append(Pattern(
                    kind, entry.slug, norm, weak,
                    exact_case(norm) or alias.strip() in entry.exact,
                    bool(_LATIN.match(norm[0])), bool(_LATIN.match(norm[-1]))))
            for tag in entry.source_tags:
                source_tags[source_tag_key(tag)].append((kind, entry.slug))
            if kind == "theme" and entry.policy_of:
                for word in entry.policy_words:
                    # `Förder*`: a prefix, the match may continue the word.
                    norm = normalise(word.strip().removesuffix("*"))
                    if norm:
                        payloads[fold_case(norm)].append(Pattern(
                            "policy", entry.slug, norm, False, False,
                            bool(_LATIN.match(norm[0])),
                            bool(_LATIN.match(norm[-1])) and not word.strip().endswith("*")))
    for folded, patterns in payloads.items():
        data = utf8(folded)
        automaton.add_word(data, (len(data), tuple(patterns)))
    if payloads:
        automaton.make_automaton()
    policies = {e.slug: frozenset(e.policy_of) for e in entries.get("theme", {}).values()
                if e.policy_words and e.policy_of}
    return Matcher(automaton if payloads else None,
                   {k: tuple(v) for k, v in source_tags.items()},
                   _folds({ch for folded in payloads for ch in folded}), policies or None)


def utf8(text: str) -> str:
    """`text` as UTF-8 bytes, one latin-1 character per byte: the automaton's alphabet.

    pyahocorasick finds a node's child by a linear scan of its children, and the root of a
    trie over characters has one child per distinct first character of all aliases (hundreds
    of CJK characters, thousands in a large taxonomy), scanned for almost every character of
    the text. Over UTF-8 bytes the root has ~35 children (ASCII letters and lead bytes) and
    no node more than 64 below a lead byte, whatever the taxonomy's size: a taxonomy ten times
    larger costs ~1.2× per article, where it cost 1.8-3.3× (tests/bench/bench_tagging.py).
    UTF-8 is self-synchronising: a match always starts and ends on a character boundary."""
    return text.encode("utf-8").decode("latin-1")


def _folds(alphabet: set[str]) -> re.Pattern | None:
    """A character class of the characters normalise() changes into one of `alphabet`
    (the folded aliases' characters); None when there is none."""
    chars = sorted(chr(cp) for cp, to in _table().items() if fold_case(to) in alphabet)
    if not chars:
        return None
    bmp = "".join(re.escape(ch) for ch in chars if ch <= "\uffff")
    # Astral characters as one range: listed one by one they would leave sre's bitmap and be
    # compared one after another for every character of the text.
    astral = "\U00010000-\U0010ffff" if chars[-1] > "\uffff" else ""
    return re.compile(f"[{bmp}{astral}]")


# --- matching ----------------------------------------------------------------------------

def find_mentions(text: str, matcher: Matcher) -> list[Mention]:
    """Every accepted alias occurrence, in text order: one pass over the text, longest match
    wins where matches overlap, Latin aliases only as whole words."""
    if matcher.automaton is None or not text:
        return []
    # Only the characters that can become part of an alias are normalised: str.translate
    # costs ~100 ns a character, more than the whole automaton pass.
    norm = text if matcher.folds is None else matcher.folds.sub(_fold_one, text)
    folded = fold_case(norm)
    if folded.isascii():
        found = [(end - length + 1, end + 1, patterns)
                 for end, (length, patterns) in matcher.automaton.iter(folded)]
    else:
        found = _char_offsets(folded.encode("utf-8"), matcher.automaton)
    found.sort(key=lambda m: (m[0] - m[1], m[0]))  # longest first, then leftmost
    taken = bytearray(len(text) + 1)
    out = []
    for start, end, patterns in found:
        if any(taken[start:end]):
            continue
        ok: list[Pattern] = []
        for p in patterns:
            if p.latin_start and start > 0 and _word_char(folded[start - 1]):
                continue
            if p.latin_end and end < len(folded) and _word_char(folded[end]):
                continue
            if p.exact_case and norm[start:end] != p.alias:
                continue
            if any(q.kind == p.kind and q.slug == p.slug for q in ok):
                continue  # VORTEX and the ambiguous Vortex: one mention, the stronger
            ok.append(p)
        if ok:
            taken[start:end] = b"\x01" * (end - start)
            out.extend(Mention(start, end, p) for p in ok)
    out.sort(key=lambda m: m.start)
    return out


_CONTINUATION = bytes(range(0x80, 0xC0))


def _char_offsets(data: bytes, automaton) -> list[tuple[int, int, tuple[Pattern, ...]]]:
    """The automaton's matches in UTF-8 `data`, as (start, end, patterns) in characters."""
    found = [(end - length + 1, end + 1, patterns)
             for end, (length, patterns) in automaton.iter(data.decode("latin-1"))]
    if not found:
        return found
    chars: dict[int, int] = {}
    count = last = 0
    for offset in sorted({m[0] for m in found} | {m[1] for m in found}):
        # Characters = bytes that are not continuation bytes (10xxxxxx).
        count += len(data[last:offset].translate(None, _CONTINUATION))
        chars[offset] = count
        last = offset
    return [(chars[start], chars[end], patterns) for start, end, patterns in found]


def _word_char(ch: str) -> bool:
    return ch.isalnum() and not ("\u3400" <= ch <= "\u9fff")
