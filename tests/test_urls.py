"""urls.py: one URL per page kind, output paths, and links under a sub-path `base_url`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from builder import urls
from builder.config import Config, UrlsConfig, parse

BASES = [
    # base_url, the path links start with, the absolute form of "/"
    ("https://example.org/", "/", "https://example.org/"),
    ("https://example.org", "/", "https://example.org/"),
    ("https://example.org/archive/", "/archive/", "https://example.org/archive/"),
    ("https://example.org/archive", "/archive/", "https://example.org/archive/"),
    ("https://example.org/a/b/", "/a/b/", "https://example.org/a/b/"),
    ("/archive/", "/archive/", "/archive/"),
    ("/", "/", "/"),
]


@pytest.mark.parametrize(("base", "path", "root"), BASES)
def test_base_path_href_and_absolute(base, path, root):
    cfg = Config(base_url=base)
    assert urls.base_path(cfg) == path
    assert urls.href(cfg, "/") == path
    assert urls.href(cfg, "/companies/lenovo/") == path + "companies/lenovo/"
    assert urls.absolute(cfg, "/") == root
    assert urls.absolute(cfg, "/feed.xml") == root + "feed.xml"


@pytest.mark.parametrize(("base", "path", "root"), BASES)
@pytest.mark.parametrize("kind", ["sitemap", "robots", "search_bundle", "not_found", "api_articles"])
def test_reserved_files_follow_the_base(base, path, root, kind):
    cfg = Config(base_url=base)
    url = getattr(urls, kind)()
    assert url.startswith("/")
    assert urls.href(cfg, url) == path + url.lstrip("/")
    assert urls.absolute(cfg, url) == root + url.lstrip("/")


def test_reserved_paths():
    assert urls.sitemap() == "/sitemap.xml" and urls.out_path(urls.sitemap()) == "sitemap.xml"
    assert urls.robots() == "/robots.txt" and urls.out_path(urls.robots()) == "robots.txt"
    assert urls.search_bundle() == "/pagefind/"
    assert urls.out_folder(urls.search_bundle()) == "pagefind"
    assert urls.search_asset("pagefind-ui.js") == "/pagefind/pagefind-ui.js"


def test_article_url_uses_the_local_date_and_quotes_the_slug():
    cfg = Config(timezone="Asia/Shanghai")
    late = datetime(2021, 12, 31, 20, 0, tzinfo=UTC)  # already 2022-01-01 in Shanghai
    assert urls.article_at(cfg, late, "lian-xiang") == "/articles/2022/01/lian-xiang/"
    assert urls.article_at(cfg, late, "联想") == "/articles/2022/01/%E8%81%94%E6%83%B3/"
    assert urls.out_path("/articles/2022/01/%E8%81%94%E6%83%B3/") == "articles/2022/01/联想/index.html"


def test_every_pattern_comes_from_the_settings():
    cfg = Config(urls=replace(UrlsConfig(), company="/firmen/{slug}.html", month="/{year}/{month}/",
                              article="/{year}/{month}/{day}/{slug}.html"))
    assert urls.company(cfg, "a b") == "/firmen/a%20b.html"
    assert urls.term(cfg, "company", "x") == "/firmen/x.html"
    assert urls.month(cfg, 2024, 3) == "/2024/03/"
    assert urls.article_at(cfg, datetime(2024, 3, 9, 12, tzinfo=UTC), "s") == "/2024/03/09/s.html"
    assert urls.out_path("/firmen/x.html") == "firmen/x.html"


def test_pages_feeds_and_output_paths():
    assert urls.page("/companies/lenovo/", 1) == "/companies/lenovo/"
    assert urls.page("/companies/lenovo/", 3) == "/companies/lenovo/page/3/"
    assert urls.feed() == "/feed.xml" and urls.feed("/themes/wind/") == "/themes/wind/feed.xml"
    assert urls.out_path("/") == "index.html"
    assert urls.out_path("/themes/wind/") == "themes/wind/index.html"
    assert urls.asset("style.css") == "/static/style.css"


def test_a_pattern_without_slug_or_slash_is_refused():
    _, problems = parse('[urls]\ncompany = "/companies/"\ntheme = "themes/{slug}/"\n')
    messages = [p.message for p in problems]
    assert "`urls.company` must contain {slug}" in messages
    assert "`urls.theme` must start with `/` and end with `/` or `.html`" in messages
