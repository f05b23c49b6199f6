"""The curated taxonomy: load and validate it; tag an article in one multi-pattern pass."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import ahocorasick
import yaml

from .config import TaggingConfig
from .model import KINDS, Kind, Problem, Tag

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FILES = {"company": "companies.yaml", "theme": "themes.yaml"}
LISTS = {"company": "companies", "theme": "themes"}
_LATIN = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class Entry:
    kind: Kind
    slug: str
    zh: str
    en: str
    aliases: tuple[str, ...]
    ambiguous: tuple[str, ...] = ()
    source_tags: tuple[str, ...] = ()
    broad: bool = False
    """A broad theme (energy transition): tagged only when no specific theme dominates."""
    themes: tuple[str, ...] = ()
    """A company's own field (a pure-play wind or battery maker): the themes an article about
    it is filed under when its text names no theme of its own."""
    parent: str = ""
    """A subsidiary's parent company (华为数字能源 → 华为): an article that names the
    subsidiary in its title or lead and then calls it by the parent's short name is about the
    subsidiary, so the parent's mentions count for it."""

    def name(self, language: str = "zh") -> str:
        return (self.zh or self.en) if language.startswith("zh") else (self.en or self.zh)


@dataclass(frozen=True, slots=True)
class Pattern:
    """One alias as the automaton stores it."""

    kind: Kind
    slug: str
    alias: str
    """As written in the taxonomy (normalised width and script)."""
    ambiguous: bool
    exact_case: bool
    """Upper-case acronyms (GM, VW, CATL) match only in upper case."""
    latin_start: bool
    latin_end: bool
    """Latin letters or digits at the edge: the match must not continue a word there."""


@dataclass(frozen=True)
class Taxonomy:
    entries: dict[str, dict[str, Entry]]
    """kind → slug → Entry, in file order."""
    key: str
    """Hash of the taxonomy files: the cache key part."""
    automaton: object = field(repr=False, compare=False, default=None)
    """pyahocorasick automaton over the aliases' UTF-8 bytes (see build_automaton)."""
    source_tags: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """Folded source tag → the (kind, slug) it means."""
    folds: re.Pattern | None = field(repr=False, compare=False, default=None)
    """The characters whose normalised form occurs in some alias (full-width letters,
    traditional characters): a text without any is matched as it is (see find_mentions)."""

    def entry(self, kind: str, slug: str) -> Entry | None:
        return self.entries.get(kind, {}).get(slug)


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


def _key(alias: str) -> str:
    return fold_case(normalise(unicodedata.normalize("NFC", alias.strip())))


# --- loading -------------------------------------------------------------------------------

class TaxonomyError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))
        self.problems = problems


def load(folder: Path) -> tuple[Taxonomy, list[Problem]]:
    """Read companies.yaml and themes.yaml; every problem names the file, line and entry."""
    problems: list[Problem] = []
    entries: dict[str, dict[str, Entry]] = {k: {} for k in KINDS}
    lines: dict[str, dict[str, int]] = {k: {} for k in KINDS}
    digest = hashlib.sha256()
    for kind in KINDS:
        path = folder / FILES[kind]
        try:
            raw = path.read_bytes()
        except OSError:
            problems.append(Problem(str(path), None, "warning", "taxonomy-missing",
                                    f"no {FILES[kind]}: no {LISTS[kind]} will be tagged"))
            continue
        digest.update(raw)
        entries[kind] = _load_kind(kind, raw, str(path), problems)
        lines[kind] = _slug_lines(raw.decode("utf-8-sig", "replace"))
    problems += _check_aliases(entries, folder, lines)
    for slug, entry in entries["company"].items():
        if entry.parent and (entry.parent == slug or entry.parent not in entries["company"]):
            problems.append(Problem(str(folder / FILES["company"]), lines["company"].get(slug),
                                    "error", "taxonomy-entry",
                                    f"`{slug}`: unknown parent company {entry.parent!r}"))
        for theme in entry.themes:
            if theme not in entries["theme"]:
                problems.append(Problem(str(folder / FILES["company"]),
                                        lines["company"].get(slug), "error", "taxonomy-entry",
                                        f"`{slug}`: unknown theme {theme!r} in `themes`"))
    tax = Taxonomy(entries, digest.hexdigest()[:16])
    return build_automaton(tax), problems


