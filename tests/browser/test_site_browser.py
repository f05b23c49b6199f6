"""The built site in headless Chromium: layout, console, axe-core, Pagefind search, keyboard.

Builds the sample site (content/) with its Pagefind index into a temporary folder, serves
it on 127.0.0.1 and drives /usr/bin/chromium through Playwright. Screenshots (and a print
PDF) go to tests/browser/screenshots/ (gitignored) for a person to look at.

Skipped when Chromium or the playwright package is missing; the axe tests also skip when
npm cannot install axe-core into ~/.cache/green-archive-axe (override the folder with
GREEN_ARCHIVE_AXE_DIR).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from searchpage import DONE, all_results  # the search page marks itself done (data-state)

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
CORPUS_STORAGE = ROOT.parent / "shared" / "corpus" / "rsshub-page"
SHOTS = Path(__file__).resolve().parent / "screenshots"
AXE_DIR = Path(os.environ.get("GREEN_ARCHIVE_AXE_DIR", Path.home() / ".cache" / "green-archive-axe"))
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
WIDTHS = (390, 1280)
# Index pages: no screenshots, but checked at 360 px and by axe like the main five.
EXTRA = {"companies": "/companies/", "themes": "/themes/", "sources": "/sources/",
         "archive": "/archive/", "topics": "/topics/", "404": "/404.html"}
# Failures the sandbox causes (no network): allowed only for URLs that are not ours.
OFFLINE_ERRORS = ("net::ERR_NAME_NOT_RESOLVED", "net::ERR_INTERNET_DISCONNECTED")


# -- the site -------------------------------------------------------------------------------
def build(content: Path, out: Path) -> dict:
    """`python -m builder build` with search; returns api/articles.json."""
    run = subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(content),
                          "--output", str(out), "--quiet"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (out / "pagefind" / "pieces.json").is_file(), (
        "the build made no search index: " + run.stdout + run.stderr)
    return json.loads((out / "api" / "articles.json").read_text(encoding="utf-8"))


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


class Served:
    """One built site on its own 127.0.0.1 port (the site links root-relative)."""

    def __init__(self, out: Path, api: dict):
        self.out, self.api = out, api
        handler = functools.partial(_Quiet, directory=str(out))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def articles(self) -> list[dict]:
        return [dict(a, path=urlsplit(a["url"]).path) for a in self.api["articles"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def article_text(out: Path, path: str) -> str:
    """The indexed part of an article page (not its related/neighbour links)."""
    html = (out / path.strip("/") / "index.html").read_text(encoding="utf-8")
    start = html.find("data-pagefind-body")
    return html[start:html.find("</article>", start)] if start >= 0 else html


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-site") / "site"
    served = Served(out, build(CONTENT, out))
    yield served
    served.close()


@pytest.fixture(scope="module")
def storage_site(site, tmp_path_factory):
    """A site whose articles mention 储能: the sample one if it does, else sample + corpus."""
    if any("储能" in article_text(site.out, a["path"]) for a in site.articles()):
        yield site
        return
    picked = sorted(CORPUS_STORAGE.rglob("*储能*.md"))[:3] if CORPUS_STORAGE.is_dir() else []
    if not picked:
        pytest.skip("no sample article mentions 储能 and ../shared/corpus/rsshub-page is absent")
    base = tmp_path_factory.mktemp("browser-storage")
    content = base / "content"
    shutil.copytree(CONTENT, content)
    for f in picked:
        shutil.copy2(f, content / f.name)
    out = base / "site"
    served = Served(out, build(content, out))
    yield served
    served.close()


@pytest.fixture(scope="module")
def pages(site) -> dict[str, str]:
    """The pages every check visits: name → path."""
    arts = site.articles()
    assert arts, "the sample site has no article"
    article = next((a for a in arts if not a.get("duplicate_of")), arts[0])
    themes = sorted({t["slug"] for a in arts for t in a["themes"]})
    theme = "zero-carbon-factory" if "zero-carbon-factory" in themes else themes[0]
    assert any(c["slug"] == "lenovo" for a in arts for c in a["companies"]), \
        "no sample article is tagged lenovo"
    return {"home": "/", "article": article["path"], "company-lenovo": "/companies/lenovo/",
            f"theme-{theme}": f"/themes/{theme}/", "search": "/search/"}


# -- the browser ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is unavailable, so axe-core cannot be installed")
        try:
            run = subprocess.run([npm, "install", "--prefix", str(AXE_DIR), "--no-audit",
                                  "--no-fund", "axe-core"], capture_output=True, text=True,
                                 timeout=180)
        except subprocess.TimeoutExpired:
            pytest.skip("npm install axe-core timed out")
        if run.returncode != 0 or not AXE_JS.is_file():
            pytest.skip(f"npm install axe-core failed: {(run.stderr or run.stdout)[-500:]}")
    return AXE_JS.read_text(encoding="utf-8")


class Console:
    """Console errors and uncaught exceptions of a page, less the sandbox's offline noise."""

    def __init__(self, page, base: str):
        self.base, self.errors = base, []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _console(self, msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if any(code in msg.text for code in OFFLINE_ERRORS) and where and \
                not where.startswith(self.base):
            return
        self.errors.append(f"{msg.text} ({where})")


def wait_ready(page, name: str):
    if name == "search":
        page.wait_for_selector("#search-input", timeout=10_000)


def shot(page, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")


# -- tests ----------------------------------------------------------------------------------
def test_pages_render_cleanly(site, pages, browser):
    """Each page at 390 and 1280 px: screenshot, no console error, no sideways scroll."""
    problems = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 860})
        page = context.new_page()
        console = Console(page, site.base)
        for name, path in pages.items():
            response = page.goto(site.url(path), wait_until="load")
            assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
            wait_ready(page, name)
            page.wait_for_load_state("networkidle")
            shot(page, f"{name}-{width}")
            if console.errors:
                problems.append(f"{path} @{width}px console: {console.errors}")
                console.errors = []
            scroll, inner = overflow(page)
            if width <= 390 and scroll > inner:
                wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
                    .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
                problems.append(f"{path} @{width}px scrollWidth {scroll} > {inner}: {wide}")
        context.close()
    assert not problems, "\n".join(problems)


