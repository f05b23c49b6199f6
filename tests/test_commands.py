"""The editor's commands: `new`, `--base-url`, `check --explain` with the report's paths,
and `check`'s migration summary on a folder from another tool."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime

from conftest import ROOT, make_site

from builder import config
from builder.new import create

CLI = [sys.executable, "-m", "builder"]


def cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_new_writes_an_article_that_builds(tmp_path):
    make_site(tmp_path, {})
    done = cli("new", "宁德时代发布新电池：“麒麟”", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "content" / done.stdout.strip().rsplit("/", 1)[-1]
    assert path.is_file() and path.name.endswith("-ning-de-shi-dai-fa-bu-xin-dian-chi-qi-lin.md")
    text = path.read_text()
    assert 'title: "宁德时代发布新电池：“麒麟”"' in text
    assert "slug: ning-de-shi-dai-fa-bu-xin-dian-chi-qi-lin" in text
    assert "+0800" in text and "companies: []" in text and "themes: []" in text
    path.write_text(text + "\n宁德时代今天发布了“麒麟”电池。\n")  # the editor writes the body
    built = cli("build", "--strict", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    pages = list((tmp_path / "public/articles").rglob("ning-de-shi-dai-fa-bu-xin-dian-chi-qi-lin"))
    assert pages and "麒麟" in (pages[0] / "index.html").read_text()
    again = cli("new", "宁德时代发布新电池：“麒麟”", cwd=tmp_path)  # same day, same slug
    assert again.returncode != 0 and "file-exists" in again.stderr


def test_new_dates_in_the_site_time_zone(tmp_path):
    cfg = config.load(make_site(tmp_path, {}))
    path = create(cfg, "Late", now=datetime(2026, 12, 1, 20, 30, tzinfo=UTC), draft=True)
    assert path.name == "2026-12-02-late.md"  # 04:30 the next day in Asia/Shanghai
    assert "date: 2026-12-02 04:30:00 +0800" in path.read_text()
    assert "draft: true" in path.read_text()


def test_base_url_overrides_site_toml(tmp_path):
    make_site(tmp_path, {"a.md": "---\ntitle: 甲\ndate: 2024-01-01\n---\n正文。\n"})
    done = cli("build", "--base-url", "https://preview.example.net/pr-7", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    home = (tmp_path / "public/index.html").read_text()
    assert 'href="https://preview.example.net/pr-7/"' in home  # canonical
    assert 'href="/pr-7/articles/2024/01/jia/"' in home       # links carry the sub-path
    assert "https://example.org" not in (tmp_path / "public/sitemap.xml").read_text()
    bad = cli("build", "--base-url", "ftp://x", cwd=tmp_path)
    assert bad.returncode == 2 and "--base-url" in bad.stderr


def test_check_explain_takes_the_paths_the_report_prints(tmp_path):
    make_site(tmp_path, {"news/a.md": "---\ntitle: 甲\ndate: 2024-01-01\nlayout: post\n"
                                      "titel: typo\n---\n正文。\n"})
    report = cli("check", cwd=tmp_path)
    assert "news/a.md:5: warning unknown-field" in report.stdout
    for given in ("news/a.md", "news/a.md:3", "content/news/a.md"):
        done = cli("check", "--explain", given, cwd=tmp_path)
        assert done.returncode == 0, (given, done.stdout)
        assert "title: 甲" in done.stdout and "url: /articles/2024/01/jia/" in done.stdout
        assert "ignored fields: layout" in done.stdout
    missing = cli("check", "--explain", "nope.md", cwd=tmp_path)
    assert missing.returncode == 1 and "file-unreadable" in missing.stdout


def test_migration_summary_for_a_jekyll_folder(tmp_path):
    make_site(tmp_path, {})
    shutil.copytree(ROOT / "tests/cases/peers/jekyll", tmp_path / "content/_posts",
                    ignore=shutil.ignore_patterns("*.yaml", "_drafts"))
    shutil.copytree(ROOT / "tests/cases/peers/jekyll/_drafts", tmp_path / "content/_drafts",
                    ignore=shutil.ignore_patterns("*.yaml"))
    done = cli("check", cwd=tmp_path)
    out = done.stdout
    assert "13 files: 11 articles, 0 skipped, 2 held back" in out, out
    assert "Migration summary (13 files look like Jekyll's)" in out, out
    assert "read as: 13 YAML (---)" in out
    assert "held back: 2 drafts" in out
    assert "ignored `layout` in 6 files" in out
    assert "2 articles keep their old URL (permalink, aliases or the same pattern); 9 get a " \
           "new one" in out
    assert "Jekyll: /2013/01/02/post-excerpt.html → /articles/2013/01/post-excerpt/" in out
    # all but the post with a category (/publish_test/2008/02/02/published.html)
    assert 'to keep 8 of these 9: set `article = "/{year}/{month}/{day}/{slug}.html"`' in out
    assert "permalink: <old path>" in out and ".slugs.toml" in out
    assert not (tmp_path / "public").exists()  # check writes nothing