def _load_kind(kind: Kind, raw: bytes, path: str, problems: list[Problem]) -> dict[str, Entry]:
    try:
        data = yaml.load(raw.decode("utf-8-sig"), Loader=getattr(yaml, "CSafeLoader",
                                                                 yaml.SafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(path, mark.line + 1 if mark else None, "error",
                                "taxonomy-syntax", f"cannot read: {exc}".split("\n")[0]))
        return {}
    items = data.get(LISTS[kind]) if isinstance(data, dict) else data
    if not isinstance(items, list):
        problems.append(Problem(path, 1, "error", "taxonomy-shape",
                                f"expected a list under `{LISTS[kind]}:`"))
        return {}
    slug_lines = _slug_lines(raw.decode("utf-8-sig", "replace"))
    out: dict[str, Entry] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem(path, None, "error", "taxonomy-shape",
                                    f"entry {i + 1} is not a mapping"))
            continue
        slug = str(item.get("slug", "")).strip()
        line = slug_lines.get(slug)

        def bad(message: str, code: str = "taxonomy-entry", line=line) -> None:
            problems.append(Problem(path, line, "error", code, message))

        if not SLUG.match(slug):
            bad(f"entry {i + 1}: bad slug {slug!r} (use lower-case letters, digits, hyphens)",
                "taxonomy-slug")
            continue
        if slug in out:
            bad(f"duplicate slug `{slug}`", "taxonomy-slug")
            continue
        zh, en = str(item.get("zh") or "").strip(), str(item.get("en") or "").strip()
        if not zh and not en:
            bad(f"`{slug}` has no name (`zh` or `en`)", "taxonomy-name")
            continue
        strong = _strings(item.get("aliases") or item.get("keywords"))
        weak = _strings(item.get("ambiguous"))
        if any(not a for a in strong + weak):
            bad(f"`{slug}` has an empty alias")
        names = [n for n in (zh, en) if n]
        aliases = tuple(dict.fromkeys([a for a in strong if a] + [n for n in names
                                                                   if n not in weak]))
        seen: dict[str, str] = {}
        for alias in aliases + weak:
            k = _key(alias)
            if k in seen and alias in weak:
                if not (_exact_case(seen[k]) and not _exact_case(alias)):
                    # An upper-case acronym (VORTEX) may stand beside an ambiguous word-case
                    # name (Vortex): they match different text.
                    bad(f"`{slug}`: alias {alias!r} is listed as both plain and ambiguous")
            elif k in seen and seen[k] != alias:
                bad(f"`{slug}`: duplicate alias {alias!r} (same as {seen[k]!r})",
                    "taxonomy-duplicate-alias")
            seen[k] = alias
        out[slug] = Entry(kind, slug, zh, en, aliases, tuple(a for a in weak if a),
                          _strings(item.get("source_tags")), item.get("broad") is True,
                          _strings(item.get("themes")) if kind == "company" else (),
                          str(item.get("parent") or "").strip() if kind == "company" else "")
    return out


def _exact_case(alias: str) -> bool:
    """Upper-case ASCII acronyms of up to six characters match only in upper case."""
    norm = normalise(alias.strip())
    return norm.isupper() and len(norm) <= 6 and norm.isascii()


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),)
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if v is not None)
    return (str(value).strip(),)


_SLUG_LINE = re.compile(r"^\s*-?\s*slug\s*:\s*['\"]?([^'\"#\s]+)", re.M)


def _slug_lines(text: str) -> dict[str, int]:
    """slug → the line it is written on (for problems about an entry)."""
    out: dict[str, int] = {}
    for m in _SLUG_LINE.finditer(text):
        out.setdefault(m.group(1), text.count("\n", 0, m.start()) + 1)
    return out


def _check_aliases(entries: dict[str, dict[str, Entry]], folder: Path,
                   lines: dict[str, dict[str, int]]) -> list[Problem]:
    """An alias may name one entry only (within a kind); the problem points at the second."""
    problems = []
    for kind, by_slug in entries.items():
        owner: dict[str, str] = {}
        for slug, entry in by_slug.items():
            for alias in dict.fromkeys(_key(a) for a in entry.aliases + entry.ambiguous):
                if alias in owner and owner[alias] != slug:
                    problems.append(Problem(str(folder / FILES[kind]),
                                            lines.get(kind, {}).get(slug), "error",
                                            "taxonomy-shared-alias",
                                            f"alias {alias!r} names both `{owner[alias]}` and "
                                            f"`{slug}`"))
                owner.setdefault(alias, slug)
    return problems


