"""The taxonomy loader's checks and the tagger's rules, on small taxonomies made per test."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from builder import taxonomy
from builder.config import TaggingConfig

COMPANIES = """\
companies:
  - slug: catl
    zh: 宁德时代
    en: CATL
    aliases: [Contemporary Amperex]
  - slug: huawei
    zh: 华为
    en: Huawei
  - slug: huawei-digital-power
    zh: 华为数字能源
    en: Huawei Digital Power
  - slug: li-auto
    zh: 理想汽车
    en: Li Auto
    ambiguous: [理想]
  - slug: general-electric
    zh: 通用电气
    en: General Electric
    aliases: [GE]
  - slug: apple
    zh: 苹果公司
    en: Apple Inc
    ambiguous: [Apple]
  - slug: byd
    zh: 比亚迪
    en: BYD
  - slug: nio
    zh: 蔚来
    en: NIO
  - slug: xpeng
    zh: 小鹏汽车
    en: XPeng
  - slug: kelag
    en: Kelag
    aliases: [Kärntner Elektrizitäts-Aktiengesellschaft]
  - slug: vortex
    en: Vortex
    aliases: [VORTEX]
    ambiguous: [Vortex]
    source_tags: [vortex]
"""

THEMES = """\
themes:
  - slug: batteries
    zh: 动力电池
    en: Batteries
    keywords: [锂电池, battery]
  - slug: solar
    zh: 光伏
    en: Solar
    keywords: [Photovoltaik]
    source_tags: [Photovoltaik, PV]
  - slug: energy-storage
    zh: 储能
    en: Energy storage
    keywords: [Batteriespeicher]
    ambiguous: [Speicher]
    source_tags: [Speicher]
  - slug: energy-transition
    zh: 能源转型
    en: Energy transition
    keywords: [Erneuerbaren-Ausbau]
    ambiguous: [Energiewende]
    broad: true