def test_narrowest_phone_no_overflow(site, pages, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    bad = []
    for name, path in {**pages, **EXTRA}.items():
        page.goto(site.url(path), wait_until="load")
        wait_ready(page, name)
        scroll, inner = overflow(page)
        if scroll > inner:
            bad.append(f"{path}: {scroll} > {inner}")
    context.close()
    assert not bad, bad


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_no_serious_violations(site, pages, browser, axe_source, scheme):
    """axe-core on every page (the search page with results shown), light and dark."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True,
                                  color_scheme=scheme)
    page = context.new_page()
    report = []
    for name, path in {**pages, **EXTRA}.items():
        target = path + "?q=联想" if name == "search" else path
        page.goto(site.url(target), wait_until="load")
        if name == "search":
            page.wait_for_function(DONE, arg="联想", timeout=15_000)
        if scheme == "dark" and name in pages:
            shot(page, f"{name}-dark")
        page.add_script_tag(content=axe_source)
        violations = page.evaluate("""async () => (await axe.run(document, {
            resultTypes: ['violations']})).violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))""")
        for v in violations:
            print(f"[axe {scheme}] {path} {v['impact']} {v['id']}: {v['help']}")
            for n in v["nodes"]:
                print("    ", n.replace("\n", " "))
        report += [(path, v) for v in violations if v["impact"] in ("serious", "critical")]
    context.close()
    assert not report, "\n".join(f"{p}: {v['impact']} {v['id']} {v['help']} {v['nodes']}"
                                 for p, v in report)


def run_search(page, served: Served, term: str) -> list[dict]:
    """Type `term` into the search page's field; every result ("more" clicked until gone)."""
    page.goto(served.url("/search/"), wait_until="load")
    box = page.locator("#search-input")
    box.wait_for(timeout=10_000)
    box.click()
    page.keyboard.type(term)
    page.wait_for_function(DONE, arg=term, timeout=15_000)
    return all_results(page, term)


