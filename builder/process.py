"""The per-article stages, one pure function: SourceFile + settings + taxonomy → Processed.

`process` runs four steps, each a function of its own: `parse` (bytes → Draft), `clean`
(the body → title and sanitised HTML, text, facts), `assemble` (→ Article and what tagging
reads) and `tag`. A taxonomy edit runs `tag` alone, on what the cache kept (`TagInput`).
Each step adds what it finds to the file's problems; a step that must skip the file
returns None.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from . import duplicates, language, repair, taxonomy, textutil
from .config import Config
from .model import Article, Draft, Problem, Processed, SourceFile, TagInput
from .parse import parse as parse_source

if TYPE_CHECKING:
    from .clean import Cleaned


def process(src: SourceFile, cfg: Config, tax: taxonomy.Taxonomy) -> Processed:
    """parse → clean → assemble → tag. Never raises for bad input: an unexpected exception
    becomes an `internal` problem for this file only (the pool boundary)."""
    problems: list[Problem] = []
    try:
        draft = parse(src, cfg, problems)
        cleaned = clean(draft, cfg, problems) if draft else None
        untagged = assemble(src, draft, *cleaned, cfg, problems) if cleaned else None
        return tag(untagged, tax, cfg) if untagged else Processed(None, tuple(problems))
    except Exception as exc:  # noqa: BLE001 - the pool boundary: one file never stops a build
        return Processed(None, (Problem(src.path, None, "error", "internal",
                                        f"{type(exc).__name__}: {exc}"[:300],
                                        "please report this file: it exposed a bug in the builder"),))


def parse(src: SourceFile, cfg: Config, problems: list[Problem]) -> Draft | None:
    """Decode, split the front matter, normalise the fields; drafts are not built."""
    draft = parse_source(src, cfg)
    if isinstance(draft, list):
        problems += draft
        return None
    problems += draft.problems
    if draft.meta.draft:
        problems.append(Problem(src.path, None, "warning", "draft", "marked as a draft (not built)"))
        return None
    return draft


def clean(draft: Draft, cfg: Config, problems: list[Problem]) -> tuple[str, Cleaned] | None:
    """The title (front matter, else the first heading, repaired against the body) and the
    cleaned body; a file with neither a title nor any text is skipped."""
    # the cleaning stack (bs4, lxml, nh3) loads only when an article is cleaned: re-tagging
    # after a taxonomy edit does without it
    from .clean import clean_html, markdown_to_html

    body_html = draft.body if draft.body_format == "html" else markdown_to_html(draft.body)
    title = draft.meta.title or first_heading(draft)
    if not draft.meta.title and title and draft.has_front_matter:
        problems.append(Problem(draft.path, None, "warning", "title-from-heading",
                                f"no `title` field; using the first heading: {title[:60]!r}"))
    fixed, evidence = repair.repair_title(title, draft.body)
    if evidence:
        problems.append(Problem(draft.path, None, "warning", "title-repaired",
                                f"title {title!r} → {fixed!r}", evidence))
        title = fixed
    cleaned = clean_html(body_html, title=title, base_url=draft.meta.source_url, cfg=cfg.clean)
    if title:
        return title, cleaned
    title, origin = fallback_title(cleaned.text, draft.path)
    if not title:
        problems.append(Problem(draft.path, None, "error", "title-missing",
                                "no title in the front matter, no heading and no text in the body",
                                "add `title:` to the front matter"))
        return None
    problems.append(Problem(draft.path, None, "warning", "title-missing",
                            f"no title or heading; using {origin}: {title[:60]!r}",
                            "add `title:` to the front matter"))
    return title, cleaned


def assemble(src: SourceFile, draft: Draft, title: str, cleaned: Cleaned, cfg: Config,
             problems: list[Problem]) -> Processed | None:
    """Metadata found in the body fills what the front matter lacks; the date is resolved
    (skipped without one); the Article is measured. Tags come next (`tag`)."""
    facts = cleaned.facts
    meta = replace(draft.meta, title=title, source=draft.meta.source or facts.source,
                   source_url=draft.meta.source_url or facts.source_url,
                   authors=draft.meta.authors or tuple(facts.authors))
    meta, date_problems = repair.resolve_date(meta, facts.time, cleaned.text, src.path, cfg,
                                              expected=not draft.has_front_matter)
    problems += date_problems
    if meta.date is None:
        return None
    if not cleaned.text.strip():
        problems.append(Problem(src.path, draft.body_line, "warning", "empty-body", "the body is empty"))
    lead = meta.description or facts.abstract or cleaned.first_paragraph or cleaned.text
    counted = textutil.counts(cleaned.text)  # for the reading time and the language
    lang, sure = language.detect(title, cleaned.text, cfg.language)
    article = Article(
        id=src.path, slug=meta.slug or _slug(title, cfg) or _path_slug(src.path), title=title,
        date=meta.date, date_evidence=meta.date_evidence, updated=meta.updated,
        source=meta.source, source_url=meta.source_url, authors=meta.authors,
        html=cleaned.html, text=cleaned.text,
        excerpt=textutil.excerpt(lead, cfg.clean.excerpt_length),
        image=meta.image or cleaned.lead_image,
        language=meta.language or lang, language_sure=bool(meta.language) or sure,
        chars=textutil.article_chars(cleaned.text),
        reading_minutes=textutil.reading_minutes(cleaned.text, counted),
        categories=meta.categories, source_tags=meta.tags,
        sketch=duplicates.sketch(cleaned.text, cfg.duplicates.shingle),
        problems=tuple(problems), digest=src.digest)
    given = TagInput(cleaned.text, cleaned.first_paragraph, meta.companies, meta.themes,
                     meta.exclude_companies, meta.exclude_themes)
    return Processed(article, tuple(problems), given)


def tag(done: Processed, tax: taxonomy.Taxonomy, cfg: Config) -> Processed:
    """File the article under companies and themes (again, after a taxonomy edit: the only
    step that redoes, from `done.tag_input`). Front matter may name terms; unknown ones are
    reported."""
    article, given = done.article, done.tag_input
    if article is None or given is None:
        return done
    kept = [p for p in done.problems if p.code != "unknown-term"]
    add = {"company": given.companies, "theme": given.themes}
    for kind, slugs in add.items():
        for slug in slugs:
            if tax.entry(kind, slug) is None:
                kept.append(Problem(article.id, None, "warning", "unknown-term",
                                    f"front matter names {kind} `{slug}`, which is not in "
                                    "the taxonomy (ignored)"))
    tags = taxonomy.tag(article.title, given.text, given.lead,
                        article.source_tags + article.categories, tax, cfg.tagging, add=add,
                        exclude={"company": given.exclude_companies, "theme": given.exclude_themes})
    return Processed(replace(article, tags=tags, problems=tuple(kept)), tuple(kept), given)


def first_heading(draft: Draft) -> str:
    """The text of the body's first level-1 heading (a title for a file without one)."""
    found = textutil.headings(draft.body, formats=(draft.body_format,), deepest=1, limit=20_000)
    return found[0][:300] if found else ""


_SENTENCE = re.compile(r"^(.{6,80}?[。！？!?]|.{6,80}?\.(?=\s|$))")


def fallback_title(text: str, path: str) -> tuple[str, str]:
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


def _slug(title: str, cfg: Config) -> str:
    return textutil.unicode_slug(title) if cfg.slugs == "unicode" else textutil.slugify(title)


def _path_slug(path: str) -> str:
    return textutil.slugify(PurePosixPath(path).stem) or "article"