"""


def make(tmp_path: Path, companies: str = COMPANIES, themes: str = THEMES):
    folder = tmp_path / "taxonomy"
    folder.mkdir(exist_ok=True)
    (folder / "companies.yaml").write_text(textwrap.dedent(companies), encoding="utf-8")
    (folder / "themes.yaml").write_text(textwrap.dedent(themes), encoding="utf-8")
    return taxonomy.load(folder)


@pytest.fixture
def small(tmp_path):
    tax, problems = make(tmp_path)
    assert not [p for p in problems if p.severity == "error"], problems
    return tax


CFG = TaggingConfig()


def slugs(text: str, tax, kind: str = "company") -> list[str]:
    return sorted({p.slug for _, _, p in taxonomy.find_mentions(text, tax) if p.kind == kind})


def terms(tags, kind: str = "company") -> list[str]:
    return sorted(t.term for t in tags if t.kind == kind)


# --- validation -------------------------------------------------------------------------

def codes(problems) -> dict[str, list]:
    out: dict[str, list] = {}
    for p in problems:
        out.setdefault(p.code, []).append(p)
    return out


def test_the_project_taxonomy_loads_without_errors(tax):
    assert tax.entries["company"] and tax.entries["theme"]


def test_duplicate_alias_in_one_entry(tmp_path):
    _, problems = make(tmp_path, companies="""\
        companies:
          - slug: chint
            zh: 正泰
            en: Chint
            aliases: [CHINT]
        """)
    [p] = codes(problems)["taxonomy-duplicate-alias"]
    assert p.severity == "error"
    assert p.path.endswith("companies.yaml") and p.line == 2
    assert "CHINT" in p.message and "chint" in p.message


def test_alias_shared_by_two_entries(tmp_path):
    _, problems = make(tmp_path, companies="""\
        companies:
          - slug: state-grid
            zh: 国家电网
            aliases: [国网]
          - slug: other-grid
            zh: 南方电网
            aliases: [国网]
        """)
    [p] = codes(problems)["taxonomy-shared-alias"]
    assert p.path.endswith("companies.yaml") and p.line == 5
    assert "state-grid" in p.message and "other-grid" in p.message


def test_entry_without_a_name(tmp_path):
    _, problems = make(tmp_path, themes="""\
        themes:
          - slug: solar
            zh: 光伏
          - slug: wind
            keywords: [风电]
        """)
    [p] = codes(problems)["taxonomy-name"]
    assert p.path.endswith("themes.yaml") and p.line == 4 and "wind" in p.message


@pytest.mark.parametrize("slug", ["Solar", "solar_power", "-solar", "太阳能"])
def test_bad_slug(tmp_path, slug):
    tax, problems = make(tmp_path, themes=f"""\
        themes:
          - slug: wind
            zh: 风电
          - slug: {slug}
            zh: 光伏
        """)
    [p] = codes(problems)["taxonomy-slug"]
    assert p.path.endswith("themes.yaml") and p.line == 4
    assert list(tax.entries["theme"]) == ["wind"]


def test_duplicate_slug(tmp_path):
    _, problems = make(tmp_path, themes="""\
        themes:
          - slug: wind
            zh: 风电
          - slug: wind
            zh: 风能
        """)
    assert [p.code for p in problems] == ["taxonomy-slug"]


def test_upper_case_acronym_may_stand_beside_an_ambiguous_name(small, tmp_path):
    assert small.entry("company", "vortex").ambiguous == ("Vortex",)
    _, problems = make(tmp_path, companies="""\
        companies:
          - slug: vortex
            en: Vortex
            aliases: [Vortex]
            ambiguous: [vortex]
        """)
    assert [p.code for p in problems] == ["taxonomy-entry"]
    assert "both plain and ambiguous" in problems[0].message


def test_missing_files_are_warnings(tmp_path):
    (tmp_path / "empty").mkdir()
    tax, problems = taxonomy.load(tmp_path / "empty")
    assert {p.code for p in problems} == {"taxonomy-missing"}
    assert all(p.severity == "warning" for p in problems)
    assert taxonomy.tag("CATL", "宁德时代", "", (), tax, CFG) == ()


# --- matching ---------------------------------------------------------------------------

def test_latin_aliases_match_whole_words_only(small):
    assert slugs("GE Vernova and GE.", small) == ["general-electric"]
    assert slugs("GERMAN engineers like change and AGE", small) == []
    assert slugs("Ge is not GE", small) == ["general-electric"]  # acronyms: exact case
    assert slugs("a pineapple, Applesauce", small) == []


def test_cjk_aliases_match_inside_text(small):
    assert slugs("据报道宁德时代今日发布", small) == ["catl"]


def test_longest_match_wins(small):
    assert slugs("华为数字能源发布新品", small) == ["huawei-digital-power"]
    assert slugs("华为与华为数字能源", small) == ["huawei", "huawei-digital-power"]


def test_full_width_and_traditional_forms(small):
    assert slugs("ＣＡＴＬ的电池", small) == ["catl"]
    assert slugs("寧德時代公布財報", small) == ["catl"]
    mentions = taxonomy.find_mentions("前言：寧德時代", small)
    assert [(s, e) for s, e, _ in mentions] == [(3, 7)]  # offsets in the original text


def test_offsets_are_characters_whatever_the_script(small):
    """The automaton runs over UTF-8 bytes; mentions come back in characters of the text."""
    text = "😀 Die Kärntner Elektrizitäts-Aktiengesellschaft und 寧德時代、ＣＡＴＬ。"
    found = [(text[s:e], p.slug) for s, e, p in taxonomy.find_mentions(text, small)]
    assert found == [("Kärntner Elektrizitäts-Aktiengesellschaft", "kelag"),
                     ("寧德時代", "catl"), ("ＣＡＴＬ", "catl")]
    assert slugs("Ünd GE", small) == ["general-electric"]


def test_acronym_and_ambiguous_name_are_one_mention(small):
    mentions = taxonomy.find_mentions("VORTEX", small)
    assert [(p.slug, p.ambiguous) for _, _, p in mentions] == [("vortex", False)]
    mentions = taxonomy.find_mentions("Vortex", small)
    assert [(p.slug, p.ambiguous) for _, _, p in mentions] == [("vortex", True)]


# --- scoring ----------------------------------------------------------------------------

def test_ambiguous_alias_needs_corroboration(small):
    once = taxonomy.score("", "我们的理想是零碳。", "", (), small, CFG)
    assert ("company", "li-auto") not in once
    twice = taxonomy.score("", "理想发布新车。理想的销量上涨。", "", (), small, CFG)
    assert twice[("company", "li-auto")][0] == 2 * CFG.body_weight * CFG.ambiguous_weight
    full = taxonomy.score("", "理想汽车发布新车，理想的销量上涨。", "", (), small, CFG)
    value, evidence = full[("company", "li-auto")]
    assert value == CFG.body_weight + CFG.body_weight * CFG.ambiguous_weight
    assert evidence == {"body: 理想汽车": 1, "body: 理想 (ambiguous)": 1}


def test_source_tag_corroborates_an_ambiguous_company_name_but_never_tags_alone(small):
    assert ("company", "vortex") not in taxonomy.score("", "Vortex said so.", "", (), small, CFG)
    scores = taxonomy.score("", "Vortex said so.", "", ("vortex",), small, CFG)
    assert scores[("company", "vortex")][0] == CFG.body_weight * CFG.ambiguous_weight
    assert ("company", "vortex") not in taxonomy.score("", "Wind news.", "", ("vortex",), small,
                                                        CFG)


def test_title_lead_and_body_weights(small):
    text = "宁德时代发布电池。\n另外，宁德时代还表示。"
    value, evidence = taxonomy.score("宁德时代新品", text, "宁德时代发布电池。", (), small,
                                     CFG)[("company", "catl")]
    assert value == CFG.title_weight + CFG.lead_weight + CFG.body_weight
    assert evidence == {"title: 宁德时代": 1, "lead: 宁德时代": 1, "body: 宁德时代": 1}


def test_a_title_mention_alone_tags_a_company(small):
    assert terms(taxonomy.tag("宁德时代发布新电池", "新电池能量密度更高。", "", (), small, CFG)) \
        == ["catl"]


def test_a_single_passing_mention_does_not_tag(small):
    text = "行业观察：多家企业扩产，其中也包括宁德时代。"
    assert terms(taxonomy.tag("电池行业扩产", text, "", (), small, CFG)) == []


def test_passing_mentions_beside_the_dominant_company(small):
    text = "\n".join(["比亚迪发布新车。比亚迪销量创新高。"] * 5 + ["蔚来也在做。蔚来跟进。"])
    tags = taxonomy.tag("比亚迪新车", text, "", (), small, CFG)
    assert terms(tags) == ["byd"]


def test_companies_in_a_list_count_less(small):
    listed = "中标企业：宁德时代、比亚迪、蔚来和小鹏汽车。"
    scores = taxonomy.score("", listed, "", (), small, CFG)
    assert scores[("company", "catl")][0] == CFG.body_weight * CFG.list_weight
    assert "body: 宁德时代 (in a list)" in scores[("company", "catl")][1]
    apart = taxonomy.score("", "宁德时代扩产。比亚迪降价。", "", (), small, CFG)
    assert apart[("company", "catl")][0] == CFG.body_weight


def test_a_name_in_apposition_is_one_mention(small):
    text = "Die KELAG - Kärntner Elektrizitäts-Aktiengesellschaft investiert."
    assert taxonomy.score("", text, "", (), small, CFG)[("company", "kelag")][0] \
        == CFG.body_weight
    former = "Kärntner Elektrizitäts-Aktiengesellschaft (ehemals KELAG) investiert."
    assert taxonomy.score("", former, "", (), small, CFG)[("company", "kelag")][0] \
        == CFG.body_weight


def test_a_subsidiary_named_up_front_takes_its_parents_mentions(tmp_path):
    companies = COMPANIES.replace("    en: Huawei Digital Power\n",
                                  "    en: Huawei Digital Power\n    parent: huawei\n")
    tax, problems = make(tmp_path, companies=companies)
    assert not problems
    text = "华为数字能源中标储能项目。\n华为表示，华为将于明年交付。"
    scores = taxonomy.score("", text, "华为数字能源中标储能项目。", (), tax, CFG)
    assert ("company", "huawei") not in scores
    value, evidence = scores[("company", "huawei-digital-power")]
    assert value == CFG.lead_weight + 2 * CFG.body_weight
    assert evidence == {"lead: 华为数字能源": 1, "body: 华为 (parent)": 2}
    later = taxonomy.score("", "华为发布新手机。华为表示。另外，华为数字能源也有新品。", "",
                           (), tax, CFG)
    assert ("company", "huawei") in later and ("company", "huawei-digital-power") in later


def test_unknown_parent_or_theme_of_a_company(tmp_path):
    companies = COMPANIES.replace("    en: Huawei Digital Power\n",
                                  "    en: Huawei Digital Power\n    parent: huawei-group\n"
                                  "    themes: [solar, wind]\n")
    _, problems = make(tmp_path, companies=companies)
    assert [p.code for p in problems] == ["taxonomy-entry", "taxonomy-entry"]
    assert "huawei-group" in problems[0].message and "'wind'" in problems[1].message
    assert all(p.line == 9 for p in problems)


def test_an_article_without_a_theme_takes_its_companys_field(tmp_path):
    companies = COMPANIES.replace("    source_tags: [vortex]\n",
                                  "    source_tags: [vortex]\n    themes: [energy-storage]\n")
    tax, _ = make(tmp_path, companies=companies)
    tags = taxonomy.tag("How accurate is VORTEX?", "Our model is compared with your data.", "",
                        (), tax, CFG)
    assert [(t.kind, t.term, t.evidence) for t in tags] == [
        ("company", "vortex", ("title: VORTEX ×1",)),
        ("theme", "energy-storage", ("company: vortex",))]
    named = taxonomy.tag("VORTEX and Photovoltaik", "Photovoltaik data.", "", (), tax, CFG)
    assert terms(named, "theme") == ["solar"]


def test_source_tags_map_to_themes_case_insensitively(small):
    scores = taxonomy.score("", "Eine Photovoltaik-Anlage.", "", ("photovoltaik", "Österreich"),
                            small, CFG)
    assert scores == {("theme", "solar"): (CFG.body_weight + CFG.source_tag_weight,
                                           {"body: Photovoltaik": 1,
                                            "source tag: photovoltaik": 1})}


def test_a_source_tag_alone_weighs_less(small):
    """A feed's tag with no word of the theme in the post is about the feed, not the post."""
    scores = taxonomy.score("", "Ein Text.", "", ("PV",), small, CFG)
    assert scores == {("theme", "solar"): (CFG.source_tag_alone_weight, {"source tag: PV": 1})}
    assert CFG.source_tag_alone_weight < CFG.top_theme_threshold


