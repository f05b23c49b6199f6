"""Images that last: with `images = "archive"`, each article's images are downloaded at build
time into the site (type and size checked, nothing executable), cached by URL across builds;
pages then point at the copies. `rewrite` is pure; `archive` does the network I/O."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .model import Problem

MAX_BYTES = 10 * 1024 * 1024
"""An image larger than this is not archived (a news photo is well under it)."""
TIMEOUT = 15.0
"""Seconds to connect and between two reads of one image."""
DEADLINE = 45.0
"""Seconds one image may take in all (a server trickling bytes does not hold the build)."""
WORKERS = 4
"""Downloads at once: enough to hide latency, few enough not to hammer a publisher."""
RETRY_AFTER = 7 * 24 * 3600
"""A failed URL is tried again after this many seconds (a rebuild meanwhile downloads nothing)."""
USER_AGENT = "green-archive (static archive builder; images archived once per URL)"
FOLDER = "media"
"""Where the copies live in the site: `/media/ab/abcdef….jpg`."""

# Only raster formats, recognised by their first bytes: the server's word is not taken, and
# SVG (which can hold scripts) is never archived.
SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "png"),
    (b"GIF87a", 0, "image/gif", "gif"),
    (b"GIF89a", 0, "image/gif", "gif"),
    (b"WEBP", 8, "image/webp", "webp"),
    (b"ftypavif", 4, "image/avif", "avif"),
    (b"BM", 0, "image/bmp", "bmp"),
)
ALLOWED_TYPES = frozenset(t for _, _, t, _ in SIGNATURES)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a raster image, from its magic bytes."""
    for magic, at, ctype, ext in SIGNATURES:
        if data[at:at + len(magic)] == magic and (ext != "webp" or data[:4] == b"RIFF"):
            return ctype, ext
    return None


def local_url(url: str, ext: str) -> str:
    """The site URL of an archived image: named by the hash of its original URL."""
    h = hashlib.sha256(url.encode()).hexdigest()
    return f"/{FOLDER}/{h[:2]}/{h[:24]}.{ext}"


_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\ssrc="([^"]*)"', re.I)


def find(body_html: str) -> list[str]:
    """The http(s) image URLs of a (sanitised) body, in order, once each."""
    out = []
    for tag in _IMG.findall(body_html):
        m = _SRC.search(tag)
        if m:
            url = html.unescape(m.group(1))
            if url.startswith(("http://", "https://")):
                out.append(url)
    return list(dict.fromkeys(out))


def rewrite(body_html: str, local: dict[str, str], https_site: bool) -> str:
    """Each archived image points at its copy, its original kept as the link around it (or the
    link it already sits in); on an https site an http image is asked for over https (never
    loaded as mixed content: if the host has no https, the page's script shows a link). Every
    image keeps its original address in `data-original` for that fallback."""
    def one(m: re.Match) -> str:
        tag = m.group(0)
        src = _SRC.search(tag)
        if not src:
            return tag
        original = html.unescape(src.group(1))
        new = local.get(original)
        if new is None and https_site and original.startswith("http://"):
            new = "https://" + original[len("http://"):]
        attrs = f' data-original="{html.escape(original)}"'
        if new is not None:
            tag = tag[:src.start()] + f' src="{html.escape(new)}"' + tag[src.end():]
        return tag[:4] + attrs + tag[4:]

    out = _IMG.sub(one, body_html)
    if local:
        out = _link_archived(out, local)
    return out


_A_OPEN = re.compile(r"<a\b", re.I)
_A_CLOSE = re.compile(r"</a>", re.I)


def _link_archived(body_html: str, local: dict[str, str]) -> str:
    """An archived image not already inside a link becomes a link to its original."""
    parts, pos, depth = [], 0, 0
    for m in re.finditer(r"<a\b[^>]*>|</a>|<img\b[^>]*>", body_html, re.I):
        parts.append(body_html[pos:m.start()])
        token = m.group(0)
        if _A_OPEN.match(token):
            depth += 1
        elif _A_CLOSE.match(token):
            depth = max(0, depth - 1)
        elif depth == 0:
            orig = re.search(r'data-original="([^"]*)"', token)
            src = _SRC.search(token)
            if orig and src and src.group(1).startswith("/"):
                token = (f'<a class="img-original" href="{orig.group(1)}" '
                         f'rel="noopener noreferrer external">{token}</a>')
        parts.append(token)
        pos = m.end()
    parts.append(body_html[pos:])
    return "".join(parts)


# -- downloading (I/O) ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Saved:
    """One URL's outcome, as the cache keeps it."""

    url: str
    file: str = ""
    """The copy's name in the cache folder (and its site URL's last part), when saved."""
    ctype: str = ""
    size: int = 0
    error: str = ""
    when: float = 0.0


