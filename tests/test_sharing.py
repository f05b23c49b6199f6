"""Link previews and search engines: og:image without the proxy, JSON-LD NewsArticle, the
sitemap's lastmod, folded duplicates left out of the sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from conftest import CONTENT, make_site

from builder import config
from builder.build import run

NOW = datetime(2026, 12, 1, tzinfo=UTC)
STORY = ("宁德时代今天在福建宁德发布了新一代钠离子电池，能量密度达到每公斤一百六十瓦时，"
         "公司表示将于明年实现量产，并首先用于储能电站和两轮电动车。分析人士认为，"
         "钠离子电池的成本优势将推动储能市场的进一步扩大。") * 2


def ld_of(html: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m, "no JSON-LD"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("sharing")
    files = {p.name: p.read_bytes() for p in sorted(CONTENT.glob("*.md"))}
    files["proxy.md"] = ("---\ntitle: 宁德时代发布钠离子电池\ndate: 2024-05-01 10:00\n"
                         "updated: 2024-05-03\nauthor: 张三\n"
                         "sourceUrl: https://news.example.com/catl\n"
                         "image: https://cors.zfour.workers.dev/?https://img.example.com/a.jpg\n"
                         f"---\n{STORY}\n")
    files["copy.md"] = f"---\ntitle: 钠离子电池发布（转载）\ndate: 2024-05-02\n---\n{STORY}\n"
    files["plain.md"] = "---\ntitle: 无图文章\ndate: 2024-05-04\n---\n一篇没有图片的文章。\n"
    cfg = config.load(make_site(root, files, 'image = "/static/share.png"\n'))
    result = run(cfg, now=NOW)
    assert result.ok
    api = json.loads((root / "public/api/articles.json").read_text())["articles"]
    return root / "public", {a["source_path"]: a for a in api}


def page_of(public, articles, name) -> str:
    url = articles[name]["url"].removeprefix("https://example.org/")
    return (public / url / "index.html").read_text()


def test_og_and_twitter_image_use_the_cleaned_url(site):
    public, articles = site
    html = page_of(public, articles, "proxy.md")
    assert '<meta property="og:image" content="https://img.example.com/a.jpg">' in html
    assert '<meta name="twitter:image" content="https://img.example.com/a.jpg">' in html
    assert "cors.zfour" not in html
    plain = page_of(public, articles, "plain.md")  # no image: the site's
    assert '<meta property="og:image" content="https://example.org/static/share.png">' in plain
    assert 'og:image" content="https://example.org/static/share.png"' in \
        (public / "index.html").read_text()


def test_every_seed_page_has_og_image_without_the_proxy(site):
    public, articles = site
    for p in CONTENT.glob("*.md"):
        html = page_of(public, articles, p.name)
        assert "cors.zfour.workers.dev" not in html.split("</head>")[0]
        assert re.search(r'og:image" content="https?://', html)


def test_json_ld_news_article(site):
    public, articles = site
    ld = ld_of(page_of(public, articles, "proxy.md"))
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "NewsArticle"
    assert ld["headline"] == "宁德时代发布钠离子电池"
    assert ld["datePublished"].startswith("2024-05-01T10:00:00")
    assert ld["dateModified"].startswith("2024-05-03")
    assert ld["author"] == [{"@type": "Person", "name": "张三"}]
    assert ld["publisher"]["@type"] == "Organization" and ld["publisher"]["name"] == "Test"
    assert ld["image"] == ["https://img.example.com/a.jpg"]
    assert ld["isBasedOn"] == "https://news.example.com/catl"
    assert ld["mainEntityOfPage"]["@id"] == articles["proxy.md"]["url"]
    assert {"@type": "Organization", "name": "宁德时代",
            "url": "https://example.org/companies/catl/"} in ld["about"]


def test_json_ld_on_every_article_validates(site):
    """Google's rules for Article structured data: the required types, ISO 8601 dates with a
    zone, absolute URLs, a headline of at most 110 characters."""
    public, articles = site
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
    for name in articles:
        html = page_of(public, articles, name)
        ld = ld_of(html)
        assert ld["@type"] == "NewsArticle" and 0 < len(ld["headline"]) <= 110
        assert iso.match(ld["datePublished"]) and iso.match(ld.get("dateModified", ld["datePublished"]))
        assert all(a["@type"] in ("Person", "Organization") and a["name"] for a in ld["author"])
        for url in [ld["url"], *ld.get("image", []), *(t["url"] for t in ld.get("about", []))]:
            assert url.startswith(("https://", "http://")), url
        # the script element cannot be closed early by the data
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
        assert "<" not in block


def test_sitemap_lastmod_and_folded_duplicates(site):
    public, articles = site
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ET.parse(public / "sitemap.xml")
    entries = {u.find("s:loc", ns).text: u.find("s:lastmod", ns) for u in tree.findall("s:url", ns)}
    proxy = articles["proxy.md"]
    assert entries[proxy["url"]].text.startswith("2024-05-03")  # the update date
    assert articles["copy.md"]["duplicate_of"] == "proxy.md"
    assert articles["copy.md"]["url"] not in entries
    listing = entries["https://example.org/"]
    assert listing is not None and listing.text.startswith("2024-05-0")
