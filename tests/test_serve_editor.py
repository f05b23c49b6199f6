"""The preview shows errors where the editor looks: on every page, on the failed article's
own URL (file and line), follows a moved article, and watches folders created later."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from conftest import make_site
from test_serve import get, wait_for

from builder import config
from builder.serve import start

ARTICLE = "---\ntitle: {title}\ndate: 2022-03-0{day}\n---\n宁德时代发布新电池。宁德时代。\n"


@pytest.fixture
def preview(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="第一篇", day=1),
                                "b.md": ARTICLE.format(title="第二篇", day=2),
                                "d.md": ARTICLE.format(title="草稿", day=3).replace(
                                    "---\n宁", "draft: true\n---\n宁")})
    cfg = replace(config.load(site), drafts=True)
    messages: list[str] = []
    srv, stop, state = start(cfg, site, port=0, say=messages.append)
    time.sleep(0.5)
    yield srv.server_address[1], tmp_path, messages
    stop.set()
    srv.shutdown()


def test_a_broken_article_shows_on_every_page_and_on_its_url(preview):
    port, root, messages = preview
    url = "/articles/2022/03/di-yi-pian/"
    assert get(port, url)[0] == 200
    (root / "content/a.md").write_text("---\ntitle: 第一篇\ndate: 2022-03-01\ntags: [a\n---\ntext\n")
    assert wait_for(lambda: "is missing" in get(port, url)[2]), messages
    status, _, body = get(port, url)
    assert status == 404
    assert "This page (/articles/2022/03/di-yi-pian/) is missing" in body
    assert "a.md:4: error front-matter-syntax" in body or "a.md:3: error front-matter-syntax" in body
    home = get(port, "/")[2]
    assert 'id="green-archive-errors"' in home and "a.md:" in home and "front-matter-syntax" in home
    assert "these files are not on the site" in home
    other = get(port, "/articles/2022/03/di-er-pian/")[2]
    assert "front-matter-syntax" in other
    (root / "content/a.md").write_text(ARTICLE.format(title="第一篇改", day=1))
    assert wait_for(lambda: get(port, url)[0] == 200), messages
    assert wait_for(lambda: 'id="green-archive-errors"' not in get(port, "/")[2])
    assert "第一篇改" in get(port, url)[2]  # the title edit kept the URL


def test_the_drafts_flag_survives_a_rebuild_and_a_moved_article_redirects(preview):
    port, root, messages = preview
    assert "草稿" in get(port, "/")[2]
    (root / "content/a.md").write_text(ARTICLE.format(title="第一篇", day=1).replace(
        "---\n宁", "slug: first\n---\n宁"))
    assert wait_for(lambda: get(port, "/articles/2022/03/first/")[0] == 200), messages
    assert "草稿" in get(port, "/")[2]  # still --drafts after the rebuild
    status, _, old = get(port, "/articles/2022/03/di-yi-pian/")
    # an open tab reloads onto the old URL and is sent on to the new one
    assert status == 200 and 'http-equiv="refresh"' in old and "/articles/2022/03/first/" in old


def test_a_templates_folder_created_while_serving_is_watched(preview):
    port, root, messages = preview
    templates = root / "templates"
    templates.mkdir()
    time.sleep(1.5)  # the watcher notices the new folder and watches it
    (templates / "404.html").write_text("<!doctype html><html><body>自定义 404</body></html>")
    assert wait_for(lambda: "自定义 404" in get(port, "/no/such/page/")[2]), messages
