"""The preview in headless Chromium: a broken article's file and line on its own URL and on
the home page; an open tab follows its article to a new URL."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import make_site  # noqa: E402

from builder import config  # noqa: E402
from builder.serve import start  # noqa: E402

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent / "screenshots"
ARTICLE = "---\ntitle: {title}\ndate: 2022-03-0{day}\n{extra}---\n宁德时代发布新电池。宁德时代。\n"


@pytest.fixture
def preview(tmp_path):
    site = make_site(tmp_path, {"news/a.md": ARTICLE.format(title="第一篇", day=1, extra=""),
                                "news/b.md": ARTICLE.format(title="第二篇", day=2, extra="")})
    srv, stop, _ = start(config.load(site), site, port=0, say=lambda s: None)
    time.sleep(0.5)
    yield f"http://127.0.0.1:{srv.server_address[1]}", tmp_path
    stop.set()
    srv.shutdown()


@pytest.fixture
def page(tmp_path):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        browser.close()


def test_broken_article_named_on_its_url_and_on_the_home_page(preview, page):
    base, root = preview
    url = base + "/articles/2022/03/di-yi-pian/"
    page.goto(url)
    assert page.locator("h1").inner_text() == "第一篇"
    (root / "content/news/a.md").write_text("---\ntitle: 第一篇\ndate: 2022-03-01\n"
                                            "tags: [a\n---\ntext\n")
    # the open tab reloads by itself onto the 404 that explains why
    page.wait_for_selector("#green-archive-errors", timeout=20000)
    box = page.locator("#green-archive-errors").inner_text()
    assert "This page (/articles/2022/03/di-yi-pian/) is missing" in box
    assert "news/a.md:" in box and "front-matter-syntax" in box
    SHOTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"preview-error-{width}.png"))
    page.goto(base + "/")
    home_box = page.locator("#green-archive-errors").inner_text()
    assert "news/a.md:" in home_box and "not on the site" in home_box
    assert page.locator(".card").count() == 1


def test_an_open_tab_follows_its_article_to_a_new_url(preview, page):
    base, root = preview
    page.goto(base + "/articles/2022/03/di-er-pian/")
    page.wait_for_timeout(500)  # the reload channel connects
    (root / "content/news/b.md").write_text(ARTICLE.format(title="第二篇", day=2,
                                                           extra="slug: second\n"))
    page.wait_for_url(base + "/articles/2022/03/second/", timeout=20000)
    assert page.locator("h1").inner_text() == "第二篇"