def build_automaton(tax: Taxonomy) -> Taxonomy:
    automaton = ahocorasick.Automaton()
    payloads: dict[str, list[Pattern]] = defaultdict(list)
    source_tags: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for kind, by_slug in tax.entries.items():
        for entry in by_slug.values():
            for alias, weak in [(a, False) for a in entry.aliases] + \
                               [(a, True) for a in entry.ambiguous]:
                norm = normalise(alias.strip())
                if not norm:
                    continue
                exact = _exact_case(norm)
                payloads[fold_case(norm)].append(Pattern(
                    kind, entry.slug, norm, weak, exact,
                    bool(_LATIN.match(norm[0])), bool(_LATIN.match(norm[-1]))))
            for tag in entry.source_tags:
                source_tags[fold_case(normalise(tag))].append((kind, entry.slug))
    for key, patterns in payloads.items():
        data = _utf8(key)
        automaton.add_word(data, (len(data), tuple(patterns)))
    if payloads:
        automaton.make_automaton()
    return Taxonomy(tax.entries, tax.key, automaton if payloads else None,
                    {k: tuple(v) for k, v in source_tags.items()},
                    _folds({ch for key in payloads for ch in key}))


def _utf8(text: str) -> str:
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


# --- tagging -------------------------------------------------------------------------------

def find_mentions(text: str, tax: Taxonomy) -> list[tuple[int, int, Pattern]]:
    """Every accepted alias occurrence as (start, end, pattern): one pass over the text,
    longest match wins where matches overlap, Latin aliases only as whole words."""
    if tax.automaton is None or not text:
        return []
    # Only the characters that can become part of an alias are normalised: str.translate
    # costs ~100 ns a character, more than the whole automaton pass.
    norm = text if tax.folds is None else tax.folds.sub(_fold_one, text)
    folded = fold_case(norm)
    if folded.isascii():
        found = [(end - length + 1, end + 1, patterns)
                 for end, (length, patterns) in tax.automaton.iter(folded)]
    else:
        found = _char_offsets(folded.encode("utf-8"), tax.automaton)
    found.sort(key=lambda m: (m[0] - m[1], m[0]))  # longest first, then leftmost
    taken = bytearray(len(text) + 1)
    out = []
    for start, end, patterns in found:
        if any(taken[start:end]):
            continue
        ok = []
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
            out.extend((start, end, p) for p in ok)
    out.sort(key=lambda m: m[0])
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


Scores = dict[tuple[str, str], tuple[float, dict[str, int]]]

AMBIGUOUS = " (ambiguous)"
LISTED = " (in a list)"
_LIST_GAP = re.compile(
    r"(?:集团|公司|股份|汽车|科技|控股|电池|新能源|能源|group|ag|se|gmbh|inc\.?|ltd\.?|plc)?"
    r"\s*(?:[、，,;；/&+＋]|和|与|及|以及|或|跟|and|und|sowie|or|oder|as well as)\s*", re.I)
_LIST_GAP_MAX = 12
_BRACKETS = r"[ \t\-–—(（)）\[\]【】\"“”'‘’「」『』:：,，/]*"
_APPOSITION = re.compile(
    _BRACKETS + r"(?:股份有限公司|有限责任公司|有限公司|公司|集团|ag|se|gmbh|inc\.?|ltd\.?|plc)?"
    + _BRACKETS + r"(?:以下简称|下称|简称|原名|原|hereafter|kurz|formerly|ehemals|vormals)?"
    + _BRACKETS, re.I)
"""Between two names of one entry that are one mention: "KELAG - Kärntner Elektrizitäts-AG",
"华为数字能源技术有限公司（下称“华为数字能源”）", "Austrian Power Grid (APG)", a former name
("中创新航（原中航锂电）")."""


def _lead_span(text: str, lead: str) -> int:
    """End offset of the lead zone: the first paragraph (and whatever short line precedes
    it, such as a repeated heading); 0 when the lead cannot be found near the start."""
    if not lead or not text:
        return 0
    probe = lead[:50]
    at = text.find(probe, 0, 400 + len(probe))
    return at + len(lead) if at >= 0 else 0


