"""Images that last: `images = "archive"` against a server on 127.0.0.1 (type and size checks,
nothing executable, cached by URL so a rebuild downloads nothing, failures reported per image);
the rewriting of bodies (copies linked to their originals; no mixed content on https)."""

from __future__ import annotations

import json
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import make_site

from builder import config, images
from builder.build import run


def png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x00\x80\x40" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = png()
ROUTES = {
    "/photo.png": (200, "image/png", PNG),
    "/octet.png": (200, "application/octet-stream", PNG),
    "/page.png": (200, "text/html", b"<html><script>alert(1)</script></html>"),
    "/lying.jpg": (200, "image/jpeg", b"<svg onload=alert(1)></svg>" + b" " * 100),
    "/vector.svg": (200, "image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
    "/huge.png": (200, "image/png", PNG + b"\x00" * (images.MAX_BYTES + 10)),
}


class Server:
    """Serves ROUTES on 127.0.0.1 and counts the requests per path."""

    def __init__(self):
        hits: dict[str, int] = {}
        self.hits = hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                hits[self.path] = hits.get(self.path, 0) + 1
                if self.path == "/redirect-file":
                    self.send_response(302)
                    self.send_header("Location", "file:///etc/passwd")
                    self.end_headers()
                    return
                status, ctype, body = ROUTES.get(self.path, (404, "text/plain", b"missing"))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def test_sniff_and_download_checks(server):
    assert images.sniff(PNG) == ("image/png", "png")
    assert images.sniff(b"<svg") is None
    data, ctype, ext = images.download(server.base + "/photo.png")
    assert data == PNG and (ctype, ext) == ("image/png", "png")
    assert images.download(server.base + "/octet.png")[2] == "png"  # type from the bytes
    for path, why in (("/page.png", "not a raster image"), ("/lying.jpg", "not a JPEG"),
                      ("/vector.svg", "not a raster image"), ("/huge.png", "allowed"),
                      ("/gone.png", "HTTP 404"), ("/redirect-file", "HTTP 302")):
        with pytest.raises(ValueError, match=why):
            images.download(server.base + path)
    with pytest.raises(ValueError, match="http"):
        images.download("file:///etc/passwd")


def test_rewrite_links_the_original_and_avoids_mixed_content():
    body = ('<p><img src="https://a.example/x.jpg" alt="x"></p>'
            '<p><a href="https://a.example/big.jpg"><img src="https://a.example/y.jpg"></a></p>'
            '<p><img src="http://old.example/z.jpg" alt="z"></p>')
    local = {"https://a.example/x.jpg": "/media/aa/x.jpg", "https://a.example/y.jpg": "/media/bb/y.jpg"}
    out = images.rewrite(body, local, https_site=True)
    assert '<a class="img-original" href="https://a.example/x.jpg"' in out
    assert 'src="/media/aa/x.jpg"' in out and 'data-original="https://a.example/x.jpg"' in out
    assert out.count("<a ") == 2  # the image already in a link keeps that link only
    assert 'src="https://old.example/z.jpg"' in out and 'src="http://' not in out
    plain = images.rewrite(body, {}, https_site=False)
    assert 'src="http://old.example/z.jpg"' in plain and "img-original" not in plain


def article(name: str, srcs: list[str]) -> str:
    imgs = "".join(f'<p><img src="{s}" alt="图{i}"></p>' for i, s in enumerate(srcs))
    return (f"---\ntitle: 储能电站{name}\ndate: 2024-05-0{len(name)}\n---\n\n"
            f"<p>储能电站的文章正文，足够长的一段文字。</p>{imgs}")


def test_archive_build_saves_images_and_rebuild_downloads_nothing(tmp_path, server):
    good, bad = server.base + "/photo.png", server.base + "/page.png"
    site = make_site(tmp_path, {"a.md": article("a", [good, bad]), "bb.md": article("bb", [good])},
                     settings='images = "archive"\n')
    cfg = config.load(site)
    result = run(cfg)
    assert result.ok
    out = Path(cfg.path("output_dir"))
    saved = list((out / "media").rglob("*.png"))
    assert len(saved) == 1 and saved[0].read_bytes() == PNG
    failed = [p for p in result.problems if p.code == "image-failed"]
    assert [p.path for p in failed] == ["a.md"] and "not a raster image" in failed[0].message
    api = json.loads((out / "api/articles.json").read_text())["articles"]
    page = (out / api[0]["url"].split("example.org/", 1)[1] / "index.html").read_text()
    local = "/" + saved[0].relative_to(out).as_posix()
    assert f'src="{local}"' in page and f'href="{good}"' in page  # the copy, linked to the original
    # a failure keeps the hot link (ui.js collapses it to a link if it cannot load); the site is
    # https, so the http image is asked for over https, never loaded as mixed content
    assert f'src="{bad.replace("http://", "https://")}"' in page and f'data-original="{bad}"' in page
    assert "img-src 'self' https: data:" in page
    assert server.hits["/photo.png"] == 1  # two articles, one download

    (tmp_path / "content" / "c.md").write_text(article("ccc", [good]), encoding="utf-8")
    again = run(cfg)
    assert again.ok
    assert server.hits["/photo.png"] == 1 and server.hits["/page.png"] == 1  # from the cache
    assert [p.path for p in again.problems if p.code == "image-failed"] == ["a.md"]


def test_hotlink_is_the_default(tmp_path, server):
    site = make_site(tmp_path, {"a.md": article("a", [server.base + "/photo.png"])})
    cfg = config.load(site)
    assert cfg.images == "hotlink"
    assert run(cfg).ok
    assert not server.hits and not (Path(cfg.path("output_dir")) / "media").exists()


def test_bad_images_setting_is_named(tmp_path):
    site = make_site(tmp_path, {}, settings='images = "copy"\n')
    with pytest.raises(config.ConfigError, match="images"):
        config.load(site)
