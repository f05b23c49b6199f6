"""Content written for Hexo, Jekyll and Hugo is read as its tool means it (tests/cases/peers)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import pytest
import yaml
from conftest import ROOT, make_site

from builder import config
from builder.build import run

CASES = ROOT / "tests" / "cases" / "peers"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
TOOLS = ("hexo", "jekyll", "hugo")


def cases(tool: str) -> list[str]:
    folder = CASES / tool
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = {}
    for tool in TOOLS:
        root = tmp_path_factory.mktemp(tool)
        site = make_site(root, {})
        shutil.copytree(CASES / tool, root / "content", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.yaml"))
        result = run(config.load(site), now=NOW)
        assert result.ok, result.problems
        api = json.loads((root / "public/api/articles.json").read_text())["articles"]
        out[tool] = (root, {a["source_path"]: a for a in api}, result.problems)
    return out


@pytest.mark.parametrize("tool, name", [(t, n) for t in TOOLS for n in cases(t)])
def test_peer_case(built, tool, name):
    root, articles, problems = built[tool]
    expected = yaml.safe_load((CASES / tool / name).with_suffix(".expected.yaml").read_text())
    mine = [p for p in problems if p.path == name]
    codes = {p.code for p in mine}
    for code in expected.get("problems", []):
        assert code in codes, f"{name}: expected {code}; reported {mine}"
    if "held" in expected:
        assert name not in articles, f"{name} must be held back"
        assert expected["held"] in codes, f"{name}: no {expected['held']} note in {mine}"
        return
    if expected.get("problems") and "front-matter" in expected["problems"][0]:
        assert name not in articles
        return
    assert name in articles, f"{name} was not built: {mine}"
    a = articles[name]
    url = a["url"].removeprefix("https://example.org")
    for key in ("title", "excerpt"):
        if key in expected:
            assert a[key] == expected[key], (name, key)
    if "authors" in expected:
        assert a["authors"] == expected["authors"]
    for key in ("date", "updated"):
        if key in expected:
            assert (a[key] or "").startswith(expected[key]), (name, key, a[key])
    if "url" in expected:
        assert url == expected["url"]
    page = (root / "public" / url.lstrip("/") / ("" if url.endswith(".html") else "index.html"))
    html = page.read_text()
    body = html[html.index('<div class="body">'):]
    for text in expected.get("body_excludes", []):
        assert text not in body, f"{name}: {text!r} is shown as body text"
    for old in expected.get("redirects", []):
        target = root / "public" / old.lstrip("/")
        target = target if old.endswith(".html") else target / "index.html"
        redirect = target.read_text()
        assert f'url={url}"' in redirect and f'rel="canonical" href="{a["url"]}"' in redirect
