"""Scoring: every mention as a record (zone, alias, flags, role), summed per term."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_taxonomy import CFG, COMPANIES, THEMES, make

from builder import scoring


@pytest.fixture
def small(tmp_path):
    tax, problems = make(tmp_path)
    assert not problems
    return tax


def hits(cands, kind, slug):
    return [(h.zone, h.alias, h.weight, h.ambiguous, h.listed) for h in cands[(kind, slug)].hits]


def test_ambiguous_alias_needs_corroboration(small):
    assert ("company", "li-auto") not in scoring.score("", "我们的理想是零碳。", "", (), small, CFG)
    twice = scoring.score("", "理想发布新车。理想的销量上涨。", "", (), small, CFG)
    assert twice[("company", "li-auto")].score == 2 * CFG.body_weight * CFG.ambiguous_weight
    full = scoring.score("", "理想汽车发布新车，理想的销量上涨。", "", (), small, CFG)
    cand = full[("company", "li-auto")]
    assert cand.score == CFG.body_weight + CFG.body_weight * CFG.ambiguous_weight
    assert [(h.alias, h.ambiguous) for h in cand.hits] == [("理想汽车", False), ("理想", True)]
    assert cand.evidence() == ("body: 理想汽车 (said: 发布) ×1",
                               "body: 理想 (ambiguous; said: 发布) ×1")


def test_source_tag_corroborates_an_ambiguous_company_name_but_never_tags_alone(small):
    assert ("company", "vortex") not in scoring.score("", "Vortex said so.", "", (), small, CFG)
    cands = scoring.score("", "Vortex said so.", "", ("vortex",), small, CFG)
    assert cands[("company", "vortex")].score == CFG.body_weight * CFG.ambiguous_weight
    assert cands[("company", "vortex")].tagged_by_source
    assert ("company", "vortex") not in scoring.score("", "Wind news.", "", ("vortex",), small,
                                                       CFG)


def test_title_lead_and_body_weights(small):
    text = "宁德时代扩大产能。\n另外，宁德时代还在欧洲建厂。"
    cand = scoring.score("宁德时代新品", text, "宁德时代扩大产能。", (), small,
                         CFG)[("company", "catl")]
    assert cand.score == CFG.title_weight + CFG.lead_weight + CFG.body_weight
    assert [h.zone for h in cand.hits] == ["title", "lead", "body"]
    assert cand.in_title and cand.up_front


def test_companies_in_a_list_are_flagged_and_weigh_list_weight(small):
    cfg = replace(CFG, list_weight=0.5)
    listed = "多家企业扩产：宁德时代、比亚迪、蔚来和小鹏汽车。"
    cands = scoring.score("", listed, "", (), small, cfg)
    assert hits(cands, "company", "catl") == [("body", "宁德时代", 0.5, False, True)]
    apart = scoring.score("", "宁德时代扩产。比亚迪降价。", "", (), small, cfg)
    assert apart[("company", "catl")].score == CFG.body_weight


def test_a_ranking_winners_or_a_deal_keep_the_full_weight_of_a_list(small):
    cfg = replace(CFG, list_weight=0.5)
    for sentence, role in (("装机量排名前四：宁德时代、比亚迪、蔚来和小鹏汽车。", "ranking"),
                           ("中标企业：宁德时代、比亚迪、蔚来和小鹏汽车。", "winner"),
                           ("宁德时代、比亚迪、蔚来和小鹏汽车签署合作协议。", "deal")):
        cand = scoring.score("", sentence, "", (), small, cfg)[("company", "byd")]
        assert cand.score == CFG.body_weight, sentence
        assert cand.roles[0].startswith(role), (sentence, cand.roles)


def test_a_data_source_or_an_example_is_a_passing_mention(small):
    for text in ("据宁德时代的数据显示，市场增长。", "Laut CATL wächst der Markt.",
                 "Many makers, such as CATL, grow.", "宁德时代报道称市场增长。"):
        cand = scoring.score("", text, "", (), small, CFG)[("company", "catl")]
        assert cand.passing_only, text
        assert cand.score == CFG.body_weight * CFG.passing_weight
    cand = scoring.score("", "宁德时代宣布扩产。", "", (), small, CFG)[("company", "catl")]
    assert not cand.passing_only and cand.roles == ["said: 宣布"]


def test_every_item_of_a_list_of_customers_is_a_passing_mention(small):
    text = "当前的客户包括宁德时代、Fisker、比亚迪、ELMS、蔚来和小鹏汽车等海内外车企。"
    cands = scoring.score("", text, "", (), small, CFG)
    assert all(cands[("company", s)].passing_only for s in ("catl", "byd", "nio", "xpeng"))


def test_a_name_in_apposition_is_one_mention(small):
    text = "Die KELAG - Kärntner Elektrizitäts-Aktiengesellschaft investiert."
    assert scoring.score("", text, "", (), small, CFG)[("company", "kelag")].score \
        == CFG.body_weight
    former = "Kärntner Elektrizitäts-Aktiengesellschaft (ehemals KELAG) investiert."
    assert scoring.score("", former, "", (), small, CFG)[("company", "kelag")].score \
        == CFG.body_weight


def test_a_subsidiary_named_up_front_takes_its_parents_mentions(tmp_path):
    companies = COMPANIES.replace("    en: Huawei Digital Power\n",
                                  "    en: Huawei Digital Power\n    parent: huawei\n")
    tax, problems = make(tmp_path, companies=companies)
    assert not problems
    text = "华为数字能源中标储能项目。\n华为表示，华为将于明年交付。"
    cands = scoring.score("", text, "华为数字能源中标储能项目。", (), tax, CFG)
    assert ("company", "huawei") not in cands
    cand = cands[("company", "huawei-digital-power")]
    assert cand.score == CFG.lead_weight + 2 * CFG.body_weight
    assert [(h.alias, h.parent) for h in cand.hits] == [("华为数字能源", False), ("华为", True),
                                                        ("华为", True)]
    assert "body: 华为 (parent; said: 表示) ×2" in cand.evidence()
    later = scoring.score("", "华为发布新手机。华为表示。另外，华为数字能源也有新品。", "",
                          (), tax, CFG)
    assert ("company", "huawei") in later and ("company", "huawei-digital-power") in later


def test_source_tags_map_to_themes_case_insensitively(small):
    cands = scoring.score("", "Eine Photovoltaik-Anlage.", "", ("photovoltaik", "Österreich"),
                          small, CFG)
    assert list(cands) == [("theme", "solar")]
    assert cands[("theme", "solar")].score == CFG.body_weight + CFG.source_tag_weight
    assert cands[("theme", "solar")].evidence() == ("body: Photovoltaik ×1",
                                                    "source tag: photovoltaik ×1")


def test_a_source_tag_alone_weighs_less(small):
    """A feed's tag with no word of the theme in the post is about the feed, not the post."""
    cands = scoring.score("", "Ein Text.", "", ("PV",), small, CFG)
    assert cands[("theme", "solar")].score == CFG.source_tag_alone_weight
    assert CFG.source_tag_alone_weight < CFG.top_theme_threshold


