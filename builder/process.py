"""The per-article stages, one pure function: SourceFile + settings + taxonomy → Processed.

`process` runs four steps, each a function of its own: `parse` (bytes → Draft), `clean`
(the body → title and sanitised HTML, text, facts), `assemble` (→ Article and what tagging
reads) and `tag`. A taxonomy edit runs `tag` alone, on what the cache kept (`TagInput`).
Each step adds what it finds to the file's problems; a step that must skip the file
returns None.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from . import duplicates, language, repair, taxonomy, textutil
from .config import Config
from .model import UNDATED, Article, Draft, Problem, Processed, SourceFile, TagInput
from .parse import DATED_NAME, fill_permalink
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
    """Decode, split the front matter, normalise the fields."""
    draft = parse_source(src, cfg)
    if isinstance(draft, list):
        problems += draft
        return None
    problems += draft.problems  # a draft is built too: publishing.select holds it back
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
    (an article without one is built as undated); the Article is measured. Tags come next
    (`tag`)."""
    facts = cleaned.facts
    meta = replace(draft.meta, title=title, source=draft.meta.source or facts.source,
                   source_url=draft.meta.source_url or facts.source_url,
                   authors=draft.meta.authors or tuple(facts.authors))
    dated_name = DATED_NAME.match(PurePosixPath(src.path).stem) is not None  # Jekyll's posts
    meta, date_problems = repair.resolve_date(meta, facts.time, cleaned.text, src.path, cfg,
                                              expected=not draft.has_front_matter or dated_name)
    if meta.date is None and meta.draft and src.mtime_ns:  # Jekyll dates an undated draft so
        meta = replace(meta, date=datetime.fromtimestamp(src.mtime_ns / 1e9, cfg.tz),
                       date_evidence="the file's modification time (an undated draft)")
        date_problems = [p for p in date_problems if p.code != "date-missing"]
    problems += date_problems
    if not cleaned.text.strip():
        problems.append(Problem(src.path, draft.body_line, "warning", "empty-body", "the body is empty"))
    counted = textutil.counts(cleaned.text)  # for the reading time and the language
    slug = meta.slug or _slug(title, cfg) or _path_slug(src.path)
    local = (meta.date or UNDATED).astimezone(cfg.tz)
    lang, sure = language.detect(title, cleaned.text, cfg.language)
    article = Article(
        id=src.path, slug=slug, title=title,
        date=meta.date or UNDATED, date_evidence=meta.date_evidence if meta.date else "",
        undated=meta.date is None, updated=meta.updated,
        source=meta.source, source_url=meta.source_url, authors=meta.authors,
        html=cleaned.html, text=cleaned.text,
        excerpt=excerpt(draft, meta.description, facts.abstract, cleaned, cfg),
        image=meta.image or cleaned.lead_image,
        language=meta.language or lang, language_sure=bool(meta.language) or sure,
        chars=textutil.article_chars(cleaned.text),
        reading_minutes=textutil.reading_minutes(cleaned.text, counted),
        categories=meta.categories, source_tags=meta.tags,
        sketch=duplicates.sketch(cleaned.text, cfg.duplicates.shingle),
        problems=tuple(problems), digest=src.digest,
        draft=meta.draft, publish_date=meta.publish_date, expiry_date=meta.expiry_date,
        permalink=fill_permalink(meta.permalink, local, meta.categories, slug)
        if meta.permalink else "",
        aliases=tuple(fill_permalink(a, local, meta.categories, slug) for a in meta.aliases),
        fixed_slug=bool(meta.slug))
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


MARKED_EXCERPT_FACTOR = 4
"""An excerpt the author marked may be this many times the usual length before it is cut."""
MORE = re.compile(r"<!--\s*more\s*-->", re.I)
"""Hexo's and Jekyll's `<!-- more -->`, Hugo's `<!--more-->`: the excerpt ends here."""
_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|blockquote|tr|td|th)>|<br\s*/?>", re.I)
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M)


def excerpt(draft: Draft, description: str, abstract: str, cleaned: Cleaned, cfg: Config) -> str:
    """The author's excerpt (`description`, `excerpt`, `summary`), else the body up to its
    excerpt separator, else the abstract block or the first paragraph, cut to length."""
    if description:
        return textutil.excerpt(description, cfg.clean.excerpt_length)
    marked = before_separator(draft.body, draft.body_format, draft.meta.excerpt_separator)
    if marked:
        return textutil.excerpt(marked, cfg.clean.excerpt_length * MARKED_EXCERPT_FACTOR)
    return textutil.excerpt(abstract or cleaned.first_paragraph or cleaned.text,
                            cfg.clean.excerpt_length)


def before_separator(body: str, body_format: str, separator: str) -> str:
    """The plain text before the excerpt separator (the post's own, else `<!-- more -->`),
    or "" when the body has none."""
    if separator and separator in body:
        head = body.split(separator, 1)[0]
    else:
        m = MORE.search(body)
        if m is None:
            return ""
        head = body[: m.start()]
    if body_format == "markdown":  # link references defined after the separator (Jekyll)
        from .clean import markdown_to_html
        head = markdown_to_html(head + "\n\n" + "\n".join(_LINK_DEF.findall(body)))
    head = _BLOCK_END.sub(" ", _COMMENTS.sub("", head))
    return " ".join(html.unescape(_TAG.sub("", head)).split())


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
