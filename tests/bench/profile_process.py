#!/usr/bin/env python3
"""Where a cold build's per-article time goes: the per-article function under pyinstrument.

    python3 tests/bench/profile_process.py CONTENT_DIR [--limit 400] [--config site.toml]

Reads the first `--limit` files of CONTENT_DIR (e.g. a `make_corpus.py raw` folder from
bench_peers.py, or a corpus folder), runs `process` on each in this process
(what a pool worker does, without the pool): once timed without the profiler (the CPU ms per
article to quote: the best of `--rounds`), then once under pyinstrument for the profile tree
(whose sampling inflates the figure).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from builder import config, sources, taxonomy  # noqa: E402
from builder.process import process  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("content", type=Path)
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--config", type=Path, default=ROOT / "site.toml")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from pyinstrument import Profiler

    cfg = config.load(args.config, content_dir=str(args.content))
    tax, _ = taxonomy.load(cfg.path("taxonomy_dir"))
    rels = sources.discover(args.content)[:args.limit]
    files = [s for s in (sources.read(args.content, r) for r in rels) if not hasattr(s, "code")]
    for src in files[:20]:  # warm up: imports, regex compilation
        process(src, cfg, tax)
    best = float("inf")
    for _ in range(args.rounds):
        started = time.process_time()
        for src in files:
            process(src, cfg, tax)
        best = min(best, time.process_time() - started)
    print(f"{len(files)} files, {best / max(1, len(files)) * 1000:.2f} ms CPU per article "
          f"(best of {args.rounds} rounds, no profiler)")
    profiler = Profiler(interval=0.0005)
    profiler.start()
    started = time.process_time()
    for src in files:
        process(src, cfg, tax)
    spent = time.process_time() - started
    profiler.stop()
    print(f"{len(files)} files, {spent / max(1, len(files)) * 1000:.2f} ms CPU per article "
          "(under the profiler)")
    print(profiler.output_text(show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