def _listed(text: str, mentions: list[tuple[int, int, Pattern]], minimum: int) -> set[int]:
    """Indexes (into `mentions`) of company mentions that are items of an enumeration of at
    least `minimum` different companies joined by separators only ("A、B、C和D")."""
    out: set[int] = set()
    if minimum < 2:
        return out
    run: list[int] = []
    last_end = -1
    for i, (start, end, p) in enumerate(mentions + [(len(text) + 1, 0, None)]):
        if p is not None and p.kind != "company":
            continue
        if p is not None and run and len(text[last_end:start]) <= _LIST_GAP_MAX \
                and _LIST_GAP.fullmatch(text, last_end, start):
            run.append(i)
        else:
            if len({mentions[j][2].slug for j in run}) >= minimum:
                out.update(run)
            run = [i]
        last_end = end
    return out


def score(title: str, text: str, lead: str, source_tags: tuple[str, ...], tax: Taxonomy,
          cfg: TaggingConfig) -> Scores:
    """Every term mentioned, with its score and evidence (label → count), before thresholds.

    A mention weighs title_weight in the title, lead_weight in the first paragraph and
    body_weight elsewhere, times list_weight when it is an item of an enumeration of
    companies; a name repeated in apposition ("KELAG - Kärntner Elektrizitäts-AG") is one
    mention. Ambiguous aliases count only when corroborated (another alias of the entry, the
    entry's source tag, or ambiguous_min mentions), times ambiguous_weight (companies) or
    theme_ambiguous_weight. A subsidiary named in the title or lead takes its parent's
    mentions (the parent is then not scored). A mapped source tag adds source_tag_weight to its
    theme; a company's source tag only corroborates."""
    scores: dict[tuple[str, str], float] = defaultdict(float)
    evidence: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    strong_seen: set[tuple[str, str]] = set()
    weak: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    lead_end = _lead_span(text, lead)
    tagged = {(kind, slug) for tag_value in source_tags
              for kind, slug in tax.source_tags.get(fold_case(normalise(tag_value)), ())}
    for zone, body in (("title", title), ("body", text)):
        mentions = find_mentions(body, tax)
        listed = _listed(body, mentions, cfg.list_min) if zone == "body" else set()
        last_end: dict[tuple[str, str], int] = {}
        for i, (start, end, p) in enumerate(mentions):
            key = (p.kind, p.slug)
            before = last_end.get(key)
            last_end[key] = end
            if before is not None and start - before <= 16 \
                    and _APPOSITION.fullmatch(body, before, start):
                continue  # the same name again in apposition or brackets: one mention
            if zone == "title":
                where, w = zone, cfg.title_weight
            elif start < lead_end:
                where, w = "lead", cfg.lead_weight
            else:
                where, w = "body", cfg.body_weight
            label = f"{where}: {p.alias}"
            if i in listed:
                w *= cfg.list_weight
                label += LISTED
            if p.ambiguous:
                weak[key].append((label + AMBIGUOUS, w))
                continue
            strong_seen.add(key)
            scores[key] += w
            evidence[key][label] += 1
    for key, hits in weak.items():
        # An ambiguous alias counts only with corroboration: another alias of the same
        # entry, or a second mention of it (理想 once is a word; 理想 twice is the carmaker).
        if key in strong_seen or key in tagged or len(hits) >= cfg.ambiguous_min:
            factor = cfg.ambiguous_weight if key[0] == "company" else cfg.theme_ambiguous_weight
            for label, w in hits:
                scores[key] += w * factor
                evidence[key][label] += 1
    for key in [k for k in scores if k[0] == "company"]:
        entry = tax.entry(*key)
        parent = ("company", entry.parent) if entry is not None and entry.parent else None
        if parent in scores and _in_title(evidence[key]):
            # The subsidiary named up front, then called by its parent's short name.
            scores[key] += scores.pop(parent)
            for label, n in evidence.pop(parent).items():
                evidence[key][f"{label} (parent)"] += n
    for tag_value in source_tags:
        for key in tax.source_tags.get(fold_case(normalise(tag_value)), ()):
            if key[0] == "company" and key not in scores:
                continue  # a company's tag only corroborates its ambiguous name in the text
            if key[0] == "theme":
                scores[key] += cfg.source_tag_weight if key in strong_seen or key in weak \
                    else cfg.source_tag_alone_weight
            evidence[key][f"source tag: {tag_value}"] += 1
    return {key: (round(value, 2), dict(evidence[key])) for key, value in scores.items()}


def _weak_only(evidence: dict[str, int]) -> bool:
    return all(label.endswith(AMBIGUOUS) for label in evidence)


def _in_title(evidence: dict[str, int], lead: bool = True) -> bool:
    """A plain keyword in the title (or the lead paragraph): what the article is about (news
    put the subject first), not a passing mention."""
    zones = ("title: ", "lead: ") if lead else ("title: ",)
    return any(label.startswith(zones) and not label.endswith(AMBIGUOUS) for label in evidence)