def test_a_source_tag_corroborates_an_ambiguous_keyword(small):
    scores = taxonomy.score("Solar und Speicher", "Ein Text.", "", ("Speicher",), small, CFG)
    value, evidence = scores[("theme", "energy-storage")]
    assert value == CFG.title_weight * CFG.theme_ambiguous_weight + CFG.source_tag_weight
    assert "title: Speicher (ambiguous)" in evidence


# --- selection --------------------------------------------------------------------------

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


def test_the_main_theme_needs_less_than_a_second_one(small):
    cfg = replace(CFG, top_theme_threshold=2.0, theme_threshold=2.5)
    text = "锂电池。锂电池。Photovoltaik Photovoltaik"
    assert terms(taxonomy.tag("", text, "", (), small, cfg), "theme") == ["batteries"]


def test_a_second_theme_must_not_be_dwarfed_unless_in_the_title(small):
    text = "锂电池。" * 10 + "Photovoltaik. Photovoltaik. Photovoltaik."
    assert terms(taxonomy.tag("", text, "", (), small, CFG), "theme") == ["batteries"]
    assert terms(taxonomy.tag("Photovoltaik", text, "", (), small, CFG), "theme") \
        == ["batteries", "solar"]


def test_a_second_theme_in_the_lead_is_not_dwarfed(small):
    lead = "Photovoltaik für Batteriespeicher."
    text = lead + "\n" + "Photovoltaik boomt. " * 10 + "Ein Batteriespeicher."
    assert terms(taxonomy.tag("", text, lead, (), small, CFG), "theme") \
        == ["energy-storage", "solar"]
    assert terms(taxonomy.tag("", text, "", (), small, CFG), "theme") == ["solar"]


