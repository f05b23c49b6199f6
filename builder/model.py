"""The records that flow between the stages: frozen, slotted, plain data."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from operator import attrgetter
from typing import Literal


def fast_pickle(cls):
    """Pickle a slotted dataclass as (class, field values): loading calls the generated
    `__init__`, several times faster than the generic setstate of frozen dataclasses (the
    cache loads every article record on each build)."""
    values = attrgetter(*cls.__slots__)

    def reduce(self):
        return cls, values(self)

    cls.__reduce__ = reduce
    return cls


UNDATED = datetime(1800, 1, 1, tzinfo=UTC)
"""The `date` of an article with no usable date (`Article.undated`): older than any real
date, so undated articles come after dated ones wherever articles are ordered by date."""

Severity = Literal["error", "warning"]
Kind = Literal["company", "theme"]
KINDS: tuple[Kind, ...] = ("company", "theme")


@fast_pickle
@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with an input, found by the stage that read it."""

    path: str
    """The file, relative to the content folder (or the config/taxonomy path)."""
    line: int | None
    """1-based line in that file, when the problem sits on one line."""
    severity: Severity
    """`error` skips the article (and fails `--strict`); `warning` only reports."""
    code: str
    """A short stable kebab-case name, e.g. `date-invalid`; the summary groups by it."""
    message: str
    """What is wrong, in one sentence."""
    hint: str = ""
    """How to fix it, or the evidence a repair used."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One content file as read from disk, before any interpretation."""

    path: str
    """Path relative to the content folder, with `/` separators."""
    data: bytes
    """The raw bytes."""
    mtime_ns: int
    """Modification time, for the serve loop's change detection."""
    digest: str
    """sha256 of `data`: the cache key."""


@dataclass(frozen=True, slots=True)
class Meta:
    """Normalised metadata of one article, whatever the source called the fields."""

    title: str = ""
    date: datetime | None = None
    """Aware datetime of original publication."""
    date_evidence: str = ""
    """Where the date came from: `front matter`, `body time line`, `file name`…"""
    updated: datetime | None = None
    source: str = ""
    """The publisher (每日经济新闻, pv magazine…)."""
    source_url: str = ""
    """The original article's URL, when known."""
    authors: tuple[str, ...] = ()
    image: str = ""
    """Lead image URL."""
    slug: str = ""
    """Explicit slug from front matter (validated), else empty."""
    description: str = ""
    language: str = ""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    """Editorial override: company slugs to add."""
    themes: tuple[str, ...] = ()
    """Editorial override: theme slugs to add."""
    exclude_companies: tuple[str, ...] = ()
    exclude_themes: tuple[str, ...] = ()
    draft: str = ""
    """Why the article is a draft (`draft: true`, `published: false`, `in _drafts/`), or empty."""
    publish_date: datetime | None = None
    """Held back until then (Hugo's `publishDate`), when later than `date`."""
    expiry_date: datetime | None = None
    """Withdrawn from then on (Hugo's `expiryDate`)."""
    permalink: str = ""
    """The URL path the front matter asks for (Jekyll/Hexo `permalink`, Hugo `url`), checked."""
    aliases: tuple[str, ...] = ()
    """Older URL paths that redirect here (Hugo `aliases`, Jekyll `redirect_from`)."""
    excerpt_separator: str = ""
    """Jekyll's per-post `excerpt_separator`."""
    ignored: tuple[str, ...] = ()
    """Known peer fields read and deliberately ignored (`layout`, `weight`…)."""


@dataclass(frozen=True, slots=True)
class Draft:
    """An article after parsing: metadata and an untouched body."""

    path: str
    meta: Meta
    body: str
    body_format: Literal["html", "markdown"]
    body_line: int
    """1-based line of the file where the body starts (problem lines inside the body)."""
    problems: tuple[Problem, ...] = ()
    has_front_matter: bool = True
    """False for plain Markdown files: their title and date are expected in the body and name."""


@fast_pickle
@dataclass(frozen=True, slots=True)
class Tag:
    """One company or theme assigned to an article, with the evidence for it."""

    kind: Kind
    term: str
    """The taxonomy slug."""
    score: float
    evidence: tuple[str, ...]
    """Human-readable reasons: `title: 联想 ×1`, `body: Lenovo ×3`, `front matter`."""


@fast_pickle
@dataclass(frozen=True, slots=True)
class TagInput:
    """What tagging reads of an article besides its title and source tags: kept in the cache,
    so that a taxonomy edit re-tags every article without parsing or cleaning it again."""

    text: str
    lead: str
    """The first paragraph."""
    companies: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    exclude_companies: tuple[str, ...] = ()
    exclude_themes: tuple[str, ...] = ()


