"""Decoding, front matter and field normalisation, on the seeds and on small real-shaped cases."""

import codecs
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import SEEDS, source

from builder.decode import decode
from builder.frontmatter import split
from builder.parse import parse

SH = ZoneInfo("Asia/Shanghai")


def test_seeds_parse(cfg):
    drafts = [parse(source(p.name, p.read_bytes()), cfg) for p in SEEDS]
    assert all(not isinstance(d, list) for d in drafts)
    assert [d.body_format for d in drafts] == ["html"] * 5
    assert drafts[0].meta.title == "助推全流程节能，新IT强化绿色增长新动能"
    assert drafts[0].meta.source == "高科技行业门户"  # the feed's name, written as author
    assert drafts[0].meta.authors == ()
    assert drafts[0].meta.categories == ("新媒体", "高科技行业门户", "新闻")
    assert drafts[4].meta.date.isoformat() == "2022-04-28T16:18:53+08:00"
    assert drafts[3].meta.date is None and "placeholder" in drafts[3].meta.date_evidence


@pytest.mark.parametrize("data, text, code", [
    (codecs.BOM_UTF8 + "标题".encode(), "标题", None),
    (codecs.BOM_UTF16_LE + "标题".encode("utf-16-le"), "标题", None),
    (codecs.BOM_UTF16_BE + "标题".encode("utf-16-be"), "标题", None),
    ("中文新闻内容，宁德时代发布新电池。".encode("gb18030"), "中文新闻内容，宁德时代发布新电池。",
     "encoding-gb18030"),
    (b"a\r\nb\rc", "a\nb\nc", None),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "binary"),
    (b"", None, "empty-file"),
    (b"caf\xe9 au lait", "caf\ufffd au lait", "encoding-invalid"),
])
def test_decode(data, text, code):
    decoded, problems = decode(data, "x.md")
    assert decoded == text
    assert [p.code for p in problems] == ([code] if code else [])


def test_front_matter_styles():
    meta, body, line, problems = split("\n---  \ntitle: a\n---\nbody\n", "a.md")
    assert meta == {"title": "a"} and body == "body\n" and line == 5 and not problems
    meta, body, _, _ = split('+++\ntitle = "b"\n+++\nbody', "b.md")
    assert meta == {"title": "b"} and body == "body"
    meta, body, _, _ = split('{"title": "c"}\nbody', "c.md")
    assert meta == {"title": "c"} and body == "body"
    meta, body, _, _ = split("# Heading\n\ntext ---\n", "d.md")
    assert meta is None


@pytest.mark.parametrize("text, code, line", [
    ("---\n- a\n- b\n---\nbody", "front-matter-not-mapping", 2),
    ("---\ntitle: a\n  bad: indent\n---\nbody", "front-matter-syntax", 3),
    ("---\ntitle: a\nbody without close", "front-matter-unclosed", 1),
    ('+++\ntitle = \n+++\nbody', "front-matter-syntax", 2),
])
def test_front_matter_errors_name_the_line(text, code, line):
    _, _, _, problems = split(text, "x.md")
    assert [(p.code, p.line) for p in problems] == [(code, line)]


def test_field_names_and_shapes(cfg):
    text = """---
title: "Sungrow eröffnet erste Fabrik in Europa"
slug: "sungrow-europaeische-fabrik-polen"
date: "2026-02-05"
time: "18:03"
tags: Solar
sourceUrl: "https://www.pv-magazine.de/x"
sourceName: "pv magazine"
image: "https://images.example.com/a.jpg?w=1&x=2?w=800"
titel: typo
---
Text.
"""
    draft = parse(source("2026-02-05-sungrow.md", text), cfg)
    m = draft.meta
    assert m.date == datetime(2026, 2, 5, 18, 3, tzinfo=SH)
    assert m.tags == ("Solar",) and m.source == "pv magazine"
    assert m.source_url == "https://www.pv-magazine.de/x"
    assert m.slug == "sungrow-europaeische-fabrik-polen"
    unknown = [p for p in draft.problems if p.code == "unknown-field"]
    assert unknown and unknown[0].line == 10 and "title" in unknown[0].hint


