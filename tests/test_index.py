"""The whole-site index: order, unique slugs, duplicates, terms, related."""

from __future__ import annotations

from conftest import source

from builder.index import index
from builder.process import process

STORY = ("宁德时代今日宣布在匈牙利投资建设新的电池工厂，规划产能一百吉瓦时，总投资约七十三亿欧元。"
         "该工厂将为宝马、奔驰等欧洲车企供应动力电池，预计二〇二五年投产。业内人士认为，这是中国电池企业"
         "在欧洲最大的一笔投资，将进一步巩固宁德时代在全球动力电池市场的领先地位。")


def build(cfg, tax, files: dict[str, str]):
    articles = [process(source(name, text), cfg, tax).article for name, text in files.items()]
    return index([a for a in articles if a], cfg, tax)


def test_reposts_are_folded_into_the_earliest_copy(cfg, tax):
    site, _ = build(cfg, tax, {
        "a.md": f"---\ntitle: 宁德时代匈牙利建厂\ndate: 2022-08-12\n---\n{STORY}",
        "b.md": f"---\ntitle: 宁德时代欧洲再建厂\ndate: 2022-08-13\n---\n转载：{STORY}",
        "c.md": "---\ntitle: 隆基发布新组件\ndate: 2022-08-14\n---\n隆基绿能发布了新一代光伏组件，效率再创纪录。" * 3,
    })
    assert site.duplicates == {"a.md": ("b.md",)}
    assert site.duplicate_of == {"b.md": "a.md"}
    assert [a.id for a in site.articles] == ["c.md", "a.md"]  # listings show one copy
    assert set(site.by_id) == {"a.md", "b.md", "c.md"}        # every copy keeps its page


def test_corpus_rewrite_pair_detected(cfg, tax, corpus):
    folder = corpus / "rsshub-page/source/_posts/新媒体/高科技行业门户/新闻"
    names = ["1358亿！中天科技中标两大储能项目.md", "1358亿元！中天科技再中标两个大型储能项目.md"]
    files = {n: (folder / n).read_text() for n in names}
    site, _ = build(cfg, tax, files)
    assert site.duplicate_of == {names[0]: names[1]} or site.duplicate_of == {names[1]: names[0]}


def test_slug_collisions_resolved_oldest_first(cfg, tax):
    body = "正文内容足够长。" * 5
    site, problems = build(cfg, tax, {
        "new.md": f"---\ntitle: 同一个标题\ndate: 2022-03-20\n---\n{body}一",
        "old.md": f"---\ntitle: 同一个标题\ndate: 2022-03-02\n---\n二{body}二二二",
    })
    assert site.by_id["old.md"].slug == "tong-yi-ge-biao-ti"
    assert site.by_id["new.md"].slug == "tong-yi-ge-biao-ti-2"
    assert [p.code for p in problems if p.path == "new.md"] == ["slug-collision"]


def test_terms_newest_first_and_related(cfg, tax):
    files = {f"{d}.md": f"---\ntitle: 宁德时代动力电池新闻{d}\ndate: 2022-05-{d:02d}\n---\n"
             f"宁德时代动力电池装机量第{d}名。宁德时代。宁德时代。" + "不同的句子" * d
             for d in range(1, 6)}
    site, _ = build(cfg, tax, files)
    ids = site.terms["company"]["catl"].article_ids
    assert ids == ("5.md", "4.md", "3.md", "2.md", "1.md")
    assert site.related["3.md"][:2] in (("2.md", "4.md"), ("4.md", "2.md"))
    assert site.neighbours["3.md"] == ("2.md", "4.md")
