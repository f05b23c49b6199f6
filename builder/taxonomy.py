"""The curated taxonomy: load and validate companies.yaml and themes.yaml; `tag` an article
(matching.py finds the mentions, scoring.py scores them, selecting.py decides)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import keys, matching, scoring, selecting
from .config import TaggingConfig
from .matching import exact_case as _exact_case
from .matching import key as _key
from .model import KINDS, Kind, Problem, Tag

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FILES = {"company": "companies.yaml", "theme": "themes.yaml"}
LISTS = {"company": "companies", "theme": "themes"}


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
    """A company's own field (a pure-play wind or battery maker): the themes an article
    reporting on it is filed under (evidence `company: slug`)."""
    parent: str = ""
    """A subsidiary's parent company (华为数字能源 → 华为): an article that names the
    subsidiary in its title or lead and then calls it by the parent's short name is about the
    subsidiary, so the parent's mentions count for it."""
    policy_words: tuple[str, ...] = ()
    """A policy theme's vocabulary (规划, 政策, Gesetz, regulation…): a sentence that uses one
    of them and names one of the themes in `policy_of` implies the policy theme."""
    policy_of: tuple[str, ...] = ()
    de: str = ""
    """The German name, when it differs from the English one (also an alias)."""
    exact: tuple[str, ...] = ()
    """Aliases that match only as written (Vortex, not vortex): a name that is a word in
    lower case but the company's with its capital."""
    description: tuple[tuple[str, str], ...] = ()
    """(language, text): what the term's page says it is (`description: {zh: …, en: …}`, or
    one string for every language); shown only, never matched."""

    def name(self, language: str = "zh") -> str:
        if language.startswith("de") and self.de:
            return self.de
        return (self.zh or self.en) if language.startswith("zh") else (self.en or self.zh)

    def describe(self, language: str = "zh") -> str:
        """The description in `language`, else English, else any."""
        texts = dict(self.description)
        code = language.split("-")[0].lower()
        return texts.get(code) or texts.get("*") or texts.get("en") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Taxonomy:
    entries: dict[str, dict[str, Entry]]
    """kind → slug → Entry, in file order."""
    key: str
    """Hash of the taxonomy files (`keys.content`): a cached article tagged with another key
    is tagged again."""
    matcher: matching.Matcher | None = field(repr=False, compare=False, default=None)
    """The compiled aliases (matching.compile_entries)."""

    def entry(self, kind: str, slug: str) -> Entry | None:
        return self.entries.get(kind, {}).get(slug)

    def compiled(self) -> Taxonomy:
        return Taxonomy(self.entries, self.key, matching.compile_entries(self.entries))


# --- loading -------------------------------------------------------------------------------

def load(folder: Path) -> tuple[Taxonomy, list[Problem]]:
    """Read companies.yaml and themes.yaml; every problem names the file, line and entry."""
    problems: list[Problem] = []
    entries: dict[str, dict[str, Entry]] = {k: {} for k in KINDS}
    lines: dict[str, dict[str, int]] = {k: {} for k in KINDS}
    raws: list[bytes] = []
    for kind in KINDS:
        path = folder / FILES[kind]
        try:
            raw = path.read_bytes()
        except OSError:
            problems.append(Problem(str(path), None, "warning", "taxonomy-missing",
                                    f"no {FILES[kind]}: no {LISTS[kind]} will be tagged"))
            continue
        raws.append(raw)
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
    for slug, entry in entries["theme"].items():
        for theme in entry.policy_of:
            if theme not in entries["theme"]:
                problems.append(Problem(str(folder / FILES["theme"]), lines["theme"].get(slug),
                                        "error", "taxonomy-entry",
                                        f"`{slug}`: unknown theme {theme!r} in `policy_of`"))
    tax = Taxonomy(entries, keys.content(raws))
    return tax.compiled(), problems


def _check_entry_aliases(slug: str, aliases: tuple[str, ...], weak: list[str], exact: list[str],
                         bad: Callable[..., None]) -> None:
    """An alias listed twice (after case and width folding), or as both plain and ambiguous,
    is reported."""
    seen: dict[str, str] = {}
    for alias in aliases + tuple(weak):
        k = _key(alias)
        if k in seen and alias in weak:
            if not (_exact_case(seen[k]) and not _exact_case(alias)):
                # An upper-case acronym (VORTEX) may stand beside an ambiguous word-case
                # name (Vortex): they match different text.
                bad(f"`{slug}`: alias {alias!r} is listed as both plain and ambiguous")
        elif k in seen and seen[k] != alias and not {seen[k], alias} & set(exact):
            # VORTEX (an acronym) and Vortex (`exact`) match different text.
            bad(f"`{slug}`: duplicate alias {alias!r} (same as {seen[k]!r})",
                "taxonomy-duplicate-alias")
        seen[k] = alias


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
        de = str(item.get("de") or "").strip()
        if not zh and not en:
            bad(f"`{slug}` has no name (`zh` or `en`)", "taxonomy-name")
            continue
        exact = _strings(item.get("exact"))
        strong = _strings(item.get("aliases") or item.get("keywords")) + exact
        weak = _strings(item.get("ambiguous"))
        if any(not a for a in strong + weak):
            bad(f"`{slug}` has an empty alias")
        names = [n for n in dict.fromkeys((zh, en, de)) if n]
        aliases = tuple(dict.fromkeys([a for a in strong if a] + [n for n in names
                                                                   if n not in weak]))
        _check_entry_aliases(slug, aliases, weak, exact, bad)
        out[slug] = Entry(kind, slug, zh, en, aliases, tuple(a for a in weak if a),
                          _strings(item.get("source_tags")), item.get("broad") is True,
                          _strings(item.get("themes")) if kind == "company" else (),
                          str(item.get("parent") or "").strip() if kind == "company" else "",
                          _strings(item.get("policy_words")) if kind == "theme" else (),
                          _strings(item.get("policy_of")) if kind == "theme" else (),
                          de if de != en else "", tuple(a for a in exact if a),
                          _descriptions(item.get("description"), slug, bad))
    return out


def _descriptions(value: object, slug: str, bad) -> tuple[tuple[str, str], ...]:
    """`description:` as one string (any language) or a mapping of language to text."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (("*", " ".join(value.split())),) if value.strip() else ()
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return tuple((str(k).lower(), " ".join(v.split())) for k, v in value.items() if v.strip())
    bad(f"`{slug}`: `description` must be a string or a mapping of language to string")
    return ()


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


def find_mentions(text: str, tax: Taxonomy) -> list[matching.Mention]:
    """Every mention of a taxonomy term in `text` (see matching.find_mentions)."""
    return matching.find_mentions(text, tax.matcher) if tax.matcher is not None else []


def tag(title: str, text: str, lead: str, source_tags: tuple[str, ...], tax: Taxonomy,
        cfg: TaggingConfig, add: dict[str, tuple[str, ...]] | None = None,
        exclude: dict[str, tuple[str, ...]] | None = None) -> tuple[Tag, ...]:
    """Score every term mentioned in the title, lead paragraph and body text; keep those the
    rules of selecting.py accept, plus front-matter additions, minus exclusions. Evidence
    says why."""
    candidates = scoring.score(title, text, lead, source_tags, tax, cfg)
    return selecting.select(candidates, tax, cfg, add, exclude, title)
