"""check --suggest: companies the taxonomy lacks, from Chinese company words and stock codes,
Latin legal forms and names the text calls companies; never fragments."""

from __future__ import annotations

import pytest
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
    named = suggest.suggest([("i", "", "Ein innovatives Start-up namens kW-Muster hat sich auf "
                                       "Ladeinfrastruktur spezialisiert.")], tax)
    assert [s.name for s in named] == ["kW-Muster"]


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


CUED = [
    ("m", "", "6月10日，蓝海储能宣布在安徽建设新工厂。同时，绿源重工与海辰科创签署战略合作协议。"
              "江西青峰碳素股份有限公司（以下简称“青峰股份”）连续发布两则公告。"
              "此外，远川动力董事长表示，公司订单充足。"),
    ("n", "", "近年来，公司储能业务快速发展，与华为、铁塔、中电投、国家电网、许继集团等公司和单位都有"
              "储能方面的项目和相关业务合作。各大主机厂都在积极构建多元化的供应体系，包括入股动力电池"
              "企业、新增电池供应商、自产电池和多路线产品并行等。"),
    ("o", "", "宁德时代董事长曾毓群表示，订单饱满。曾毓群称，明年投产。谢秋称，已完成中试。"
              "光伏平均中标电价1.75美分。该项目一期投资45亿元。集中于新能源汽车，他新能源企业也在跟进。"
              "该基金占公司股份的5%。将在下午三点半举行发布会。中国证监会和香港证监会发布联合公告。"),
]


def test_chinese_bare_names_that_the_sentence_makes_companies(tax):
    got = {s.name: s for s in suggest.suggest(CUED, tax)}
    assert got["蓝海储能"].how == "subject of 宣布"
    assert got["海辰科创"].how == "party to a deal"
    assert got["青峰股份"].forms["江西青峰碳素股份有限公司"] >= 1
    assert got["远川动力"].how.startswith("subject of")  # 远川动力董事长


def test_a_ranking_needs_one_known_company_beside_the_others(tax):
    articles = [("t", "", "装机量排名前十的企业分别是：宁德时代、青松动力、远湖电池科技、蓝鲸锂能。"
                          "另外，张三、李四、宁德时代一起吃饭。")]
    got = {s.name: s.how for s in suggest.suggest(articles, tax)}
    assert got == {n: "listed with known companies" for n in ("青松动力", "远湖电池科技", "蓝鲸锂能")}


def test_enumerations_of_firm_names_and_parties_listed_with_a_comma(tax):
    articles = [("r", "", "6月28日，易方达基金、青禾基金、远帆基金8家公募基金公司上报的ETF获批。"
                          "7 月 1 日，通威股份与蓝湾硅材料、北辰硅能源分别签订多晶硅长单。"
                          "公司储能业务与华为、国家电网、许继集团等公司和单位都有储能方面的合作。")]
    got = {s.name: s for s in suggest.suggest(articles, tax)}
    assert {"青禾基金", "远帆基金", "蓝湾硅材料", "北辰硅能源"} <= set(got), set(got)
    assert got["北辰硅能源"].how in ("party to a deal", "listed with known companies")
    assert not any("储能" in n or "单位" in n for n in got)


# Pieces of sentences that no candidate may contain: they were once suggested.
FRAGMENTS = ("单位都有", "都有储能", "自产电池", "于新能源", "他新能源", "占公司", "公司股份",
             "光伏平", "一期", "下午", "发布会", "证监会", "发展新能源", "全球储能", "国内储能",
             "储能企业", "据报道", "表示", "宣布", "称", "的", "了")


def test_chinese_fragments_people_and_bodies_never_appear(tax):
    found = names(suggest.suggest(CUED + ZH, tax))
    for fragment in FRAGMENTS:
        assert not any(fragment in n for n in found), (fragment, found)
    assert "曾毓群" not in found and "谢秋" not in found  # people: a title, a family name
    assert "香港证监会" not in found  # a regulator (…会)


def test_latin_subjects_repeated_in_an_article(tax):
    articles = [
        ("p", "", "Nordwind Power said on Monday it had signed a deal. Later Nordwind Power won "
                  "a tender in Spain. CEO Anna Breeze said the company grows. Breeze said more. "
                  "France opened a wind farm, and France opened another. Bill Gates plans a "
                  "reactor; Bill Gates said so."),
        ("q", "", "Die Regierung hat neue Regeln bekannt gegeben. Die Regierung plant mehr. "
                  "Die Firma Alpenstrom Netz baut einen Speicher. Alpenstrom Netz investiert "
                  "in Tirol. Der Ausbau bietet Chancen, der Ausbau plant nichts. "
                  "Die Energieagentur Musterland plant eine Studie; die Energieagentur "
                  "Musterland plant auch Beratung."),
    ]
    found = names(suggest.suggest(articles, tax))
    assert "Nordwind Power" in found and "Alpenstrom Netz" in found
    gab = suggest.suggest([("s", "", "Die Alpenwerk Energie gab heute den Bau eines Speichers "
                                     "bekannt. Später baut Alpenwerk Energie mehr.")], tax)
    assert [s.name for s in gab] == ["Alpenwerk Energie"]
    for wrong in ("Anna Breeze", "Breeze", "France", "Bill Gates", "Regierung", "Ausbau",
                  "Energieagentur Musterland"):
        assert wrong not in found, (wrong, found)


@pytest.mark.corpus
def test_no_fragment_in_what_the_corpus_suggests(corpus, tax):
    """Over the four news folders, as `check --suggest` reads them: no candidate is a piece
    of a sentence."""
    from pathlib import Path

    from builder import articles as loading
    from builder import pool
    from builder.cache import NoCache
    from builder.config import load as load_config
    from builder.state import state_dir

    root = Path(__file__).resolve().parent.parent
    for folder in ("rsshub-page", "finews-jekyll", "vortex-wind-jekyll", "renewable-energy-news"):
        cfg = load_config(root / "site.toml", content_dir=str(corpus / folder))
        loaded = loading.load(loading.scan(cfg, state_dir(cfg)), cfg, tax, NoCache(),
                              pool.executor())
        found = names(suggest.suggest([(a.id, a.title, a.text) for a in loaded.articles], tax))
        for fragment in FRAGMENTS:
            assert not any(fragment in n for n in found), (folder, fragment, found)
