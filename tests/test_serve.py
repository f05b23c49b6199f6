"""The preview server: edits, deletions and broken YAML show up in the served pages."""

from __future__ import annotations

import http.client
import threading
import time
from urllib.request import urlopen

import pytest
from conftest import make_site

from builder import config
from builder.serve import resolve, start


def get(port: int, path: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    conn.close()
    return resp.status, resp.getheader("Content-Type", ""), body


def wait_for(predicate, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


ARTICLE = "---\ntitle: {title}\ndate: 2022-03-0{day}\n---\n宁德时代发布新电池。宁德时代。宁德时代。\n"


@pytest.fixture
def server(tmp_path):
    site = make_site(tmp_path, {"a.md": ARTICLE.format(title="第一篇", day=1),
                                "b.md": ARTICLE.format(title="第二篇", day=2)})
    cfg = config.load(site)
    messages: list[str] = []
    srv, stop, state = start(cfg, site, port=0, say=messages.append)
    time.sleep(0.5)  # let the watcher start
    yield srv.server_address[1], tmp_path, messages
    stop.set()
    srv.shutdown()


def test_edit_delete_and_broken_yaml(server):
    port, root, messages = server
    status, ctype, home = get(port, "/")
    assert status == 200 and ctype.startswith("text/html") and "第一篇" in home
    assert "/__green_archive/reload.js" in home  # injected in preview only
    assert "reload.js" not in (root / "public/index.html").read_text()

    (root / "content/a.md").write_text(ARTICLE.format(title="改过的标题", day=1))
    assert wait_for(lambda: "改过的标题" in get(port, "/")[2]), messages

    (root / "content/b.md").unlink()
    assert wait_for(lambda: "第二篇" not in get(port, "/")[2]), messages
    # the commit moves new pages in, then removes stale ones: wait for both
    assert wait_for(lambda: get(port, "/articles/2022/03/di-er-pian/")[0] == 404)

    (root / "content/a.md").write_text("---\ntitle: [broken\ndate: 2022-03-01\n---\ntext\n")
    assert wait_for(lambda: any("front-matter-syntax" in m for m in messages)), messages
    (root / "content/a.md").write_text(ARTICLE.format(title="修好了", day=1))
    assert wait_for(lambda: "修好了" in get(port, "/")[2]), messages


def test_static_host_behaviour(server):
    port, _, _ = server
    assert get(port, "/feed.xml")[1].startswith("application/xml")
    assert get(port, "/api/articles.json")[1].startswith("application/json")
    status, _, body = get(port, "/no/such/page/")
    assert status == 404 and "404" in body
    for attack in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%252e%252e/etc/passwd",
                   "/static/..%2f..%2f..%2fetc/passwd", "/..\\..\\etc\\passwd"):
        assert get(port, attack)[0] == 404, attack


def test_resolve_refuses_symlinks_out(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("s")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    assert resolve(root.resolve(), "/leak.txt") is None


@pytest.mark.slow
def test_bounded_load(server):
    """2,000 requests at 50 concurrent on loopback: no error, no dropped connection."""
    port, _, _ = server
    errors: list[str] = []
    paths = ["/", "/feed.xml", "/static/style.css", "/companies/", "/nope/"]

    def worker(n: int) -> None:
        for i in range(40):
            try:
                with urlopen(f"http://127.0.0.1:{port}{paths[(n + i) % len(paths)]}", timeout=20) as r:
                    r.read()
            except Exception as exc:  # noqa: BLE001
                if getattr(exc, "code", None) != 404:
                    errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
