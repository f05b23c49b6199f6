"""The taxonomy loader's checks and the matching of aliases, on small taxonomies made per test
(scoring and selecting: test_scoring.py, test_selecting.py)."""

from __future__ import annotations

import textwrap
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


def test_the_project_taxonomy_loads_cleanly_and_completely():
    """Not the conftest fixture's check (no errors) again: no warnings either, every entry
    shown with a name in either language, every parent and default theme resolvable, the
    key stable."""
    folder = Path(__file__).resolve().parent.parent / "content" / "taxonomy"
    tax, problems = taxonomy.load(folder)
    assert problems == []
    assert len(tax.entries["company"]) > 50 and len(tax.entries["theme"]) > 10
    for kind, entries in tax.entries.items():
        for slug, entry in entries.items():
            assert entry.name("zh") and entry.name("en"), (kind, slug)
            assert not entry.parent or entry.parent in tax.entries["company"], slug
            assert all(t in tax.entries["theme"] for t in entry.themes), slug
    assert taxonomy.load(folder)[0].key == tax.key


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


# --- loading: company fields -------------------------------------------------------

def test_unknown_parent_or_theme_of_a_company(tmp_path):
    companies = COMPANIES.replace("    en: Huawei Digital Power\n",
                                  "    en: Huawei Digital Power\n    parent: huawei-group\n"
                                  "    themes: [solar, wind]\n")
    _, problems = make(tmp_path, companies=companies)
    assert [p.code for p in problems] == ["taxonomy-entry", "taxonomy-entry"]
    assert "huawei-group" in problems[0].message and "'wind'" in problems[1].message
    assert all(p.line == 9 for p in problems)


def test_an_exact_alias_matches_only_as_written(tmp_path):
    tax, problems = make(tmp_path, companies="""\
        companies:
          - slug: vortex
            en: Vortex
            aliases: [VORTEX]
            exact: [Vortex]
        """)
    assert problems == []
    found = taxonomy.find_mentions("Vortex data, a vortex street, VORTEX", tax)
    assert [(m.start, m.pattern.ambiguous) for m in found] == [(0, False), (30, False)]
