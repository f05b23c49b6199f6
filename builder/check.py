"""`check`: read every article and report problems without writing a site; `--explain`
shows how one file is read, dated, cleaned and tagged; `--suggest` grows the taxonomy."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from . import articles as loading
from . import (
    frontmatter,
    index,
    migration,
    pool,
    publishing,
    report,
    scoring,
    selecting,
    slugs,
    sources,
    suggest,
    taxonomy,
    urls,
)
from .cache import NoCache
from .clean import clean_html, markdown_to_html
from .config import Config
from .decode import decode
from .model import SourceFile
from .parse import HEADLESS_KEYS, IGNORED, parse
from .process import process
from .state import state_dir


def cmd_check(cfg: Config, args: argparse.Namespace) -> int:
    tax, problems = taxonomy.load(cfg.path("taxonomy_dir"))
    if any(p.severity == "error" for p in problems):
        for p in problems:
            print(report.line(p), file=sys.stderr)
        return report.EXIT_CONFIG
    if args.explain:
        return explain(cfg, tax, args.explain)
    scanned = loading.scan(cfg, state_dir(cfg))
    loaded = loading.load(scanned, cfg, tax, NoCache(), pool.executor())
    problems += loaded.problems
    articles, files = loaded.articles, loaded.files
    now = datetime.now(UTC)
    records, slug_problems = slugs.load(cfg)
    selected, held, _ = publishing.select(slugs.apply(articles, records, cfg), cfg, now)
    problems += slug_problems + held
    site, site_problems = index.index(selected, cfg, tax, now)
    problems += site_problems
    if args.suggest:
        found = suggest.suggest([(a.id, a.title, a.text) for a in articles], tax)
        print(suggest.report(found))
        return report.EXIT_OK
    if args.format == "json":
        print(report.as_json(None, problems))
    else:
        for p in problems:
            print(report.line(p))
        print(report.summary(problems))
        held_back = len(articles) - len(selected)
        print(f"{files} files: {len(site.by_id)} articles, {files - len(articles)} skipped"
              + (f", {held_back} held back" if held_back else ""))
        summary = migration.summary(cfg, site, _file_facts(cfg, scanned), problems,
                                    sum(1 for k in records if k != slugs.STYLE))
        if summary:
            print(summary)
    return report.exit_code(problems, args.strict)


def _file_facts(cfg: Config, scanned) -> list[migration.FileFacts]:
    """Each content file's front-matter syntax and ignored fields (a second, light pass)."""
    content = cfg.content
    out = []
    for rel, *_ in scanned:
        src = sources.read(content, rel)
        if not isinstance(src, SourceFile):
            continue
        text, _ = decode(src.data, rel)
        if text is None:
            continue
        draft = parse(src, cfg)
        out.append(migration.facts(rel, text, () if isinstance(draft, list) else
                                   draft.meta.ignored))
    return out


def explain_target(cfg: Config, given: str) -> tuple[Path | str, str]:
    """(folder, relative path) of the file `--explain` names: a path from the current folder,
    or one as the report prints it (relative to the content folder, maybe with `:line`)."""
    content = cfg.content
    if isinstance(content, str):  # a content URL: the path as the report prints it
        return content, re.sub(r":\d+(?::.*)?$", "", given)
    for candidate in (given, re.sub(r":\d+(?::.*)?$", "", given)):
        for path in (Path(candidate), content / candidate):
            if path.is_file():
                resolved = path.resolve()
                try:
                    return content, resolved.relative_to(content).as_posix()
                except ValueError:
                    return resolved.parent, resolved.name
    return content, given


def explain(cfg: Config, tax: taxonomy.Taxonomy, given: str) -> int:
    folder, rel = explain_target(cfg, given)
    src = sources.read(folder, rel)
    if not hasattr(src, "data"):
        print(report.line(src))
        return report.EXIT_ERRORS
    out = [f"file: {src.path} ({len(src.data)} bytes)"]
    draft = parse(src, cfg)
    if isinstance(draft, list):
        out += [report.line(p) for p in draft]
        print("\n".join(out))
        return report.EXIT_ERRORS
    done = process(src, cfg, tax)
    article, problems = done.article, done.problems
    if article is not None:
        article = slugs.apply([article], slugs.load(cfg)[0], cfg)[0]
    syntax = frontmatter.syntax(decode(src.data, src.path)[0] or "", HEADLESS_KEYS)
    out.append(f"front matter: {syntax}; body: {draft.body_format}, starts on line "
               f"{draft.body_line}")
    if draft.meta.ignored:
        out.append("ignored fields: " + ", ".join(f"{k} ({IGNORED[k]})"
                                                  for k in draft.meta.ignored))
    if article is not None:
        out += [f"title: {article.title}",
                "date: none (built as undated)" if article.undated else
                f"date: {article.date.isoformat()} (from {article.date_evidence})",
                f"source: {article.source or '-'}   original: {article.source_url or '-'}",
                f"authors: {', '.join(article.authors) or '-'}   language: {article.language}",
                f"slug: {article.slug}" + (" (fixed by the front matter or file name)"
                                           if article.fixed_slug else ""),
                f"url: {urls.article(cfg, article)}"
                + (" (the front matter's permalink)" if article.permalink else ""),
                f"state: {'draft, ' + article.draft if article.draft else 'published'}"
                + (f"; publish date {article.publish_date.isoformat()}"
                   if article.publish_date else "")
                + (f"; expires {article.expiry_date.isoformat()}" if article.expiry_date else ""),
                *([f"aliases (redirect here): {', '.join(article.aliases)}"]
                  if article.aliases else []),
                f"length: {article.chars} characters, {article.reading_minutes} min",
                f"excerpt: {article.excerpt}"]
        body = draft.body if draft.body_format == "html" else markdown_to_html(draft.body)
        cleaned = clean_html(body, title=article.title, base_url=article.source_url,
                             cfg=cfg.clean)
        for line in cleaned.facts.removed:
            out.append(f"removed chrome: {line}")
        candidates = scoring.score(article.title, article.text, cleaned.first_paragraph,
                                   article.source_tags + article.categories, tax, cfg.tagging)
        t = cfg.tagging
        out.append(f"tags (+ kept, - dropped; thresholds: company {t.company_threshold}, "
                   f"subject {t.subject_threshold}, theme {t.theme_threshold}):")
        for d in selecting.decide(candidates, tax, cfg.tagging, article.title):
            out.append(f"  {'+' if d.kept else '-'} {d.kind:7s} {d.term:28s} {d.score:6.2f}  "
                       f"{d.reason}")
            out += [f"{'':48s}{line}" for line in d.evidence]
        for t in article.tags:
            if t.evidence == ("front matter",):
                out.append(f"  + {t.kind:7s} {t.term:28s}   added by the front matter")
    out += [report.line(p) for p in problems]
    print("\n".join(out))
    return report.EXIT_OK if article is not None else report.EXIT_ERRORS
