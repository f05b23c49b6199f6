#!/usr/bin/env python3
"""Cleaned articles per second per core: parse + Markdown→HTML + clean over the real corpus.

    python3 tests/bench/bench_clean.py                    # every folder of /work/shared/corpus
    python3 tests/bench/bench_clean.py --only xwlb-cctv   # one folder
    python3 tests/bench/bench_clean.py --limit 200        # first 200 files of each folder

One process, one core, no pool and no cache: for every file, builder.parse.parse (decode +
front matter + field normalisation), then builder.clean.markdown_to_html for Markdown bodies,
then builder.clean.clean_html (the BeautifulSoup passes + nh3), with the default settings
(builder.config.parse('')[0]). Reading the file and hashing it are outside the timing.
Each stage of each file is timed in CPU time of this process (time.process_time), which
another process sharing the core does not inflate; each folder's loop is also timed in wall
time (perf_counter): on an idle core the two agree; if wall >> CPU, the machine was busy
(other processes had the core). Articles/s per core = files / CPU s.

Prints per-folder and total articles/s and MB/s (input bytes), the share of each stage and
the slowest files; writes the per-file times to tests/bench/out/clean-<stamp>.tsv.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import hashlib
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from builder.clean import clean_html, markdown_to_html  # noqa: E402
from builder.config import parse as parse_config  # noqa: E402
from builder.model import SourceFile  # noqa: E402
from builder.parse import parse  # noqa: E402
from builder.sources import EXTENSIONS  # noqa: E402

CORPUS = Path("/work/shared/corpus")
FOLDERS = ("rsshub-page", "finews-jekyll", "xwlb-cctv", "ruanyf-weekly", "gold-miner",
           "renewable-energy-news", "vortex-wind-jekyll")


def files_of(folder: Path, limit: int | None) -> list[Path]:
    found = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS
                   and not p.name.startswith("."))
    return found[:limit] if limit else found


def one(path: Path, root: Path, cfg) -> tuple[float, float, float, str, str]:
    """(parse s, markdown s, clean s, body format, error) for one file, in CPU seconds of
    this process (time.process_time: what another process on the core cannot inflate)."""
    data = path.read_bytes()
    src = SourceFile(path.relative_to(root).as_posix(), data, 0, hashlib.sha256(data).hexdigest())
    clock = time.process_time
    t0 = clock()
    draft = parse(src, cfg)
    t1 = clock()
    if isinstance(draft, list):
        return t1 - t0, 0.0, 0.0, "-", "; ".join(p.code for p in draft)[:80] or "unparsed"
    body = draft.body if draft.body_format == "html" else markdown_to_html(draft.body)
    t2 = clock()
    clean_html(body, title=draft.meta.title, base_url=draft.meta.source_url, cfg=cfg.clean)
    t3 = clock()
    return t1 - t0, t2 - t1, t3 - t2, draft.body_format, ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--only", nargs="*", help="folder names (default: all present)")
    ap.add_argument("--limit", type=int, help="at most this many files per folder")
    ap.add_argument("--top", type=int, default=5, help="slowest files to list (5)")
    ap.add_argument("--no-gc-freeze", dest="freeze", action="store_false",
                    help="leave the garbage collector as it is (default: gc.freeze() the "
                         "imported modules once, like a long-running build)")
    args = ap.parse_args(argv)

    cfg = parse_config("")[0]
    wanted = args.only or list(FOLDERS) + sorted(
        p.name for p in args.corpus.iterdir() if p.is_dir() and p.name not in FOLDERS)
    folders = []
    for name in wanted:
        folder = args.corpus / name
        if folder.is_dir():
            folders.append(folder)
        else:
            print(f"skip {name}: no folder {folder}", file=sys.stderr)
    if not folders:
        print("no corpus folders found", file=sys.stderr)
        return 1
    # warm up: imports, regex compilation, lxml/nh3/Markdown initialisation (not timed):
    # the first file of every folder once, so HTML and Markdown paths are both warm
    for folder in folders:
        for path in files_of(folder, 1):
            with contextlib.suppress(Exception):  # a crash is reported when timed
                one(path, args.corpus, cfg)
    if args.freeze:
        gc.collect()
        gc.freeze()

    out_dir = Path(__file__).resolve().parent / "out"
    out_dir.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    tsv = out_dir / f"clean-{stamp}.tsv"
    rows: list[tuple] = []
    print(f"parse + clean, one process, builder at {REPO}; corpus {args.corpus}")
    print("per-file ms and stage shares are CPU time; art/s and MB/s are wall time")
    print(f"{'folder':24s} {'files':>6s} {'MB':>7s} {'wall s':>8s} {'CPU s':>8s} "
          f"{'art/s':>7s} {'art/s/core':>10s} {'MB/s':>6s} {'median ms':>9s} {'p95 ms':>7s} "
          f"{'parse%':>6s} {'md%':>5s} {'clean%':>6s} {'fail':>4s}")
    tot = {"files": 0, "bytes": 0, "wall": 0.0, "cpu": 0.0, "parse": 0.0, "md": 0.0,
           "clean": 0.0, "fail": 0}
    all_times: list[float] = []
    for folder in folders:
        files = files_of(folder, args.limit)
        nbytes = sum(p.stat().st_size for p in files)
        stage = [0.0, 0.0, 0.0]
        times, fails = [], 0
        c0, w0 = time.process_time(), time.perf_counter()
        for path in files:
            try:
                tp, tm, tc, fmt, err = one(path, args.corpus, cfg)
            except Exception as exc:  # noqa: BLE001 - a crash is a finding, not the end
                tp = tm = tc = 0.0
                fmt, err = "-", f"CRASH {type(exc).__name__}: {exc}"[:200]
            if err:
                fails += 1
            stage[0] += tp
            stage[1] += tm
            stage[2] += tc
            total = tp + tm + tc
            times.append(total)
            rows.append((folder.name, path.relative_to(args.corpus).as_posix(),
                         path.stat().st_size, fmt, tp, tm, tc, total, err))
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        timed = sum(stage) or 1e-9
        n = len(files)
        print(f"{folder.name:24s} {n:6d} {nbytes / 1e6:7.2f} {wall:8.2f} {cpu:8.2f} "
              f"{n / wall if wall else 0:7.1f} {n / cpu if cpu else 0:10.1f} "
              f"{nbytes / 1e6 / wall if wall else 0:6.2f} "
              f"{statistics.median(times) * 1e3 if times else 0:9.2f} "
              f"{_pct(times, 95) * 1e3:7.2f} {100 * stage[0] / timed:6.1f} "
              f"{100 * stage[1] / timed:5.1f} {100 * stage[2] / timed:6.1f} {fails:4d}")
        tot["files"] += n
        tot["bytes"] += nbytes
        tot["wall"] += wall
        tot["cpu"] += cpu
        tot["parse"] += stage[0]
        tot["md"] += stage[1]
        tot["clean"] += stage[2]
        tot["fail"] += fails
        all_times += times
    timed = (tot["parse"] + tot["md"] + tot["clean"]) or 1e-9
    print(f"{'TOTAL':24s} {tot['files']:6d} {tot['bytes'] / 1e6:7.2f} {tot['wall']:8.2f} "
          f"{tot['cpu']:8.2f} {tot['files'] / tot['wall']:7.1f} "
          f"{tot['files'] / tot['cpu']:10.1f} {tot['bytes'] / 1e6 / tot['wall']:6.2f} "
          f"{statistics.median(all_times) * 1e3:9.2f} {_pct(all_times, 95) * 1e3:7.2f} "
          f"{100 * tot['parse'] / timed:6.1f} {100 * tot['md'] / timed:5.1f} "
          f"{100 * tot['clean'] / timed:6.1f} {tot['fail']:4d}")
    print()
    print(f"=> {tot['files'] / tot['cpu']:.1f} cleaned articles/s per core (CPU time), "
          f"{tot['files'] / tot['wall']:.1f} articles/s wall, "
          f"{tot['bytes'] / 1e6 / tot['cpu']:.2f} MB/s per core; "
          f"wall/CPU = {tot['wall'] / tot['cpu']:.2f} (1.00 = the core was ours alone)")
    print(f"\nslowest {args.top} files (CPU ms):")
    for r in sorted(rows, key=lambda r: -r[7])[:args.top]:
        print(f"  {r[7] * 1e3:8.1f} ms  (parse {r[4] * 1e3:.1f}, md {r[5] * 1e3:.1f}, "
              f"clean {r[6] * 1e3:.1f})  {r[2] / 1024:7.1f} KB  {r[3]:8s} {r[1]}"
              f"{'  ' + r[8] if r[8] else ''}")
    failed = [r for r in rows if r[8]]
    if failed:
        print(f"\n{len(failed)} files not cleaned (parse problems or crashes), first 10:")
        for r in failed[:10]:
            print(f"  {r[1]}: {r[8]}")
    with open(tsv, "w", encoding="utf-8") as f:
        f.write("folder\tfile\tbytes\tformat\tparse_cpu_s\tmarkdown_cpu_s\tclean_cpu_s\t"
                "total_cpu_s\terror\n")
        for r in rows:
            f.write("\t".join([r[0], r[1], str(r[2]), r[3], f"{r[4]:.6f}", f"{r[5]:.6f}",
                               f"{r[6]:.6f}", f"{r[7]:.6f}", r[8]]) + "\n")
    print(f"\nper-file times: {tsv}")
    return 0


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


if __name__ == "__main__":
    sys.exit(main())
