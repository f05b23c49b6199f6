#!/usr/bin/env python3
"""Per-article tagging time with the real taxonomy and with one inflated 10× by fake aliases.

    python3 tests/bench/bench_tagging.py                  # corpus news folders, factor 10
    python3 tests/bench/bench_tagging.py --factor 50 --limit 300

Articles: every file of the corpus news folders (/work/shared/corpus/*, without gold-miner,
which SOURCES.md says to leave out of tagging tests: translated tech articles, not news).
Each is parsed and cleaned first (not timed) to get what builder.process gives the tagger:
title, plain text, lead paragraph, source tags + categories.

Timed: builder.taxonomy.tag(title, text, lead, source_tags, tax, tagging settings) with
  real      builder.taxonomy.load(content/taxonomy)
  inflated  the same entries plus synthetic ones, so that entries and aliases are FACTOR times
            as many; fake aliases are random and unique: CJK words of 2-6 characters drawn
            uniformly from the corpus's 3000 most common characters (so they look like words
            and a few do match) and Latin words / upper-case acronyms; built with
            builder.taxonomy.build_automaton.
  same roots  inflated the same way, but every fake CJK alias starts with a character some
            real alias starts with: the trie grows, its root keeps the same fan-out.
The variants are interleaved per article (real, inflated, real, inflated, … --rounds times) and
each article keeps its fastest time per taxonomy, so machine noise does not favour either
side. Times are CPU time of this process (time.process_time), not wall time. Aho-Corasick matching costs O(text length + matches), so the per-article median should
stay about the same (ratio ≈ 1); the mentions columns show how many alias occurrences the
tagger found (extra matches of fake aliases are legitimate extra work). A last section
times automaton.iter() alone over each body text and prints the root fan-out (distinct
first characters of all aliases): pyahocorasick finds a node's child by a linear scan of its
children, so a scan costs more per character when the root has more children.
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import random
import statistics
import string
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from builder import taxonomy as T  # noqa: E402
from builder.clean import clean_html, markdown_to_html  # noqa: E402
from builder.config import parse as parse_config  # noqa: E402
from builder.model import SourceFile  # noqa: E402
from builder.parse import parse  # noqa: E402
from builder.sources import EXTENSIONS  # noqa: E402

CORPUS = Path("/work/shared/corpus")
NEWS = ("rsshub-page", "finews-jekyll", "xwlb-cctv", "ruanyf-weekly", "renewable-energy-news",
        "vortex-wind-jekyll")


def first_heading(draft) -> str:
    try:
        from builder.process import _first_heading

        return _first_heading(draft)
    except Exception:  # noqa: BLE001 - private helper; a missing title just skips the file
        return ""


def prepare(paths: list[Path], cfg) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """(file, title, text, lead, source tags) per article, as builder.process passes them."""
    out = []
    for path in paths:
        data = path.read_bytes()
        src = SourceFile(path.name, data, 0, hashlib.sha256(data).hexdigest())
        try:
            draft = parse(src, cfg)
            if isinstance(draft, list):
                continue
            body = draft.body if draft.body_format == "html" else markdown_to_html(draft.body)
            title = draft.meta.title or first_heading(draft)
            cleaned = clean_html(body, title=title, base_url=draft.meta.source_url, cfg=cfg.clean)
        except Exception as exc:  # noqa: BLE001
            print(f"skip {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        out.append((str(path.relative_to(CORPUS)) if path.is_relative_to(CORPUS) else str(path),
                    title, cleaned.text, cleaned.first_paragraph,
                    draft.meta.tags + draft.meta.categories))
    return out


def inflate(tax: T.Taxonomy, factor: int, texts: list[str], seed: int,
            same_root: bool = False) -> T.Taxonomy:
    """`tax` plus synthetic entries: (factor - 1) × as many entries and aliases, all unique.
    `same_root`: CJK aliases start only with characters real aliases start with (so the
    automaton's root keeps its fan-out; the rest of the trie grows)."""
    rng = random.Random(seed)
    freq = Counter(ch for t in texts for ch in t if "\u4e00" <= ch <= "\u9fff")
    chars = [ch for ch, _ in freq.most_common(3000)] or ["中"]
    firsts = sorted({T.fold_case(T.normalise(a))[0] for d in tax.entries.values()
                     for e in d.values() for a in e.aliases + e.ambiguous
                     if a and "\u4e00" <= T.normalise(a)[0] <= "\u9fff"}) or chars
    taken = {T._key(a) for d in tax.entries.values() for e in d.values()
             for a in e.aliases + e.ambiguous}

    def fresh(make) -> str:
        while True:
            alias = make()
            key = T._key(alias)
            if key and key not in taken:
                taken.add(key)
                return alias

    def cjk() -> str:
        k = rng.choice((2, 3, 3, 3, 4, 4, 4, 4, 5, 6))
        if same_root:
            return rng.choice(firsts) + "".join(rng.choices(chars, k=k - 1))
        return "".join(rng.choices(chars, k=k))

    def latin() -> str:
        if rng.random() < 0.15:
            return "".join(rng.choices(string.ascii_uppercase, k=rng.randint(3, 5)))
        words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10))).capitalize()
                 for _ in range(rng.choice((1, 1, 2)))]
        return " ".join(words)

    entries = {kind: dict(d) for kind, d in tax.entries.items()}
    for kind, real in tax.entries.items():
        if not real:
            continue
        per_entry = [len(e.aliases) for e in real.values()]
        weak_share = sum(len(e.ambiguous) for e in real.values()) / max(1, sum(per_entry))
        for i in range(len(real) * (factor - 1)):
            n = rng.choice(per_entry)
            zh, en = fresh(cjk), fresh(latin)
            aliases = [zh, en] + [fresh(cjk if rng.random() < 0.6 else latin)
                                  for _ in range(max(0, n - 2))]
            weak = tuple(fresh(cjk) for _ in range(1 if rng.random() < weak_share else 0))
            slug = f"fake-{kind}-{i}"
            entries[kind][slug] = T.Entry(kind, slug, zh, en, tuple(aliases), weak)
    fake = dataclasses.replace(tax, entries=entries, key=tax.key + f"x{factor}", automaton=None)
    return T.build_automaton(fake)


