"""Measure the company and theme tagger against the hand-labelled set.

    python3 tests/eval_tagging.py [--verbose] [--split dev|test|all] [--timing]

Every labelled file goes through the real per-article pipeline (builder.process.process), so
the tagger sees exactly the title, text and lead paragraph the site uses. Precision, recall
and F1 are micro-averaged over (article, term) pairs, for companies and for themes, overall
and per source folder. The labels are split deterministically: entries at an even index of
tests/data/tagging-labels.yaml are `dev` (tune on these), odd ones are `test` (report only).

--verbose lists every false positive (with its score and evidence) and every false negative
(with its score and evidence when the term was mentioned at all). --timing measures score +
select alone on the captured inputs. Exits 0 with a message when the corpus is absent.
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
LABELS = ROOT / "tests" / "data" / "tagging-labels.yaml"
KINDS = ("company", "theme")
TARGETS = {"company": (0.92, 0.85), "theme": (0.85, 0.80)}
"""kind → (minimum precision, minimum recall) on the whole labelled set."""


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
    index: int
    path: str
    gold: dict[str, set[str]]
    predicted: dict[str, set[str]] = field(default_factory=dict)
    inputs: tuple | None = None
    """(title, text, lead, source_tags) exactly as process() handed them to the tagger."""
    error: str = ""

    @property
    def folder(self) -> str:
        parts = Path(self.path).parts
        return parts[1] if parts[0] == ".." else parts[0]


def load_labels(path: Path = LABELS) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def split_of(index: int) -> str:
    return "dev" if index % 2 == 0 else "test"


def run(split: str = "all", corpus: Path = CORPUS) -> tuple[list[Row], object, object]:
    """Process every labelled file of `split`; return the rows, the config and the taxonomy."""
    cfg = load_config(ROOT / "site.toml")
    tax, problems = taxonomy.load(ROOT / "content" / "taxonomy")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SystemExit("taxonomy errors:\n" + "\n".join(f"  {p.path}:{p.line}: {p.message}"
                                                          for p in errors))
    captured: list[tuple] = []
    real_tag = process_module.tag

    def recording_tag(title, text, lead, source_tags, tax_, cfg_, add=None, exclude=None):
        captured.append((title, text, lead, tuple(source_tags)))
        return real_tag(title, text, lead, source_tags, tax_, cfg_, add=add, exclude=exclude)

    rows = []
    process_module.tag = recording_tag
    try:
        for index, item in enumerate(load_labels()):
            if split != "all" and split_of(index) != split:
                continue
            row = Row(index, item["path"], {"company": set(item.get("companies") or ()),
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
            article, found = process_module.process(src, cfg, tax)
            row.inputs = captured[-1] if captured else None
            if article is None:
                row.error = "; ".join(p.message for p in found if p.severity == "error") \
                    or "not built"
                row.predicted = {k: set() for k in KINDS}
                continue
            row.predicted = {k: {t.term for t in article.tags if t.kind == k} for k in KINDS}
    finally:
        process_module.tag = real_tag
    return rows, cfg, tax


def tally(rows: list[Row]) -> tuple[dict[str, Counts], dict[str, dict[str, Counts]]]:
    total = {k: Counts() for k in KINDS}
    by_folder: dict[str, dict[str, Counts]] = defaultdict(lambda: {k: Counts() for k in KINDS})
    for row in rows:
        for kind in KINDS:
            gold, pred = row.gold[kind], row.predicted[kind]
            for counts in (total[kind], by_folder[row.folder][kind]):
                counts.tp += len(gold & pred)
                counts.fp += len(pred - gold)
                counts.fn += len(gold - pred)
    return total, dict(by_folder)


def _fmt(c: Counts) -> str:
    return f"P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  (tp {c.tp} fp {c.fp} fn {c.fn})"


def report(name: str, rows: list[Row]) -> str:
    total, by_folder = tally(rows)
    lines = [f"== {name}: {len(rows)} articles"]
    for kind in KINDS:
        p, r = TARGETS[kind]
        ok = total[kind].precision >= p and total[kind].recall >= r
        lines.append(f"  {kind:8s} {_fmt(total[kind])}   target P>={p} R>={r}: "
                     f"{'met' if ok else 'NOT met'}")
    lines.append("  per source folder:")
    for folder in sorted(by_folder):
        n = sum(1 for r in rows if r.folder == folder)
        for kind in KINDS:
            lines.append(f"    {folder[:24]:24s} {n:4d}  {kind:8s} {_fmt(by_folder[folder][kind])}")
    return "\n".join(lines)


def mismatches(rows: list[Row], cfg, tax) -> str:
    lines = []
    fp_terms: dict[str, Counter] = {k: Counter() for k in KINDS}
    fn_terms: dict[str, Counter] = {k: Counter() for k in KINDS}
    for row in rows:
        scores = taxonomy.score(*row.inputs, tax, cfg.tagging) if row.inputs else {}
        out = []
        for kind in KINDS:
            gold, pred = row.gold[kind], row.predicted[kind]
            for term in sorted(pred - gold):
                fp_terms[kind][term] += 1
                value, evidence = scores.get((kind, term), (0.0, {}))
                out.append(f"    FP {kind:7s} {term:26s} {value:6.2f}  {_evidence(evidence)}")
            for term in sorted(gold - pred):
                fn_terms[kind][term] += 1
                value, evidence = scores.get((kind, term), (0.0, {}))
                out.append(f"    FN {kind:7s} {term:26s} {value:6.2f}  "
                           f"{_evidence(evidence) or '(not mentioned)'}")
        if out or row.error:
            title = row.inputs[0] if row.inputs else ""
            lines.append(f"[{row.index} {split_of(row.index)}] {row.path}")
            if title:
                lines.append(f"    title: {title[:100]}")
            if row.error:
                lines.append(f"    error: {row.error}")
            lines += out
    for kind in KINDS:
        lines.append(f"most frequent {kind} FP: {fp_terms[kind].most_common(12)}")
        lines.append(f"most frequent {kind} FN: {fn_terms[kind].most_common(12)}")
    return "\n".join(lines)


def _evidence(evidence: dict[str, int]) -> str:
    return ", ".join(f"{label} ×{n}" for label, n in evidence.items())[:240]


def timing(rows: list[Row], cfg, tax, repeat: int = 5) -> str:
    """Median wall time of score + select per article (best of `repeat` runs each)."""
    times = []
    for row in rows:
        if not row.inputs:
            continue
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            taxonomy.select(taxonomy.score(*row.inputs, tax, cfg.tagging), tax, cfg.tagging)
            best = min(best, time.perf_counter() - start)
        times.append(best)
    if not times:
        return "timing: no articles"
    chars = statistics.median(len(r.inputs[1]) for r in rows if r.inputs)
    return (f"timing (score + select): median {statistics.median(times) * 1000:.3f} ms, "
            f"p90 {sorted(times)[int(len(times) * 0.9)] * 1000:.3f} ms, "
            f"max {max(times) * 1000:.3f} ms per article over {len(times)} articles "
            f"(median text {chars:.0f} chars)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list every false positive / negative with score and evidence")
    parser.add_argument("--split", choices=("dev", "test", "all"), default=None,
                        help="only this half (default: report dev, test and all)")
    parser.add_argument("--timing", action="store_true", help="measure score + select")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: the corpus {CORPUS} is absent")
        return 0
    rows, cfg, tax = run("all")
    splits = [args.split] if args.split else ["dev", "test", "all"]
    for name in splits:
        chosen = [r for r in rows if name == "all" or split_of(r.index) == name]
        print(report(name, chosen))
    chosen = [r for r in rows if (args.split or "all") == "all"
              or split_of(r.index) == args.split]
    failed = [r for r in chosen if r.error]
    if failed:
        print(f"{len(failed)} labelled files were not built: "
              + ", ".join(r.path for r in failed[:5]))
    if args.verbose:
        print(mismatches(chosen, cfg, tax))
    if args.timing:
        print(timing(chosen, cfg, tax))
    return 0


if __name__ == "__main__":
    sys.exit(main())