def search_and_shoot(browser, site, term: str, name: str, widths=(1280,)):
    """Search `term` on the search page, screenshot the results at each width → (results,
    console errors)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console = Console(page, site.base)
    results = run_search(page, site, term)
    for width in widths:
        if width != 1280:
            page.set_viewport_size({"width": width, "height": 860})
        shot(page, f"search-{name}-{width}")
    context.close()
    return results, console


def test_search_lenovo(site, browser):
    results, console = search_and_shoot(browser, site, "联想", "lenovo", widths=(1280, 390))
    titles = [r["title"] for r in results]
    expected = {a["title"] for a in site.articles()
                if "联想" in a["title"] and any(c["slug"] == "lenovo" for c in a["companies"])}
    assert len(expected) >= 3, expected
    assert len([t for t in titles if "联想" in t]) >= 3, titles
    assert expected <= set(titles), f"missing {expected - set(titles)} in {titles}"
    assert not console.errors, console.errors


def test_search_storage(storage_site, browser):
    results, console = search_and_shoot(browser, storage_site, "储能", "storage")
    assert results, "no result for 储能"
    ranked = [urlsplit(r["url"]).path for r in results]
    arts = storage_site.articles()
    mentions = {a["path"] for a in arts if "储能" in article_text(storage_site.out, a["path"])}
    titled = {a["path"] for a in arts if "储能" in a["title"]}
    # Pagefind splits 储能 and also finds pages with only 储/能 (储备, 赋能): those may follow,
    # but the pages about storage must come first.
    assert "储能" in results[0]["title"] + results[0]["excerpt"], results[0]
    assert ranked[0] in mentions, f"top result {ranked[0]} does not mention 储能"
    assert titled <= set(ranked[:len(titled)]), (
        f"articles titled 储能 {sorted(titled)} should lead the results {ranked}")
    print("储能 results:", [(r["title"], p in mentions) for r, p in zip(results, ranked, strict=True)])
    assert not console.errors, console.errors


def test_skip_link_keyboard(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site.url("/"), wait_until="load")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
        return {cls: e.className, href: e.getAttribute('href'), top: r.top, left: r.left,
                width: r.width, outline: getComputedStyle(e).outlineStyle}; }""")
    assert focused["href"] == "#main" and "skip" in focused["cls"], focused
    assert focused["left"] >= 0 and focused["top"] >= 0 and focused["width"] > 0, \
        f"the focused skip link is off screen: {focused}"
    shot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")
    inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    context.close()
    assert inside, "Tab after the skip link should land inside <main>"


def test_focus_is_visible(site, browser):
    """Every link in the header and the first card shows a focus indicator."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site.url("/"), wait_until="load")
    missing = []
    for _ in range(10):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {text: e.textContent.trim().slice(0, 30), outline: s.outlineStyle,
                    width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }""")
        if (info["outline"] == "none" or info["width"] < 2) and info["shadow"] == "none":
            missing.append(info)
    context.close()
    assert not missing, missing


def test_print_styles(site, pages, browser):
    context = browser.new_context(viewport={"width": 900, "height": 1200})
    page = context.new_page()
    page.goto(site.url(pages["article"]), wait_until="load")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.site-header', '.site-footer', '.neighbours', '.skip']
        .map(s => document.querySelector(s)).filter(Boolean)
        .filter(e => getComputedStyle(e).display !== 'none').map(e => e.className)""")
    colors = page.evaluate("""() => { const s = getComputedStyle(document.body);
        return [s.color, s.backgroundColor]; }""")
    shot(page, "article-print")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(SHOTS / "article-print.pdf"), format="A4", print_background=True)
    context.close()
    assert not hidden, f"shown in print: {hidden}"
    assert colors[0] in ("rgb(0, 0, 0)", "rgb(17, 17, 17)"), colors
    assert len(pdf) > 10_000
