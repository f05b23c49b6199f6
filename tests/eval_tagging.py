"""Measure the company and theme tagger against the editor's labels.

    python3 tests/eval_tagging.py [--split tune|held-out|all] [--verbose] [--timing]
                                  [--labels DIR_OR_FILE]

The labels (tests/data/editor-labels/*.yaml, made from the article text alone under
tests/data/editor-labels/RULES.md; `new-companies*.yaml` there list slugs the taxonomy lacked)
are split deterministically by a hash of each article's path: `tune` (the tagger and the
taxonomy may be tuned on these and their errors read) and `held-out` (reported only).
Every labelled file goes through the real per-article pipeline (builder.process.process), so
the tagger sees exactly the title, text and lead paragraph the site uses. Precision, recall
and F1 are micro-averaged over (article, term) pairs, for companies and for themes, per split,
per language and per source folder.

--verbose lists every false positive and false negative with the tagger's reasons, for the
tune half only (the held-out half's errors are not printed: they are not to be read while
tuning). --timing measures tagging alone on the captured inputs. Exits 0 with a message when
the corpus is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from builder import process as process_module  # noqa: E402
from builder import taxonomy  # noqa: E402
from builder.config import load as load_config  # noqa: E402
from builder.model import SourceFile  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = ROOT / "tests" / "data" / "editor-labels"
KINDS = ("company", "theme")
SPLITS = ("tune", "held-out")
TARGETS = {"company": (0.95, 0.90), "theme": (0.90, 0.85)}
"""kind → (minimum precision, minimum recall) on the held-out half (issue #13)."""


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Row:
    path: str
    lang: str
    gold: dict[str, set[str]]
    predicted: dict[str, set[str]] = field(default_factory=dict)
    inputs: tuple | None = None
    """(title, text, lead, source_tags) exactly as process() handed them to the tagger."""
    error: str = ""

    @property
    def split(self) -> str:
        return split_of(self.path)

    @property
    def folder(self) -> str:
        parts = Path(self.path).parts
        return parts[1] if parts[0] == ".." else parts[0]


def split_of(path: str) -> str:
    """`tune` or `held-out`, from the first byte of the SHA-256 of the label's path."""
    return SPLITS[hashlib.sha256(path.encode("utf-8")).digest()[0] & 1]


def label_files(where: Path = LABELS) -> list[Path]:
    if where.is_file():
        return [where]
    return sorted(p for p in where.glob("*.yaml") if not p.name.startswith("new-companies"))


def load_labels(where: Path = LABELS) -> list[dict]:
    """Every labelled article of every label file (a path labelled twice: the first wins)."""
    out: dict[str, dict] = {}
    for file in label_files(where):
        for item in yaml.safe_load(file.read_text(encoding="utf-8")) or ():
            out.setdefault(item["path"], item)
    return list(out.values())


def new_companies(where: Path = LABELS) -> list[dict]:
    """The slugs the labellers had to invent (the taxonomy lacked them), from every file."""
    folder = where if where.is_dir() else where.parent
    out = []
    for file in sorted(folder.glob("new-companies*.yaml")):
        out += yaml.safe_load(file.read_text(encoding="utf-8")) or []
    return out


def _language(item: dict) -> str:
    if item.get("lang"):
        return str(item["lang"])
    folder = item["path"].split("/")[0]
    return {"renewable-energy-news": "de", "vortex-wind-jekyll": "en"}.get(folder, "zh")


def run(split: str = "all", corpus: Path = CORPUS, labels: Path = LABELS):
    """Process every labelled file of `split`; return the rows, the config and the taxonomy."""
    cfg = load_config(ROOT / "site.toml")
    tax, problems = taxonomy.load(ROOT / "content" / "taxonomy")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SystemExit("taxonomy errors:\n" + "\n".join(f"  {p.path}:{p.line}: {p.message}"
                                                          for p in errors))
    captured: list[tuple] = []
    real_tag = taxonomy.tag

    def recording_tag(title, text, lead, source_tags, tax_, cfg_, add=None, exclude=None):
        captured.append((title, text, lead, tuple(source_tags)))
        return real_tag(title, text, lead, source_tags, tax_, cfg_, add=add, exclude=exclude)

    rows = []
    taxonomy.tag = recording_tag
    try:
        for item in load_labels(labels):
            if split != "all" and split_of(item["path"]) != split:
                continue
            row = Row(item["path"], _language(item),
                      {"company": set(item.get("companies") or ()),
                       "theme": set(item.get("themes") or ())})
            rows.append(row)
            file = (corpus / item["path"]).resolve()
            try:
                data = file.read_bytes()
            except OSError as exc:
                row.error = f"cannot read: {exc}"
                row.predicted = {k: set() for k in KINDS}
                continue
            rel = item["path"].replace("../", "")
            src = SourceFile(rel, data, 0, hashlib.sha256(data).hexdigest())
            captured.clear()
            done = process_module.process(src, cfg, tax)
            article, found = done.article, done.problems
            row.inputs = captured[-1] if captured else None
            if article is None:
                row.error = "; ".join(p.message for p in found if p.severity == "error") \
                    or "not built"
                row.predicted = {k: set() for k in KINDS}
                continue
            row.predicted = {k: {t.term for t in article.tags if t.kind == k} for k in KINDS}
    finally:
        taxonomy.tag = real_tag
    return rows, cfg, tax


def tally(rows: list[Row], by: str | None = None):
    """kind → Counts over `rows`; with `by` ("lang", "folder", "split"), group → kind → Counts."""
    groups: dict[str, dict[str, Counts]] = defaultdict(lambda: {k: Counts() for k in KINDS})
    for row in rows:
        group = groups[getattr(row, by) if by else "all"]
        for kind in KINDS:
            gold, pred = row.gold[kind], row.predicted[kind]
            group[kind].tp += len(gold & pred)
            group[kind].fp += len(pred - gold)
            group[kind].fn += len(gold - pred)
    if by is None:
        return groups["all"]
    return dict(groups)


def _fmt(c: Counts) -> str:
    return f"P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  (tp {c.tp} fp {c.fp} fn {c.fn})"


def meets(counts: Counts, kind: str) -> bool:
    p, r = TARGETS[kind]
    return counts.precision >= p and counts.recall >= r


def report(name: str, rows: list[Row]) -> str:
    total = tally(rows)
    lines = [f"== {name}: {len(rows)} articles"]
    for kind in KINDS:
        p, r = TARGETS[kind]
        lines.append(f"  {kind:8s} {_fmt(total[kind])}   target P>={p} R>={r}: "
                     f"{'met' if meets(total[kind], kind) else 'NOT met'}")
    for by in ("lang", "folder"):
        groups = tally(rows, by)
        lines.append(f"  per {'language' if by == 'lang' else 'source folder'}:")
        for group in sorted(groups):
            n = sum(1 for r in rows if getattr(r, by) == group)
            for kind in KINDS:
                lines.append(f"    {group[:24]:24s} {n:4d}  {kind:8s} {_fmt(groups[group][kind])}")
    return "\n".join(lines)


def mismatches(rows: list[Row], cfg, tax) -> str:
    """Every error of the tune half with the tagger's reasons (held-out rows are refused)."""
    from builder import scoring, selecting

    lines = []
    fp_terms: dict[str, Counter] = {k: Counter() for k in KINDS}
    fn_terms: dict[str, Counter] = {k: Counter() for k in KINDS}
    for row in rows:
        if row.split != "tune":
            continue
        decided = {}
        if row.inputs:
            candidates = scoring.score(*row.inputs, tax, cfg.tagging)
            decided = {(d.kind, d.term): d for d in selecting.decide(candidates, tax,
                                                                     cfg.tagging, row.inputs[0])}
        out = []
        for kind in KINDS:
            gold, pred = row.gold[kind], row.predicted[kind]
            for tag, terms in (("FP", pred - gold), ("FN", gold - pred)):
                for term in sorted(terms):
                    (fp_terms if tag == "FP" else fn_terms)[kind][term] += 1
                    d = decided.get((kind, term))
                    why = f"{d.score:6.2f}  {d.reason}; {'; '.join(d.evidence)}"[:300] if d \
                        else ("(not in the taxonomy)" if tax.entry(kind, term) is None
                              else "(not mentioned)")
                    out.append(f"    {tag} {kind:7s} {term:26s} {why}")
        if out or row.error:
            title = row.inputs[0] if row.inputs else ""
            lines.append(f"[{row.lang}] {row.path}")
            if title:
                lines.append(f"    title: {title[:100]}")
            if row.error:
                lines.append(f"    error: {row.error}")
            lines += out
    for kind in KINDS:
        lines.append(f"most frequent {kind} FP: {fp_terms[kind].most_common(15)}")
        lines.append(f"most frequent {kind} FN: {fn_terms[kind].most_common(15)}")
    return "\n".join(lines)


def timing(rows: list[Row], cfg, tax, repeat: int = 5) -> str:
    """Median time of taxonomy.tag per article (best of `repeat` runs each)."""
    times = []
    for row in rows:
        if not row.inputs:
            continue
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            taxonomy.tag(*row.inputs, tax, cfg.tagging)
            best = min(best, time.perf_counter() - start)
        times.append(best)
    if not times:
        return "timing: no articles"
    chars = statistics.median(len(r.inputs[1]) for r in rows if r.inputs)
    return (f"timing (tag): median {statistics.median(times) * 1000:.3f} ms, "
            f"p90 {sorted(times)[int(len(times) * 0.9)] * 1000:.3f} ms, "
            f"max {max(times) * 1000:.3f} ms per article over {len(times)} articles "
            f"(median text {chars:.0f} chars)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list every false positive / negative of the tune half")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default=None,
                        help="only this half (default: report tune, held-out and all)")
    parser.add_argument("--labels", type=Path, default=LABELS,
                        help="a folder of label files or one file (default: %(default)s)")
    parser.add_argument("--timing", action="store_true", help="measure tagging alone")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: the corpus {CORPUS} is absent")
        return 0
    rows, cfg, tax = run("all", labels=args.labels)
    for name in [args.split] if args.split else [*SPLITS, "all"]:
        print(report(name, [r for r in rows if name == "all" or r.split == name]))
    chosen = [r for r in rows if (args.split or "all") in ("all", r.split)]
    failed = [r for r in chosen if r.error]
    if failed:
        print(f"{len(failed)} labelled files were not built: "
              + ", ".join(f"{r.path} ({r.error})" for r in failed[:5]))
    if args.verbose:
        print(mismatches(chosen, cfg, tax))
    if args.timing:
        print(timing(chosen, cfg, tax))
    return 0


if __name__ == "__main__":
    sys.exit(main())
