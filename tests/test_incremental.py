"""Rebuilds: the whole-build fingerprint, the per-article SQLite cache, what an edit redoes."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta

from conftest import CONTENT, make_site

from builder import config, keys
from builder.build import run, state_dir
from builder.cache import FILE, Cache

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
ARTICLES = {
    f"a{i}.md": f"---\ntitle: 宁德时代第{i}号新闻\ndate: 2024-01-{i + 1:02d}\n---\n"
                f"宁德时代今天发布了第{i}款新电池，储能业务继续增长。" * 3
    for i in range(6)
} | {"broken.md": "---\ntitle: [unclosed\n---\nbody"}


def site(tmp_path):
    cfg = config.load(make_site(tmp_path, ARTICLES))
    first = run(cfg, now=NOW)
    assert first.ok and first.written > 0
    return cfg, first


def snapshot(folder):
    """Every file's time and bytes (but the lock file's: each build writes its pid there)."""
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*")
            if p.is_file() and p.name != "lock"}


def test_no_change_rebuild_is_recognised_whole_and_touches_nothing(tmp_path):
    cfg, first = site(tmp_path)
    before = snapshot(tmp_path / "public") | snapshot(state_dir(cfg))
    again = run(cfg, now=NOW)
    assert [name for name, _ in again.timings] == ["unchanged"]
    assert again.written == 0 and again.removed == 0 and again.reused == 7
    assert again.problems == first.problems  # the report is the same: the broken file is named
    assert any(p.path == "broken.md" and p.code == "front-matter-syntax" for p in again.problems)
    assert snapshot(tmp_path / "public") | snapshot(state_dir(cfg)) == before


def test_shortcut_is_not_taken_when_an_input_or_an_output_changed(tmp_path):
    cfg, _ = site(tmp_path)
    out = tmp_path / "public"
    page = next(out.glob("articles/**/index.html"))
    page.unlink()  # a file the last build wrote is gone: rebuilt
    result = run(cfg, now=NOW)
    assert result.timings[0][0] != "unchanged" and page.is_file() and result.written == 1
    assert result.reused == 7  # from the article cache: nothing parsed again

    result = run(cfg, now=NOW + timedelta(days=1))  # another day, nothing future-dated: current
    assert result.timings[0][0] == "unchanged"

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/404.html").write_text("{% extends 'base.html' %}{% block main %}"
                                                 "<p>nothing here</p>{% endblock %}")
    result = run(cfg, now=NOW + timedelta(days=1))  # a template edit re-renders, parses nothing
    assert result.timings[0][0] != "unchanged" and result.written == 1 and result.reused == 7
    assert "nothing here" in (out / "404.html").read_text()

    touched = tmp_path / "content/a1.md"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    result = run(cfg, now=NOW + timedelta(days=1))  # new mtime, same bytes: read, not processed
    assert result.timings[0][0] != "unchanged" and result.written == 0 and result.reused == 7


def test_an_edit_reprocesses_one_article_and_rewrites_one_cache_row(tmp_path):
    cfg, _ = site(tmp_path)
    db = state_dir(cfg) / FILE
    rows = dict(sqlite3.connect(db).execute("SELECT path, digest FROM articles"))
    assert set(rows) == set(ARTICLES)  # the broken file is cached too (with its problem)
    edited = tmp_path / "content/a2.md"
    edited.write_text(edited.read_text() + "\n宁德时代补充了一句新的话。")
    result = run(cfg, now=NOW)
    assert result.reused == 6 and result.written >= 1
    after = dict(sqlite3.connect(db).execute("SELECT path, digest FROM articles"))
    assert {p for p in after if after[p] != rows[p]} == {"a2.md"}
    page = next(p for p in (tmp_path / "public").glob("articles/**/index.html")
                if "第2号" in p.read_text())
    assert "补充了一句新的话" in page.read_text()

    (tmp_path / "content/a3.md").unlink()  # a deleted article leaves the cache and the site
    result = run(cfg, now=NOW)
    assert result.removed >= 1 and "a3.md" not in dict(
        sqlite3.connect(db).execute("SELECT path, digest FROM articles"))
    assert not any("第3号" in p.read_text() for p in (tmp_path / "public").rglob("*.html"))


def test_records_are_compact_and_bodies_are_read_on_demand(tmp_path):
    cfg, _ = site(tmp_path)
    cache = Cache(state_dir(cfg), "another key")  # a different key starts empty…
    assert cache.rows == {}
    cache.close()
    cache = Cache(state_dir(cfg), keys.article_cache(cfg))  # …and empties the file
    assert cache.rows == {}
    cache.close()
    (tmp_path / "content/a0.md").write_text(ARTICLES["a0.md"] + "再加一句。")
    result = run(cfg, now=NOW)
    assert result.reused == 0 and result.ok
    cache = Cache(state_dir(cfg), keys.article_cache(cfg))
    article = cache.rows["a1.md"].value().article
    assert article.html == "" and article.text == "" and article.title == "宁德时代第1号新闻"
    assert "第1款新电池" in cache.body("a1.md")
    cache.close()


def test_a_damaged_cache_file_is_rebuilt(tmp_path):
    cfg, _ = site(tmp_path)
    db = state_dir(cfg) / FILE
    for suffix in ("-wal", "-shm"):
        (db.parent / (FILE + suffix)).unlink(missing_ok=True)
    db.write_bytes(b"this is not a database" * 100)
    (tmp_path / "content/a0.md").write_text(ARTICLES["a0.md"] + "再加一句。")
    result = run(cfg, now=NOW)
    assert result.ok and result.reused == 0 and result.articles == 6
    assert run(cfg, now=NOW).reused == 7


def test_a_taxonomy_edit_retags_without_parsing_or_cleaning(tmp_path, monkeypatch):
    shutil.copytree(CONTENT / "taxonomy", tmp_path / "taxonomy")
    files = dict(ARTICLES, **{"x.md": "---\ntitle: 绿源动力发布新产品\ndate: 2024-02-01\n---\n"
                                      "绿源动力今天发布了新的储能产品。绿源动力表示产能翻倍。"})
    toml = make_site(tmp_path, files)
    toml.write_text(toml.read_text().replace(str(CONTENT / "taxonomy"), str(tmp_path / "taxonomy")))
    cfg = config.load(toml)
    assert run(cfg, now=NOW).ok
    assert not (tmp_path / "public/companies/lvyuan-power").exists()
    yaml = tmp_path / "taxonomy/companies.yaml"
    yaml.write_text(yaml.read_text().replace("companies:\n", "companies:\n  - slug: lvyuan-power\n"
                                              "    zh: 绿源动力\n    en: Lvyuan Power\n", 1))

    def must_not_run(*args, **kwargs):
        raise AssertionError("a taxonomy edit must not parse or clean again")

    monkeypatch.setattr("builder.process.parse", must_not_run)
    monkeypatch.setattr("builder.clean.clean_html", must_not_run)
    result = run(cfg, now=NOW)
    assert result.ok and result.reused == 8
    assert not [p for p in result.problems if p.code == "internal"]
    listing = (tmp_path / "public/companies/lvyuan-power/index.html").read_text()
    assert "绿源动力发布新产品" in listing


def test_shortcut_expires_when_a_future_date_stops_being_future(tmp_path):
    files = dict(ARTICLES, **{"later.md": "---\ntitle: 宁德时代预告\ndate: 2024-06-06\n---\n"
                                          "宁德时代将发布新电池。" * 3})
    cfg = config.load(make_site(tmp_path, files))
    first = run(cfg, now=NOW)  # 2024-06-06 is after NOW: held back until then
    assert any(p.code == "date-future" and p.path == "later.md" for p in first.problems)
    api = tmp_path / "public/api/articles.json"
    assert "later.md" not in api.read_text()
    assert run(cfg, now=NOW + timedelta(days=4)).timings[0][0] == "unchanged"
    later = run(cfg, now=NOW + timedelta(days=5))  # 2024-06-06 has come: published
    assert later.timings[0][0] != "unchanged"
    assert not any(p.code == "date-future" for p in later.problems)
    assert "later.md" in api.read_text()