def test_a_second_theme_needs_two_mentions_a_feeds_tag_is_not_one(small):
    text = "Photovoltaik boomt. " * 6 + "Ein Batteriespeicher."
    scores = taxonomy.score("", text, "", ("Speicher",), small, CFG)
    assert scores[("theme", "energy-storage")][0] >= CFG.theme_threshold
    assert terms(taxonomy.tag("", text, "", ("Speicher",), small, CFG), "theme") == ["solar"]
    text += " Der Batteriespeicher lädt."
    assert terms(taxonomy.tag("", text, "", ("Speicher",), small, CFG), "theme") \
        == ["energy-storage", "solar"]


def test_a_company_named_in_the_title_is_not_dwarfed(small):
    text = "比亚迪发布新车。" * 10 + "小鹏汽车跟进。"
    assert terms(taxonomy.tag("比亚迪与小鹏汽车", text, "", (), small, CFG)) == ["byd", "xpeng"]
    assert terms(taxonomy.tag("比亚迪新车", text, "", (), small, CFG)) == ["byd"]


def test_a_theme_named_by_several_keywords_is_not_dwarfed(small, tmp_path):
    themes = THEMES.replace("keywords: [Photovoltaik]",
                            "keywords: [Photovoltaik, PV-Anlage, Solarstrom, Solarmodul]")
    tax, _ = make(tmp_path, themes=themes)
    text = "锂电池。" * 30 + "Photovoltaik hilft. Die PV-Anlage läuft. Solarstrom fließt."
    assert terms(taxonomy.tag("", text, "", (), tax, replace(CFG, theme_distinct=4)),
                 "theme") == ["batteries"]
    text += " Ein Solarmodul."
    assert terms(taxonomy.tag("", text, "", (), tax, replace(CFG, theme_distinct=4)),
                 "theme") == ["batteries", "solar"]


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


def test_thresholds_come_from_the_config(small):
    text = "宁德时代扩产。宁德时代降价。"
    assert terms(taxonomy.tag("", text, "", (), small, replace(CFG, company_threshold=2))) \
        == ["catl"]
    assert terms(taxonomy.tag("", text, "", (), small, replace(CFG, company_threshold=3))) == []
