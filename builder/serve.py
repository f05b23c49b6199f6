"""Local preview: serve the output as a static host would, rebuild on change, reload pages.

The server is handed the build function; it adds watching (watchfiles), a server-sent-events
channel that tells open pages to reload, and an overlay listing the last build's errors. The
reload script is injected into HTML responses here, never written into the built site.
"""

from __future__ import annotations

import argparse
import html
import mimetypes
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import report, slugs, urls
from .build import run
from .config import Config, ConfigError, load
from .model import BuildResult, Problem
from .session import PreviewSession
from .state import state_dir

OVERRIDABLE = ("drafts", "future", "expired", "base_url")
"""Settings the command line may override (`serve --drafts --base-url …`)."""
RELOAD_PATH = "/__green_archive/events"
SCRIPT_PATH = "/__green_archive/reload.js"
RELOAD_JS = b"""(function () {
  var source = new EventSource("%s");
  source.addEventListener("reload", function () { window.location.reload(); });
})();
"""
TYPES = {".xml": "application/xml", ".json": "application/json", ".webmanifest":
         "application/manifest+json", ".js": "text/javascript", ".css": "text/css",
         ".wasm": "application/wasm", ".pf_meta": "application/octet-stream",
         ".pf_fragment": "application/octet-stream", ".pf_index": "application/octet-stream",
         ".pagefind": "application/octet-stream", ".svg": "image/svg+xml",
         ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


class State:
    """What the handler threads read: the last build's result, and a version that changes
    with every rebuild (open pages reload when it does)."""

    def __init__(self) -> None:
        self.version = 0
        self.result: BuildResult | None = None
        self.error: str = ""
        self.missing: dict[str, list[Problem]] = {}
        """Site URL → why the article published there is not built now."""
        self.changed = threading.Condition()

    def publish(self, result: BuildResult | None, error: str = "",
                missing: dict[str, list[Problem]] | None = None) -> None:
        with self.changed:
            self.result, self.error = result, error
            if missing is not None:
                self.missing = missing
            self.version += 1
            self.changed.notify_all()


HELD = ("draft", "date-future", "expired")
MAX_OVERLAY = 30


def missing_pages(cfg: Config, result: BuildResult) -> dict[str, list[Problem]]:
    """URL → the problems of the file last published there, for each article that is not
    built now (an error, or held back): its URL explains why it is missing."""
    records, _ = slugs.load(cfg)
    why: dict[str, list[Problem]] = {}
    for p in result.problems:
        if p.path in records and (p.severity == "error" or p.code in HELD):
            why.setdefault(p.path, []).append(p)
    return {records[rel].url: found for rel, found in why.items() if rel != slugs.STYLE}


def overlay(state: State, rel: str | None = None) -> str:
    """The preview's error box: why this URL is missing, then every error of the last build
    (an article that failed is not on the site: the editor sees it on whatever page is open)."""
    parts = []
    if rel is not None:
        found = state.missing.get(rel) or state.missing.get(rel.rstrip("/") + "/")
        if found:
            parts.append(f"This page ({rel}) is missing: the article published here is not "
                         "built now.\n" + "\n".join(report.line(p) for p in found))
    if state.error or (state.result and not state.result.ok):
        lines = state.error or "\n".join(report.line(p) for p in state.result.problems
                                          if p.severity == "error")
        parts.append(f"Build failed — showing the last good site.\n{lines}")
    elif state.result is not None:
        errors = [p for p in state.result.problems if p.severity == "error"]
        if errors:
            shown = "\n".join(report.line(p) for p in errors[:MAX_OVERLAY])
            more = f"\n… and {len(errors) - MAX_OVERLAY} more" if len(errors) > MAX_OVERLAY else ""
            parts.append(f"{len(errors)} error{'s' if len(errors) > 1 else ''}: "
                         f"these files are not on the site.\n{shown}{more}")
    if not parts:
        return ""
    return ('<div role="alert" id="green-archive-errors" style="position:fixed;inset:auto 0 0 0;'
            'max-height:50vh;overflow:auto;background:#7a1020;color:#fff;padding:1rem;'
            'font:14px/1.5 monospace;white-space:pre-wrap;z-index:99999">'
            + html.escape("\n\n".join(parts)) + "</div>")


def resolve(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside `root`, or None: no `..`, no encoded traversal,
    no symlink leading outside. Directories give their index.html."""
    path = unquote(url_path.split("?", 1)[0].split("#", 1)[0])
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or p.startswith("..") and set(p) == {"."} for p in parts):
        return None
    target = root.joinpath(*parts) if parts else root
    try:
        real = target.resolve(strict=True)
    except (FileNotFoundError, OSError, RuntimeError):
        return None
    if real != root and root not in real.parents:
        return None
    if real.is_dir():
        real = real / "index.html"
        if not real.is_file():
            return None
    return real if real.is_file() else None


MAX_BODY = 64 * 1024
"""A GET or HEAD carrying a body up to this size has it read and dropped; a larger one, or a
chunked one, is refused and the connection closed (never parsed as the next request)."""
IDLE_TIMEOUT = 30
"""Seconds a connection may stay silent before its thread lets it go."""


class PreviewServer(ThreadingHTTPServer):
    """The threading server with a real listen backlog and no Nagle delay."""

    daemon_threads = True
    request_queue_size = 128
    """The listen() backlog: a class attribute, because `server_activate` reads it while the
    server is being constructed (setting it on the instance afterwards changes nothing)."""

    def get_request(self):
        conn, addr = super().get_request()
        # small responses go out at once: without this, a keep-alive request waits ~40 ms
        # for the delayed ACK of the previous one (Nagle)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, addr


class PreviewHandler(BaseHTTPRequestHandler):
    """The preview's requests: the built site under `base`, the live-reload event stream and
    script, the error overlay on every HTML page. `make_handler` binds `root`, `base` and
    `state`."""

    root: Path
    base: str
    state: State
    server_version = "green-archive"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT

    def log_message(self, fmt: str, *args) -> None:  # quiet: the terminal shows rebuilds
        pass

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def drop_body(self) -> bool:
        """Read and drop a request body; False (and the connection closed) when it is
        chunked, too large or malformed."""
        if self.headers.get("Transfer-Encoding"):
            self.send_error(HTTPStatus.LENGTH_REQUIRED, "request bodies are not accepted")
            self.close_connection = True
            return False
        length = self.headers.get("Content-Length")
        if not length:
            return True
        try:
            size = int(length)
        except ValueError:
            size = -1
        if not 0 <= size <= MAX_BODY:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE if size > 0 else
                            HTTPStatus.BAD_REQUEST, "request body refused")
            self.close_connection = True
            return False
        while size > 0:
            chunk = self.rfile.read(min(size, 16384))
            if not chunk:
                self.close_connection = True
                return False
            size -= len(chunk)
        return True

    def do_GET(self, head: bool = False) -> None:
        if not self.drop_body():
            return
        path = urlsplit(self.path).path
        if path == RELOAD_PATH:
            return self.events()
        if path == SCRIPT_PATH:
            return self.send(200, RELOAD_JS % RELOAD_PATH.encode(), "text/javascript", head)
        if not path.startswith(self.base):
            if path in ("/", ""):
                return self.redirect(self.base)
            return self.not_found(head)
        rel = "/" + path[len(self.base):]
        file = resolve(self.root, rel)
        if file is None:
            return self.not_found(head, unquote(rel))
        if file.name == "index.html" and not rel.endswith("/") and \
                not rel.endswith("index.html"):
            return self.redirect(path + "/")
        self.send(200, self.inject(file.read_bytes(), file.suffix), _type(file), head)

    def inject(self, body: bytes, suffix: str, rel: str | None = None) -> bytes:
        if suffix != ".html":
            return body
        extra = f'<script src="{SCRIPT_PATH}"></script>' + overlay(self.state, rel)
        return body.replace(b"</body>", extra.encode() + b"</body>", 1)

    def not_found(self, head: bool, rel: str | None = None) -> None:
        page = self.root / "404.html"
        body = page.read_bytes() if page.is_file() else b"<!doctype html><body>Not found</body>"
        self.send(404, self.inject(body, ".html", rel), "text/html; charset=utf-8", head)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send(self, status: int, body: bytes, ctype: str, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        if self.request_version == "HTTP/0.9":  # no headers at all
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        self._headers_buffer.append(b"\r\n")
        if not head:
            self._headers_buffer.append(body)  # headers and body in one send
        self.flush_headers()

    def events(self) -> None:
        """Server-sent events: one `reload` message after every rebuild."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        seen = self.state.version
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                with self.state.changed:
                    self.state.changed.wait(timeout=15)
                if self.state.version != seen:
                    seen = self.state.version
                    self.wfile.write(b"event: reload\ndata: %d\n\n" % seen)
                else:
                    self.wfile.write(b": ping\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


def make_handler(root: Path, base: str, state: State) -> type[PreviewHandler]:
    """The handler class for one preview: the output folder `root`, served under `base`."""
    return type("Handler", (PreviewHandler,), {"root": root.resolve(), "base": base,
                                               "state": state, "timeout": IDLE_TIMEOUT})


def _type(file: Path) -> str:
    return TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0] \
        or "application/octet-stream"


class SearchIndexer:
    """Re-indexes search in the background after rebuilds, so a reload never waits for it;
    requests that arrive while it runs are folded into one more run."""

    def __init__(self, say: Callable[[str], None]):
        self.say = say
        self.pending: Config | None = None
        self.lock = threading.Lock()
        self.running = False

    def request(self, cfg: Config) -> None:
        with self.lock:
            self.pending = cfg
            if self.running:
                return
            self.running = True
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            with self.lock:
                cfg, self.pending = self.pending, None
                if cfg is None:
                    self.running = False
                    return
            # A build with search: it takes the output's lock (never while a build writes),
            # finds every page current and indexes only the pieces of the archive that changed.
            result = run(cfg, search_index=True, wait=3600)
            for p in result.problems:
                if p.code.startswith("search") or p.severity == "error":
                    self.say(report.line(p))


def watch_candidates(cfg: Config, config_path: Path) -> list[Path]:
    """Everything a build reads, whether it exists yet or not."""
    paths = [cfg.path("content_dir"), cfg.path("taxonomy_dir"), config_path.resolve(),
             (Path(cfg.root) / cfg.themes_dir / cfg.theme).resolve(),
             (Path(cfg.root) / cfg.templates_dir).resolve(), (Path(cfg.root) / "static").resolve()]
    return list(dict.fromkeys(paths))


def watch_paths(cfg: Config, config_path: Path) -> list[Path]:
    return [p for p in watch_candidates(cfg, config_path) if p.exists()]


def rebuild_loop(reload_config: Callable[[], Config], config_path: Path, state: State,
                 stop: threading.Event, say: Callable[[str], None],
                 session: PreviewSession | None = None) -> None:
    """Wait for changes (watchfiles), rebuild, publish. Errors stay in the page and the
    terminal; the next good save recovers. `session`: the first build's (warm caches)."""
    from watchfiles import watch

    session = session or PreviewSession()
    indexer = SearchIndexer(say)
    cfg = reload_config()
    output, cache = cfg.path("output_dir"), state_dir(cfg)

    def relevant(_change, path: str) -> bool:
        p = Path(path)
        # the build writes the slugs file: watching it would rebuild once more after each build
        return not (p == output or output in p.parents or cache in p.parents
                    or p.name.endswith((".tmp", "~", ".swp")) or p.name.startswith(".#")
                    or p.name == Path(cfg.slugs_file or slugs.FILE).name)

    while not stop.is_set():
        watched = watch_paths(cfg, config_path)
        for changes in watch(*watched, watch_filter=relevant, stop_event=stop, debounce=50,
                             step=20, rust_timeout=500, yield_on_timeout=True):
            appeared = [p for p in watch_paths(cfg, config_path) if p not in watched]
            if not changes and not appeared:
                continue
            cfg = _rebuild(reload_config, state, say, session, indexer, cfg,
                           changes or {(None, str(p)) for p in appeared})
            if appeared:  # a new templates/ or static/ folder: watch it too
                break


def _rebuild(reload_config: Callable[[], Config], state: State, say: Callable[[str], None],
             session: PreviewSession, indexer: SearchIndexer, cfg: Config, changes) -> Config:
    """One rebuild after `changes`; publishes the result (or the error) to open pages."""
    names = sorted({Path(p).name for _, p in changes})
    started = time.perf_counter()
    try:
        cfg = reload_config()
        result = run(cfg, session=session, search_index=False)
    except ConfigError as exc:
        message = "\n".join(report.line(p) for p in exc.problems)
        say(f"config error:\n{message}")
        state.publish(state.result, message)
        return cfg
    except Exception as exc:  # noqa: BLE001 - the server must survive any rebuild error
        say(f"rebuild failed: {type(exc).__name__}: {exc}")
        state.publish(state.result, f"{type(exc).__name__}: {exc}")
        return cfg
    took = time.perf_counter() - started
    errors = [p for p in result.problems if p.severity == "error"]
    for p in errors[:20]:
        say(report.line(p))
    say(f"rebuilt in {took:.2f}s after {', '.join(names[:3])}"
        f"{' …' if len(names) > 3 else ''}: {result.written} written, "
        f"{result.removed} removed, {len(errors)} errors")
    state.publish(result, "" if result.ok else "\n".join(report.line(p) for p in errors),
                  missing_pages(cfg, result))
    if result.ok and cfg.search and (result.written or result.removed):
        indexer.request(cfg)
    return cfg


def start(cfg: Config, config_path: Path, host: str = "127.0.0.1", port: int = 8000,
          watch: bool = True, say: Callable[[str], None] = print
          ) -> tuple[ThreadingHTTPServer, threading.Event, State]:
    """Build once, then serve (and watch) in background threads; returns the server."""
    state = State()
    session = PreviewSession()
    result = run(cfg, session=session)
    state.publish(result, "", missing_pages(cfg, result))
    server = PreviewServer((host, port),
                           make_handler(cfg.path("output_dir"), urls.base_path(cfg), state))
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    if watch:
        overrides: dict = {}

        def reload_config() -> Config:
            return replace(load(config_path, content_dir=str(cfg.path("content_dir")),
                                output_dir=str(cfg.path("output_dir"))), **overrides)

        try:  # what the command line set (--drafts, --base-url…) outlives a site.toml edit
            from_file = reload_config()
            overrides.update({name: getattr(cfg, name) for name in OVERRIDABLE
                              if getattr(cfg, name) != getattr(from_file, name)})
        except ConfigError:
            pass

        threading.Thread(target=rebuild_loop, args=(reload_config, config_path, state, stop, say,
                                                    session), daemon=True).start()
    return server, stop, state


def cmd_serve(cfg: Config, args: argparse.Namespace) -> int:
    try:
        server, stop, state = start(cfg, Path(args.config), args.host, args.port,
                                    watch=not args.no_watch,
                                    say=lambda s: print(s, file=sys.stderr, flush=True))
    except OSError as exc:
        if exc.filename:  # a file, not the socket: the command line reports it
            raise
        print(f"{args.host}:{args.port}: error listen-failed: cannot serve there: "
              f"{exc.strerror or exc} (choose another --port, or --port 0 for a free one)",
              file=sys.stderr)
        return report.EXIT_ERRORS
    host, port = server.server_address[:2]
    address = f"http://{host}:{port}{urls.base_path(cfg)}"
    result = state.result
    if result is not None:
        if not result.ok:
            for p in result.problems:
                if p.severity == "error":
                    print(report.line(p), file=sys.stderr)
        print(report.summary(result.problems), file=sys.stderr)
    print(f"serving {cfg.path('output_dir')} at {address} (Ctrl-C to stop)", flush=True)
    if args.open:
        webbrowser.open(address)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
    return 0