@pytest.mark.parametrize("field, value, code", [
    ("slug", "../../etc/passwd", "unsafe-slug"),
    ("slug", "/abs/path", "unsafe-slug"),
    ("link", "javascript:alert(1)", "unsafe-url"),
    ("thumbnail", "javascript:alert(1)", "unsafe-url"),
    ("headimg", "https://picsum.photos/400/300?random=1", "placeholder-image"),
])
def test_unsafe_fields_are_dropped_and_reported(cfg, field, value, code):
    draft = parse(source("a.md", f"---\ntitle: t\n{field}: '{value}'\n---\nx"), cfg)
    assert [(p.code, p.line) for p in draft.problems] == [(code, 3)]
    assert value not in (draft.meta.slug, draft.meta.source_url, draft.meta.image)


def test_gold_miner_blockquote_metadata(cfg):
    text = ("> * 原文地址：[Why X](https://medium.com/x)\n> * 原文作者：[Ann Lee](https://a.b)\n"
            "> * 译者：[someone](https://c.d)\n\n# 为什么 X\n\n正文。")
    m = parse(source("x.md", text), cfg).meta
    assert m.source_url == "https://medium.com/x" and m.authors == ("Ann Lee",)


# --- the peers' fields ------------------------------------------------------------------------

def meta_of(cfg, text: str, path: str = "p.md"):
    draft = parse(source(path, text), cfg)
    assert not isinstance(draft, list), draft
    return draft.meta, {p.code for p in draft.problems}


@pytest.mark.parametrize("front, reason", [
    ("draft: true", "`draft: true`"),
    ("draft: yes", "`draft: true`"),
    ("published: false", "`published: false`"),
])
def test_drafts_and_the_published_flag(cfg, front, reason):
    meta, _ = meta_of(cfg, f"---\ntitle: t\ndate: 2024-01-01\n{front}\n---\nx")
    assert meta.draft == reason
    assert meta.date.date().isoformat() == "2024-01-01"  # `published: false` is not a date


def test_drafts_folder_and_published_as_a_date(cfg):
    meta, _ = meta_of(cfg, "---\ntitle: t\n---\nx", "_drafts/t.md")
    assert meta.draft == "in a `_drafts` folder"
    meta, _ = meta_of(cfg, "---\ntitle: t\npublished: 2024-02-03\n---\nx")
    assert not meta.draft and meta.date.date().isoformat() == "2024-02-03"


def test_hugo_dates(cfg):
    meta, _ = meta_of(cfg, "+++\ntitle = 't'\ndate = 2024-01-01\npublishDate = 2024-02-01\n"
                           "expiryDate = 2025-01-01\nlastmod = 2024-03-01\n+++\nx")
    assert meta.date.date().isoformat() == "2024-01-01"
    assert meta.publish_date.date().isoformat() == "2024-02-01"
    assert meta.expiry_date.date().isoformat() == "2025-01-01"
    assert meta.updated.date().isoformat() == "2024-03-01"
    meta, _ = meta_of(cfg, "+++\ntitle = 't'\npublishDate = 2024-02-01\n+++\nx")
    assert meta.date.date().isoformat() == "2024-02-01" and meta.publish_date is None
    meta, _ = meta_of(cfg, "---\ntitle: t\ndate: 2024-01-01\nlast_modified_at: 2024-05-06\n---\nx")
    assert meta.updated.date().isoformat() == "2024-05-06"


def test_date_wins_over_publish_date_whatever_the_order(cfg):
    meta, _ = meta_of(cfg, "---\ntitle: t\npublishDate: 2024-02-01\ndate: 2024-01-01\n---\nx")
    assert meta.date.date().isoformat() == "2024-01-01"


