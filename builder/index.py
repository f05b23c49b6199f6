"""Articles → Site: order, unique slugs, duplicates, terms, sources, archives, related (pure)."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from . import state, textutil, urls
from .config import Config
from .duplicates import find_duplicates
from .model import KINDS, Article, Problem, Site, Term
from .taxonomy import Taxonomy

RELATED = 5
NEIGHBOUR_WINDOW = 12


def index(articles: list[Article], cfg: Config, tax: Taxonomy,
          now: datetime | None = None, memo: RelatedMemo | None = None
          ) -> tuple[Site, list[Problem]]:
    """Build the whole-site model. Deterministic: the same articles give the same Site.
    `memo`: the related lists of the last build, to compute again only those an edit can
    change (the result is the same without it)."""
    ordered = sorted(articles, key=lambda a: (-a.date.timestamp(), a.id))
    problems: list[Problem] = []
    ordered, slug_problems = _unique_slugs(ordered, cfg)
    problems += slug_problems
    ordered = settle_languages(ordered)
    by_id = {a.id: a for a in ordered}
    empty = tuple(a.id for a in ordered if is_empty(a))
    if empty:
        shown = ", ".join(empty[:10]) + (" …" if len(empty) > 10 else "")
        problems.append(Problem(cfg.content_dir, None, "warning", "empty-articles",
                                f"{len(empty)} articles have no body text: not listed, fed or "
                                f"searched; their sources' pages link the originals ({shown})"))
        ordered = [a for a in ordered if not is_empty(a)]
    duplicates, duplicate_of = find_duplicates(ordered, cfg.duplicates)
    canonical = tuple(a for a in ordered if a.id not in duplicate_of)
    terms, empty_terms = _terms(canonical, tax)
    years, months = _archives(canonical, cfg)
    sources, source_empty = _sources(canonical, [by_id[i] for i in empty])
    site = Site(
        articles=canonical,
        by_id=by_id,
        terms=terms,
        empty_terms=empty_terms,
        sources=sources,
        years=years,
        months=months,
        duplicates=duplicates,
        duplicate_of=duplicate_of,
        related=_related(canonical, terms, memo),
        neighbours=_neighbours(canonical),
        undated=tuple(a.id for a in canonical if a.undated),
        languages=_by_language(canonical, cfg.language),
        empty=empty,
        source_empty=source_empty,
    )
    return site, problems


def _terms(canonical: tuple[Article, ...], tax: Taxonomy
           ) -> tuple[dict[str, dict[str, Term]], dict[str, tuple[str, ...]]]:
    """kind → slug → Term for the terms with articles (newest first), and the empty ones."""
    terms: dict[str, dict[str, Term]] = {}
    empty: dict[str, tuple[str, ...]] = {}
    for kind in KINDS:
        members: dict[str, list[str]] = defaultdict(list)
        for a in canonical:
            for slug in a.terms(kind):
                members[slug].append(a.id)
        entries = tax.entries.get(kind, {})
        terms[kind] = {slug: Term(kind, slug, e.zh, e.en, tuple(members[slug]))
                       for slug, e in entries.items() if members.get(slug)}
        empty[kind] = tuple(slug for slug in entries if not members.get(slug))
    return terms, empty


def _sources(canonical: tuple[Article, ...], empty: list[Article]
             ) -> tuple[dict[str, tuple[str, tuple[str, ...]]], dict[str, tuple[str, ...]]]:
    """source slug → (the name as first seen, article ids newest first), sorted by slug; and
    source slug → its empty articles (a feed item without a publisher is listed under its
    author, else its folder)."""
    sources: dict[str, tuple[str, list[str]]] = {}
    for a in canonical:
        if a.source:
            name, ids = sources.setdefault(textutil.source_slug(a.source), (a.source, []))
            ids.append(a.id)
    source_empty: dict[str, list[str]] = defaultdict(list)
    for a in empty:
        name = a.source or (a.authors[0] if a.authors else "") or a.id.split("/", 1)[0]
        slug = textutil.source_slug(name)
        sources.setdefault(slug, (name, []))
        source_empty[slug].append(a.id)
    return ({slug: (name, tuple(ids)) for slug, (name, ids) in sorted(sources.items())},
            {slug: tuple(ids) for slug, ids in sorted(source_empty.items())})


def _archives(canonical: tuple[Article, ...], cfg: Config
              ) -> tuple[dict[int, tuple[str, ...]], dict[tuple[int, int], tuple[str, ...]]]:
    """Article ids by year and by (year, month) in the site's time zone, newest first."""
    years: dict[int, list[str]] = defaultdict(list)
    months: dict[tuple[int, int], list[str]] = defaultdict(list)
    for a in canonical:
        if a.undated:
            continue
        local = a.date.astimezone(cfg.tz)
        years[local.year].append(a.id)
        months[(local.year, local.month)].append(a.id)
    return ({y: tuple(ids) for y, ids in sorted(years.items(), reverse=True)},
            {m: tuple(ids) for m, ids in sorted(months.items(), reverse=True)})


