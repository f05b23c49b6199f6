#!/usr/bin/env python3
"""Edit-to-served latency of the preview server over the real corpus (issue: live preview).

    python3 tests/bench/bench_serve.py [--edits 10] [--folders rsshub-page,xwlb-cctv,...]

Makes a content folder that links every source folder of ../shared/corpus (several thousand
articles), starts `serve` on a free loopback port (it builds once, cold), then 10 times: appends
a unique sentence to one article, and polls the article's served page until the sentence
appears. Prints each latency and the median; also the time of a rebuild with no change
(touching a file without changing it) and whether it did per-article work.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from builder import config  # noqa: E402
from builder.serve import start  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT = "rsshub-page,finews-jekyll,vortex-wind-jekyll,renewable-energy-news,xwlb-cctv,ruanyf-weekly,gold-miner"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8", "replace")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--folders", default=DEFAULT)
    ap.add_argument("--work", help="reuse this folder (content copy, output and cache) across runs")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        print("../shared/corpus is absent: nothing to measure")
        return 0
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-serve-"))
    content = work / "content"
    if not content.is_dir():
        content.mkdir(parents=True)
        for name in args.folders.split(","):
            shutil.copytree(CORPUS / name, content / name)  # a copy: the benchmark edits files
    cfg = config.load(ROOT / "site.toml", content_dir=str(content), output_dir=str(work / "public"))
    messages: list[str] = []
    t0 = time.perf_counter()
    server, stop, state = start(cfg, ROOT / "site.toml", port=0, say=messages.append)
    cold = time.perf_counter() - t0
    port = server.server_address[1]
    time.sleep(1.0)
    if state.result is None or not state.result.ok:
        problems = state.result.problems if state.result else ()
        print("the first build failed:", [p for p in problems if p.severity == "error"][:5])
        return 1
    export = json.loads((work / "public/api/articles.json").read_text())["articles"]
    print(f"corpus: {len(list(content.rglob('*.*')))} files, {len(export)} articles; cold build + "
          f"serve start {cold:.1f}s")
    targets = [a for a in export if a["source_path"].startswith("rsshub-page/")][:args.edits] or \
        export[:args.edits]
    latencies = []
    for i, article in enumerate(targets):
        marker = f"bench-edit-{i}-{time.time_ns()}"
        path = content / article["source_path"]
        url = f"http://127.0.0.1:{port}" + urlsplit(article["url"]).path
        started = time.perf_counter()
        with path.open("a", encoding="utf-8") as f:
            f.write(f"\n\n<p>{marker}</p>\n")
        while marker not in fetch(url):
            if time.perf_counter() - started > 60:
                print(f"edit {i}: timed out; last messages: {messages[-3:]}")
                break
            time.sleep(0.01)
        latencies.append(time.perf_counter() - started)
        print(f"edit {i}: {latencies[-1] * 1000:.0f} ms   ({messages[-1] if messages else ''})")
        time.sleep(0.3)
    print(f"median edit → served page: {statistics.median(latencies) * 1000:.0f} ms over "
          f"{len(latencies)} edits (max {max(latencies) * 1000:.0f} ms)")
    before = len(messages)
    target = content / targets[0]["source_path"]
    target.write_bytes(target.read_bytes())  # same content, new mtime
    deadline = time.time() + 20
    while len(messages) == before and time.time() < deadline:
        time.sleep(0.05)
    print(f"no-change save: {messages[-1] if len(messages) > before else 'no rebuild seen'}")
    result = state.result
    if result is not None:
        print(f"last build: reused {result.reused} of {result.articles} articles from the cache, "
              f"timings {dict(result.timings)}")
    stop.set()
    server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
