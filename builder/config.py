"""site.toml → a frozen, validated Config (parse is pure; load reads the file)."""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import Problem


class ConfigError(Exception):
    """The configuration cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class CleanConfig:
    proxy_prefixes: tuple[str, ...] = (
        "https://cors.zfour.workers.dev/?",
        "http://cors.zfour.workers.dev/?",
    )
    """URL prefixes of image/link proxies; the URL after the prefix is the original."""
    unlink_patterns: tuple[str, ...] = (
        r"ofweek\.com/tag-",
        r"ofweek\.com/(?:[a-z]+/)?$",
        r"/tag/",
        r"/tags?/",
        r"[?&](?:q|query|keyword|kw)=",
        r"/search",
        r"c\.duomai\.com/track",
        r"data\.eastmoney\.com",
        r"quote\.eastmoney\.com",
        r"finews\.withounder\.com",
        r"finews\.zning\.xyz",
    )
    """Regexes: links whose URL matches become plain text (tag, search, tracking pages)."""
    excerpt_length: int = 140
    """Excerpt length in display columns (a CJK ideograph counts 2)."""


@dataclass(frozen=True, slots=True)
class TaggingConfig:
    """How mentions become tags (builder/taxonomy.py: score, then select). The defaults are
    tuned on the tune half of tests/data/editor-labels (tests/eval_tagging.py)."""

    company_threshold: float = 1.0
    """Score a company needs: one plain mention (the editor's labels are exhaustive: a
    company the article reports on, however briefly, is tagged)."""
    theme_threshold: float = 2.5
    """Score a theme needs, unless it is the article's best theme."""
    top_theme_threshold: float = 2.0
    """Score the article's best theme needs (not when it rests on ambiguous keywords only)."""
    title_weight: float = 3.0
    lead_weight: float = 1.5
    """Weight of a mention in the first paragraph of the body."""
    body_weight: float = 1.0
    ambiguous_weight: float = 1.0
    """Factor for a corroborated mention of an ambiguous company name."""
    theme_ambiguous_weight: float = 0.75
    """Factor for a corroborated mention of an ambiguous theme keyword."""
    ambiguous_min: int = 2
    """Mentions an ambiguous alias needs to count when nothing else corroborates it."""
    list_weight: float = 1.0
    """Factor for a company mentioned as an item of an enumeration of list_min or more
    companies ("宁德时代、LG新能源、比亚迪、松下"): a list of winners is not about each."""
    list_min: int = 3
    passing_weight: float = 0.25
    """Factor for a company named as a data source or an example ("据彭博社报道", "such as
    Apple", "laut Statistik Austria")."""
    bare_threshold: float = 1.0
    """Score a company needs when no sentence that names it says what it did, said, won or
    signed (no role) and neither the title nor the lead names it."""
    subject_threshold: float = 1.0
    """Score a company needs when a sentence that names it reports a ranking, winners or a
    deal (every party is reported on, however briefly)."""
    policy_weight: float = 2.0
    """What a sentence adds to a policy theme when it uses the theme's policy vocabulary
    (规划, 政策, Gesetz, regulation…) about one of the themes it is the policy of."""
    company_theme_weight: float = 2.0
    """What a kept company's own `themes` add to each of them (named in the title or lead;
    half of that otherwise)."""
    company_share: float = 0.0
    """A company must reach this share of the best company's score: passing mentions in an
    article about another company do not tag it."""
    theme_share: float = 0.4
    """A theme other than the best must reach this share of the best theme's score."""
    theme_distinct: int = 4
    """A theme named by this many different plain keywords is discussed, not mentioned in
    passing: theme_share does not apply to it."""
    broad_share: float = 0.6
    """The same for a `broad` theme (energy transition): it is filed under only when no
    specific theme clearly dominates."""
    weak_only: str = "top"
    """A theme seen only through ambiguous keywords: "any" (like others), "top" (only as the
    article's best theme) or "never"."""
    source_tag_weight: float = 3.0
    """Score a mapped source tag (the feed's own tag or category) adds to its theme."""
    source_tag_alone_weight: float = 0.0
    """The same when no keyword of the theme is in the title or text at all: a feed's tags
    are often about the site or the series, not the post."""
    max_themes: int = 4


@dataclass(frozen=True, slots=True)
class DuplicatesConfig:
    threshold: float = 0.8
    """Estimated Jaccard similarity of character shingles above which two articles are one story."""
    shingle: int = 5
    """Shingle length in characters."""
    containment: float = 0.6
    """A rewrite of a story: this share of the shorter text's shingles are in the longer one
    (and Jaccard at least `rewrite_jaccard`), published within `window_days` of each other."""
    rewrite_jaccard: float = 0.25
    window_days: int = 7


