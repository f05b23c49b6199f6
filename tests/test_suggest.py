"""check --suggest: companies the taxonomy lacks, from Chinese company words and stock codes,
Latin legal forms and names the text calls companies; never fragments."""

from __future__ import annotations

import yaml

from builder import suggest


def names(found):
    return [s.name for s in found]


ZH = [
    ("a", "盛新锂能发布公告", "盛新锂能（002240.SZ）今日公告，公司拟投资50亿元。"
     "此外，融捷股份(002192)与宁德时代签署合作协议。"),
    ("b", "", "据报道，盛新锂能集团表示，将于明年投产。同时，他新能源产业发展迅速，集中于新能源汽车。"),
    ("c", "", "该基金占公司股份的5%。大力发展新能源。全球储能市场增长，国内储能企业增多。"
     "远景动力、多氟多、瑞浦能源、恒驰电能、宁德时代和比亚迪都在榜单上。"),
]


def test_chinese_names_beside_stock_codes_and_company_words(tax):
    found = suggest.suggest(ZH, tax)
    got = {s.name: s for s in found}
    assert "盛新锂能" in got and "融捷股份" in got
    assert got["盛新锂能"].articles == {"a", "b"}
    assert got["融捷股份"].how == "stock code 002192"
    assert "恒驰电能" in got and got["恒驰电能"].how == "listed with known companies"
    assert "宁德时代" not in got and "比亚迪" not in got  # already in the taxonomy


def test_fragments_never_appear(tax):
    found = names(suggest.suggest(ZH, tax))
    for fragment in ("于新能源", "他新能源", "占公司股份", "公司股份", "发展新能源", "大力发展新能源",
                     "全球储能", "国内储能", "储能企业", "新能源汽车", "据报道"):
        assert not any(fragment in n for n in found), (fragment, found)


def test_latin_legal_forms_and_named_companies(tax):
    articles = [
        ("d", "", "Die Energie Musterstadt GmbH baut einen Speicher. Laut dem Unternehmen "
                  "Kostal Solar Electric wächst der Markt."),
        ("e", "", "Kostal Solar Electric, the German company, and Muster Akkuwerke GmbH & Co. KG "
                  "agreed."),
        ("f", "", "The Vienna Energy Forum said in May that Global Wind Atlas data helps."),
        ("h", "", "A UK based consultancy Windmuster won a contract. Unternehmen Österreichs "
                  "sparen."),
    ]
    got = {s.name: s for s in suggest.suggest(articles, tax)}
    assert got["Energie Musterstadt"].how == "legal form GmbH"
    assert got["Kostal Solar Electric"].articles == {"d", "e"}
    assert got["Muster Akkuwerke"].forms == {"Muster Akkuwerke GmbH & Co. KG": 1}
    assert "Die Energie Musterstadt" not in got and "May" not in got
    assert got["Windmuster"].how == "called a consultancy" and "Österreichs" not in got


def test_ranked_by_articles_with_a_context_line_and_pasteable_yaml(tax):
    found = suggest.suggest(ZH, tax)
    assert [len(s.articles) for s in found] == sorted((len(s.articles) for s in found),
                                                      reverse=True)
    out = suggest.report(found)
    assert found[0].name == "盛新锂能"
    assert "    2  盛新锂能   [stock code 002240.SZ]" in out
    assert "盛新锂能（002240.SZ）今日公告" in out  # the context line
    pasted = yaml.safe_load("companies:\n" + out.split("aliases; leave out", 1)[1]
                            .split("\n", 1)[1])
    entry = next(e for e in pasted["companies"] if e["zh"] == "盛新锂能")
    assert entry["slug"] == "sheng-xin-li-neng" and "盛新锂能集团" in entry["aliases"]


def test_latin_names_that_chinese_text_calls_companies(tax):
    articles = [("g", "", "浦项化学与英国电池初创Voltmuster签署谅解备忘录。大众汽车品牌生产主管"
                          "Christian Vollmer表示，合资企业Muster Cells将投产。")]
    got = {s.name: s for s in suggest.suggest(articles, tax)}
    assert set(got) == {"Voltmuster", "Muster Cells"}  # not the manager's name
    assert got["Voltmuster"].how == "named as a company in Chinese text"
