"""`check`: read every article and report problems without writing a site; `--explain`
shows how one file is read, dated, cleaned and tagged; `--suggest` grows the taxonomy."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from . import articles as loading
from . import index, pool, report, scoring, selecting, sources, suggest, taxonomy
from .cache import NoCache
from .clean import clean_html, markdown_to_html
from .config import Config
from .parse import parse
from .process import process
from .state import state_dir


def cmd_check(cfg: Config, args: argparse.Namespace) -> int:
    tax, problems = taxonomy.load(cfg.path("taxonomy_dir"))
    if any(p.severity == "error" for p in problems):
        for p in problems:
            print(report.line(p), file=sys.stderr)
        return report.EXIT_CONFIG
    if args.explain:
        return explain(cfg, tax, Path(args.explain))
    scanned = loading.scan(cfg, state_dir(cfg))
    loaded = loading.load(scanned, cfg, tax, NoCache(), pool.executor())
    problems += loaded.problems
    articles, files = loaded.articles, loaded.files
    _, site_problems = index.index(articles, cfg, tax, datetime.now(UTC))
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
        print(f"{files} files: {len(articles)} articles, {files - len(articles)} skipped")
    return report.exit_code(problems, args.strict)


def explain(cfg: Config, tax: taxonomy.Taxonomy, path: Path) -> int:
    content = cfg.path("content_dir")
    try:
        rel = path.resolve().relative_to(content).as_posix()
        src = sources.read(content, rel)
    except ValueError:
        src = sources.read(path.resolve().parent, path.name)
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
    out.append(f"body: {draft.body_format}, starts on line {draft.body_line}")
    if article is not None:
        out += [f"title: {article.title}",
                "date: none (built as undated)" if article.undated else
                f"date: {article.date.isoformat()} (from {article.date_evidence})",
                f"source: {article.source or '-'}   original: {article.source_url or '-'}",
                f"authors: {', '.join(article.authors) or '-'}   language: {article.language}",
                f"slug: {article.slug}",
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