@dataclass(frozen=True, slots=True)
class UrlsConfig:
    article: str = "/articles/{year}/{month}/{slug}/"
    companies: str = "/companies/"
    company: str = "/companies/{slug}/"
    themes: str = "/themes/"
    theme: str = "/themes/{slug}/"
    sources: str = "/sources/"
    source: str = "/sources/{slug}/"
    year: str = "/archive/{year}/"
    month: str = "/archive/{year}/{month}/"
    archive: str = "/archive/"
    undated: str = "/archive/undated/"
    """The listing of articles without a usable date."""
    topics: str = "/topics/"
    search: str = "/search/"
    language: str = "/{lang}/"
    """The listing of one language's articles (`/en/`, `/de/`, `/zh/`)."""


@dataclass(frozen=True, slots=True)
class Config:
    title: str = "Green Archive"
    description: str = ""
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "zh-CN"
    timezone: str = "Asia/Shanghai"
    """Time zone for naive dates and for displaying dates."""
    content_dir: str = "content"
    output_dir: str = "public"
    taxonomy_dir: str = "content/taxonomy"
    cache_dir: str = ""
    """Where the build state (article cache, manifest, fingerprint) lives; empty: the user's
    cache folder (`$XDG_CACHE_HOME/green-archive/`). Never beside the output."""
    theme: str = "default"
    themes_dir: str = "themes"
    templates_dir: str = "templates"
    """Site templates that override the theme's, file by file."""
    slugs: str = "pinyin"
    """`pinyin`: ASCII slugs (pinyin for Chinese, transliteration for others);
    `unicode`: keep the title's letters (Chinese URLs are then percent-encoded)."""
    per_page: int = 20
    search: bool = True
    """Build the Pagefind search index."""
    images: str = "hotlink"
    """`hotlink`: pages show images from their original hosts (one that fails to load becomes
    a link to it); `archive`: images are downloaded at build time into the site (builder/images.py)."""
    cluster: str = ""
    """A Dask scheduler (`tcp://HOST:PORT`) that runs the per-article stage; empty: a local
    process pool. The content folder must be at the same path on every worker."""
    drafts: bool = False
    """Build drafts (`draft: true`, `published: false`, `_drafts/`), marked as such
    (`--drafts`)."""
    future: bool = False
    """Build articles dated in the future, marked as such (`--future`)."""
    expired: bool = False
    """Build articles past their `expiryDate`, marked as such (`--expired`)."""
    slugs_file: str = ".slugs.toml"
    """Where each article's first published slug and URL are kept, relative to the content
    folder (commit it with the content); "" turns URL pinning off."""
    image: str = ""
    """The site's image for link previews (`og:image`) of pages without one of their own: an
    absolute URL, or a path on the site such as `/static/share.png`."""
    clean: CleanConfig = field(default_factory=CleanConfig)
    tagging: TaggingConfig = field(default_factory=TaggingConfig)
    duplicates: DuplicatesConfig = field(default_factory=DuplicatesConfig)
    urls: UrlsConfig = field(default_factory=UrlsConfig)
    root: str = "."
    """Folder of site.toml: relative paths are resolved against it (not a TOML key)."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def path(self, name: str) -> Path:
        """A folder setting (`content_dir`, `output_dir`…) resolved against `root`."""
        return (Path(self.root) / getattr(self, name)).resolve()

    @property
    def content(self) -> Path | str:
        """Where the articles are: a local folder, or an fsspec URL kept as given
        (`s3://bucket/archive`: object storage, read by whoever processes the files)."""
        return self.content_dir if is_url(self.content_dir) else self.path("content_dir")

    @property
    def content_folder(self) -> Path | None:
        """The content as a folder of this machine (a `file://` URL's too), or None."""
        if not is_url(self.content_dir):
            return self.path("content_dir")
        if self.content_dir.startswith("file://"):
            return Path(self.content_dir[len("file://"):]).resolve()
        return None


URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(value: str) -> bool:
    """An fsspec URL (`s3://…`, `gs://…`, `file:///…`), not a folder path."""
    return bool(URL.match(value))


_NOT_KEYS = {"root"}
RESERVED_FOLDERS = ("/pagefind/", "/static/", "/api/", "/__green_archive/")
"""Folders of the site's own files (search bundle, assets, JSON export, preview endpoints):
no URL pattern may point into them (urls.py keeps pages out of them and the root files)."""


def _type_ok(value: object, hint: object) -> bool:
    origin = typing.get_origin(hint)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is tuple:
        (item, _) = typing.get_args(hint)
        return isinstance(value, list) and all(_type_ok(v, item) for v in value)
    if isinstance(hint, type):
        return isinstance(value, hint)
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, h) for h in typing.get_args(hint))
    return True


