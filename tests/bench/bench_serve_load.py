"""Load on the preview server: many concurrent new connections, and keep-alive latency.

    python3 tests/bench/bench_serve_load.py [--requests 2000] [--concurrency 50] [--site DIR]
                                            [--code OTHER_CHECKOUT]

Builds the sample site (or serves DIR's site.toml) with `python -m builder serve --no-watch` in
its own process, then, from this process (asyncio, raw sockets, so the client costs little):

- `--requests` GETs of the site's pages, `--concurrency` at a time, each on a new connection:
  errors (refused, reset, wrong status) and latency percentiles;
- 200 GETs one after the other on one keep-alive connection: the median and p99 latency of
  the requests after the first.

Targets (issue 14): no error, p99 under 250 ms with new connections; keep-alive under 5 ms.
Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_server(config: Path, output: Path, env: dict, code: Path
                 ) -> tuple[subprocess.Popen, int, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", "--config", str(config), "--output",
         str(output), "--port", "0", "--no-watch"],
        cwd=code, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**env, "PYTHONPATH": str(code)})
    for line in proc.stdout:
        m = re.search(r"at http://127\.0\.0\.1:(\d+)(/\S*)", line)
        if m:
            return proc, int(m.group(1)), m.group(2)
    raise SystemExit("the server did not start")


def pages(output: Path, base: str, limit: int = 400) -> list[str]:
    found = []
    for path in sorted(output.rglob("index.html")):
        if "pagefind" in path.parts:
            continue
        rel = path.parent.relative_to(output).as_posix()
        found.append(base + (rel + "/" if rel != "." else ""))
        if len(found) >= limit:
            break
    return found


async def fetch(port: int, path: str, reader=None, writer=None) -> tuple[int, float]:
    """One GET → (status, seconds). A new connection unless reader/writer are given."""
    started = time.perf_counter()
    own = reader is None
    if own:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 f"{'Connection: close' if own else 'Connection: keep-alive'}\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"Content-Length: (\d+)", head, re.I).group(1))
    await reader.readexactly(length)
    took = time.perf_counter() - started
    if own:
        writer.close()
        await writer.wait_closed()
    return status, took


async def load(port: int, paths: list[str], total: int, concurrency: int):
    latencies: list[float] = []
    errors: list[str] = []
    queue = [paths[i % len(paths)] for i in range(total)]
    queue.reverse()

    async def worker():
        while queue:
            path = queue.pop()
            try:
                status, took = await fetch(port, path)
            except (OSError, asyncio.IncompleteReadError, AttributeError, ValueError) as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            if status != 200:
                errors.append(f"{path}: status {status}")
            latencies.append(took)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - started


async def keep_alive(port: int, paths: list[str], n: int = 200) -> list[float]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    out = []
    for i in range(n):
        _, took = await fetch(port, paths[i % len(paths)], reader, writer)
        out.append(took)
    writer.close()
    await writer.wait_closed()
    return out[1:]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--site", type=Path, help="folder with site.toml (default: the sample site)")
    ap.add_argument("--code", type=Path, default=ROOT,
                    help="the builder's source tree to serve with (to compare versions)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-serve-load-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
    config = (args.site or ROOT) / "site.toml"
    output = work / "public"
    proc, port, base = start_server(config, output, env, args.code.resolve())
    try:
        paths = pages(output, base)
        asyncio.run(load(port, paths, min(200, args.requests), args.concurrency))  # warm up
        latencies, errors, wall = asyncio.run(load(port, paths, args.requests, args.concurrency))
        kept = asyncio.run(keep_alive(port, paths))
    finally:
        proc.terminate()
        proc.wait()
    ms = [t * 1000 for t in latencies]
    print(f"{args.requests} requests, {args.concurrency} concurrent, new connections, "
          f"{len(paths)} distinct pages: {len(errors)} errors, {args.requests / wall:.0f} req/s")
    if ms:
        print(f"  latency ms: p50 {statistics.median(ms):.1f}  p95 {percentile(ms, .95):.1f}  "
              f"p99 {percentile(ms, .99):.1f}  max {max(ms):.1f}")
    kept_ms = [t * 1000 for t in kept]
    print(f"keep-alive, one connection, {len(kept)} requests after the first: "
          f"median {statistics.median(kept_ms):.2f} ms  p99 {percentile(kept_ms, .99):.2f} ms")
    for e in errors[:5]:
        print("  error:", e)
    ok = not errors and ms and percentile(ms, .99) < 250 and statistics.median(kept_ms) < 5
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