def _mentions(evidence: dict[str, int]) -> int:
    """How many times the title and text name the term (source tags not counted)."""
    return sum(n for label, n in evidence.items() if not label.startswith("source tag: "))


def _distinct(evidence: dict[str, int]) -> int:
    """How many different plain keywords name the term (title, lead or body)."""
    return len({label.split(": ", 1)[1].removesuffix(LISTED).casefold() for label in evidence
                if not label.startswith("source tag: ") and not label.endswith(AMBIGUOUS)})


def select(scores: Scores, tax: Taxonomy, cfg: TaggingConfig,
           add: dict[str, tuple[str, ...]] | None = None,
           exclude: dict[str, tuple[str, ...]] | None = None) -> tuple[Tag, ...]:
    """Terms over their threshold, plus front-matter additions, minus exclusions.

    A company needs company_threshold and, unless the title names it, company_share of the
    best company's score. The best theme needs top_theme_threshold (theme_threshold when only ambiguous keywords name
    it); every other theme theme_threshold and, unless the title or lead names it, theme_share of
    the best theme's score (a broad theme broad_share, title or not) and two mentions; a
    theme seen only through ambiguous keywords is kept as the weak_only setting says; at most
    max_themes. An article with no theme takes its companies' own `themes`."""
    chosen: list[Tag] = []
    best = {kind: max((v for (k, _), (v, _) in scores.items() if k == kind), default=0.0)
            for kind in KINDS}
    themes = 0
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], kv[0]))
    top_theme = next((slug for (kind, slug), _ in ranked if kind == "theme"), None)
    for (kind, slug), (value, evidence) in ranked:
        if kind == "company":
            if value < cfg.company_threshold or value < best[kind] * cfg.company_share \
                    and not _in_title(evidence, lead=False):
                continue
        else:
            if themes >= cfg.max_themes:
                continue
            weak_only = _weak_only(evidence)
            if weak_only and cfg.weak_only == "never":
                continue
            if slug == top_theme:
                # The main theme needs less, unless it rests on ambiguous keywords only.
                if value < (cfg.theme_threshold if weak_only else cfg.top_theme_threshold):
                    continue
            else:
                entry = tax.entry(kind, slug)
                share = cfg.broad_share if entry is not None and entry.broad \
                    else 0.0 if _in_title(evidence) \
                    or _distinct(evidence) >= cfg.theme_distinct else cfg.theme_share
                if value < cfg.theme_threshold or value < best[kind] * share:
                    continue
                if _mentions(evidence) < 2:
                    continue  # one passing mention (a feed's tag does not make it two)
                if weak_only and cfg.weak_only == "top":
                    continue
            themes += 1
        chosen.append(Tag(kind, slug, value, tuple(f"{label} ×{n}" for label, n in
                                                   evidence.items())))
    if themes == 0:
        # No theme of its own: a pure-play company's field (a Vortex post about its wind
        # data products names no wind keyword).
        for t in [t for t in chosen if t.kind == "company"]:
            entry = tax.entry("company", t.term)
            for theme in entry.themes if entry is not None else ():
                if themes < cfg.max_themes and all(c.term != theme for c in chosen
                                                   if c.kind == "theme"):
                    chosen.append(Tag("theme", theme, 0.0, (f"company: {t.term}",)))
                    themes += 1
    add = add or {}
    exclude = exclude or {}
    have = {(t.kind, t.term) for t in chosen}
    for kind in KINDS:
        for slug in add.get(kind, ()):
            if (kind, slug) not in have and tax.entry(kind, slug):
                chosen.append(Tag(kind, slug, 0.0, ("front matter",)))
    chosen = [t for t in chosen if t.term not in exclude.get(t.kind, ())]
    chosen.sort(key=lambda t: (t.kind, -t.score, t.term))
    return tuple(chosen)


def tag(title: str, text: str, lead: str, source_tags: tuple[str, ...], tax: Taxonomy,
        cfg: TaggingConfig, add: dict[str, tuple[str, ...]] | None = None,
        exclude: dict[str, tuple[str, ...]] | None = None) -> tuple[Tag, ...]:
    """Score every term mentioned in the title, lead paragraph and body text; keep those over
    the threshold, plus front-matter additions, minus exclusions. Evidence says why."""
    return select(score(title, text, lead, source_tags, tax, cfg), tax, cfg, add, exclude)
