"""The reader's side of the corpus site (news folders + seeds): topic pages with history,
language listings, chips and dates in the article's language, empty articles, titles."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import CONTENT, CORPUS, ROOT
from corpus_site import TITLE_200WH, make_content

from builder import config, taxonomy
from builder.build import run

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[dict], object]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    base = tmp_path_factory.mktemp("reader-site")
    content = make_content(base)
    out = base / "public"
    cfg = replace(config.load(ROOT / "site.toml", content_dir=str(content), output_dir=str(out)),
                  search=False)
    result = run(cfg)
    assert result.ok, result.problems
    api = json.loads((out / "api/articles.json").read_text())["articles"]
    return out, api, result


def page(out: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((out / url.strip("/") / "index.html").read_text(encoding="utf-8"), "lxml")


def test_company_page_has_chart_years_and_related(site):
    out, api, _ = site
    doc = page(out, "/companies/catl/")
    svg = doc.select_one("figure.coverage svg.chart")
    assert svg is not None and svg["role"] == "img"
    labelled = doc.find(id=svg["aria-labelledby"])
    described = doc.find(id=svg["aria-describedby"])
    assert labelled.name == "title" and described.name == "desc"
    assert re.search(r"共 \d+ 篇", described.text), described.text
    bars = svg.find_all("rect")
    catl = [a for a in api if any(c["slug"] == "catl" for c in a["companies"])
            and not a["empty"] and a["duplicate_of"] is None]
    assert sum(int(b.title.text.split(": ")[1]) for b in bars) == len(catl)
    years = [h.get_text(" ", strip=True) for h in doc.select(".year-head")]
    assert years and all(re.match(r"20\d\d \d+ 篇", y) for y in years), years
    assert [int(y[:4]) for y in years] == sorted({int(y[:4]) for y in years}, reverse=True)
    assert doc.select_one(".featured .card") is not None
    related = doc.select(".related-terms a")
    assert related and all(a["href"].startswith(("/companies/", "/themes/")) for a in related)
    # a card on CATL's page does not repeat CATL's chip
    assert not doc.select('.card a.chip[href="/companies/catl/"]')


def test_term_description_from_the_taxonomy(site):
    out, _, _ = site
    tax, _ = taxonomy.load(CONTENT / "taxonomy")
    described = [s for s, e in tax.entries["theme"].items() if e.description
                 and (out / "themes" / s / "index.html").is_file()]
    if not described:
        pytest.skip("no theme with a description has articles")
    doc = page(out, f"/themes/{described[0]}/")
    assert doc.select_one(".term-head .intro").text == tax.entries["theme"][described[0]].describe("zh")


def test_empty_articles_not_listed_but_linked_from_their_source(site):
    out, api, result = site
    empty = [a for a in api if a["empty"]]
    assert len(empty) >= 50  # the vortex feed kept many titles only
    home = (out / "index.html").read_text()
    feed = (out / "feed.xml").read_text()
    for a in empty:
        assert a["title"] not in feed
        assert not a["url"] or a["url"] not in home
    assert any(p.code == "empty-articles" for p in result.problems)
    listed, linked = set(), set()
    for f in (out / "sources").glob("*/index.html"):
        doc = BeautifulSoup(f.read_text(), "lxml")
        listed |= {li.contents[0].get_text().strip() for li in doc.select(".titles-only li")}
        linked |= {a["href"] for a in doc.select(".titles-only a")}
    assert {a["title"] for a in empty} <= listed  # each on its source's (or author's) page
    assert {a["url"] for a in empty if a["url"]} <= linked  # linked to the original when known
    assert not (out / "sources" / "lv-se-dang-an-green-archive").exists()


def test_english_articles_have_english_chips_and_dates(site):
    out, api, _ = site
    tax, _ = taxonomy.load(CONTENT / "taxonomy")
    english = [a for a in api if a["language"] == "en" and not a["empty"] and a["duplicate_of"] is None
               and (a["companies"] or a["themes"])]
    assert len(english) >= 20
    doc = page(out, "/en/")
    cards = doc.select("article.card")
    assert cards and all(c["lang"] == "en" for c in cards)
    for card in cards:
        for chip in card.select("a.chip"):
            kind = "company" if "company" in chip["class"] else "theme"
            slug = chip["href"].rstrip("/").rsplit("/", 1)[1]
            entry = tax.entry(kind, slug)
            assert chip.text == (entry.en or entry.zh), (chip.text, entry.en)
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", card.time.text), card.time.text


def test_german_dates_and_listing_one_click_from_home(site):
    out, api, _ = site
    home = page(out, "/")
    links = {a["href"] for a in home.select(".lang-switch a")}
    assert "/de/" in links and "/en/" in links and "/zh/" in links
    de = page(out, "/de/")
    assert de.html["lang"] == "de"
    cards = de.select("article.card")
    assert cards and all(c["lang"] == "de" for c in cards)
    assert all(re.fullmatch(r"\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}", c.time.text) for c in cards)
    assert de.select_one("nav#site-nav a").text == "Startseite"  # the listing's own interface
    german = sum(1 for a in api if a["language"] == "de" and not a["empty"] and a["duplicate_of"] is None)
    assert de.select_one(".page-head .meta").text.startswith(f"{german} Artikel")


def test_home_leads_with_the_site_language(site):
    out, _, _ = site
    home = page(out, "/")
    sections = home.select("section.lang-section")
    assert sections[0]["lang"] == "zh"
    assert all(c["lang"].startswith("zh") for c in sections[0].select("article.card"))
    assert {s["lang"] for s in sections} >= {"zh", "en", "de"}


def test_no_doubled_interface_labels(site):
    out, _, _ = site
    for url in ("/", "/companies/catl/", "/archive/", "/sources/", "/topics/"):
        text = (out / url.strip("/") / "index.html").read_text() if url != "/" else \
            (out / "index.html").read_text()
        for doubled in ("首页 Home", "公司 Companies", "来源 Sources", "篇文章 articles", "上一页 Previous"):
            assert doubled not in text, (url, doubled)


def test_restored_titles(site):
    _, api, _ = site
    titles = {a["title"] for a in api}
    assert TITLE_200WH in titles
    assert "100亿投建“风光火储”一体化项目！焦煤龙头加速_奔向_新能源" in titles  # per gap


def test_header_search_field_leads_to_the_search_page(site):
    out, _, _ = site
    form = page(out, "/").select_one("header form[role=search]")
    assert form["action"] == "/search/" and form["method"] == "get"
    assert form.select_one("input[name=q]") is not None
