#!/usr/bin/env python3
"""Per-article tagging time with the real taxonomy and with ones inflated 10× by fake aliases.

    python3 tests/bench/bench_tagging.py                  # corpus news folders, factor 10
    python3 tests/bench/bench_tagging.py --factor 50 --limit 300
    python3 tests/bench/bench_tagging.py --cache /tmp/tagging-articles.pickle   # parse once

Articles: every file of the corpus news folders (/work/shared/corpus/*, without gold-miner,
which SOURCES.md says to leave out of tagging tests: translated tech articles, not news).
Each is parsed and cleaned first (not timed) to get what builder.process gives the tagger:
title, plain text, lead paragraph, source tags + categories (--cache keeps them in a pickle).

Timed: builder.taxonomy.tag(title, text, lead, source_tags, tax, tagging settings) with
  real        builder.taxonomy.load(content/taxonomy)
  ×F names    the headline: the same entries plus synthetic ones, so that entries and aliases
              are FACTOR times as many, compiled with builder.matching.compile_entries. Fake
              aliases are random and unique: CJK words of 2-6 characters and Latin words /
              upper-case acronyms. The characters after the first are drawn uniformly from the
              corpus's 3000 most common characters (so they look like words and a few do
              match). The FIRST character of a fake CJK alias comes from a pool as large as a
              real taxonomy FACTOR times larger would have: names and terms start with a
              limited set of characters, and the number of distinct first characters grows
              like Heaps' law, d(n) ∝ n^β, with β fitted on the real CJK aliases (≈ 0.54:
              272 first characters for 894 aliases → ≈ 950 for ten times as many). The pool
              is the real first characters plus new ones drawn from the common characters.
              A fake alias that occurs in the articles is replaced (a random 2-character
              "name" can be a common word), so the variants differ in size only: the
              mentions columns are equal.
  ×F any start  the worst case, and this benchmark's only inflated variant before: every
              character, first ones included, drawn from the 3000 most common characters.
              Then nearly every character of the corpus (98 % of its CJK characters, against
              28 % with the real taxonomy) starts a fake alias, including 的, 了, 是 and 在,
              which start no name or term: the automaton follows a partial match from almost
              every character of the text, and its working set (trie nodes for ~2900 distinct
              first characters) outgrows the CPU's fastest cache (a replay of the automaton
              over dump() found as many node visits and comparisons per byte as with the real
              taxonomy, so the extra time is memory, not work). That costs
              ~1.4× per article (1.2× for "names"), paid for by the fake aliases' text, not
              by the taxonomy's size; it is shown, not the target.
The variants are interleaved per article (real, names, any start, real, … --rounds times) and
each article keeps its fastest time per taxonomy, so machine noise does not favour either
side. Times are CPU time of this process (time.process_time), not wall time. Aho-Corasick
matching costs O(text length + matches), so the per-article median should stay about the
same (ratio ≈ 1); the mentions columns show how many alias occurrences the tagger found
(extra matches of fake aliases are legitimate extra work), the "starts" column the share of
the text's CJK characters that start some alias.

Why the cost grew 3.4× before (profiled with pyinstrument, then timed below): pyahocorasick
finds a node's child by a linear scan of its children, and a trie over characters has one
root child per distinct first character of all aliases (301 real, 2941 with the old ×10),
scanned for nearly every character of the text: automaton.iter() took 42 % of tag() with the
real taxonomy and 5.3× as long with the old ×10. The scoring loop and the extra matches were
not it (mentions grew 2 %). builder.matching now builds the automaton over the aliases' UTF-8
bytes: the root has ~33 children and no node below a lead byte more than 64. Measured with this script
on the same articles (--cache), the code before → after: real median 1.82 → 0.85 ms, ×10 names
1.83× → 1.24×, ×10 any start 3.27× → 1.40×. A last section times automaton.iter() alone over
each body text and prints the root fan-out in bytes and the distinct first characters.
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import math
import pickle
import random
import statistics
import string
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from builder import matching as M  # noqa: E402
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
        from builder.process import first_heading

        return first_heading(draft)
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


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def real_firsts(tax: T.Taxonomy) -> list[str]:
    """The first character of every real CJK alias (with repeats)."""
    return [M.fold_case(M.normalise(a.strip()))[0] for d in tax.entries.values()
            for e in d.values() for a in e.aliases + e.ambiguous
            if a.strip() and _cjk(M.normalise(a.strip())[0])]


def heaps_firsts(firsts: list[str], factor: int, rng: random.Random) -> tuple[int, float]:
    """Distinct first characters a taxonomy `factor` times larger would have: Heaps' law
    d(n) = k·n^β, β fitted on the real aliases (distinct first characters of random quarters
    of them against all of them)."""
    n, d = len(firsts), len(set(firsts))
    if n < 8 or d < 2:
        return d, 1.0
    quarter = statistics.fmean(len(set(rng.sample(firsts, n // 4))) for _ in range(20))
    beta = min(1.0, max(0.0, (math.log(d) - math.log(quarter)) / (math.log(n) - math.log(n // 4))))
    return round(d * factor ** beta), beta


def inflate(tax: T.Taxonomy, factor: int, texts: list[str], seed: int,
            start: str = "names", avoid: list[str] = ()) -> T.Taxonomy:
    """`tax` plus synthetic entries: (factor - 1) × as many entries and aliases, all unique.
    `start`: where a fake CJK alias's first character comes from: "names" (a pool of the
    size heaps_firsts() estimates: the real first characters plus common ones), "any" (the
    corpus's 3000 most common characters, like every other character). No fake alias
    occurs in `avoid` (the articles' titles and texts)."""
    rng = random.Random(seed)
    freq = Counter(ch for t in texts for ch in t if _cjk(ch))
    chars = [ch for ch, _ in freq.most_common(3000)] or ["中"]
    pool = chars
    if start == "names":
        firsts = real_firsts(tax)
        size, _ = heaps_firsts(firsts, factor, random.Random(seed))
        pool = sorted(set(firsts))
        extra = [ch for ch in chars if ch not in set(pool)]
        rng.shuffle(extra)
        pool += extra[:max(0, size - len(pool))]
    taken = {M.key(a) for d in tax.entries.values() for e in d.values()
             for a in e.aliases + e.ambiguous}

    def fresh(make) -> str:
        while True:
            alias = make()
            key = M.key(alias)
            if key and key not in taken:
                taken.add(key)
                return alias

    def cjk() -> str:
        k = rng.choice((2, 3, 3, 3, 4, 4, 4, 4, 5, 6))
        return rng.choice(pool) + "".join(rng.choices(chars, k=k - 1))

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
    # A fake alias that occurs in the articles (a random 2-character "name" can be a common
    # word) would add genuine matches, which a name the corpus never mentions does not: such
    # aliases are replaced until none occurs, so that the variants differ in size only.
    for _ in range(5):
        big = dataclasses.replace(tax, entries=entries, key=tax.key + f"x{factor}{start}").compiled()
        found = {(p.kind, p.slug, p.alias) for text in avoid for _, _, p in T.find_mentions(text, big)
                 if p.slug.startswith("fake-")}
        if not found:
            break
        for kind, slug, alias in found:
            e = entries[kind][slug]
            swap = {a: fresh(cjk if _cjk(a[0]) else latin) for a in e.aliases + e.ambiguous
                    if M.normalise(a) == alias}
            entries[kind][slug] = dataclasses.replace(
                e, zh=swap.get(e.zh, e.zh), en=swap.get(e.en, e.en),
                aliases=tuple(swap.get(a, a) for a in e.aliases),
                ambiguous=tuple(swap.get(a, a) for a in e.ambiguous))
    return big


def starts(tax: T.Taxonomy, texts: list[str]) -> float:
    """Share of the texts' CJK characters that are the first character of some alias."""
    firsts = {M.fold_case(M.normalise(a.strip()))[0] for d in tax.entries.values()
              for e in d.values() for a in e.aliases + e.ambiguous if a.strip()}
    counts = Counter(ch for t in texts for ch in M.fold_case(M.normalise(t)) if _cjk(ch))
    return sum(n for ch, n in counts.items() if ch in firsts) / max(1, sum(counts.values()))


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
    ap.add_argument("--cache", type=Path,
                    help="pickle of the prepared articles: read if it exists, else written")
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
    t0 = time.perf_counter()
    if args.cache and args.cache.is_file():
        arts = pickle.loads(args.cache.read_bytes())
        print(f"{len(arts)} prepared articles from {args.cache}", file=sys.stderr)
    else:
        print(f"preparing {len(paths)} articles (parse + clean, not timed) …", file=sys.stderr,
              flush=True)
        arts = prepare(paths, cfg)
        print(f"  {len(arts)} articles ready in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(arts))
    sample = [a[2] for a in arts[:400]]
    avoid = [t for a in arts for t in a[1:3]]
    f = args.factor
    built = {}
    for start in ("names", "any"):
        t0 = time.perf_counter()
        built[start] = (inflate(real, f, sample, args.seed, start, avoid), time.perf_counter() - t0)
    names, t_names = built["names"]
    anys, t_any = built["any"]
    firsts = real_firsts(real)
    pool, beta = heaps_firsts(firsts, f, random.Random(args.seed))
    print(f"first characters of CJK aliases: real {len(set(firsts))} of {len(firsts)} aliases; "
          f"Heaps' law β = {beta:.2f} → {pool} for ×{f} (names)")

    def size(tax) -> tuple[int, int, int]:
        ents = sum(len(d) for d in tax.entries.values())
        aliases = sum(len(e.aliases) + len(e.ambiguous) for d in tax.entries.values()
                      for e in d.values())
        stats = tax.matcher.automaton.get_stats() if tax.matcher.automaton is not None else {}
        return ents, aliases, stats.get("total_size", 0)

    variants = (("real", "real", real), ("names", f"×{f} names", names),
                ("any", f"×{f} any start", anys))
    for (_, label, tax), secs in zip(variants, (t_real, t_names, t_any), strict=True):
        e, a, b = size(tax)
        how = "load + build" if tax is real else "generate + build"
        print(f"taxonomy {label:16s}: {e:6d} entries, {a:7d} aliases, automaton "
              f"{b / 1e6:6.1f} MB, built in {secs:.2f} s ({how})")

    # warm up all (first-call costs: translate table, automaton pages)
    for a in arts[:20]:
        for _, _, tax in variants:
            T.tag(a[1], a[2], a[3], a[4], tax, tagging)
    gc.collect()
    gc.freeze()
    best = {name: [float("inf")] * len(arts) for name, _, _ in variants}
    differ = {name: 0 for name, _, _ in variants}
    clock = time.process_time  # CPU time: another process on the core does not inflate it
    c0, w0 = time.process_time(), time.perf_counter()
    for i, (_, title, text, lead, tags) in enumerate(arts):
        got = {}
        for _ in range(args.rounds):
            for name, _, tax in variants:
                s = clock()
                tagged = T.tag(title, text, lead, tags, tax, tagging)
                d = clock() - s
                if d < best[name][i]:
                    best[name][i] = d
                got[name] = {(t.kind, t.term) for t in tagged if not t.term.startswith("fake-")}
        for name in got:
            differ[name] += got[name] != got["real"]
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0

    chars = [len(a[2]) for a in arts]
    texts = [a[2] for a in arts[::5]]
    print(f"\n{len(arts)} articles (median {statistics.median(chars):.0f} characters of text), "
          f"best of {args.rounds} CPU times per article and taxonomy; loop {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU")
    print(f"{'taxonomy':18s} {'median ms':>9s} {'p95 ms':>8s} {'mean ms':>8s} {'max ms':>8s} "
          f"{'total s':>8s} {'µs/1k chars':>11s} {'mentions med':>12s} {'mentions sum':>12s} "
          f"{'starts':>6s}")
    rows = {}
    m_real = []
    for name, label, tax in variants:
        ms = [mentions(a, tax) for a in arts]
        if name == "real":
            m_real = ms
        t = best[name]
        per_k = statistics.median(x / max(1, c) * 1000 * 1e6 for x, c in zip(t, chars, strict=True))
        rows[name] = (statistics.median(t), pct(t, 95), statistics.fmean(t), sum(t))
        print(f"{label:18s} {rows[name][0] * 1e3:9.3f} {rows[name][1] * 1e3:8.3f} "
              f"{rows[name][2] * 1e3:8.3f} {max(t) * 1e3:8.3f} {rows[name][3]:8.2f} "
              f"{per_k:11.1f} {statistics.median(ms):12.0f} {sum(ms):12d} "
              f"{starts(tax, texts):6.0%}")

    def ratio(name: str) -> str:
        return (f"median {rows[name][0] / rows['real'][0]:.2f}, p95 {rows[name][1] / rows['real'][1]:.2f}, "
                f"total {rows[name][3] / rows['real'][3]:.2f}")

    print(f"\nratio names/real:     {ratio('names')}  (taxonomy ×{f} in entries and aliases)")
    print(f"ratio any start/real: {ratio('any')}  (worst case: every common character starts a "
          f"fake alias)")
    slow = sorted(range(len(arts)), key=lambda i: -best["real"][i])[:5]
    print("\nslowest 5 articles (real taxonomy):")
    for i in slow:
        print(f"  {best['real'][i] * 1e3:8.2f} ms (×{f} names {best['names'][i] * 1e3:8.2f} ms)  "
              f"{chars[i]:7d} chars  {m_real[i]:5d} mentions  {arts[i][0]}")
    print(f"\narticles whose real tags changed with the fake entries added: names "
          f"{differ['names']}, any start {differ['any']}")
    if differ["names"] or differ["any"]:
        print("  (a fake alias can win an overlap against a real one, or a fake theme can push "
              "a real theme past max_themes / below its share of the best theme)")

    # Where does the time go? The automaton scan alone, on the bytes tag() gives it.
    scan = {name: [float("inf")] * len(arts) for name, _, _ in variants}
    raw = {name: [0] * len(arts) for name, _, _ in variants}
    for i, (_, _title, text, _, _) in enumerate(arts):
        data = M.utf8(M.fold_case(M.normalise(text)))
        for _ in range(args.rounds):
            for name, _, tax in variants:
                s = clock()
                n = sum(1 for _ in tax.matcher.automaton.iter(data))
                d = clock() - s
                scan[name][i] = min(scan[name][i], d)
                raw[name][i] = n
    print("\nautomaton.iter() over the body text only (no scoring):")
    for name, label, tax in variants:
        keys = list(tax.matcher.automaton.keys())
        fan = len({k[0] for k in keys})
        first = len({k.encode("latin-1").decode("utf-8")[0] for k in keys})
        ns = statistics.median(x / max(1, c) * 1e9 for x, c in zip(scan[name], chars, strict=True))
        print(f"  {label:18s} median {statistics.median(scan[name]) * 1e3:7.3f} ms, {ns:6.0f} ns/char, "
              f"raw matches median {statistics.median(raw[name]):5.0f}, {len(keys):6d} keys, "
              f"root fan-out {fan:3d} bytes ({first:5d} first characters)")
    print(f"  ratio of the scan to real: names "
          f"{statistics.median(scan['names']) / statistics.median(scan['real']):.2f}, any start "
          f"{statistics.median(scan['any']) / statistics.median(scan['real']):.2f}; scan share "
          f"of tag(): real {sum(scan['real']) / rows['real'][3]:.0%}, names "
          f"{sum(scan['names']) / rows['names'][3]:.0%}, any start "
          f"{sum(scan['any']) / rows['any'][3]:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
