"""Driving the site's own search page (/search/?q=…) in headless Chromium, as a reader does."""

from __future__ import annotations

import json
from urllib.parse import quote, unquote, urlsplit

DONE = """q => { const b = document.getElementById('search');
    return b && b.dataset.query === q && b.dataset.state !== 'searching'; }"""


def open_query(page, base: str, query: str, timeout: int = 30_000) -> None:
    """Open /search/?q=QUERY and wait until the first results are shown."""
    page.goto(f"{base}/search/?q={quote(query)}", wait_until="load")
    page.wait_for_function(DONE, arg=query, timeout=timeout)
    state = page.get_attribute("#search", "data-state")
    assert state == "done", f"search for {query!r} ended as {state}: " + page.inner_text(
        ".search-status")


def all_results(page, query: str, timeout: int = 30_000) -> list[dict]:
    """Every result of the query shown on the page: "more" clicked until it is gone."""
    while page.locator(".search-more").is_visible():
        shown = page.locator(".search-result").count()
        page.click(".search-more")
        page.wait_for_function(
            "n => document.querySelectorAll('.search-result').length > n && "
            "document.getElementById('search').dataset.state === 'done'", arg=shown,
            timeout=timeout)
    return page.evaluate("""() => [...document.querySelectorAll('.search-result')].map(r => ({
        title: r.querySelector('.search-title').innerText.trim(),
        url: r.querySelector('.search-title a').getAttribute('href'),
        excerpt: r.querySelector('.search-excerpt').innerText}))""")


def term_box(page) -> list[dict]:
    """The companies and themes shown above the results: name, other name, count, link."""
    return page.evaluate("""() => [...document.querySelectorAll('.term-hit')].map(a => ({
        kind: a.querySelector('.term-kind').innerText, name: a.querySelector('.term-name').innerText,
        other: a.querySelector('.term-other')?.innerText || '',
        count: a.querySelector('.count').innerText, url: a.getAttribute('href')}))""")


def search(page, base: str, query: str) -> tuple[list[dict], list[dict]]:
    """(every result, the term box) for a query through /search/?q=."""
    open_query(page, base, query)
    return all_results(page, query), term_box(page)


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)[:2000]
