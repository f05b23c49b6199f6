"""XSS in a real browser: build tests/cases/xss, serve it on 127.0.0.1, open every article
page (and the listings that show titles, excerpts and sources) in headless Chromium, poke
the links and images, and check that nothing ran.

Execution is detected by: a dialog (alert/confirm/prompt), `window.__xss` being defined, a
console message or page error mentioning "xss", and, because the pages carry a
Content-Security-Policy that would hide an inline handler that slipped through, by any
`securitypolicyviolation` of a script directive and by scanning the live DOM (as Chromium
parsed it) for event-handler attributes, script URLs and foreign (SVG/MathML) elements.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
XSS = ROOT / "tests" / "cases" / "xss"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SETTLE_MS = 300
POKE = "main article a, main article img, main [tabindex], main summary, main input"
"""Hovered and focused on every page."""
CLICK = "main .body a, main .body img, main p.original a"
"""Also clicked (the article body and the link to the original)."""

pytestmark = pytest.mark.browser

INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`);
}, true);
"""

DOM_SCAN = """
() => {
  const bad = [];
  const XHTML = 'http://www.w3.org/1999/xhtml';
  const scriptUrl = /^[\\s\\u0000-\\u001f]*(javascript|vbscript|data):/i;
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc' || name === 'formaction')
        bad.push(`<${tag} ${a.name}="${a.value.slice(0, 60)}">`);
      if (/(^|:)href$|^src$|^srcset$|^action$|^data$|^poster$/.test(name)
          && scriptUrl.test(a.value))
        bad.push(`<${tag} ${a.name}="${a.value.slice(0, 60)}">`);
    }
    for (const prop of ['href', 'src', 'action', 'data']) {
      let v = el[prop];
      if (v && typeof v === 'object' && 'baseVal' in v) v = v.baseVal;
      if (typeof v === 'string' && scriptUrl.test(v)) bad.push(`${tag}.${prop} = ${v.slice(0, 60)}`);
    }
    if (el.namespaceURI !== XHTML) bad.push(`foreign element <${tag}> (${el.namespaceURI})`);
  }
  // a form other than the theme's header search field (a GET to /search/)
  const selectors = ['script:not([src]):not([type="application/ld+json"])', 'iframe', 'frame', 'object', 'embed', 'base',
                     'form:not(header form.site-search[role="search"][method="get"][action="/search/"])',
                     'meta[http-equiv="refresh" i]', 'link[rel~="import" i]', 'template',
                     'main article :is(input, button, textarea, select, details, video, audio)'];
  for (const sel of selectors)
    for (const el of document.querySelectorAll(sel)) bad.push(`element ${sel}: ${el.outerHTML.slice(0, 80)}`);
  return bad;
}
"""


def _browser_available() -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent")
    pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    _browser_available()
    out = tmp_path_factory.mktemp("xss-browser") / "out"
    run = subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(XSS),
                          "--output", str(out), "--no-search", "-q"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield out, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def _pages(out: Path) -> list[str]:
    """Site paths of every article page, then the listings that show their titles."""
    items = json.loads((out / "api" / "articles.json").read_text("utf-8"))["articles"]
    paths = sorted({urlsplit(i["url"]).path for i in items})
    assert len(items) == len(list(XSS.glob("*.md"))), "not every vector was built"
    for path in paths:
        assert (out / path.lstrip("/") / "index.html").is_file(), path
    extra = ["/", "/sources/", "/archive/2024/01/"]
    extra += sorted("/" + p.parent.relative_to(out).as_posix() + "/"
                    for p in (out / "sources").glob("*/index.html"))
    return paths + [e for e in extra if (out / e.lstrip("/") / "index.html").is_file()]


