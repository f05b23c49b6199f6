"""Selecting: which scored candidates become an article's tags, and why (Decision records);
themes implied by the companies reported on."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from .config import TaggingConfig
from .model import KINDS, Tag
from .scoring import TAG, Candidate, Candidates, Hit

if TYPE_CHECKING:
    from .taxonomy import Taxonomy

SUBJECT_ROLES = ("ranking", "winner", "deal")
"""Sentences that report on every company they name: a ranking, a list of winners, a deal
or a joint project."""


class Decision(NamedTuple):
    """One candidate and what became of it (`check --explain` prints these)."""

    kind: str
    term: str
    kept: bool
    score: float
    reason: str
    evidence: tuple[str, ...]

    def tag(self) -> Tag:
        return Tag(self.kind, self.term, self.score, self.evidence)


OFF_TOPIC = re.compile(r"龙虎榜|限售股|解禁|概念股|涨停|跌停|净买入|大宗交易|融资融券|诈骗案|"
                       r"股东注意|北向资金|主力资金")
"""Titles of market briefs and court reports: about share prices, not about what a company
did (the editor's rules label them with nothing)."""


def decide(candidates: Candidates, tax: Taxonomy, cfg: TaggingConfig,
           title: str = "") -> list[Decision]:
    """Every candidate with its verdict: companies first, then themes (implied ones too)."""
    brief = OFF_TOPIC.search(title) if title else None
    if brief:
        return [Decision(c.kind, c.slug, False, c.score,
                         f"a market brief (title: {brief.group(0)})", c.evidence())
                for c in sorted(candidates.values(), key=lambda c: (c.kind, -c.score, c.slug))]
    companies = _companies([c for c in candidates.values() if c.kind == "company"], cfg)
    kept = [candidates[("company", d.term)] for d in companies if d.kept]
    themes = _themes(_implied(candidates, kept, tax, cfg), tax, cfg)
    return companies + themes


def _companies(cands: list[Candidate], cfg: TaggingConfig) -> list[Decision]:
    """A company is kept when the article reports on it: named in the title; or an item of a
    ranking, a list of winners or a deal reported in the text (subject_threshold); or named
    often enough (company_threshold) and not dwarfed by the main company (company_share),
    unless it is named up front. Passing mentions alone (a data source, an example) never
    tag it unless the title names it."""
    best = max((c.score for c in cands), default=0.0)
    out = []
    for c in sorted(cands, key=lambda c: (-c.score, c.slug)):
        subject = [r for r in c.roles if r.startswith(SUBJECT_ROLES)]
        if c.in_title and c.score >= cfg.company_threshold:
            kept, why = True, "named in the title"
        elif c.passing_only:
            kept, why = False, "passing mentions only (" + \
                ", ".join(sorted({h.role.split(': ', 1)[1] for h in c.hits if h.role})) + ")"
        elif subject and c.score >= cfg.subject_threshold:
            kept, why = True, f"reported on ({subject[0]})"
        elif c.score < cfg.company_threshold:
            kept, why = False, f"score {c.score} below company_threshold {cfg.company_threshold}"
        elif not c.roles and not c.up_front and c.score < cfg.bare_threshold:
            kept, why = False, (f"named without saying what it did: score {c.score} below "
                                f"bare_threshold {cfg.bare_threshold}")
        elif c.up_front:
            kept, why = True, "named in the lead paragraph"
        elif c.score < best * cfg.company_share:
            kept, why = False, (f"passing: {c.score} is below company_share "
                                f"{cfg.company_share} of the main company's {best}")
        else:
            kept, why = True, f"score {c.score} ≥ company_threshold {cfg.company_threshold}"
        out.append(Decision("company", c.slug, kept, c.score, why, c.evidence()))
    return out


def _implied(candidates: Candidates, companies: list[Candidate], tax: Taxonomy,
             cfg: TaggingConfig) -> list[Candidate]:
    """The theme candidates, with the themes implied by the companies kept: a company's own
    `themes` add company_theme_weight each when it is named in the title or lead, half that
    otherwise (evidence `company: slug`)."""
    themes = {c.slug: Candidate(c.kind, c.slug, list(c.hits), c.score)
              for c in candidates.values() if c.kind == "theme"}
    for company in companies:
        entry = tax.entry("company", company.slug)
        for slug in entry.themes if entry is not None else ():
            cand = themes.setdefault(slug, Candidate("theme", slug))
            weight = cfg.company_theme_weight if company.lead_or_title else \
                cfg.company_theme_weight / 2
            cand.hits.append(Hit("company", company.slug, weight, role="implied"))
            cand.score = round(cand.score + weight, 2)
    return list(themes.values())


def _themes(cands: list[Candidate], tax: Taxonomy, cfg: TaggingConfig) -> list[Decision]:
    """The best theme needs top_theme_threshold (theme_threshold when only ambiguous keywords
    name it); every other theme theme_threshold and, unless the title or lead names it or
    theme_distinct different keywords do, theme_share of the best theme's score (a broad
    theme broad_share, title or not) and two mentions; a theme seen only through ambiguous
    keywords is kept as the weak_only setting says; at most max_themes."""
    ranked = sorted(cands, key=lambda c: (-c.score, c.slug))
    best = ranked[0].score if ranked else 0.0
    out = []
    count = 0
    for i, c in enumerate(ranked):
        entry = tax.entry("theme", c.slug)
        # Ambiguous keywords corroborated by a kept company's field or the feed's own tag for
        # the theme (Speicher with the tag Speicher) are as good as a plain keyword.
        weak_only = c.weak_only and not any(h.zone in ("company", TAG) for h in c.hits)
        why = ""
        if count >= cfg.max_themes:
            why = f"max_themes {cfg.max_themes} reached"
        elif weak_only and cfg.weak_only == "never":
            why = "ambiguous keywords only"
        elif i == 0:
            need = cfg.theme_threshold if weak_only else cfg.top_theme_threshold
            if c.score < need:
                why = f"score {c.score} below {need}"
        else:
            share = cfg.broad_share if entry is not None and entry.broad \
                else 0.0 if c.up_front or c.distinct >= cfg.theme_distinct else cfg.theme_share
            implied = sum(1 for h in c.hits if h.zone == "company")
            if c.score < cfg.theme_threshold:
                why = f"score {c.score} below theme_threshold {cfg.theme_threshold}"
            elif c.score < best * share:
                why = f"{c.score} below {share} of the main theme's {best}"
            elif c.mentions + implied < 2 and not any(h.zone == "title" and h.weight > 0
                                                       for h in c.hits):
                why = "one passing mention"
            elif weak_only and cfg.weak_only == "top":
                why = "ambiguous keywords only, not the main theme"
        if not why:
            count += 1
        out.append(Decision("theme", c.slug, not why, c.score,
                            why or ("the main theme" if i == 0 else "a theme of the article"),
                            c.evidence()))
    return out


def select(candidates: Candidates, tax: Taxonomy, cfg: TaggingConfig,
           add: dict[str, tuple[str, ...]] | None = None,
           exclude: dict[str, tuple[str, ...]] | None = None,
           title: str = "") -> tuple[Tag, ...]:
    """The kept candidates as tags, plus front-matter additions, minus exclusions."""
    chosen = [d.tag() for d in decide(candidates, tax, cfg, title) if d.kept]
    have = {(t.kind, t.term) for t in chosen}
    for kind in KINDS:
        for slug in (add or {}).get(kind, ()):
            if (kind, slug) not in have and tax.entry(kind, slug):
                chosen.append(Tag(kind, slug, 0.0, ("front matter",)))
    chosen = [t for t in chosen if t.term not in (exclude or {}).get(t.kind, ())]
    chosen.sort(key=lambda t: (t.kind, -t.score, t.term))
    return tuple(chosen)
