"""An edit updates the search index in place (a delta bundle over the piece's base), and the
search page shows what the article says now: its new words find it, the words it no longer has
do not, and it is listed once.

Content: the sample articles plus the German news folder of ../shared/corpus when it is there
(a piece of real size), else the sample articles alone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from searchpage import path_of, search

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DE = ROOT.parent / "shared" / "corpus" / "renewable-energy-news"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
from test_site_browser import LAUNCH_ARGS, Served  # noqa: E402

OLD, NEW = "Qxzylophon", "Vrumbatrix"


def build(content: Path, out: Path) -> dict:
    run = subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(content),
                          "--output", str(out), "--quiet"], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "search-failed" not in run.stdout + run.stderr, run.stdout[-3000:]
    return json.loads((out / "api" / "articles.json").read_text(encoding="utf-8"))


def test_an_edited_article_is_found_by_what_it_says_now(tmp_path):
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(ROOT / "content", content)
    if CORPUS_DE.is_dir():
        shutil.copytree(CORPUS_DE, content / "renewable-energy-news")
        edited = sorted((content / "renewable-energy-news").rglob("*.md"))[40]
    else:
        edited = sorted(content.glob("*.md"))[0]
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original + f"\n\nDie {OLD} steht nur hier.\n", encoding="utf-8")
    api = build(content, out)
    root = out / "pagefind"
    whole = {p.name: p.stat().st_mtime_ns for p in root.glob("p-*")}

    edited.write_text(original + f"\n\nDie {NEW} steht nur hier.\n", encoding="utf-8")
    api = build(content, out)
    manifest = json.loads((root / "pieces.json").read_text(encoding="utf-8"))
    deltas = [p for p in manifest["pieces"] if p.get("delta")]
    assert len(deltas) == 1 and deltas[0]["delta"]["pages"] == 1 and len(deltas[0]["stale"]) == 1, \
        manifest
    assert {p.name: p.stat().st_mtime_ns for p in root.glob("p-*")} == whole, \
        "the whole bundles must be kept as they were"

    served = Served(out, api)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            found_new, _ = search(page, served.base, NEW)
            found_old, _ = search(page, served.base, OLD)
            assert len(found_new) == 1, found_new
            assert found_old == [], "the base's out-of-date page must not be listed"
            url = path_of(found_new[0]["url"])
            title = found_new[0]["title"]
            by_title, _ = search(page, served.base, title)
            browser.close()
    finally:
        served.close()
    assert [path_of(r["url"]) for r in by_title].count(url) == 1, \
        "the edited article must be listed once, not once per bundle"