class Tab:
    """One Chromium page wired to record every sign of script execution."""

    def __init__(self, context, error_type):
        self.error_type = error_type
        self.page = page = context.new_page()
        self.events: list[str] = []
        events = self.events
        page.on("dialog", lambda d: (events.append(f"dialog {d.type}: {d.message!r}"),
                                     d.dismiss()))
        page.on("console", lambda m: events.append(f"console {m.type}: {m.text[:200]}")
                if "xss" in m.text.lower() else None)
        page.on("pageerror", lambda e: events.append(f"page error: {str(e)[:200]}")
                if "xss" in str(e).lower() else None)
        page.on("framenavigated", lambda f: events.append(f"navigated to {f.url[:100]}")
                if urlsplit(f.url).scheme not in ("http", "https", "about", "chrome-error")
                else None)
        self.url = ""
        self.found: list[str] = []

    def open(self, url: str) -> None:
        """Open `url` and poke it: hover and focus everything clickable in the article,
        click what is in its body (coming back when a click navigates away)."""
        self.url, self.found = url, []
        self.events.clear()
        page = self.page
        page.bring_to_front()  # input to a background tab waits for frames that never come
        page.goto(url, wait_until="load")
        for i in range(page.evaluate(f"() => document.querySelectorAll({POKE!r}).length")):
            self._mouse(POKE, i, click=False)
        page.evaluate(f"() => document.querySelectorAll({POKE!r}).forEach(el => el.focus())")
        for i in range(page.evaluate(f"() => document.querySelectorAll({CLICK!r}).length")):
            self._mouse(CLICK, i, click=True)
            page.wait_for_timeout(30)
            self.found += self._state()

    def _mouse(self, selector: str, i: int, click: bool) -> None:
        """Move the real mouse onto (and maybe click) the i-th match, scrolled into view."""
        point = self._evaluate(f"""() => {{
            const el = document.querySelectorAll({selector!r})[{i}];
            if (!el) return null;
            el.scrollIntoView({{block: 'center'}});
            const r = el.getBoundingClientRect();
            return [r.x + Math.max(1, r.width / 2), r.y + Math.max(1, r.height / 2)];
        }}""")
        if point is None:
            return
        if click:
            self.page.mouse.click(*point)
        else:
            self.page.mouse.move(*point, steps=2)

    def verdict(self) -> list[str]:
        """After the settle time: everything suspicious seen on this page."""
        found = self._state() + [f"DOM: {d}" for d in self._evaluate(DOM_SCAN)]
        return list(self.events) + self.found + found

    def _evaluate(self, script: str):
        """Evaluate in the page at self.url; a click may still be navigating away: come back."""
        for _ in range(3):
            try:
                self.page.wait_for_load_state("load")
                if self.page.url.split("#")[0] != self.url:
                    self.page.goto(self.url, wait_until="load")
                return self.page.evaluate(script)
            except self.error_type as exc:
                if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                    raise
        raise AssertionError(f"{self.url}: the page keeps navigating away")

    def _state(self) -> list[str]:
        state = self._evaluate(
            "() => ({xss: typeof window.__xss, csp: window.__cspViolations || []})")
        found = [f"window.__xss is {state['xss']}"] if state["xss"] != "undefined" else []
        return found + [f"CSP violation: {v}" for v in state["csp"] if "script" in v]


class Harness:
    """Headless Chromium with BATCH tabs: pages are opened and poked in a batch, then left to
    settle SETTLE_MS together, then checked."""

    BATCH = 8

    def __init__(self, pw, origin: str):
        from playwright.sync_api import Error as PlaywrightError

        self.browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = self.browser.new_context(java_script_enabled=True)
        context.set_default_timeout(5000)
        context.add_init_script(INIT_SCRIPT)
        # Nothing leaves 127.0.0.1: remote images fail (so any onerror would fire).
        context.route(re.compile(r".*"), lambda route: route.continue_()
                      if urlsplit(route.request.url).netloc == origin else route.abort())
        self.tabs = [Tab(context, PlaywrightError) for _ in range(self.BATCH)]

    def close(self) -> None:
        self.browser.close()

    def check(self, urls: list[str]) -> dict[str, list[str]]:
        """url → what was suspicious there (only urls with findings)."""
        failures: dict[str, list[str]] = {}
        for start in range(0, len(urls), self.BATCH):
            batch = list(zip(self.tabs, urls[start:start + self.BATCH], strict=False))
            for tab, url in batch:
                tab.open(url)
            self.tabs[0].page.wait_for_timeout(SETTLE_MS)
            for tab, url in batch:
                found = tab.verdict()
                if found:
                    failures[url] = found
        return failures


def test_harness_detects_execution(served):
    """The detectors work: a page that runs a payload is flagged by each of them, and so is
    an inline handler that the site's Content-Security-Policy blocks."""
    from playwright.sync_api import sync_playwright

    out, base = served
    (out / "xss-control").mkdir(exist_ok=True)
    (out / "xss-control" / "index.html").write_text(
        "<!doctype html><main><article><div class=body><p>control</p>"
        "<img src=\"https://example.com/x.png\" onerror=\"window.__xss=1;alert(1)\">"
        "<a href=\"javascript:console.log('xss-clicked')\">click</a></div></article></main>",
        encoding="utf-8")
    # A real article page of the site, with one handler slipped into its body.
    page = next((out / "articles").rglob("index.html")).read_text("utf-8")
    assert 'http-equiv="Content-Security-Policy"' in page
    page = page.replace('<div class="body">', '<div class="body"><img src="https://example.com/'
                        'y.png" onerror="window.__xss=1">', 1)
    (out / "xss-control-csp").mkdir(exist_ok=True)
    (out / "xss-control-csp" / "index.html").write_text(page, encoding="utf-8")
    plain, csp = base + "/xss-control/", base + "/xss-control-csp/"
    with sync_playwright() as pw:
        harness = Harness(pw, urlsplit(base).netloc)
        try:
            found = harness.check([plain, csp])
        finally:
            harness.close()
    text = "\n".join(found.get(plain, []))
    assert "dialog alert" in text, text
    assert "window.__xss is number" in text, text
    assert "DOM: <img onerror" in text, text
    assert "console log: xss-clicked" in text, text
    text = "\n".join(found.get(csp, []))
    assert "CSP violation: script-src" in text, text
    assert "DOM: <img onerror" in text, text


def test_no_vector_executes_in_chromium(served):
    from playwright.sync_api import sync_playwright

    out, base = served
    with sync_playwright() as pw:
        harness = Harness(pw, urlsplit(base).netloc)
        try:
            failures = harness.check([base + path for path in _pages(out)])
        finally:
            harness.close()
    assert not failures, "\n".join(f"{p}:\n  " + "\n  ".join(f) for p, f in failures.items())