@pytest.mark.parametrize("front, permalink", [
    ("permalink: my_category/permalinked-post", "/my_category/permalinked-post/"),
    ("permalink: /2019/05/post.html", "/2019/05/post.html"),
    ("permalink: /:year/:month/:title/", "/:year/:month/:title/"),
    ("url: /custom/path/", "/custom/path/"),
    ("permalink: /%2e%2e/baddie.html", ""),
    ("permalink: ../../etc/passwd", ""),
    ("permalink: https://evil.example/x", ""),
    ("permalink: //evil.example/x", ""),
    ("permalink: /:unknown/x", ""),
    ("permalink: /", ""),                      # the site's own pages
    ("permalink: /companies/", ""),
    ("permalink: /archive/2024/", ""),
    ("permalink: /static/style.css.html", ""),
])
def test_permalinks_are_checked(cfg, front, permalink):
    meta, codes = meta_of(cfg, f"---\ntitle: t\ndate: 2024-01-01\n{front}\n---\nx")
    assert meta.permalink == permalink
    assert ("unsafe-permalink" in codes) == (not permalink)


def test_url_is_the_original_when_it_is_absolute(cfg):
    meta, _ = meta_of(cfg, "---\ntitle: t\ndate: 2024-01-01\nurl: https://news.example/a\n---\nx")
    assert meta.source_url == "https://news.example/a" and not meta.permalink


def test_aliases_and_redirect_from(cfg):
    meta, codes = meta_of(cfg, "---\ntitle: t\ndate: 2024-01-01\naliases: [/old/, old2.html, "
                               "'../x', 'http://e.org/']\n---\nx")
    assert meta.aliases == ("/old/", "/old2.html") and "unsafe-alias" in codes
    meta, _ = meta_of(cfg, "---\ntitle: t\ndate: 2024-01-01\nredirect_from: /a/b\n---\nx")
    assert meta.aliases == ("/a/b/",)


def test_excerpt_fields_and_separator(cfg):
    for key in ("excerpt", "summary", "description"):
        meta, _ = meta_of(cfg, f"---\ntitle: t\ndate: 2024-01-01\n{key}: Mine.\n---\nx")
        assert meta.description == "Mine."
    meta, _ = meta_of(cfg, '---\ntitle: t\ndate: 2024-01-01\nexcerpt_separator: "<!--cut-->"\n'
                           "---\nx")
    assert meta.excerpt_separator == "<!--cut-->"


def test_layouts_and_friends_are_ignored_with_a_note(cfg):
    meta, codes = meta_of(cfg, "---\ntitle: t\ndate: 2024-01-01\nlayout: post\nweight: 3\n"
                               "comments: true\n---\nx")
    assert meta.ignored == ("layout", "weight", "comments")
    assert "unknown-field" not in codes


def test_dated_file_name_gives_the_slug(cfg):
    meta, _ = meta_of(cfg, "---\ntitle: A Title\n---\nx", "_posts/2008-12-03-permalinked-post.md")
    assert meta.slug == "permalinked-post"
    meta, _ = meta_of(cfg, "---\ntitle: A Title\n---\nx", "_posts/2021-12-08-202112082206703990.md")
    assert meta.slug == ""  # digits only: the title gives a readable slug


def test_front_matter_image_loses_the_proxy(cfg):
    meta, _ = meta_of(cfg, "---\ntitle: t\ndate: 2024-01-01\nimage: https://cors.zfour.workers.dev"
                           "/?http://img.example.com/a.jpg\n---\nx")
    assert meta.image == "http://img.example.com/a.jpg"


def test_headless_front_matter_is_never_body_text(cfg):
    draft = parse(source("h.md", "title: New mode 光伏电站\ndate: 2024-01-02\n---\n正文。"), cfg)
    assert draft.meta.title == "New mode 光伏电站" and draft.body == "正文。"
    assert draft.body_line == 4