def _type_name(hint: object) -> str:
    if typing.get_origin(hint) is tuple:
        return f"list of {_type_name(typing.get_args(hint)[0])}"
    if hint is float:
        return "number"
    return {str: "string", int: "integer", bool: "boolean"}.get(hint, str(hint))


def _build(cls: type, table: dict, where: str, path: str, problems: list[Problem]):
    """Fill dataclass `cls` from a TOML table, reporting unknown keys and wrong types."""
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields(cls)} - _NOT_KEYS
    values = {}
    for key, value in table.items():
        name = f"{where}{key}"
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            problems.append(Problem(path, None, "error", "config-unknown-key",
                                    f"unknown key `{name}`",
                                    f"did you mean `{where}{close[0]}`?" if close else
                                    f"known keys: {', '.join(sorted(known))}"))
            continue
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, dict):
                problems.append(Problem(path, None, "error", "config-type",
                                        f"`{name}` must be a table [{name}]"))
                continue
            values[key] = _build(hint, value, f"{name}.", path, problems)
        elif not _type_ok(value, hint):
            problems.append(Problem(path, None, "error", "config-type",
                                    f"`{name}` must be a {_type_name(hint)}, "
                                    f"not {type(value).__name__} {value!r}"))
        else:
            values[key] = tuple(value) if isinstance(value, list) else value
    return cls(**values)


def parse(text: str, path: str = "site.toml", root: str = ".") -> tuple[Config, list[Problem]]:
    """Parse site.toml text; return the config and every problem (errors make it unusable)."""
    problems: list[Problem] = []
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python < 3.14 has no `lineno` on the error; its message ends "(at line N, column M)"
        found = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        return Config(root=root), [Problem(path, line, "error", "config-syntax", str(exc))]
    cfg = _build(Config, table, "", path, problems)
    cfg = replace(cfg, root=root)
    problems.extend(_check(cfg, path))
    return cfg, problems


def _check(cfg: Config, path: str) -> list[Problem]:
    out = []

    def bad(key: str, message: str) -> None:
        out.append(Problem(path, None, "error", "config-value", f"`{key}` {message}"))

    if cfg.slugs not in ("pinyin", "unicode"):
        bad("slugs", f"must be `pinyin` or `unicode`, not {cfg.slugs!r}")
    if cfg.images not in ("hotlink", "archive"):
        bad("images", f"must be `hotlink` or `archive`, not {cfg.images!r}")
    if "{lang}" not in cfg.urls.language:
        bad("urls.language", "must contain {lang}")
    if cfg.per_page < 1:
        bad("per_page", "must be at least 1")
    if not cfg.base_url.startswith(("http://", "https://", "/")):
        bad("base_url", f"must be an http(s) URL or start with `/`, not {cfg.base_url!r}")
    try:
        ZoneInfo(cfg.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        bad("timezone", f"is not a known time zone: {cfg.timezone!r}")
    for key in ("output_dir", "cache_dir", "taxonomy_dir", "themes_dir", "templates_dir"):
        if is_url(getattr(cfg, key) or ""):
            bad(key, "must be a folder on this machine (only `content_dir` may be a URL)")
    if not 0 < cfg.duplicates.threshold <= 1:
        bad("duplicates.threshold", "must be in (0, 1]")
    for name in ("article", "company", "theme", "source"):
        pattern = getattr(cfg.urls, name)
        if "{slug}" not in pattern:
            bad(f"urls.{name}", "must contain {slug}")
    for name in fields(UrlsConfig):
        pattern = getattr(cfg.urls, name.name)
        if not (pattern.startswith("/") and (pattern.endswith("/") or pattern.endswith(".html"))):
            bad(f"urls.{name.name}", "must start with `/` and end with `/` or `.html`")
        if pattern.startswith(RESERVED_FOLDERS):
            bad(f"urls.{name.name}", f"must not be inside {pattern.split('/')[1]}/, which holds "
                                     "the site's own files")
    return out


def load(path: Path, **overrides: str | None) -> Config:
    """Read and validate a site.toml; raise ConfigError on any error.

    `overrides` (content_dir, output_dir) come from the command line and are resolved
    against the working directory, not the config's folder.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError([Problem(str(path), None, "error", "config-missing",
                                   f"cannot read the config: {exc.strerror}")]) from None
    cfg, problems = parse(text, str(path), str(path.resolve().parent))
    if any(p.severity == "error" for p in problems):
        raise ConfigError(problems)
    given = {k: v if is_url(v) else str(Path(v).resolve()) for k, v in overrides.items() if v}
    return replace(cfg, **given)
