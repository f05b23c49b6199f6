"""The real corpus: every file of every source folder is built or skipped with a reason."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

from builder import config, sources
from builder.build import run

FOLDERS = ["rsshub-page", "finews-jekyll", "vortex-wind-jekyll", "renewable-energy-news",
           "xwlb-cctv", "ruanyf-weekly", "gold-miner"]
FORBIDDEN_TAGS = ["script", "style", "iframe", "object", "embed", "base", "meta", "svg", "math", "form",
                  "link", "frame", "input"]


@pytest.fixture(scope="module")
def corpus_builds(tmp_path_factory):
    from conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    results = {}
    for folder in FOLDERS:
        out = tmp_path_factory.mktemp(folder) / "public"
        cfg = replace(config.load(ROOT / "site.toml", content_dir=str(CORPUS / folder),
                                  output_dir=str(out)), search=False,
                      slugs_file="")  # never write into the shared corpus
        result = run(cfg)
        files = sources.discover(CORPUS / folder)
        results[folder] = (result, files, out)
    return results


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_file_accounted_for(corpus_builds, folder):
    result, files, out = corpus_builds[folder]
    assert result.ok
    assert not [p for p in result.problems if p.code == "internal"]
    exported = json.loads((out / "api/articles.json").read_text())["articles"]
    built = [a["source_path"] for a in exported]
    assert len(built) == len(set(built)) == result.articles  # one page per article, none twice
    assert set(built) <= set(files)  # nothing built that is not a content file
    skipped = set(files) - set(built)
    assert result.skipped == len(skipped)
    # every file not built is named by an error (a reason) or a note that holds it back (a
    # draft, a future date), and no built file has an error
    named = {p.path for p in result.problems if p.severity == "error"}
    held = {p.path for p in result.problems if p.code in ("draft", "date-future", "expired")}
    assert skipped - named - held == set()
    assert named & set(built) == set()


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_forbidden_markup_survives(corpus_builds, folder):
    _, _, out = corpus_builds[folder]
    for page in (out / "articles").rglob("index.html"):
        body = BeautifulSoup(page.read_text(), "lxml").find(class_="body")
        assert body is not None
        for tag in body.find_all(True):
            assert tag.name not in FORBIDDEN_TAGS, (page, tag.name)
            for attr, value in tag.attrs.items():
                assert not attr.lower().startswith("on") and attr != "style", (page, attr)
                if attr in ("href", "src"):
                    assert urlsplit(str(value)).scheme.lower() in ("http", "https", "mailto"), (page, value)


def test_news_folders_build_almost_everything(corpus_builds):
    for folder in ("rsshub-page", "finews-jekyll", "renewable-energy-news", "xwlb-cctv"):
        result, files, _ = corpus_builds[folder]
        assert result.articles >= len(files) - 1, folder


@pytest.mark.parametrize("folder", ["rsshub-page", "renewable-energy-news", "xwlb-cctv"])
def test_page_counts_match_the_export(corpus_builds, folder):
    import math

    result, _, out = corpus_builds[folder]
    per_page = config.load(ROOT / "site.toml").per_page
    exported = json.loads((out / "api/articles.json").read_text())["articles"]
    # an article with no body text has no page of its own (its source's page links the original)
    assert len(list((out / "articles").rglob("index.html"))) == sum(not a["empty"] for a in exported)
    counts: Counter = Counter()
    for a in exported:
        if a["duplicate_of"] is None and not a["empty"]:
            for kind, key in (("companies", "companies"), ("themes", "themes")):
                for term in a[key]:
                    counts[(kind, term["slug"])] += 1
    for (kind, slug), n in counts.items():
        folder_path = out / kind / slug
        pages = 1 + len(list((folder_path / "page").glob("*/index.html"))) if (folder_path / "page").is_dir() else 1
        assert (folder_path / "index.html").is_file()
        assert pages == math.ceil(n / per_page), (kind, slug, n, pages)
        assert (folder_path / "feed.xml").is_file()
    for kind in ("companies", "themes"):
        listed = {p.name for p in (out / kind).iterdir() if p.is_dir()}
        assert listed == {slug for k, slug in counts if k == kind}
    languages = Counter(a["language"].split("-")[0] for a in exported
                        if a["duplicate_of"] is None and not a["empty"])
    for code, n in languages.items():  # one paginated listing per language (/zh/, /de/…)
        listing = out / code
        pages = 1 + len(list((listing / "page").glob("*/index.html"))) if (listing / "page").is_dir() else 1
        assert pages == math.ceil(n / per_page), (code, n, pages)
    sitemap = (out / "sitemap.xml").read_text()
    html_pages = [p for p in out.rglob("*.html") if p.name != "404.html"]
    folded = sum(1 for a in exported if a["duplicate_of"] is not None)  # not in the sitemap
    assert sitemap.count("<loc>") == len(html_pages) - folded


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_page_feed_sitemap_and_json_is_well_formed(corpus_builds, folder):
    from conftest import assert_well_formed

    assert assert_well_formed(corpus_builds[folder][2]) > 0


def test_feeds_parse(corpus_builds):
    feedparser = pytest.importorskip("feedparser")
    _, _, out = corpus_builds["rsshub-page"]
    feeds = list(out.rglob("feed.xml"))
    assert len(feeds) > 5
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert parsed.feed.title and parsed.entries