class _NoOddRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects only to http(s): never to `file:` or `ftp:`."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise urllib.error.HTTPError(newurl, code, "redirect to a non-http URL", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_NoOddRedirects)


def download(url: str, timeout: float = TIMEOUT, deadline: float = DEADLINE,
             max_bytes: int = MAX_BYTES) -> tuple[bytes, str, str]:
    """The image's bytes, type and extension; raises ValueError with the reason."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("not an http(s) URL")
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
    start = time.monotonic()
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            declared = (resp.headers.get_content_type() or "").lower()
            if declared not in ALLOWED_TYPES and declared not in ("application/octet-stream",
                                                                  "binary/octet-stream"):
                raise ValueError(f"content type {declared or 'missing'} is not a raster image")
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise ValueError(f"{int(length)} bytes, more than the {max_bytes} allowed")
            chunks, size = [], 0
            while True:
                chunk = resp.read(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise ValueError(f"more than the {max_bytes} bytes allowed")
                if time.monotonic() - start > deadline:
                    raise ValueError(f"took more than {deadline:.0f} s")
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        raise ValueError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ValueError(f"cannot fetch: {reason}") from exc
    data = b"".join(chunks)
    kind = sniff(data)
    if kind is None:
        raise ValueError("the bytes are not a JPEG, PNG, GIF, WebP, AVIF or BMP image")
    return data, kind[0], kind[1]


class Store:
    """The image cache: `folder/index.json` (URL → outcome) and the files, kept across builds."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.index_path = folder / "index.json"
        try:
            raw = json.loads(self.index_path.read_text(encoding="utf-8"))
            self.entries = {u: Saved(**e) for u, e in raw.items()}
        except (OSError, ValueError, TypeError):
            self.entries = {}

    def fresh(self, url: str, now: float) -> Saved | None:
        e = self.entries.get(url)
        if e is None:
            return None
        if e.file:
            return e if (self.folder / e.file).is_file() else None
        return e if now - e.when < RETRY_AFTER else None

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.index_path.with_name(f"index.{os.getpid()}.tmp")
        data = {u: {"url": e.url, "file": e.file, "ctype": e.ctype, "size": e.size,
                    "error": e.error, "when": e.when} for u, e in sorted(self.entries.items())}
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
        os.replace(tmp, self.index_path)


def archive(wanted: dict[str, list[str]], folder: Path, workers: int = WORKERS,
            timeout: float = TIMEOUT, now: float | None = None
            ) -> tuple[dict[str, str], dict[str, Path], list[Problem], int]:
    """Download every image not cached yet (`wanted`: URL → the articles showing it).

    Returns (URL → site URL of its copy, site URL → cached file, problems, downloads made).
    A URL that failed is reported for each article that shows it, and retried after
    RETRY_AFTER; its page keeps the hot link (with the script's fallback to a link)."""
    now = time.time() if now is None else now
    store = Store(folder)
    todo = [u for u in wanted if store.fresh(u, now) is None]

    def fetch(url: str) -> Saved:
        try:
            data, ctype, ext = download(url, timeout=timeout)
        except ValueError as exc:
            return Saved(url, error=str(exc)[:200], when=now)
        name = local_url(url, ext).removeprefix(f"/{FOLDER}/")
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return Saved(url, file=name, ctype=ctype, size=len(data), when=now)

    if todo:
        with ThreadPoolExecutor(max(1, workers)) as pool:
            for saved in pool.map(fetch, todo):
                store.entries[saved.url] = saved
        store.save()
    local: dict[str, str] = {}
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for url, articles in wanted.items():
        e = store.entries.get(url)
        if e is not None and e.file:
            site_url = f"/{FOLDER}/{e.file}"
            local[url] = site_url
            files[site_url] = folder / e.file
        else:
            why = e.error if e is not None else "not downloaded"
            for article in articles:
                problems.append(Problem(article, None, "warning", "image-failed",
                                        f"image {url[:120]} not archived: {why}",
                                        "the page links the original instead"))
    return local, files, problems, len(todo)


def wanted_images(bodies: Iterable[tuple[str, str, str]]) -> dict[str, list[str]]:
    """(article id, lead image, body html) → image URL → the articles that show it."""
    out: dict[str, list[str]] = {}
    for article_id, lead, body in bodies:
        urls = find(body)
        if lead.startswith(("http://", "https://")):
            urls.append(lead)
        for url in dict.fromkeys(urls):
            out.setdefault(url, []).append(article_id)
    return out
