"""Selecting: which candidates become tags, and the reason for each (Decision)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_taxonomy import CFG, COMPANIES, THEMES, make, terms

from builder import scoring, selecting, taxonomy


@pytest.fixture
def small(tmp_path):
    tax, problems = make(tmp_path)
    assert not problems
    return tax


def decisions(title, text, tax, cfg=CFG, lead="", tags=()):
    cands = scoring.score(title, text, lead, tags, tax, cfg)
    return {(d.kind, d.term): d for d in selecting.decide(cands, tax, cfg)}


def test_a_title_mention_alone_tags_a_company(small):
    d = decisions("宁德时代发布新电池", "新电池能量密度更高。", small)[("company", "catl")]
    assert d.kept and d.reason == "named in the title"


def test_one_plain_mention_of_a_company_the_article_reports_on_tags_it(small):
    text = "行业观察：多家企业扩产，宁德时代也在德国建厂。"
    assert terms(taxonomy.tag("电池行业扩产", text, "", (), small, CFG)) == ["catl"]
    strict = replace(CFG, company_threshold=2.0)
    d = decisions("电池行业扩产", text, small, strict)[("company", "catl")]
    assert not d.kept and "below company_threshold" in d.reason


def test_every_company_of_a_ranking_winners_or_a_deal_is_kept(small):
    """A battery ranking is about every maker it ranks, even when one dominates the text."""
    cfg = replace(CFG, company_threshold=2.0, company_share=0.35)
    text = "宁德时代发布新品。宁德时代扩产。" * 5 + "装机量排名：宁德时代、比亚迪、蔚来和小鹏汽车。"
    got = decisions("宁德时代", text, small, cfg)
    assert all(got[("company", s)].kept for s in ("catl", "byd", "nio", "xpeng"))
    assert got[("company", "byd")].reason == "reported on (ranking: 装机量)"
    plain = decisions("宁德时代", "宁德时代发布新品。宁德时代扩产。" * 5 + "比亚迪也做。比亚迪降价。",
                      small, cfg)
    assert not plain[("company", "byd")].kept
    assert "company_share" in plain[("company", "byd")].reason


def test_passing_mentions_alone_do_not_tag(small):
    d = decisions("", "据宁德时代的数据显示，电池市场增长。", small)[("company", "catl")]
    assert not d.kept and d.reason == "passing mentions only (据)"
    named = decisions("宁德时代：市场增长", "据宁德时代的数据显示，电池市场增长。", small)
    assert named[("company", "catl")].kept


def test_front_matter_adds_and_excludes(small):
    text = "宁德时代扩产。宁德时代的锂电池。锂电池出货。"
    plain = taxonomy.tag("", text, "", (), small, CFG)
    assert terms(plain) == ["catl"] and terms(plain, "theme") == ["batteries"]
    tags = taxonomy.tag("", text, "", (), small, CFG,
                        add={"company": ("byd", "unknown-slug"), "theme": ("solar",)},
                        exclude={"company": ("catl",), "theme": ()})
    assert terms(tags) == ["byd"]
    assert terms(tags, "theme") == ["batteries", "solar"]
    assert [t.evidence for t in tags if t.term == "byd"] == [("front matter",)]


def test_a_companys_own_themes_are_implied_with_evidence(tmp_path):
    companies = COMPANIES.replace("    source_tags: [vortex]\n",
                                  "    source_tags: [vortex]\n    themes: [energy-storage]\n")
    tax, _ = make(tmp_path, companies=companies)
    tags = taxonomy.tag("How accurate is VORTEX?", "Our model is compared with your data.", "",
                        (), tax, CFG)
    assert [(t.kind, t.term) for t in tags] == [("company", "vortex"),
                                                ("theme", "energy-storage")]
    assert tags[1].evidence == ("company: vortex (implied) ×1",)
    assert tags[1].score == CFG.company_theme_weight
    got = decisions("VORTEX and Photovoltaik", "Photovoltaik data. Photovoltaik.", tax)
    assert got[("theme", "solar")].kept
    assert got[("theme", "energy-storage")].score == CFG.company_theme_weight


def test_the_main_theme_needs_less_than_a_second_one(small):
    cfg = replace(CFG, top_theme_threshold=2.0, theme_threshold=2.5)
    text = "锂电池。锂电池。Photovoltaik Photovoltaik"
    assert terms(taxonomy.tag("", text, "", (), small, cfg), "theme") == ["batteries"]


def test_a_second_theme_must_not_be_dwarfed_unless_up_front(small):
    text = "锂电池。" * 10 + "Photovoltaik. Photovoltaik. Photovoltaik."
    assert terms(taxonomy.tag("", text, "", (), small, CFG), "theme") == ["batteries"]
    assert terms(taxonomy.tag("Photovoltaik", text, "", (), small, CFG), "theme") \
        == ["batteries", "solar"]
    d = decisions("", text, small)[("theme", "solar")]
    assert not d.kept and "of the main theme" in d.reason


def test_a_second_theme_needs_two_mentions_a_feeds_tag_is_not_one(small):
    text = "Photovoltaik boomt. " * 6 + "Ein Batteriespeicher."
    got = decisions("", text, small, tags=("Speicher",))[("theme", "energy-storage")]
    assert got.score >= CFG.theme_threshold and not got.kept
    assert got.reason == "one passing mention"
    text += " Der Batteriespeicher lädt."
    assert terms(taxonomy.tag("", text, "", ("Speicher",), small, CFG), "theme") \
        == ["energy-storage", "solar"]


def test_a_theme_named_by_several_keywords_is_not_dwarfed(small, tmp_path):
    themes = THEMES.replace("keywords: [Photovoltaik]",
                            "keywords: [Photovoltaik, PV-Anlage, Solarstrom, Solarmodul]")
    tax, _ = make(tmp_path, themes=themes)
    text = "锂电池。" * 30 + "Photovoltaik hilft. Die PV-Anlage läuft. Solarstrom fließt."
    cfg = replace(CFG, theme_distinct=4)
    assert terms(taxonomy.tag("", text, "", (), tax, cfg), "theme") == ["batteries"]
    text += " Ein Solarmodul."
    assert terms(taxonomy.tag("", text, "", (), tax, cfg), "theme") == ["batteries", "solar"]


def test_a_broad_theme_only_without_a_dominant_specific_theme(small):
    text = "Photovoltaik boomt. " * 6 + "Der Erneuerbaren-Ausbau geht weiter. " * 3
    assert terms(taxonomy.tag("", text, "", (), small, CFG), "theme") == ["solar"]
    assert terms(taxonomy.tag("", text, "", (), small, replace(CFG, broad_share=0.4)),
                 "theme") == ["energy-transition", "solar"]
    alone = "Der Erneuerbaren-Ausbau geht weiter. " * 3 + "Photovoltaik boomt."
    assert terms(taxonomy.tag("", alone, "", (), small, CFG), "theme") == ["energy-transition"]


def test_ambiguous_keywords_alone_make_only_the_main_theme(small):
    text = "Photovoltaik boomt. " * 5 + "Der Speicher hilft. " * 4
    assert terms(taxonomy.tag("", text, "", (), small, CFG), "theme") == ["solar"]
    assert terms(taxonomy.tag("", text, "", (), small, replace(CFG, weak_only="any")),
                 "theme") == ["energy-storage", "solar"]
    filler = "Die Energiewende. Die Energiewende. Die Energiewende. Die Energiewende."
    assert terms(taxonomy.tag("", filler, "", (), small, CFG), "theme") == ["energy-transition"]
    assert terms(taxonomy.tag("", filler, "", (), small, replace(CFG, weak_only="never")),
                 "theme") == []



def test_ambiguous_keywords_with_the_feeds_own_tag_are_a_theme(small):
    """The feed's tag for the theme corroborates its ambiguous keywords (Speicher tagged
    Speicher), as a company's source tag corroborates its ambiguous name."""
    text = "Photovoltaik boomt. " * 9 + "Der Speicher hilft. " * 4
    assert terms(taxonomy.tag("", text, "", ("Speicher",), small, CFG), "theme") \
        == ["energy-storage", "solar"]
    assert terms(taxonomy.tag("", text, "", ("Photovoltaik",), small, CFG), "theme") == ["solar"]

def test_max_themes(small):
    text = "锂电池。锂电池。Photovoltaik. Photovoltaik. Batteriespeicher. Batteriespeicher."
    got = decisions("锂电池 Photovoltaik Batteriespeicher", text, small, replace(CFG, max_themes=2))
    assert sum(d.kept for d in got.values() if d.kind == "theme") == 2
    assert [d.reason for d in got.values() if d.kind == "theme" and not d.kept] \
        == ["max_themes 2 reached"]


def test_thresholds_come_from_the_config(small):
    text = "宁德时代扩产。宁德时代降价。"
    assert terms(taxonomy.tag("", text, "", (), small, replace(CFG, company_threshold=2))) \
        == ["catl"]
    assert terms(taxonomy.tag("", text, "", (), small, replace(CFG, company_threshold=3))) == []


def test_bare_threshold_for_a_company_named_without_a_role(small):
    text = "行业观察：宁德时代。比亚迪宣布降价。"
    cfg = replace(CFG, bare_threshold=2.0)
    got = decisions("电池", text, small, cfg)
    assert not got[("company", "catl")].kept
    assert got[("company", "catl")].reason.startswith("named without saying what it did")
    assert got[("company", "byd")].kept  # its sentence says what it did