@fast_pickle
@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned, tagged article: everything the site needs, nothing it does not."""

    id: str
    """Stable id: the source path relative to the content folder."""
    slug: str
    title: str
    date: datetime
    date_evidence: str
    source: str
    source_url: str
    authors: tuple[str, ...]
    html: str
    """Sanitised body HTML."""
    text: str
    """Plain text of the body, for tagging, search and duplicates."""
    excerpt: str
    image: str
    language: str
    chars: int
    """Article characters (CJK ideographs + Latin word characters)."""
    reading_minutes: int
    categories: tuple[str, ...] = ()
    source_tags: tuple[str, ...] = ()
    tags: tuple[Tag, ...] = ()
    sketch: bytes = b""
    """Bottom-k MinHash sketch of the text's character shingles, packed unsigned 32-bit
    integers, smallest first (duplicate detection; `duplicates.py`)."""
    updated: datetime | None = None
    problems: tuple[Problem, ...] = ()
    digest: str = ""
    """sha256 of the source bytes: with the settings, it determines everything above."""
    undated: bool = False
    """No usable date was found: `date` is `UNDATED`; the article has its own archive page,
    comes after dated articles in listings and is left out of date-ordered feeds."""
    draft: str = ""
    """Why this is a draft (held back unless `--drafts`), or empty."""
    publish_date: datetime | None = None
    """Held back before this moment unless `--future` (the date, or a later `publishDate`)."""
    expiry_date: datetime | None = None
    """Held back from this moment on unless `--expired`."""
    permalink: str = ""
    """URL path set by the front matter; empty: the `[urls] article` pattern."""
    aliases: tuple[str, ...] = ()
    """URL paths that redirect to this article (front matter)."""
    fixed_slug: bool = False
    """The slug was set by the front matter or the file name, not derived from the title."""
    language_sure: bool = True
    """False when the detector hesitated (a three-word title and no body): the index then
    takes the language most of its folder's articles are in."""

    def terms(self, kind: Kind) -> tuple[str, ...]:
        return tuple(t.term for t in self.tags if t.kind == kind)


@fast_pickle
@dataclass(frozen=True, slots=True)
class Processed:
    """What the per-article stages make of one file (`process.process`)."""

    article: Article | None
    """None when the file is skipped (its problems say why)."""
    problems: tuple[Problem, ...]
    tag_input: TagInput | None = None
    """What tagging read: the cache keeps it, so a taxonomy edit only re-tags."""


@dataclass(frozen=True, slots=True)
class Term:
    """A taxonomy entry with the articles filed under it (in `Site.terms`)."""

    kind: Kind
    slug: str
    name_zh: str
    name_en: str
    article_ids: tuple[str, ...]
    """Newest first."""


@dataclass(frozen=True, slots=True)
class Site:
    """The whole archive, indexed: what the renderer reads."""

    articles: tuple[Article, ...]
    """Canonical articles, newest first (duplicates folded into their canonical copy)."""
    by_id: dict[str, Article]
    terms: dict[str, dict[str, Term]]
    """kind → slug → Term; only terms with at least one article."""
    empty_terms: dict[str, tuple[str, ...]]
    """kind → slugs of taxonomy terms with no article (reported, not rendered)."""
    sources: dict[str, tuple[str, tuple[str, ...]]]
    """source slug → (display name, article ids newest first)."""
    years: dict[int, tuple[str, ...]]
    months: dict[tuple[int, int], tuple[str, ...]]
    duplicates: dict[str, tuple[str, ...]]
    """canonical id → ids of the other copies of the same story."""
    duplicate_of: dict[str, str]
    """non-canonical id → canonical id."""
    related: dict[str, tuple[str, ...]]
    neighbours: dict[str, tuple[str | None, str | None]]
    """id → (previous/older id, next/newer id)."""
    undated: tuple[str, ...] = ()
    """Canonical articles without a usable date (their own archive page)."""
    languages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """primary language subtag (`zh`, `en`, `de`) → canonical article ids, newest first; the
    site's language first, then by number of articles."""
    empty: tuple[str, ...] = ()
    """Articles with no body text, newest first: not listed, fed or indexed as articles; their
    source's page links them to the original."""
    source_empty: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """source slug → its empty articles' ids (a source may have only those)."""


@dataclass(frozen=True, slots=True)
class Page:
    """One output file, rendered."""

    url: str
    """Site-relative URL path, e.g. `/companies/lenovo/`."""
    out_path: str
    """Output path relative to the output folder, `/`-separated."""
    body: bytes


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did, for the report and the serve loop."""

    written: int
    unchanged: int
    removed: int
    articles: int
    skipped: int
    problems: tuple[Problem, ...]
    timings: tuple[tuple[str, float], ...]
    output: str = ""
    ok: bool = True
    """False when the build was aborted and the output left as it was."""
    reused: int = 0
    """Articles taken from the cache."""
    expires: datetime | None = None
    """When this result stops being current although no input changes: the moment a
    future-dated article stops being reported as one (the fingerprint honours it)."""

    @classmethod
    def failure(cls, problems: list[Problem], timings: tuple[tuple[str, float], ...],
                output: object) -> BuildResult:
        """A build that stopped (the problems say why): nothing written, the output as it was."""
        return cls(written=0, unchanged=0, removed=0, articles=0, skipped=0,
                   problems=tuple(problems), timings=timings, output=str(output), ok=False)

    def with_timings(self, timings: tuple[tuple[str, float], ...]) -> BuildResult:
        return replace(self, timings=timings)
