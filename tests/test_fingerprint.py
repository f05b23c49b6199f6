"""fingerprint.py and keys.py: what makes a build current, and what every key covers."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import make_site

from builder import config, fingerprint, keys
from builder.model import BuildResult, Problem

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def result(**fields) -> BuildResult:
    base = BuildResult(written=3, unchanged=2, removed=0, articles=4, skipped=1,
                       problems=(Problem("a.md", 2, "error", "front-matter-syntax", "bad", "fix"),),
                       timings=(("index", 0.1),), output="/out", reused=0)
    return replace(base, **fields)


def written_site(tmp_path: Path) -> tuple[Path, Path]:
    """An output folder with one file, and a state folder whose manifest lists it."""
    out, state = tmp_path / "out", tmp_path / "state"
    out.mkdir()
    state.mkdir()
    (out / "index.html").write_text("x")
    (state / "manifest.json").write_text('{"files": {"index.html": "d"}, "keys": {}}')
    return out, state


def test_a_stored_result_comes_back_as_a_no_change_result(tmp_path):
    out, state = written_site(tmp_path)
    fingerprint.store(state, "abc", result())
    again = fingerprint.load(state, "abc", out, NOW)
    assert again is not None and again.ok
    assert (again.written, again.removed, again.unchanged) == (0, 0, 5)
    assert again.reused == 5 and again.timings == ()
    assert again.problems == result().problems


def test_not_current_when_the_fingerprint_a_file_or_the_clock_differs(tmp_path):
    out, state = written_site(tmp_path)
    fingerprint.store(state, "abc", result(expires=NOW + timedelta(days=1)))
    assert fingerprint.load(state, "abc", out, NOW) is not None
    assert fingerprint.load(state, "other", out, NOW) is None
    assert fingerprint.load(state, "abc", out, NOW + timedelta(days=1)) is None  # expired
    (out / "index.html").unlink()
    assert fingerprint.load(state, "abc", out, NOW) is None  # a written file is gone


def test_forget_and_a_damaged_file(tmp_path):
    out, state = written_site(tmp_path)
    fingerprint.store(state, "abc", result())
    fingerprint.forget(state)
    assert fingerprint.load(state, "abc", out, NOW) is None
    (state / fingerprint.FILE).write_text("{not json")
    assert fingerprint.load(state, "abc", out, NOW) is None
    (state / fingerprint.FILE).write_text('{"fingerprint": "abc", "result": {"oops": 1}}')
    assert fingerprint.load(state, "abc", out, NOW) is None


def test_the_fingerprint_covers_settings_content_taxonomy_theme_and_search(tmp_path):
    cfg = config.load(make_site(tmp_path, {"a.md": "---\ntitle: a\ndate: 2024-01-01\n---\nx"}))
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "base.html").write_text("v1")
    content = [("a.md", 1, 10)]
    first = keys.fingerprint(cfg, content, [theme], True)
    assert first == keys.fingerprint(cfg, content, [theme], True)
    assert first != keys.fingerprint(cfg, [("a.md", 2, 10)], [theme], True)
    assert first != keys.fingerprint(cfg, content, [theme], False)
    assert first != keys.fingerprint(replace(cfg, title="other"), content, [theme], True)
    (theme / "base.html").write_text("v2 longer")
    assert first != keys.fingerprint(cfg, content, [theme], True)


def test_article_cache_key_ignores_what_only_pages_show():
    cfg = config.Config()
    assert keys.article_cache(cfg) == keys.article_cache(replace(cfg, title="x", per_page=5))
    assert keys.article_cache(cfg) != keys.article_cache(replace(cfg, timezone="Europe/Berlin"))
    assert keys.article_cache(cfg) != keys.article_cache(replace(cfg, slugs="unicode"))
    assert keys.article_cache(cfg).endswith(":" + keys.code_version())


def test_page_keys_and_signatures(tmp_path):
    cfg = config.Config()
    shared = keys.pages(cfg, "theme1", "tax1")
    assert shared != keys.pages(cfg, "theme2", "tax1") != keys.pages(cfg, "theme1", "tax2")
    assert keys.page(shared, ("a", 1)) == keys.page(shared, ("a", 1)) != keys.page(shared, ("a", 2))
    (tmp_path / "f").write_text("1")
    before = keys.signature(cfg, [tmp_path])
    os.utime(tmp_path / "f", ns=(1, 1))
    assert keys.signature(cfg, [tmp_path]) != before
    assert keys.tree(tmp_path) == [(str(tmp_path / "f"), 1, 1)]
