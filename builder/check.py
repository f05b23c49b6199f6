"""`check`: read every article and report problems without writing a site; `--explain`
shows how one file is read, dated, cleaned and tagged; `--suggest` grows the taxonomy."""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from . import index, report, scoring, selecting, sources, taxonomy
from .build import load_articles
from .clean import clean_html, markdown_to_html
from .config import Config
from .model import Article
from .parse import parse
from .process import process


def cmd_check(cfg: Config, args: argparse.Namespace) -> int:
    tax, problems = taxonomy.load(cfg.path("taxonomy_dir"))
    if any(p.severity == "error" for p in problems):
        for p in problems:
            print(report.line(p), file=sys.stderr)
        return report.EXIT_CONFIG
    if args.explain:
        return explain(cfg, tax, Path(args.explain))
    articles, found, files, _ = load_articles(cfg, tax, None)
    problems += found
    _, site_problems = index.index(articles, cfg, tax, datetime.now(UTC))
    problems += site_problems
    if args.suggest:
        print(suggest(articles, tax))
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
    article, problems = process(src, cfg, tax)
    out.append(f"body: {draft.body_format}, starts on line {draft.body_line}")
    if article is not None:
        out += [f"title: {article.title}",
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
        for d in selecting.decide(candidates, tax, cfg.tagging):
            out.append(f"  {'+' if d.kept else '-'} {d.kind:7s} {d.term:28s} {d.score:6.2f}  "
                       f"{d.reason}")
            out += [f"{'':48s}{line}" for line in d.evidence]
        for t in article.tags:
            if t.evidence == ("front matter",):
                out.append(f"  + {t.kind:7s} {t.term:28s}   added by the front matter")
    out += [report.line(p) for p in problems]
    print("\n".join(out))
    return report.EXIT_OK if article is not None else report.EXIT_ERRORS


# Organisation names: Chinese suffixes and Latin legal forms.
_ORG_ZH = re.compile(r"(?:^|(?<=[，。、；：“”（）《》\s与和及的]))([\u4e00-\u9fff]{2,6}?(?:集团|股份|科技|"
                     r"控股|电气|新能源|能源公司|汽车公司))(?:有限公司|公司)?")
_STOP = re.compile(r"[的了是将在对为把被和与及等家个月年日该本其这那子旗全带提巩增一第从向以到也]")
_ORG_LATIN = re.compile(r"\b((?:[A-Z][\w&'.-]*\s){1,3}(?:Inc|Ltd|AG|SE|GmbH|ASA|plc|PLC|Corp|"
                        r"Corporation|Co|S\.A|N\.V|AB|Group|Energy|Solar|Power))\b\.?")
_LEADING = re.compile(r"^(?:据|近日|今日|日前|此前|其中|以及|作为|包括|由于|根据|来自|同时|而|与|和|及|"
                      r"在|由|对|向|为|是|了|的|被|将|把|从|等|并|也|但|其|该|这|那|各|中国)+")
_GENERIC = frozenset({"公司", "集团", "股份", "科技", "能源", "新能源", "电力", "汽车", "上市公司",
                      "子公司", "母公司", "有限公司", "控股", "动力", "光伏", "储能", "锂电", "材料",
                      "环保", "该公司", "本公司", "这家公司", "清洁能源", "可再生能源"})


def suggest(articles: list[Article], tax: taxonomy.Taxonomy, limit: int = 60) -> str:
    """Candidate companies mentioned in the content but not in the taxonomy, ranked by how
    many articles mention them, with an example sentence each."""
    seen: dict[str, set[str]] = defaultdict(set)
    example: dict[str, str] = {}
    for a in articles:
        known = {(s, e) for s, e, _ in taxonomy.find_mentions(a.text, tax)}
        covered = bytearray(len(a.text) + 1)
        for s, e in known:
            covered[s:e] = b"\x01" * (e - s)
        for pattern in (_ORG_ZH, _ORG_LATIN):
            for m in pattern.finditer(a.text):
                name = _LEADING.sub("", m.group(1)).strip()
                if len(name) < 3 or name in _GENERIC or any(covered[m.start(1):m.end(1)]) \
                        or (pattern is _ORG_ZH and _STOP.search(name[:-2])):
                    continue
                seen[name].add(a.id)
                if name not in example:
                    start = max(a.text.rfind("。", 0, m.start()) + 1,
                                a.text.rfind("\n", 0, m.start()) + 1, m.start() - 60)
                    example[name] = a.text[start: m.end() + 40].replace("\n", " ").strip()
    ranked = sorted(seen, key=lambda n: (-len(seen[n]), n))[:limit]
    lines = [f"{len(ranked)} candidate companies not in the taxonomy (articles, name, example):"]
    lines += [f"{len(seen[n]):5d}  {n}\n        {example[n][:120]}" for n in ranked]
    return "\n".join(lines)
