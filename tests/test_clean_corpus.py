"""The cleaner over the whole corpus: never raises, keeps the article's text, and is a fixed
point (cleaning the cleaned body changes nothing: the build cleans every article once).

Kept text: word characters of the cleaned text plus those removed as chrome (page furniture:
repeated headings, time/source/reporter lines, widgets, nav/header/footer) must be at least 95%
of the original's word characters, scripts, styles and comments excluded (they are not text).
"""

from __future__ import annotations

import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment
from conftest import CORPUS, source

from builder import config, sources
from builder.clean import clean_html, markdown_to_html
from builder.parse import parse

WORD = re.compile(r"\w")
NOT_TEXT = ["script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
            "textarea", "select", "title", "head"]


def original_chars(html: str) -> int:
    soup = BeautifulSoup(html, "lxml")
    for node in soup.find_all(NOT_TEXT):
        node.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    return len(WORD.findall(soup.get_text()))


def measure(path: str) -> tuple[str, int, int, bool] | None:
    cfg = config.parse("")[0]
    folder, rel = path.split("/", 1)
    draft = parse(source(rel, (CORPUS / folder / rel).read_bytes()), cfg)
    if isinstance(draft, list):
        return None
    html = draft.body if draft.body_format == "html" else markdown_to_html(draft.body)
    cleaned = clean_html(html, title=draft.meta.title, base_url=draft.meta.source_url, cfg=cfg.clean)
    kept = len(WORD.findall(cleaned.text)) + cleaned.facts.removed_chars
    again = clean_html(cleaned.html, title=draft.meta.title, base_url=draft.meta.source_url,
                       cfg=cfg.clean)
    return path, original_chars(html), kept, again.html == cleaned.html


def all_files() -> list[str]:
    return [f"{folder.name}/{rel}" for folder in sorted(CORPUS.iterdir()) if folder.is_dir()
            for rel in sources.discover(folder)]


def test_text_is_kept_across_the_corpus(corpus: Path):
    files = all_files()
    with ProcessPoolExecutor() as pool:
        results = [r for r in pool.map(measure, files, chunksize=32) if r]
    assert len(results) > 4500
    total_original = sum(o for _, o, _, _ in results)
    total_kept = sum(k for _, _, k, _ in results)
    assert total_kept >= 0.95 * total_original
    lossy = [(p, o, k) for p, o, k, _ in results if o > 200 and k < 0.95 * o]
    # per article: no article with real text loses more than 5% of it
    assert lossy == [], lossy[:10]
    # every article: clean(clean(x)) == clean(x), with the build's title and base URL
    moved = [p for p, _, _, same in results if not same]
    assert moved == [], f"{len(moved)} bodies change on a second cleaning: {moved[:10]}"


@pytest.mark.parametrize("name", ["000_17c14c4c1dfdf88d.md", "003_7e87390b08e9f01a.md"])
def test_seed_text_kept(name):
    from conftest import CONTENT

    cfg = config.parse("")[0]
    draft = parse(source(name, (CONTENT / name).read_bytes()), cfg)
    cleaned = clean_html(draft.body, title=draft.meta.title, cfg=cfg.clean)
    original = original_chars(draft.body)
    assert len(WORD.findall(cleaned.text)) + cleaned.facts.removed_chars >= 0.95 * original