def test_a_source_tag_corroborates_an_ambiguous_keyword(small):
    cands = scoring.score("Solar und Speicher", "Ein Text.", "", ("Speicher",), small, CFG)
    cand = cands[("theme", "energy-storage")]
    assert cand.score == CFG.title_weight * CFG.theme_ambiguous_weight + CFG.source_tag_weight
    assert cand.hits[0][:2] == ("title", "Speicher") and cand.hits[0].ambiguous


def test_a_title_without_text_makes_no_theme(small):
    assert ("theme", "solar") not in scoring.score("Photovoltaik", "", "", (), small, CFG)
    assert ("company", "catl") in scoring.score("CATL", "", "", (), small, CFG)


POLICY = THEMES + """\
  - slug: climate-policy
    zh: 气候政策
    en: Climate policy
    keywords: [巴黎协定]
    policy_of: [carbon-neutrality]
    policy_words: [政策, 行动方案, Gesetz*, regulation*]
  - slug: carbon-neutrality
    zh: 碳中和
    en: Carbon neutrality
    keywords: [碳排放, CO2-Emissionen, emissions]
"""


def test_policy_vocabulary_about_a_theme_implies_its_policy(tmp_path):
    tax, problems = make(tmp_path, themes=POLICY)
    assert not problems
    text = "国务院发布碳排放行动方案。企业的碳排放下降。"
    cand = scoring.score("", text, "", (), tax, CFG)[("theme", "climate-policy")]
    assert cand.score == CFG.policy_weight
    assert cand.evidence() == ("body: 行动方案 + 碳排放 (implied: policy vocabulary) ×1",)
    de = scoring.score("", "Das Gesetzespaket senkt die CO2-Emissionen.", "", (), tax, CFG)
    assert ("theme", "climate-policy") in de
    alone = scoring.score("", "新政策出台。碳排放下降。", "", (), tax, CFG)
    assert ("theme", "climate-policy") not in alone  # not in the same sentence


