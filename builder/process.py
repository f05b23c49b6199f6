"""The per-article stages as one pure function: SourceFile + settings → Article + problems."""

from __future__ import annotations

import heapq
import re
import zlib
from array import array
from dataclasses import replace
from pathlib import PurePosixPath

from . import repair, textutil
from .clean import clean_html, markdown_to_html
from .config import Config
from .model import Article, Draft, Problem, SourceFile, TagInput
from .parse import parse
from .taxonomy import Taxonomy, tag

SKETCH_SIZE = 64
"""Characters of text a duplicate sketch looks at: a story's opening identifies it."""
_MD_H1 = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$", re.M)
_HTML_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


Processed = tuple[Article | None, tuple[Problem, ...], TagInput | None]


def process(src: SourceFile, cfg: Config, tax: Taxonomy) -> tuple[Article | None,
                                                                   tuple[Problem, ...]]:
    """parse → repair title → clean → resolve date → measure → tag. Never raises for bad
    input: an unexpected exception becomes an `internal` problem for this file only."""
    article, problems, _ = process_keeping_tag_input(src, cfg, tax)
    return article, problems


def process_keeping_tag_input(src: SourceFile, cfg: Config, tax: Taxonomy) -> Processed:
    """`process`, also returning what tagging read (for the cache: see `retag`)."""
    try:
        article, problems, tag_input = _untagged(src, cfg)
        if article is None or tag_input is None:
            return article, problems, tag_input
        article, problems = retag(article, problems, tag_input, tax, cfg)
        return article, problems, tag_input
    except Exception as exc:  # noqa: BLE001 - the pool boundary: one file never stops a build
        return None, (Problem(src.path, None, "error", "internal",
                              f"{type(exc).__name__}: {exc}"[:300],
                              "please report this file: it exposed a bug in the builder"),), None


def retag(article: Article, problems: tuple[Problem, ...], given: TagInput, tax: Taxonomy,
          cfg: Config) -> tuple[Article, tuple[Problem, ...]]:
    """Tag an article with `tax` (again): the only per-article stage a taxonomy edit redoes."""
    kept = [p for p in problems if p.code != "unknown-term"]
    add = {"company": given.companies, "theme": given.themes}
    for kind, slugs in add.items():
        for slug in slugs:
            if tax.entry(kind, slug) is None:
                kept.append(Problem(article.id, None, "warning", "unknown-term",
                                    f"front matter names {kind} `{slug}`, which is not in "
                                    "the taxonomy (ignored)"))
    tags = tag(article.title, given.text, given.lead, article.source_tags + article.categories,
               tax, cfg.tagging, add=add,
               exclude={"company": given.exclude_companies, "theme": given.exclude_themes})
    return replace(article, tags=tags, problems=tuple(kept)), tuple(kept)


