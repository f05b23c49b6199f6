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
                                  output_dir=str(out)), search=False)
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
    built = {a["source_path"] for a in exported}
    skipped = {p.path for p in result.problems if p.severity == "error"} - built
    assert built | skipped == set(files)
    assert len(built) + len(skipped) == len(files)
    # every skip names its reason
    reasons = Counter(p.code for p in result.problems if p.severity == "error" and p.path in skipped)
    assert sum(reasons.values()) >= len(skipped)


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
