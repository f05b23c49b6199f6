#!/usr/bin/env python3
"""A cluster started as a user starts one, and a build on it checked against a local build.

    python3 tests/bench/check_cluster_cli.py 1000           # N synthetic articles, search on

Starts `dask scheduler` and two `dask worker` processes from the command line on 127.0.0.1
(their default threads), writes N articles with ../shared/bench/make_corpus.py (format `raw`),
builds them locally (`--jobs 2`) and with `--cluster`, both cold and with search on, then
reports: each build's exit code, wall time and CPU (the builder with the children it waited
for; the workers with theirs, Pagefind included, from /proc), and whether the two outputs are
byte-identical. Exit status 0 only when both builds succeed and the outputs are identical.
Results: tests/bench/out/cluster-cli-<stamp>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MAKE = REPO.parent / "shared" / "bench" / "make_corpus.py"
BIN = Path(sys.executable).parent


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cpu_of(pid: int) -> float:
    """CPU seconds of a running process and the children it has waited for (/proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(site: Path, name: str, *extra: str) -> tuple[int, float, float]:
    """(exit code, wall s, CPU s of the builder and the children it waited for)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "builder", "build", "--config",
                             str(site / f"{name}.toml"), "-q", *extra], cwd=site,
                            env={**os.environ, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return (os.waitstatus_to_exitcode(status), time.perf_counter() - t0,
            usage.ru_utime + usage.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/green-archive-bench/cluster-cli"))
    args = ap.parse_args()
    site = args.work / f"n{args.n}"
    if not (site / "content").is_dir():
        site.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(MAKE), str(args.n), str(site / "content"), "raw"],
                       check=True, capture_output=True)
    for name in ("local", "cluster"):
        for stale in (site / f"out-{name}", site / f"state-{name}"):
            shutil.rmtree(stale, ignore_errors=True)
        (site / f"{name}.toml").write_text(
            f'title = "cluster check"\nbase_url = "https://example.org/"\n'
            f'content_dir = "content"\noutput_dir = "out-{name}"\ncache_dir = "state-{name}"\n'
            f'taxonomy_dir = "{REPO / "content" / "taxonomy"}"\n'
            f'themes_dir = "{REPO / "themes"}"\nsearch = true\n', encoding="utf-8")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": "/tmp", "env": env}
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--no-dashboard"], **quiet)
    time.sleep(3)
    workers = [subprocess.Popen([str(BIN / "dask"), "worker", f"tcp://127.0.0.1:{port}",
                                 "--no-dashboard", "--no-nanny"], **quiet) for _ in range(2)]
    time.sleep(5)
    try:
        local = build(site, "local", "--jobs", "2")
        before = sum(cpu_of(w.pid) for w in workers)
        remote = build(site, "cluster", "--cluster", f"tcp://127.0.0.1:{port}")
        workers_cpu = sum(cpu_of(w.pid) for w in workers) - before
    finally:
        for proc in (*workers, scheduler):
            proc.terminate()
    ours, theirs = tree(site / "out-local"), tree(site / "out-cluster")
    identical = ours == theirs
    stamp = dt.datetime.now(dt.UTC)
    text = "\n".join([
        f"# a build on a command-line cluster — {stamp:%Y-%m-%d %H:%M} UTC", "",
        f"N = {args.n}, search on; `dask scheduler` and two `dask worker --no-nanny` on "
        f"127.0.0.1 (default threads), {os.cpu_count()} CPUs.", "",
        "| build | exit | wall s | builder CPU s | workers' CPU s |", "|---|---|---|---|---|",
        f"| local (--jobs 2) | {local[0]} | {local[1]:.1f} | {local[2]:.1f} | |",
        f"| --cluster | {remote[0]} | {remote[1]:.1f} | {remote[2]:.1f} | {workers_cpu:.1f} |",
        "", f"Output files: {len(ours)}; byte-identical: {identical}.", ""])
    print(text)
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / f"cluster-cli-{stamp:%Y%m%dT%H%M%SZ}.md").write_text(text, encoding="utf-8")
    return 0 if identical and local[0] == remote[0] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
