"""The reader's pages of the corpus site (news folders + seeds) in headless Chromium: the
compact phone header with its search field, a topic page's chart, the language listings,
axe-core light and dark, and screenshots at 390 and 1280 px for a person to look at."""

from __future__ import annotations

import subprocess
import sys

import pytest
import test_site_browser as base
from corpus_site import TITLE_200WH, make_content

ROOT, Console, Served, shot = base.ROOT, base.Console, base.Served, base.shot
browser, axe_source = base.browser, base.axe_source  # the shared fixtures

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
PAGES = {"home": "/", "german": "/de/", "english": "/en/", "company-catl": "/companies/catl/",
         "theme-solar": "/themes/solar/", "archive": "/archive/", "source-vortex": None,
         "article-200wh": None}


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    from conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    base = tmp_path_factory.mktemp("reader-browser")
    content = make_content(base)
    out = base / "site"
    run = subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(content),
                          "--output", str(out), "--quiet", "--no-search"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    import json

    served = Served(out, json.loads((out / "api/articles.json").read_text(encoding="utf-8")))
    yield served
    served.close()


@pytest.fixture(scope="module")
def pages(corpus_site) -> dict[str, str]:
    arts = corpus_site.articles()
    found = dict(PAGES)
    found["article-200wh"] = next(a["path"] for a in arts if a["title"] == TITLE_200WH)
    vortex = next(a for a in arts if a["empty"] and a["source_path"].startswith("vortex"))
    from builder.textutil import source_slug

    name = vortex["source"] or (vortex["authors"] or [vortex["source_path"].split("/")[0]])[0]
    found["source-vortex"] = f"/sources/{source_slug(name)}/"
    english = next(a for a in arts if a["language"] == "en" and not a["empty"]
                   and a["companies"] and a["themes"])
    found["article-english"] = english["path"]
    return found


def test_phone_header_is_one_compact_row(corpus_site, pages, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    console = Console(page, corpus_site.base)
    for path in pages.values():
        page.goto(corpus_site.url(path), wait_until="load")
        box = page.locator("header.site-header").bounding_box()
        assert box["height"] <= 100, f"{path}: header {box['height']} px tall"
        field = page.locator("header input[name=q]")
        assert field.is_visible(), path
        assert not page.locator("#site-nav").is_visible(), f"{path}: the menu should be folded"
    # the menu opens and closes; Escape closes it
    page.goto(corpus_site.url("/"), wait_until="load")
    page.click(".menu-toggle")
    assert page.locator("#site-nav").is_visible()
    assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"
    shot(page, "reader-menu-open-390")
    page.keyboard.press("Escape")
    assert not page.locator("#site-nav").is_visible()
    assert not console.errors, console.errors
    # the search field leads to /search/?q= (the index is not built here: only the URL counts)
    page.fill("header input[name=q]", "储能")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=*")
    assert "/search/?q=%E5%82%A8%E8%83%BD" in page.url
    context.close()


def test_desktop_header_is_one_row(corpus_site, pages, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for path in ("/", "/de/", "/en/"):
        page.goto(corpus_site.url(path), wait_until="load")
        assert page.locator("header.site-header").bounding_box()["height"] <= 80, path
        assert page.locator("#site-nav").is_visible() and page.locator("header input[name=q]").is_visible()
    context.close()


def test_german_listing_one_click_from_home(corpus_site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(corpus_site.url("/"), wait_until="load")
    page.click(".lang-switch a[hreflang=de]")
    page.wait_for_url("**/de/")
    langs = page.eval_on_selector_all("article.card", "cs => cs.map(c => c.lang)")
    assert langs and set(langs) == {"de"}
    assert page.evaluate("document.documentElement.lang") == "de"
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_topic_chart_is_visible(corpus_site, browser, scheme):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    page.goto(corpus_site.url("/companies/catl/"), wait_until="load")
    chart = page.locator("svg.chart")
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 60
    fill, background = page.evaluate("""() => [
        getComputedStyle(document.querySelector('svg.chart rect')).fill,
        getComputedStyle(document.body).backgroundColor]""")
    assert fill != background and fill not in ("rgb(0, 0, 0)", "none"), (fill, background)
    assert page.locator(".year-head").count() >= 1
    context.close()


def test_reader_pages_render_cleanly(corpus_site, pages, browser):
    """Screenshots at 390 and 1280 px, light and dark; no console error, no sideways scroll."""
    problems = []
    for width in WIDTHS:
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport={"width": width, "height": 900},
                                          color_scheme=scheme)
            page = context.new_page()
            console = Console(page, corpus_site.base)
            for name, path in pages.items():
                page.goto(corpus_site.url(path), wait_until="load")
                shot(page, f"reader-{name}-{width}-{scheme}")
                scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
                if scroll > inner:
                    problems.append(f"{path} @{width}px: scrollWidth {scroll} > {inner}")
                if console.errors:
                    problems.append(f"{path} @{width}px console: {console.errors}")
                    console.errors = []
            context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_reader_pages(corpus_site, pages, browser, axe_source, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True,
                                  color_scheme=scheme)
    page = context.new_page()
    report = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages.values():
            page.goto(corpus_site.url(path), wait_until="load")
            page.add_script_tag(content=axe_source)
            violations = page.evaluate("""async () => (await axe.run(document, {
                resultTypes: ['violations']})).violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))""")
            report += [f"{path} @{width}: {v['impact']} {v['id']} {v['help']} {v['nodes']}"
                       for v in violations]
    context.close()
    assert not report, "\n".join(report)


def test_images_archived_or_collapsed_to_a_link(tmp_path, browser):
    """`images = "archive"`: an image served on 127.0.0.1 is saved into the site and shows;
    one that cannot be had (404) stays hot-linked and collapses to a one-line link."""
    from conftest import make_site
    from test_images import PNG, Server

    images = Server()
    try:
        body = (f'<p>储能电站的文章正文，足够长的一段文字。</p><p><img src="{images.base}/photo.png" alt="电站"></p>'
                f'<p><img src="{images.base}/gone.png" alt="不见了的图" width="500" height="280"></p>')
        site = make_site(tmp_path, {"a.md": f"---\ntitle: 储能电站图片\ndate: 2024-05-01\n---\n\n{body}"},
                         settings='images = "archive"\n')
        run = subprocess.run([sys.executable, "-m", "builder", "build", "--config", str(site), "--quiet"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr
    finally:
        images.close()  # the page must not need the image host any more
    out = tmp_path / "public"
    saved = list((out / "media").rglob("*.png"))
    assert len(saved) == 1 and saved[0].read_bytes() == PNG
    import json

    served = Served(out, json.loads((out / "api/articles.json").read_text(encoding="utf-8")))
    try:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(served.url(served.articles()[0]["path"]), wait_until="load")
        page.wait_for_selector(".img-fallback", timeout=10_000)
        shown = page.evaluate("""() => [...document.querySelectorAll('.body img')]
            .filter(i => !i.closest('[hidden]')).map(i => [i.getAttribute('src'), i.naturalWidth])""")
        assert len(shown) == 1 and shown[0][0].startswith("/media/") and shown[0][1] == 3, shown
        link = page.locator(".img-fallback")
        assert link.count() == 1 and "不见了的图" in link.inner_text()
        assert link.get_attribute("href").endswith("/gone.png")
        assert link.bounding_box()["height"] < 40  # one line, not a 500×280 box
        shot(page, "reader-image-fallback-390")
        context.close()
    finally:
        served.close()