def _untagged(src: SourceFile, cfg: Config) -> Processed:
    draft = parse(src, cfg)
    if isinstance(draft, list):
        return None, tuple(draft), None
    problems = list(draft.problems)
    meta = draft.meta
    if meta.draft:
        return None, (*problems, Problem(src.path, None, "warning", "draft",
                                         "marked as a draft (not built)")), None
    body_html = draft.body if draft.body_format == "html" else markdown_to_html(draft.body)

    title = meta.title or _first_heading(draft)
    if not meta.title and title and draft.has_front_matter:
        problems.append(Problem(src.path, None, "warning", "title-from-heading",
                                f"no `title` field; using the first heading: {title[:60]!r}"))
    fixed, evidence = repair.repair_title(title, draft.body)
    if evidence:
        problems.append(Problem(src.path, None, "warning", "title-repaired",
                                f"title {title!r} → {fixed!r}", evidence))
        title = fixed

    cleaned = clean_html(body_html, title=title, base_url=meta.source_url, cfg=cfg.clean)
    facts = cleaned.facts
    if not title:
        title, origin = _fallback_title(cleaned.text, src.path)
        if not title:
            return None, (*problems, Problem(src.path, None, "error", "title-missing",
                                             "no title in the front matter, no heading and no text "
                                             "in the body", "add `title:` to the front matter")), None
        problems.append(Problem(src.path, None, "warning", "title-missing",
                                f"no title or heading; using {origin}: {title[:60]!r}",
                                "add `title:` to the front matter"))
    meta = replace(meta, title=title,
                   source=meta.source or facts.source,
                   source_url=meta.source_url or facts.source_url,
                   authors=meta.authors or tuple(facts.authors))
    meta, date_problems = repair.resolve_date(meta, facts.time, cleaned.text, src.path, cfg,
                                              expected=not draft.has_front_matter)
    problems += date_problems
    if meta.date is None:
        return None, tuple(problems), None
    if not cleaned.text.strip():
        problems.append(Problem(src.path, draft.body_line, "warning", "empty-body",
                                "the body is empty"))

    excerpt_source = meta.description or facts.abstract or cleaned.first_paragraph \
        or cleaned.text
    return Article(
        id=src.path,
        slug=meta.slug or (textutil.unicode_slug(title) if cfg.slugs == "unicode"
                           else textutil.slugify(title)) or _path_slug(src.path),
        title=title,
        date=meta.date,
        date_evidence=meta.date_evidence,
        source=meta.source,
        source_url=meta.source_url,
        authors=meta.authors,
        html=cleaned.html,
        text=cleaned.text,
        excerpt=textutil.excerpt(excerpt_source, cfg.clean.excerpt_length),
        image=meta.image or cleaned.lead_image,
        language=meta.language or _guess_language(cleaned.text, cfg.language),
        chars=textutil.article_chars(cleaned.text),
        reading_minutes=textutil.reading_minutes(cleaned.text),
        categories=meta.categories,
        source_tags=meta.tags,
        sketch=sketch(cleaned.text, cfg.duplicates.shingle),
        updated=meta.updated,
        problems=tuple(problems),
        digest=src.digest,
    ), tuple(problems), TagInput(cleaned.text, cleaned.first_paragraph, meta.companies,
                                 meta.themes, meta.exclude_companies, meta.exclude_themes)


def _first_heading(draft: Draft) -> str:
    pattern = _HTML_H1 if draft.body_format == "html" else _MD_H1
    m = pattern.search(draft.body[:20000])
    if not m:
        return ""
    return " ".join(_TAG.sub("", m.group(1)).split())[:300]


_SENTENCE = re.compile(r"^(.{6,80}?[。！？!?]|.{6,80}?\.(?=\s|$))")


def _fallback_title(text: str, path: str) -> tuple[str, str]:
    """A title for an article that has none: its first short sentence, else its file name."""
    first = text.strip().split("\n", 1)[0].strip(" >")
    m = _SENTENCE.match(first)
    if m:
        return m.group(1).rstrip("。.").strip(), "the first sentence"
    if 6 <= len(first) <= 80:
        return first, "the first line"
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", PurePosixPath(path).stem)
    words = " ".join(re.split(r"[-_\s]+", stem)).strip()
    if re.search(r"[^\W\d_]", words):
        return words[:1].upper() + words[1:], "the file name"
    return "", ""


def _path_slug(path: str) -> str:
    return textutil.slugify(PurePosixPath(path).stem) or "article"


def _guess_language(text: str, default: str) -> str:
    sample = text[:3000]
    cjk, words = textutil.counts(sample)
    if cjk > words:
        return "zh-CN"
    if words == 0:
        return default
    german = len(re.findall(r"\b(?:und|der|die|das|nicht|mit|für|ist|wird|auf)\b", sample, re.I))
    english = len(re.findall(r"\b(?:the|and|of|to|is|for|with|that|on|are)\b", sample, re.I))
    return "de" if german > english else "en"


_SHINGLE_STRIP = re.compile(r"[\W_]+")


def sketch(text: str, size: int) -> bytes:
    """Bottom-k MinHash of the text's character shingles: the SKETCH_SIZE smallest crc32
    values, packed as unsigned 32-bit integers (256 bytes instead of 64 Python ints: the
    index holds one per article). Two sketches estimate the Jaccard similarity of the texts."""
    # crc32 rather than hash(): the sketch must be the same in every process and build.
    flat = _SHINGLE_STRIP.sub("", text[:textutil.SKETCH_TEXT]).lower()
    if len(flat) < 50:
        return b""
    hashes = {zlib.crc32(flat[i:i + size].encode()) for i in range(len(flat) - size + 1)}
    return array("I", heapq.nsmallest(SKETCH_SIZE, hashes)).tobytes()
