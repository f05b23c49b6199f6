"""Each cleaning pass on real fragments from the seeds and the corpus."""

from bs4 import BeautifulSoup
from conftest import CONTENT

from builder import clean
from builder.clean import HANDLERS, clean_html, markdown_to_html


def body(name: str) -> str:
    return (CONTENT / name).read_text().split("\n---\n", 2)[-1]


def test_the_declared_handlers_are_what_runs_in_that_order(monkeypatch):
    from dataclasses import replace

    from builder.clean import walk

    ran: list[str] = []

    def recording(handler):
        def wrap(phase, fn):
            if fn is None:
                return None

            def wrapped(node, ctx):
                ran.append(f"{phase}:{handler.name}:{node.name}")
                return fn(node, ctx)
            return wrapped
        return replace(handler, enter=wrap("enter", handler.enter), leave=wrap("leave", handler.leave))

    recorded = tuple(recording(h) for h in HANDLERS)
    monkeypatch.setattr(clean, "_walker", lambda: walk.Walker(recorded, clean.structure.strings))
    clean_html('<p class="x">正文第一段，足够长的文字。</p>')
    on_p = [r.split(":")[:2] for r in ran if r.endswith(":p")]
    expected = [["enter", h.name] for h in HANDLERS if h.enter and h.wants("p")] + \
               [["leave", h.name] for h in HANDLERS if h.leave and h.wants("p")]
    assert on_p == expected
    names = [h.name for h in HANDLERS]
    assert names[0] == "remove_dangerous"  # nothing reads a script's text
    assert names.index("classes") < names.index("strip_attributes")  # facts before classes go
    assert names.index("empty") < names.index("paragraph")  # judged once content is final
    assert names[-1] == "unwrap_disallowed"
    assert len(set(names)) == len(names)


def test_facts_are_read_before_the_chrome_that_holds_them_is_removed():
    abstract = "◎工业富联透露，公司正在建设零碳工厂。"
    cleaned = clean_html(f'<div class="abstract">{abstract}</div><p>正文第一段，足够长的文字。</p>')
    assert cleaned.facts.abstract == abstract  # read first (collect_facts)…
    assert cleaned.html == "<p>正文第一段，足够长的文字。</p>"  # …then removed as chrome


def test_loose_text_and_chrome_lines_settle_in_one_cleaning():
    html = "<p>正文第一段。</p>来源：新华社<div></div><p>第二段。</p>"
    once = clean_html(html)
    assert "来源" not in once.html and once.facts.source == "新华社"
    assert clean_html(once.html).html == once.html


def test_proxy_unwrapped_and_image_attributes():
    html = ('<p style="text-align:center"><img src="https://cors.zfour.workers.dev/?http://images.'
            'ofweek.com/a.jpg" width="550" height="Infinity" title="标题" referrerpolicy="no-referrer">'
            '</p>')
    out = clean_html(html, title="文章").html
    img = BeautifulSoup(out, "lxml").img
    assert img["src"] == "http://images.ofweek.com/a.jpg"
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert img["referrerpolicy"] == "no-referrer" and img["alt"] == "标题"
    assert not img.has_attr("width") and not img.has_attr("height")


def test_caption_paragraph_becomes_figcaption():
    html = ('<p style="text-align: center;"><img src="http://x.com/a.jpg"></p>'
            '<p style="text-align: center;">工业富联董事长李军旗。图片来源：受访者供图</p><p>正文第一段。</p>')
    out = clean_html(html).html
    assert out.startswith('<figure><img') and "<figcaption>工业富联董事长李军旗。" in out
    assert "<p>正文第一段。</p>" in out


def test_mei_jing_chrome_removed_and_facts_kept():
    cleaned = clean_html(body("003_7e87390b08e9f01a.md"), title="李军旗：实现“双碳”目标要多角度全链条提能效降能耗")
    assert "<h1" not in cleaned.html and "乐视" not in cleaned.html  # commented-out fake headline
    assert "2021-09-05 13:22:58" in cleaned.facts.time
    assert cleaned.facts.source == "每日经济新闻"
    assert cleaned.facts.authors == ["王晶", "张海妮"]
    assert cleaned.facts.abstract.startswith("◎工业富联董事长李军旗透露")
    assert "每经记者" not in cleaned.text
    # article text is kept
    assert "工业互联网有别于消费互联网" in cleaned.text


def test_tag_links_become_text_and_external_links_get_rel():
    html = ('<p>在<span class="hrefStyle"><a href="https://iot.ofweek.com/tag-5G.HTM" target="_blank">'
            '5G</a></span>和<a href="https://example.com/report">报告</a>中。</p>')
    out = clean_html(html).html
    assert "tag-5G" not in out and "5G" in out
    assert '<a href="https://example.com/report" rel="noopener noreferrer">报告</a>' in out


def test_relative_links_resolved_against_the_original():
    out = clean_html('<p><a href="/news/2.html">下一篇</a> <img src="img/a.png"></p>',
                     base_url="https://www.example.cn/news/1.html").html
    assert 'href="https://www.example.cn/news/2.html"' in out
    assert 'src="https://www.example.cn/news/img/a.png"' in out


def test_styles_classes_empty_paragraphs_and_nbsp():
    html = ('<div class="x"><p style="color:red" class="a" align="center">&nbsp;&nbsp;</p>'
            '<p>\u3000\u3000文字&nbsp;&nbsp;内容</p><p></p></div>')
    out = clean_html(html).html
    assert out == "<p> 文字 内容</p>"
    assert clean_html("<p>文/张三</p><p>正文。</p>").facts.authors == ["张三"]


def test_headings_demoted_below_the_page_h1():
    out = clean_html("<h1>Part</h1><p>x</p><h2>Sub</h2><p>y</p>").html
    assert "<h2>Part</h2>" in out and "<h3>Sub</h3>" in out
    assert clean_html(out).html == out


def test_markdown_tables_footnotes_fenced_code_and_untrusted_html():
    md = ("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1].\n\n[^1]: Note.\n\n```\n<script>x</script>\n```\n\n"
          '<div onclick="alert(1)">raw <script>alert(2)</script></div>\n')
    out = clean_html(markdown_to_html(md)).html
    assert "<table>" in out and "<td>1</td>" in out
    assert "&lt;script&gt;x&lt;/script&gt;" in out  # code is shown, not run
    assert "onclick" not in out and "<script" not in out and "alert(2)" not in out


def test_dangerous_markup_removed_by_sanitizer():
    html = ('<p><a href="javascript:alert(1)">x</a><img src="x" onerror="alert(1)">'
            '<svg><script>alert(1)</script></svg><iframe srcdoc="<script>alert(1)</script>">'
            '</iframe><base href="http://evil/"><meta http-equiv="refresh" content="0;url=http://e">'
            '<a href="data:text/html,<script>alert(1)</script>">d</a></p>')
    out = clean_html(html).html
    for bad in ("javascript:", "onerror", "<svg", "<script", "<iframe", "<base", "<meta", "data:"):
        assert bad not in out


def test_plain_text_excerpt_lead_image():
    cleaned = clean_html(body("000_17c14c4c1dfdf88d.md"), title="助推全流程节能，新IT强化绿色增长新动能")
    assert cleaned.first_paragraph.startswith("随着“双碳”时间表的推进")
    assert cleaned.lead_image.startswith("http://images.ofweek.com/")
    assert "\n" in cleaned.text and "<" not in cleaned.text


def test_never_raises_on_pathological_nesting():
    cleaned = clean_html("<div>" * 20000 + "deep text" + "</div>" * 20000)
    assert "deep text" in cleaned.text
