"""End to end: build content/ into a temporary folder and check pages, links and the export."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import ROOT, make_site

from builder import config
from builder.build import run


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def internal_targets(out: Path, base: str = "https://example.org/"):
    """Every internal link of every page → (page, link, exists?)."""
    root_path = urlsplit(base).path
    for page in out.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        here = base + page.relative_to(out).as_posix()
        for link in parser.links:
            url = urljoin(here, link)
            if not url.startswith(base.rstrip("/")) and not link.startswith("/"):
                continue
            path = urlsplit(urljoin(here, link)).path
            if not path.startswith(root_path):
                yield page, link, False
                continue
            rel = path[len(root_path):]
            target = out / rel
            yield page, link, target.is_file() or (target / "index.html").is_file()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "public"
    cfg = replace(config.load(ROOT / "site.toml", output_dir=str(out)),
                  base_url="https://example.org/", search=False)
    result = run(cfg)
    assert result.ok, result.problems
    return out, result


def test_every_seed_has_its_page_with_real_title_and_date(built):
    out, result = built
    data = json.loads((out / "api/articles.json").read_text())
    by_path = {a["source_path"]: a for a in data["articles"]}
    assert len(by_path) == 5 and result.articles == 5
    seed3 = by_path["003_7e87390b08e9f01a.md"]
    assert seed3["title"] == "李军旗：实现“双碳”目标要多角度全链条提能效降能耗"
    assert seed3["date"] == "2021-09-05T13:22:58+08:00"
    for entry in data["articles"]:
        url = urlsplit(entry["url"]).path
        page = out / url.lstrip("/") / "index.html"
        html = page.read_text()
        assert f"<h1 data-pagefind-meta=\"title\">{entry['title']}</h1>" in html
        assert set(entry) >= {"source_path", "url", "title", "date", "source", "companies",
                              "themes"}


def test_lenovo_page_lists_the_four_lenovo_articles(built):
    out, _ = built
    html = (out / "companies/lenovo/index.html").read_text()
    assert html.count('class="card"') == 4
    assert "联想" in html
    data = json.loads((out / "api/articles.json").read_text())
    lenovo = [a for a in data["articles"] if {"slug": "lenovo", "name": "联想集团"} in a["companies"]]
    assert len(lenovo) >= 4
    # newest first
    dates = re.findall(r'<time datetime="([^"]+)"', html)
    assert dates == sorted(dates, reverse=True)


def test_theme_pages_and_indexes(built):
    out, _ = built
    assert (out / "themes/zero-carbon-factory/index.html").is_file()
    assert (out / "themes/carbon-neutrality/feed.xml").is_file()
    companies = (out / "companies/index.html").read_text()
    assert 'href="/companies/lenovo/"' in companies and '<span class="count">' in companies
    assert (out / "themes/index.html").is_file()


def test_no_broken_internal_links(built):
    out, _ = built
    broken = [(p.relative_to(out).as_posix(), link) for p, link, ok in internal_targets(out)
              if not ok and "/pagefind/" not in link]
    assert broken == []


def test_deterministic_and_no_change_rebuild_writes_nothing(built, tmp_path):
    out, _ = built
    cfg = replace(config.load(ROOT / "site.toml", output_dir=str(tmp_path / "again")),
                  base_url="https://example.org/", search=False)
    first = run(cfg)
    files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = {p.relative_to(tmp_path / "again"): p.read_bytes()
             for p in (tmp_path / "again").rglob("*") if p.is_file()}
    assert files == again
    second = run(cfg)
    assert first.written > 0 and second.written == 0 and second.removed == 0
    assert second.reused == 5


def test_cli_build_reports_and_exit_codes(tmp_path):
    site = make_site(tmp_path, {
        "good.md": "---\ntitle: 宁德时代发布新电池\ndate: 2022-01-02\n---\n宁德时代今天发布了新电池。",
        "bad.md": "---\ntitle: [unclosed\n---\nbody",
    })
    report = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "builder", "build", "--config", str(site), "--report", str(report)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "bad.md:2: error front-matter-syntax" in done.stderr
    problems = json.loads(report.read_text())["problems"]
    assert any(p["path"] == "bad.md" and p["code"] == "front-matter-syntax" for p in problems)
    strict = subprocess.run(cmd + ["--strict"], capture_output=True, text=True, cwd=ROOT)
    assert strict.returncode == 1
    assert (tmp_path / "public/index.html").is_file()


def test_bad_config_exits_2_naming_the_key(tmp_path):
    site = make_site(tmp_path, {}, settings='per_pgae = 10\n[tagging]\ncompany_threshold = "high"\n')
    done = subprocess.run([sys.executable, "-m", "builder", "build", "--config", str(site)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert "unknown key `per_pgae`" in done.stderr and "did you mean `per_page`" in done.stderr
    assert "`tagging.company_threshold` must be a number" in done.stderr


def test_check_command_writes_nothing(tmp_path):
    site = make_site(tmp_path, {"a.md": "---\ntitle: a\ndate: Invalid Date\n---\nno date here"})
    done = subprocess.run([sys.executable, "-m", "builder", "check", "--config", str(site),
                           "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    codes = {p["code"] for p in json.loads(done.stdout)["problems"]}
    assert {"date-invalid", "date-missing"} <= codes
    assert not (tmp_path / "public").exists()


def test_failed_render_leaves_output_untouched(tmp_path):
    site = make_site(tmp_path, {"a.md": "---\ntitle: a\ndate: 2022-01-01\n---\ntext"})
    cfg = config.load(site)
    assert run(cfg).ok
    before = {p: p.read_bytes() for p in (tmp_path / "public").rglob("*") if p.is_file()}
    (tmp_path / "content/b.md").write_text("---\ntitle: b\ndate: 2022-01-02\n---\ntext")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/article.html").write_text("{% extends 'base.html' %}{% block main %}"
                                                     "{{ article.nope.deeper }}{% endblock %}")
    result = run(cfg)
    assert not result.ok
    failed = [p for p in result.problems if p.code == "render-failed"]
    assert failed and failed[0].path.endswith("article.html") and failed[0].line
    after = {p: p.read_bytes() for p in (tmp_path / "public").rglob("*") if p.is_file()}
    assert after == before


def test_site_templates_override_theme_file_by_file(tmp_path):
    site = make_site(tmp_path, {"a.md": "---\ntitle: a\ndate: 2022-01-01\n---\ntext"})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/404.html").write_text("{% extends 'base.html' %}{% block main %}"
                                                 "CUSTOM 404{% endblock %}")
    assert run(config.load(site)).ok
    assert "CUSTOM 404" in (tmp_path / "public/404.html").read_text()
    assert "<h1" in (tmp_path / "public/index.html").read_text()


def test_base_url_with_sub_path(tmp_path):
    site = make_site(tmp_path, {"a.md": "---\ntitle: 联想零碳工厂\ndate: 2022-01-01\n---\n联想集团建设零碳工厂。"
                                        "联想集团零碳工厂。联想集团。零碳工厂。"})
    text = site.read_text().replace('base_url = "https://example.org/"',
                                    'base_url = "https://example.org/archive/"')
    site.write_text(text)
    assert run(config.load(site)).ok
    out = tmp_path / "public"
    broken = [(p, link) for p, link, ok in internal_targets(out, "https://example.org/archive/")
              if not ok and "/pagefind/" not in link]
    assert broken == []
    assert 'href="/archive/static/style.css"' in (out / "index.html").read_text()
    assert "https://example.org/archive/" in (out / "sitemap.xml").read_text()


def test_slugs_readable_unicode_option_and_lead_image(tmp_path):
    files = {"a.md": "---\ntitle: 联想零碳工厂\ndate: 2022-01-01\nthumbnail: https://img.example.com/lead.jpg\n---\n正文。"}
    site = make_site(tmp_path, files)
    assert run(config.load(site)).ok
    page = tmp_path / "public/articles/2022/01/lian-xiang-ling-tan-gong-chang/index.html"
    assert 'class="lead"><img src="https://img.example.com/lead.jpg"' in page.read_text()
    site.write_text(site.read_text() + 'slugs = "unicode"\n')
    assert run(config.load(site)).ok
    assert (tmp_path / "public/articles/2022/01/联想零碳工厂/index.html").is_file()
