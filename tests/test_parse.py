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
