"""feeds.py: Atom feeds and the sitemap as bytes; parsed back with feedparser."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from xml.etree import ElementTree

import feedparser

from builder.config import Config
from builder.feeds import atom, sitemap
from builder.model import Article

CFG = Config(title="绿色档案 <Green>", description="清洁能源 & ESG", language="zh-CN")


def article(i: int, **fields) -> Article:
    base = Article(id=f"a{i}.md", slug=f"s{i}", title=f"标题 {i} <b>", date=datetime(2024, 1, i, tzinfo=UTC),
                   date_evidence="front matter", source="能源报", source_url="", authors=(),
                   html="", text="", excerpt=f"摘要 {i} & more", image="", language="zh-CN",
                   chars=10, reading_minutes=1)
    return replace(base, **fields)


def entries(*articles: Article):
    return [(a, f"https://example.org/articles/{a.slug}/", f"<p>正文 {a.id} <script>x</script></p>")
            for a in articles]


def test_atom_parses_and_keeps_every_field():
    body = atom(CFG, "联想 · 绿色档案", "https://example.org/companies/lenovo/feed.xml",
                "https://example.org/companies/lenovo/",
                entries(article(2, authors=("王晶", "张海妮")), article(1, updated=datetime(2024, 2, 1, tzinfo=UTC))))
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "联想 · 绿色档案"
    assert parsed.feed.id == "https://example.org/companies/lenovo/feed.xml"
    assert parsed.feed.subtitle == "清洁能源 & ESG"
    assert parsed.feed.updated == "2024-02-01T00:00:00+00:00"  # the newest entry's update
    first, second = parsed.entries
    assert first.title == "标题 2 <b>" and first.link == "https://example.org/articles/s2/"
    assert [a.name for a in first.authors] == ["王晶", "张海妮"]
    assert second.author == "能源报"  # no authors: the source stands in
    assert first.summary == "摘要 2 & more"
    assert "正文 a2.md" in first.content[0].value
    assert second.updated == "2024-02-01T00:00:00+00:00" and second.published == "2024-01-01T00:00:00+00:00"


def test_atom_escapes_markup_instead_of_embedding_it():
    body = atom(CFG, "t", "https://e/feed.xml", "https://e/", entries(article(1)))
    ElementTree.fromstring(body)  # well-formed XML
    assert b"<script>" not in body and b"&lt;script&gt;" in body
    assert "<name>绿色档案 &lt;Green&gt;</name>".encode() in body  # the site is the feed's author


def test_an_empty_feed_is_valid():
    body = atom(CFG, "空", "https://e/feed.xml", "https://e/", [])
    parsed = feedparser.parse(body)
    assert not parsed.bozo and parsed.entries == []
    assert b"<updated>1970-01-01T00:00:00+00:00</updated>" in body


def test_sitemap_lists_locations_in_order_escaped():
    body = sitemap([("https://e/", ""), ("https://e/a?b=1&c=2", "2024-03-05T09:30:00+08:00"),
                    ("https://e/联想/", "")])
    root = ElementTree.fromstring(body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert [loc.text for loc in root.findall("s:url/s:loc", ns)] == [
        "https://e/", "https://e/a?b=1&c=2", "https://e/联想/"]
    assert [m.text for m in root.findall("s:url/s:lastmod", ns)] == ["2024-03-05T09:30:00+08:00"]
    assert b"&amp;" in body
