"""Drafts, future-dated and expired articles are held back; --drafts/--future build them marked."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from conftest import make_site

from builder import config
from builder.build import run

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
BODY = "宁德时代发布新一代储能电池，宁德时代称其寿命更长。"
FILES = {
    "live.md": f"---\ntitle: 已发布\ndate: 2026-11-01\n---\n{BODY}",
    "draft.md": f"---\ntitle: 草稿文章\ndate: 2026-11-02\ndraft: true\n---\n{BODY}",
    "unpublished.md": f"---\ntitle: 未发布\ndate: 2026-11-03\npublished: false\n---\n{BODY}",
    "_drafts/folder.md": f"---\ntitle: 草稿夹\n---\n{BODY}",
    "future.md": f"---\ntitle: 未来文章\ndate: 2026-12-24\n---\n{BODY}",
    "scheduled.md": f"+++\ntitle = '定时'\ndate = 2026-11-04\npublishDate = 2027-01-01\n+++\n{BODY}",
    "expired.md": f"+++\ntitle = '过期'\ndate = 2026-01-01\nexpiryDate = 2026-06-01\n+++\n{BODY}",
}
HELD = {"draft.md": "draft", "unpublished.md": "draft", "_drafts/folder.md": "draft",
        "future.md": "date-future", "scheduled.md": "date-future", "expired.md": "expired"}


def built(tmp_path, **flags):
    cfg = replace(config.load(make_site(tmp_path, FILES)), **flags)
    result = run(cfg, now=NOW)
    assert result.ok, result.problems
    api = json.loads((tmp_path / "public/api/articles.json").read_text())["articles"]
    return result, {a["source_path"]: a for a in api}


def test_held_back_by_default_with_a_note(tmp_path):
    result, articles = built(tmp_path)
    assert set(articles) == {"live.md"}
    for path, code in HELD.items():
        notes = [p for p in result.problems if p.path == path and p.code == code]
        assert notes and notes[0].severity == "warning", path
    public = tmp_path / "public"
    every_page = "".join(p.read_text() for p in public.rglob("*.html"))
    for title in ("草稿文章", "未发布", "草稿夹", "未来文章", "定时", "过期"):
        assert title not in every_page
        assert title not in (public / "feed.xml").read_text()
    # the build is current until the first held-back article comes due
    assert result.expires == datetime(2026, 12, 24, tzinfo=config.load(
        make_site(tmp_path, {})).tz)


def test_drafts_and_future_built_marked_and_kept_out_of_feeds_and_sitemap(tmp_path):
    result, articles = built(tmp_path, drafts=True, future=True, expired=True)
    assert set(articles) == {"live.md", *HELD}
    assert articles["live.md"]["preview"] is None
    assert "a draft" in articles["draft.md"]["preview"]
    assert "scheduled for 2027-01-01" in articles["scheduled.md"]["preview"]
    assert "expired" in articles["expired.md"]["preview"]
    # an undated draft is dated by its file, as Jekyll does
    assert "modification time" in articles["_drafts/folder.md"]["date_evidence"]
    public = tmp_path / "public"
    page = public / articles["draft.md"]["url"].removeprefix("https://example.org/") / "index.html"
    html = page.read_text()
    assert 'class="notice draft"' in html and '<meta name="robots" content="noindex">' in html
    assert 'class="draft-label"' in (public / "index.html").read_text()  # the card says "预览"
    feed = (public / "feed.xml").read_text()
    sitemap = (public / "sitemap.xml").read_text()
    assert "已发布" in feed and "草稿文章" not in feed
    assert articles["draft.md"]["url"] not in sitemap and articles["live.md"]["url"] in sitemap


def test_a_future_article_comes_out_on_its_day(tmp_path):
    cfg = config.load(make_site(tmp_path, FILES))
    run(cfg, now=NOW)
    api = tmp_path / "public/api/articles.json"
    assert "future.md" not in api.read_text()
    assert run(cfg, now=NOW + timedelta(days=5)).timings[0][0] == "unchanged"
    later = run(cfg, now=datetime(2026, 12, 24, 1, tzinfo=UTC))
    assert later.timings[0][0] != "unchanged" and "future.md" in api.read_text()