def test_unknown_theme_in_policy_of(tmp_path):
    _, problems = make(tmp_path, themes=POLICY.replace("policy_of: [carbon-neutrality]",
                                                       "policy_of: [climate]"))
    assert [p.code for p in problems] == ["taxonomy-entry"] and "'climate'" in problems[0].message


@pytest.mark.parametrize("text", [
    # customers after a customer cue in the sentence, however the list is written
    "装机量前20名的车企中，除比亚迪外均为宁德时代客户，包括蔚来、小鹏汽车等主流车企均为独供。",
    # products of the companies as examples
    "今年年初，蔚来、小鹏汽车、理想汽车等车型均上涨了数千元。",
    # examples of a kind: 包括…在内 with no ranking, winners or deal
    "包括蔚来、小鹏汽车、华为在内的企业都在发力这一领域。",
])
def test_customers_and_examples_named_once_are_passing_mentions(small, text):
    cands = scoring.score("", text, "", (), small, CFG)
    for slug in ("nio", "xpeng"):
        assert cands[("company", slug)].passing_only, (text, cands[("company", slug)].hits)


def test_rankings_winners_supply_contracts_and_fund_launches_are_not_passing(small):
    for text in ("动力电池配套量排名：宁德时代第一，蔚来、小鹏汽车、比亚迪随后。",
                 "包括蔚来、小鹏汽车、比亚迪在内的10家企业中标，均为客户提供服务。",
                 "宁德时代将向蔚来和小鹏汽车的合资企业供应电池。",
                 "仅以碳中和主题为例，包括蔚来、小鹏汽车、比亚迪等公司布局了相关主题产品。"):
        cand = scoring.score("", text, "", (), small, CFG)[("company", "xpeng")]
        assert not cand.passing_only, (text, cand.hits)


def test_called_is_not_said(small):
    text = "Megapack被称之为最大的储能系统，拿下蔚来的大项目。"
    assert scoring.score("", text, "", (), small, CFG)[("company", "nio")].roles == []
    assert scoring.score("", "蔚来称，订单饱满。", "", (), small, CFG)[("company", "nio")].roles \
        == ["said: 称"]


def test_a_chinese_ambiguous_word_twice_in_sentences_that_report_nothing(small):
    # 理想 twice, but only as a word: no cue says what a company did
    assert ("company", "li-auto") not in scoring.score(
        "", "这是我们的理想生活。理想的城市很安静。", "", (), small, CFG)
    assert ("company", "li-auto") in scoring.score(
        "", "理想发布新车。理想的销量上涨。", "", (), small, CFG)


def test_a_brand_of_a_product_used_is_a_passing_mention(small):
    for text in ("Verbraucher steuern ihre Geschirrspüler der Marke Kelag per App.",
                 "The app runs dishwashers made by Kelag."):
        cand = scoring.score("", text, "", (), small, CFG)[("company", "kelag")]
        assert cand.passing_only, (text, cand.hits)


def test_examples_anywhere_in_their_clause_unless_a_deal_follows(small):
    text = "华为已与众多企业合作，比如为全球动力电池龙头宁德时代、车企蔚来等打造了解决方案。"
    cands = scoring.score("", text, "", (), small, CFG)
    assert cands[("company", "catl")].passing_only and cands[("company", "nio")].passing_only
    deal = "宁德时代加速布局，例如将蔚来的电池业务收入囊中。"
    assert not scoring.score("", deal, "", (), small, CFG)[("company", "nio")].passing_only


def test_a_customer_that_signs_a_deal_is_reported_on(small):
    text = "宁德时代的客户蔚来昨日与其签署了长期供货协议。"
    assert not scoring.score("", text, "", (), small, CFG)[("company", "nio")].passing_only