def is_empty(a: Article) -> bool:
    """No body text at all (a feed item that kept only its title and link)."""
    return a.chars == 0


def primary(language: str) -> str:
    """`zh-CN` → `zh`: the part of a language tag a listing is made for."""
    return language.split("-")[0].lower() or "und"


def settle_languages(ordered: list[Article]) -> list[Article]:
    """An article whose language the detector only guessed (a three-word title, no body)
    takes the language most of its folder's surely detected articles are in."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for a in ordered:
        if a.language_sure:
            votes[a.id.rpartition("/")[0]][a.language] += 1
    out = []
    for a in ordered:
        if not a.language_sure:
            # ties: the most common language first, then the name (deterministic)
            best = sorted(votes.get(a.id.rpartition("/")[0], Counter()).items(),
                          key=lambda kv: (-kv[1], kv[0]))
            if best and best[0][0] != a.language:
                a = replace(a, language=best[0][0])
        out.append(a)
    return out


def _by_language(articles: tuple[Article, ...], site_language: str) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for a in articles:
        groups[primary(a.language)].append(a.id)
    first = primary(site_language)
    order = sorted(groups, key=lambda k: (k != first, -len(groups[k]), k))
    return {k: tuple(groups[k]) for k in order}


def _unique_slugs(ordered: list[Article], cfg: Config) -> tuple[list[Article], list[Problem]]:
    """Two articles may not share a URL: the older keeps it, later ones get `-2`, `-3`…
    (oldest first, so adding a newer article never renames an older one)."""
    taken: set[str] = set()
    tried: dict[str, int] = {}
    """url → the last suffix tried for it: many copies of one title stay linear."""
    out: dict[str, Article] = {}
    problems = []
    for a in sorted(ordered, key=lambda a: (a.date.timestamp(), a.id)):
        url = urls.article(cfg, a)
        if reserved := urls.reserved(cfg, url):
            if a.permalink:  # the front matter's path belongs to the site: the pattern is used
                problems.append(Problem(a.id, None, "warning", "slug-reserved",
                                        f"permalink {a.permalink} belongs to the site "
                                        f"({reserved}); using the [urls] article pattern"))
                a = replace(a, permalink="")
                url = urls.article(cfg, a)
            if reserved := urls.reserved(cfg, url):
                problems.append(Problem(a.id, None, "warning", "slug-reserved",
                                        f"slug `{a.slug}` would put the article at {url}, which "
                                        f"belongs to the site ({reserved}); using `{a.slug}-2`"))
                a = replace(a, slug=f"{a.slug}-2")
                url = urls.article(cfg, a)
        if url in taken and a.permalink:  # a permalink cannot be suffixed: the pattern is used
            problems.append(Problem(a.id, None, "warning", "permalink-collision",
                                    f"permalink {a.permalink} is taken by another article; "
                                    "using the [urls] article pattern"))
            a = replace(a, permalink="")
            url = urls.article(cfg, a)
        if url in taken:
            n = tried.get(url, 1) + 1
            while urls.article_at(cfg, a.date, f"{a.slug}-{n}", a.undated) in taken:
                n += 1
            tried[url] = n
            problems.append(Problem(a.id, None, "warning", "slug-collision",
                                    f"slug `{a.slug}` is taken at {url}; using `{a.slug}-{n}`"))
            a = replace(a, slug=f"{a.slug}-{n}")
            url = urls.article(cfg, a)
        taken.add(url)
        out[a.id] = a
    return [out[a.id] for a in ordered], problems


class RelatedMemo:
    """The related lists of the last build and what they were computed from (each term's
    article list, each article's date), kept in the state folder: an article's list depends
    only on its terms' lists around it and the dates of the articles there, so a build
    computes again only the lists whose neighbourhood changed. Pure memoisation, under `key`
    (the builder's code): a missing, damaged or foreign file only costs time."""

    FILE = "related.pickle"

    def __init__(self, folder: Path | None, key: str):
        self.path = folder / self.FILE if folder is not None else None
        self.key = key
        self.computed = 0
        """Related lists computed by this build (not taken from the memo)."""
        self._new: dict | None = None

    def load(self) -> dict | None:
        data = state.read_memo(self.path)
        if data is None or data.get("key") != self.key or data.get("version") != _version():
            return None
        return data

    def keep(self, stamp: dict, lists: dict, related: dict) -> None:
        self._new = {"key": self.key, "version": _version(),
                     "stamp": stamp, "lists": lists, "related": related}

    def save(self) -> None:
        if self.path is None or self._new is None or not self.computed:
            return
        state.write_memo(self.path, self._new)


def _version() -> tuple:
    """What related lists are made with besides the code: a memo made otherwise is not used."""
    return RELATED, NEIGHBOUR_WINDOW, tuple(WEIGHT.items())


WEIGHT = {"company": 2.0, "theme": 1.0}


class _Positions:
    """Where an article is in each term's list, indexed on first use (an edit asks about a
    few lists, a cold build about all of them)."""

    def __init__(self, lists: dict[tuple[str, str], tuple[str, ...]]):
        self.lists = lists
        self._at: dict[tuple[str, str], dict[str, int]] = {}

    def __call__(self, key: tuple[str, str], article_id: str) -> int | None:
        at = self._at.get(key)
        if at is None:
            at = self._at[key] = {i: n for n, i in enumerate(self.lists[key])}
        return at.get(article_id)


def _unchanged(articles: tuple[Article, ...], stamp: dict[str, float],
               lists: dict[tuple[str, str], tuple[str, ...]], position: _Positions,
               old: dict | None) -> set[str]:
    """The articles whose related list is the last build's (`old`, from `RelatedMemo`): none
    of their terms' lists changed within NEIGHBOUR_WINDOW of them, and no article within that
    window (themselves included) changed its date."""
    if old is None:
        return set()
    w = NEIGHBOUR_WINDOW
    old_stamp, old_lists, old_related = old["stamp"], old["lists"], old["related"]
    dirty: set[str] = set()
    for key in lists.keys() | old_lists.keys():
        new, was = lists.get(key, ()), old_lists.get(key, ())
        if new == was:
            continue
        p, q = 0, 0  # the common head and tail: only what lies between (± the window) moved
        limit = min(len(new), len(was))
        while p < limit and new[p] == was[p]:
            p += 1
        while q < limit - p and new[-1 - q] == was[-1 - q]:
            q += 1
        dirty.update(new[max(0, p - w): len(new) - q + w])
        dirty.update(was[max(0, p - w): len(was) - q + w])
    for a in articles:
        if old_stamp.get(a.id) != stamp[a.id]:  # a new date: every list it is a neighbour in
            dirty.add(a.id)
            for kind in KINDS:
                for slug in a.terms(kind):
                    here = position((kind, slug), a.id) if (kind, slug) in lists else None
                    if here is not None:
                        ids = lists[(kind, slug)]
                        dirty.update(ids[max(0, here - w): here + w + 1])
    return {a.id for a in articles if a.id not in dirty and a.id in old_related}


def _related(articles: tuple[Article, ...], terms: dict[str, dict[str, Term]],
             memo: RelatedMemo | None = None) -> dict[str, tuple[str, ...]]:
    """Articles sharing companies (weight 2) and themes (weight 1), nearest in time first.
    Only neighbours in each term's date-ordered list are looked at, so the cost stays linear;
    with a `memo`, only the lists whose neighbourhood changed are computed again."""
    stamp = {a.id: a.date.timestamp() for a in articles}
    lists = {(kind, slug): term.article_ids for kind in KINDS for slug, term in terms[kind].items()}
    old = memo.load() if memo is not None else None
    position = _Positions(lists)
    keep = _unchanged(articles, stamp, lists, position, old)
    related: dict[str, tuple[str, ...]] = {}
    weight = WEIGHT
    for a in articles:
        if a.id in keep:
            related[a.id] = old["related"][a.id]
            continue
        scores: dict[str, float] = defaultdict(float)
        for kind in KINDS:
            w = weight[kind]
            for slug in a.terms(kind):
                term = terms[kind].get(slug)
                if term is None:
                    continue
                here = position((kind, slug), a.id)
                for other in term.article_ids[max(0, here - NEIGHBOUR_WINDOW): here + NEIGHBOUR_WINDOW + 1]:
                    scores[other] += w
        scores.pop(a.id, None)
        here = stamp[a.id]
        ranked = heapq.nsmallest(RELATED, scores.items(),
                                 key=lambda kv: (-kv[1], abs(stamp[kv[0]] - here), kv[0]))
        related[a.id] = tuple(o for o, _ in ranked)
    if memo is not None:
        memo.computed = len(articles) - len(keep)
        memo.keep(stamp, lists, related)
    return related


def _neighbours(articles: tuple[Article, ...]) -> dict[str, tuple[str | None, str | None]]:
    """(older, newer) for each article, in the newest-first order."""
    out = {}
    for i, a in enumerate(articles):
        older = articles[i + 1].id if i + 1 < len(articles) else None
        newer = articles[i - 1].id if i > 0 else None
        out[a.id] = (older, newer)
    return out