def mentions(article, tax) -> int:
    _, title, text, _, _ = article
    return len(T.find_mentions(title, tax)) + len(T.find_mentions(text, tax))


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))] if s else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--taxonomy", type=Path, default=REPO / "content" / "taxonomy")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--folders", nargs="*", default=list(NEWS))
    ap.add_argument("--limit", type=int, help="at most this many files per folder")
    ap.add_argument("--factor", type=int, default=10, help="inflation factor (10)")
    ap.add_argument("--rounds", type=int, default=3, help="timings per article and taxonomy (3)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    cfg = parse_config("")[0]
    tagging = cfg.tagging
    paths = []
    for name in args.folders:
        folder = args.corpus / name
        if not folder.is_dir():
            print(f"skip {name}: no folder {folder}", file=sys.stderr)
            continue
        found = sorted(p for p in folder.rglob("*") if p.is_file()
                       and p.suffix.lower() in EXTENSIONS and not p.name.startswith("."))
        paths += found[:args.limit] if args.limit else found
    if not paths:
        print("no articles found", file=sys.stderr)
        return 1

    t0 = time.perf_counter()
    real, problems = T.load(args.taxonomy)
    t_real = time.perf_counter() - t0
    for p in problems:
        if p.severity == "error":
            print(f"taxonomy problem: {p.path}: {p.message}", file=sys.stderr)
    print(f"preparing {len(paths)} articles (parse + clean, not timed) …", file=sys.stderr,
          flush=True)
    t0 = time.perf_counter()
    arts = prepare(paths, cfg)
    print(f"  {len(arts)} articles ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    t0 = time.perf_counter()
    big = inflate(real, args.factor, [a[2] for a in arts[:400]], args.seed)
    t_big = time.perf_counter() - t0

    def size(tax) -> tuple[int, int, int]:
        ents = sum(len(d) for d in tax.entries.values())
        aliases = sum(len(e.aliases) + len(e.ambiguous) for d in tax.entries.values()
                      for e in d.values())
        stats = tax.automaton.get_stats() if tax.automaton is not None else {}
        return ents, aliases, stats.get("total_size", 0)

    for label, tax, secs in (("real", real, t_real), (f"inflated ×{args.factor}", big, t_big)):
        e, a, b = size(tax)
        how = "load + build" if tax is real else "generate + build"
        print(f"taxonomy {label:14s}: {e:6d} entries, {a:7d} aliases, automaton "
              f"{b / 1e6:6.1f} MB, built in {secs:.2f} s ({how})")

    same = inflate(real, args.factor, [a[2] for a in arts[:400]], args.seed, same_root=True)
    variants = (("real", "real", real), ("big", f"inflated ×{args.factor}", big),
                ("same", f"×{args.factor} same roots", same))
    # warm up all (first-call costs: translate table, automaton pages)
    for a in arts[:20]:
        for _, _, tax in variants:
            T.tag(a[1], a[2], a[3], a[4], tax, tagging)
    gc.collect()
    gc.freeze()
    best = {name: [float("inf")] * len(arts) for name, _, _ in variants}
    differ = 0
    clock = time.process_time  # CPU time: another process on the core does not inflate it
    c0, w0 = time.process_time(), time.perf_counter()
    for i, (_, title, text, lead, tags) in enumerate(arts):
        for _ in range(args.rounds):
            for name, _, tax in variants:
                s = clock()
                got = T.tag(title, text, lead, tags, tax, tagging)
                d = clock() - s
                if d < best[name][i]:
                    best[name][i] = d
                if name == "real":
                    want = {(t.kind, t.term) for t in got}
                elif name == "big":
                    have = {(t.kind, t.term) for t in got if not t.term.startswith("fake-")}
        if have != want:
            differ += 1
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0

    chars = [len(a[2]) for a in arts]
    print(f"\n{len(arts)} articles (median {statistics.median(chars):.0f} characters of text), "
          f"best of {args.rounds} CPU times per article and taxonomy; loop {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU")
    print(f"{'taxonomy':22s} {'median ms':>9s} {'p95 ms':>8s} {'mean ms':>8s} {'max ms':>8s} "
          f"{'total s':>8s} {'µs/1k chars':>11s} {'mentions med':>12s} {'mentions sum':>12s}")
    rows = {}
    m_real = []
    for name, label, tax in variants:
        ms = [mentions(a, tax) for a in arts]
        if name == "real":
            m_real = ms
        t = best[name]
        per_k = statistics.median(x / max(1, c) * 1000 * 1e6 for x, c in zip(t, chars, strict=True))
        rows[name] = (statistics.median(t), pct(t, 95), statistics.fmean(t), sum(t))
        print(f"{label:22s} {rows[name][0] * 1e3:9.3f} {rows[name][1] * 1e3:8.3f} "
              f"{rows[name][2] * 1e3:8.3f} {max(t) * 1e3:8.3f} {rows[name][3]:8.2f} "
              f"{per_k:11.1f} {statistics.median(ms):12.0f} {sum(ms):12d}")
    print(f"\nratio inflated/real: median {rows['big'][0] / rows['real'][0]:.2f}, "
          f"p95 {rows['big'][1] / rows['real'][1]:.2f}, total {rows['big'][3] / rows['real'][3]:.2f}"
          f"  (taxonomy ×{args.factor} in entries and aliases)")
    print(f"ratio same-roots/real: median {rows['same'][0] / rows['real'][0]:.2f}, "
          f"p95 {rows['same'][1] / rows['real'][1]:.2f}, total "
          f"{rows['same'][3] / rows['real'][3]:.2f}  (×{args.factor} too, but fake CJK aliases "
          f"start with characters real aliases start with)")
    slow = sorted(range(len(arts)), key=lambda i: -best["real"][i])[:5]
    print("\nslowest 5 articles (real taxonomy):")
    for i in slow:
        print(f"  {best['real'][i] * 1e3:8.2f} ms (inflated {best['big'][i] * 1e3:8.2f} ms)  "
              f"{chars[i]:7d} chars  {m_real[i]:5d} mentions  {arts[i][0]}")
    print(f"\narticles whose real tags changed with the fake entries added: {differ}")
    if differ:
        print("  (a fake alias can win an overlap against a real one, or a fake theme can push "
              "a real theme past max_themes / below 20 % of the best theme)")

    # Where does the extra time go? The automaton scan alone, on the same folded text.
    # pyahocorasick looks up a node's child by a linear scan of its children, so the root's
    # fan-out (distinct first characters of all aliases) is paid on every character that does
    # not continue a match.
    scan = {name: [float("inf")] * len(arts) for name, _, _ in variants}
    raw = {name: [0] * len(arts) for name, _, _ in variants}
    for i, (_, _title, text, _, _) in enumerate(arts):
        folded = T.fold_case(T.normalise(text))
        for _ in range(args.rounds):
            for name, _, tax in variants:
                s = clock()
                n = sum(1 for _ in tax.automaton.iter(folded))
                d = clock() - s
                scan[name][i] = min(scan[name][i], d)
                raw[name][i] = n
    print("\nautomaton.iter() over the body text only (no scoring):")
    for name, label, tax in variants:
        fan = len({k[0] for k in tax.automaton.keys()})  # noqa: SIM118 - an Automaton
        ns = statistics.median(x / max(1, c) * 1e9 for x, c in zip(scan[name], chars, strict=True))
        print(f"  {label:22s} median {statistics.median(scan[name]) * 1e3:7.3f} ms, {ns:6.0f} ns/char, "
              f"raw matches median {statistics.median(raw[name]):5.0f}, {len(tax.automaton):6d} keys, "
              f"root fan-out {fan:5d} first characters")
    print(f"  ratio of the scan to real: inflated {statistics.median(scan['big']) / statistics.median(scan['real']):.2f}, "
          f"same roots {statistics.median(scan['same']) / statistics.median(scan['real']):.2f}; "
          f"scan share "
          f"of tag(): real {sum(scan['real']) / rows['real'][3]:.0%}, inflated "
          f"{sum(scan['big']) / rows['big'][3]:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
