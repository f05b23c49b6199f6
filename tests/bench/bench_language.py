#!/usr/bin/env python3
"""Language detection cost and outcome over the corpus news folders:

    python3 tests/bench/bench_language.py            # rsshub-page, finews-jekyll, renewable-energy-news, vortex-wind-jekyll

Each file is parsed and cleaned (not timed), then builder.language.detect(title, text) is
timed in CPU time (time.process_time), after one warm-up call that loads the model (also
reported). Prints the median and mean per article and the languages found per folder.
"""
from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from builder import language  # noqa: E402
from builder.clean import clean_html, markdown_to_html  # noqa: E402
from builder.config import parse as parse_config  # noqa: E402
from builder.model import SourceFile  # noqa: E402
from builder.parse import parse  # noqa: E402
from builder.sources import discover  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
FOLDERS = ("rsshub-page", "finews-jekyll", "renewable-energy-news", "vortex-wind-jekyll")


def main() -> None:
    cfg = parse_config("")[0]
    start = time.process_time()
    language.detect("warm up", "the model loads on first use", "zh-CN")
    print(f"model load: {(time.process_time() - start) * 1000:.0f} ms CPU")
    times: list[float] = []
    for folder in FOLDERS:
        found: Counter = Counter()
        for rel in discover(CORPUS / folder):
            data = (CORPUS / folder / rel).read_bytes()
            draft = parse(SourceFile(rel, data, 0, ""), cfg)
            if isinstance(draft, list):
                continue
            html = draft.body if draft.body_format == "html" else markdown_to_html(draft.body)
            text = clean_html(html, title=draft.meta.title, cfg=cfg.clean).text
            t = time.process_time()
            code, sure = language.detect(draft.meta.title, text, cfg.language)
            times.append(time.process_time() - t)
            found[(code, sure)] += 1
        print(folder, dict(found.most_common()))
    print(f"{len(times)} articles: median {statistics.median(times) * 1000:.2f} ms, "
          f"mean {statistics.mean(times) * 1000:.2f} ms per article (CPU)")


if __name__ == "__main__":
    main()
