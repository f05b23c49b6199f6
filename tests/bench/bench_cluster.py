#!/usr/bin/env python3
"""A build on a Dask cluster against the local process pool, same archive.

    python3 tests/bench/bench_cluster.py 10000            # N synthetic articles
    python3 tests/bench/bench_cluster.py 1000 --workers 2 --search

Writes N articles with /work/shared/bench/make_corpus.py (format `raw`), starts a Dask
scheduler and `--workers` single-threaded workers on 127.0.0.1 (a `LocalCluster` of worker
processes), then times cold builds (search off unless --search; state moved aside first),
interleaved:

  local        `build --jobs W` (the process pool, W = --workers)
  cluster      `build --cluster tcp://127.0.0.1:PORT` (the workers parse, clean and tag the
               articles, render the pages and, with --search, index the search pieces)
  cluster+url  the same, the content given as a `file://` URL (the workers read it through
               fsspec, as they would read object storage)

For each: wall time; the builder's CPU (the child and the pool workers it waited for); the Dask
workers' CPU during the build (asked from each worker); and the per-article overhead of the
cluster, (cluster wall - local wall) / N. It also checks that the outputs are byte-identical.
Results: tests/bench/out/cluster-<stamp>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MAKE = Path("/work/shared/bench/make_corpus.py")


def _worker_cpu() -> float:
    """A worker's CPU, with the children it has waited for (Pagefind, when it indexes search)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def build(site: Path, name: str, extra: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the builder and the children it waited for)."""
    for stale in (site / f"public-{name}", site / f"state-{name}"):
        if stale.exists():
            os.replace(stale, site / "trash" / f"{stale.name}-{time.time_ns()}")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "builder", "build", "--config",
                             str(site / f"{name}.toml"), "-q", *extra], cwd=site,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} build failed")
    return wall, usage.ru_utime + usage.ru_stime


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    stack = [cmp]
    while stack:
        c = stack.pop()
        if c.left_only or c.right_only or c.diff_files or c.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        if mismatch or errors:
            return False
        stack.extend(c.subdirs.values())
    return True


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=10000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--search", action="store_true",
                    help="search on (the workers then index the search pieces too)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/green-archive-bench/cluster"))
    args = ap.parse_args()
    from distributed import Client, LocalCluster

    site = args.work / f"n{args.n}"
    if not (site / "content").is_dir():
        site.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(MAKE), str(args.n), str(site / "content"), "raw"],
                       check=True, capture_output=True)
    (site / "trash").mkdir(exist_ok=True)
    for name in ("local", "cluster", "cluster-url"):
        (site / f"{name}.toml").write_text(
            f'title = "cluster bench"\nbase_url = "http://127.0.0.1:8000/"\n'
            f'content_dir = "content"\noutput_dir = "public-{name}"\ncache_dir = "state-{name}"\n'
            f'taxonomy_dir = "{REPO / "content" / "taxonomy"}"\n'
            f'themes_dir = "{REPO / "themes"}"\nsearch = {str(args.search).lower()}\n'
            f'per_page = 10\n')
    rows = []
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster.scheduler_address) as client:
        for _ in range(args.rounds):
            wall, cpu = build(site, "local", ["--jobs", str(args.workers)])
            rows.append(("local", wall, cpu, 0.0))
            before = sum(client.run(_worker_cpu).values())
            wall, cpu = build(site, "cluster", ["--cluster", cluster.scheduler_address])
            after = sum(client.run(_worker_cpu).values())
            rows.append(("cluster", wall, cpu, after - before))
            before = sum(client.run(_worker_cpu).values())
            wall, cpu = build(site, "cluster-url", ["--cluster", cluster.scheduler_address,
                                                    "--content", (site / "content").as_uri()])
            after = sum(client.run(_worker_cpu).values())
            rows.append(("cluster+url", wall, cpu, after - before))
    identical = same_tree(site / "public-local", site / "public-cluster") and \
        same_tree(site / "public-local", site / "public-cluster-url")
    shutil.rmtree(site / "trash", ignore_errors=True)
    local = min(r[1] for r in rows if r[0] == "local")
    remote = min(r[1] for r in rows if r[0] == "cluster")
    stamp = dt.datetime.now(dt.UTC)
    lines = [f"# cluster vs local pool — {stamp:%Y-%m-%d %H:%M} UTC", "",
             f"N = {args.n}, {args.workers} workers (local: --jobs {args.workers}; cluster: "
             f"LocalCluster of {args.workers} single-threaded worker processes on 127.0.0.1), "
             f"{os.cpu_count()} CPUs, cold builds, search {'on' if args.search else 'off'}; "
             f"load average at the end "
             f"{os.getloadavg()[0]:.1f} (other work on this machine inflates every row).", "",
             "| build | wall s | builder CPU s | Dask workers' CPU s |", "|---|---|---|---|"]
    lines += [f"| {n} | {w:.1f} | {c:.1f} | {d:.1f} |" for n, w, c, d in rows]
    lines += ["", f"Cluster overhead per article: {(remote - local) / args.n * 1000:.2f} ms wall "
              f"({remote / local:.2f}× the local pool's wall time); outputs (all three) "
              f"byte-identical: "
              f"{identical}."]
    text = "\n".join(lines) + "\n"
    print(text)
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / f"cluster-{stamp:%Y%m%dT%H%M%SZ}.md").write_text(text)
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
