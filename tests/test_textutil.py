"""textutil.py: the CJK ranges, the heading extractor, counts, excerpts, slugs."""

from __future__ import annotations

import re

from builder import textutil


def test_one_definition_of_chinese_characters():
    han = re.compile(f"[{textutil.HAN}]")
    assert han.fullmatch("联") and han.fullmatch("㐀") and han.fullmatch("豈")  # ext. A, compatibility
    assert not han.fullmatch("の") and not han.fullmatch("a") and not han.fullmatch("，")
    assert textutil.counts("联想 Lenovo 2024 の") == (3, 2)  # kana counts as CJK; words and numbers


def test_headings_from_html_and_markdown_in_order():
    body = ("<!-- <h1>乐视</h1> --><h1 class='t'>联想<em>零碳</em> &amp; 工厂</h1><h4>深</h4>"
            "<h2>二</h2>\n# Markdown 标题 #\n#### too deep\n### 三\n")
    assert textutil.headings(body) == ["联想零碳 & 工厂", "二", "Markdown 标题", "三"]
    assert textutil.headings(body, formats=("markdown",), deepest=1) == ["Markdown 标题"]
    assert textutil.headings(body, formats=("html",), deepest=1) == ["联想零碳 & 工厂"]
    assert textutil.headings("x" * 100 + "<h1>late</h1>", limit=50) == []


def test_excerpt_cuts_at_a_sentence_or_word_with_display_width():
    assert textutil.excerpt("短句。", 10) == "短句。"
    assert textutil.excerpt("第一句话说完了。第二句话还没有说完呢就被截断了", 20) == "第一句话说完了。"
    assert textutil.excerpt("Windkraft an Land wächst weiter und weiter", 24) == "Windkraft an Land…"


def test_slugs_for_every_language():
    assert textutil.slugify("联想集团 Lenovo") == "lian-xiang-ji-tuan-lenovo"
    assert textutil.slugify("Größter Windpark Österreichs") == "groesster-windpark-oesterreichs"
    assert textutil.unicode_slug("联想 零碳工厂!") == "联想-零碳工厂"
    assert textutil.reading_minutes("字" * 800) == 2
