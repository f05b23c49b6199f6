"""The search stage: pieces, keys, determinism, verification, failures, the page's words."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEEDS, make_site

from builder import config, pagefind, search
from builder.build import run
from builder.search import Record

needs_engine = pytest.mark.skipif(pagefind.executable() is None,
                                  reason="the pagefind[extended] package is not installed")


def rec(i: int | str, title: str = "t") -> Record:
    return Record(f"a/{i}.md", f"d{i}", f"/articles/{i}/", title, "2024-01-02", "zh", (), (), ())


# -- planning -------------------------------------------------------------------------------
def test_plan_keeps_order_and_bounds():
    recs = [rec(f"{i:05d}") for i in range(5000)]
    pieces = search.plan(recs, 100, 400, 1000)
    assert [r for p in pieces for r in p] == recs
    assert all(len(p) <= 1000 for p in pieces)
    assert all(len(p) >= 100 for p in pieces[:-1])
    assert 4 <= len(pieces) <= 25, [len(p) for p in pieces]


def test_adding_an_article_changes_only_its_piece():
    rng = random.Random(7)
    recs = sorted((rec(f"{rng.random():.12f}") for _ in range(3000)), key=lambda r: r.id)
    before = {search.piece_key(p, "s") for p in search.plan(recs, 50, 200, 1000)}
    for _ in range(20):
        extra = rec(f"{rng.random():.12f}")
        grown = sorted([*recs, extra], key=lambda r: r.id)
        after = {search.piece_key(p, "s") for p in search.plan(grown, 50, 200, 1000)}
        # the piece that takes the new article, and the next one if it is itself a boundary
        assert len(after - before) <= 2, len(after - before)


def test_piece_key_follows_records_and_salt():
    piece = [rec(1), rec(2)]
    key = search.piece_key(piece, "s")
    assert key == search.piece_key([rec(1), rec(2)], "s")
    assert key != search.piece_key([rec(1), rec(2, "other title")], "s")
    assert key != search.piece_key(piece, "other code")
    assert key != search.piece_key([rec(2), rec(1)], "s")


# -- records and text -----------------------------------------------------------------------
def test_plain_text_keeps_words_whole():
    html = "<p><b>宁德</b>时代 &amp; <a href='x'>CATL</a></p><p>Wasser<em>stoff</em></p><ul><li>a</li><li>b</li></ul>"
    assert search.plain_text(html) == "宁德时代 & CATL\nWasserstoff\na\nb"


def test_records_carry_every_name_of_their_terms(tmp_path, tax):
    body = "宁德时代发布新一代储能电池。宁德时代表示，储能业务增长迅速。"
    cfg = config.load(make_site(tmp_path, {"a.md": "x"}))
    from datetime import UTC, datetime

    from conftest import source

    from builder import index
    from builder.process import process

    done = process(source("a.md", f"---\ntitle: 宁德时代储能\ndate: 2024-05-01\n---\n{body}"), cfg, tax)
    articles = [done.article]
    site, _ = index.index(articles, cfg, tax, datetime(2025, 1, 1, tzinfo=UTC))
    (r,) = search.records(site, cfg, tax)
    assert "catl" in articles[0].terms("company")
    catl = tax.entry("company", "catl")
    assert {catl.zh, catl.en, *catl.aliases} <= set(r.names)
    assert r.companies == (catl.zh,) and r.language == "zh" and r.date == "2024-05-01"
    assert "CATL" in search.content(r, articles[0].html)


def test_labels_cover_every_word_in_each_language():
    for language in ("zh-CN", "en", "de"):
        words = search.labels(language)
        assert set(words) == set(search.CATALOG) and all(words.values())
    assert search.labels("de")["more"] == "Mehr anzeigen"
    assert search.labels("zh-CN")["company"] == "公司"  # one language, as the theme's catalogs


# -- building -------------------------------------------------------------------------------
def seeds_site(tmp_path: Path, name: str) -> config.Config:
    files = {p.name: p.read_bytes() for p in SEEDS}
    cfg = config.load(make_site(tmp_path / name, files))
    return replace(cfg, search=True)


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@needs_engine
def test_identical_builds_give_identical_search_files(tmp_path):
    first, second = seeds_site(tmp_path, "one"), seeds_site(tmp_path, "two")
    for cfg in (first, second):
        result = run(cfg)
        assert result.ok and not [p for p in result.problems if p.code.startswith("search")], \
            result.problems
    a, b = tree(first.path("output_dir") / "pagefind"), tree(second.path("output_dir") / "pagefind")
    assert a == b
    manifest = json.loads((first.path("output_dir") / "pagefind" / "pieces.json").read_text())
    assert manifest["pages"] == len(SEEDS) and manifest["engine"] == pagefind.VERSION
    assert search.ready(first.path("output_dir"))


@needs_engine
def test_an_edit_reindexes_only_its_piece(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "MIN_PIECE", 1)
    monkeypatch.setattr(search, "CUT_EVERY", 1_000_000)
    monkeypatch.setattr(search, "MAX_PIECE", 2)  # pieces of two articles
    cfg = seeds_site(tmp_path, "site")
    assert run(cfg).ok
    root = cfg.path("output_dir") / "pagefind"
    before = {p.name: p.stat().st_mtime_ns for p in root.glob("p-*")}
    pages = json.loads((root / "pieces.json").read_text())["pages"]
    assert pages >= 4 and len(before) == (pages + 1) // 2
    edited = cfg.path("content_dir") / SEEDS[0].name
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n新增一句：氢能示范项目。\n", encoding="utf-8")
    assert run(cfg).ok
    after = {p.name: p.stat().st_mtime_ns for p in root.glob("p-*")}
    assert after == before, "an edit keeps every whole bundle: it is indexed into a delta"
    (delta,) = root.glob("d-*")
    manifest = json.loads((root / "pieces.json").read_text())
    (entry,) = [p for p in manifest["pieces"] if p.get("delta")]
    assert entry["delta"] == {"path": delta.name, "pages": 1} and len(entry["stale"]) == 1
    assert manifest["pages"] == pages and search.ready(cfg.path("output_dir"))
    monkeypatch.setattr(search, "DELTA_MAX", 0)  # past the limit: the piece is indexed whole
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n再加一句。\n", encoding="utf-8")
    assert run(cfg).ok
    after = {p.name for p in root.glob("p-*")}
    assert len(after - set(before)) == 1 and not list(root.glob("d-*"))
    manifest = json.loads((root / "pieces.json").read_text())
    assert not [p for p in manifest["pieces"] if p.get("delta") or p.get("stale")]


def test_plan_delta_against_the_base_that_holds_the_piece():
    salt = "s"
    base = [rec(i) for i in range(5)]
    recs = {r.url: [search.record_key(r, salt), f"zh_{i}"] for i, r in enumerate(base)}
    bases = {"p-old": recs, "p-other": {"/elsewhere/": ["k", "zh_x"]}}
    assert search.plan_delta(base, salt, bases, set()).changed == []
    edited = base[:2] + [rec(2, "new title")] + base[3:4] + [rec(9)]  # 2 changed, 4 gone, 9 new
    d = search.plan_delta(edited, salt, bases, set())
    assert d.base == "p-old" and d.base_pages == 5
    assert [r.url for r in d.changed] == ["/articles/2/", "/articles/9/"]
    assert d.stale == ("zh_2", "zh_4")
    assert d.entry("d-x") == {"path": "p-old", "pages": 5, "stale": ["zh_2", "zh_4"],
                              "delta": {"path": "d-x", "pages": 2}}
    assert search.plan_delta(edited, salt, bases, {"p-old"}) is None  # taken by another piece
    assert search.plan_delta(edited, salt, bases, set(), limit=1) is None
    assert search.plan_delta([rec(7)], salt, bases, set()) is None  # no base holds it


@needs_engine
def test_a_failed_index_is_reported_and_retried(tmp_path, monkeypatch):
    cfg = seeds_site(tmp_path, "site")
    assert run(cfg).ok
    out = cfg.path("output_dir")
    kept = (out / "pagefind" / "pieces.json").read_bytes()

    def broken(self, index_id):
        raise pagefind.PagefindError("disk full")

    monkeypatch.setattr(pagefind.Service, "files", broken)
    edited = cfg.path("content_dir") / SEEDS[1].name
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n追加。\n", encoding="utf-8")
    result = run(cfg)
    failed = [p for p in result.problems if p.code == "search-failed"]
    assert failed and failed[0].severity == "error" and "disk full" in failed[0].message
    assert (out / "pagefind" / "pieces.json").read_bytes() == kept, "the old index must stay"
    assert not search.ready(out)
    monkeypatch.undo()
    again = run(cfg)  # nothing else changed: the search index is built again all the same
    assert not [p for p in again.problems if p.code == "search-failed"]
    assert search.ready(out) and (out / "pagefind" / "pieces.json").read_bytes() != kept


@needs_engine
def test_the_wrong_engine_version_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "_engine_version", lambda binary: "1.5.2")
    result = run(seeds_site(tmp_path, "site"))
    (problem,) = [p for p in result.problems if p.code == "search-failed"]
    assert "1.5.2" in problem.message and "1.4.0" in problem.hint


@needs_engine
def test_verify_piece_names_what_is_wrong(tmp_path):
    cfg = seeds_site(tmp_path, "site")
    assert run(cfg).ok
    root = cfg.path("output_dir") / "pagefind"
    (piece,) = root.glob("p-*")
    assert search.verify_piece(piece, len(SEEDS)) is None
    assert "pages indexed" in search.verify_piece(piece, len(SEEDS) + 1)
    broken = tmp_path / "broken"
    shutil.copytree(piece, broken)
    next((broken / "fragment").iterdir()).unlink()
    assert "fragments" in search.verify_piece(broken, len(SEEDS))
    (broken / "pagefind-entry.json").write_text("{not json")
    assert "pagefind-entry.json" in search.verify_piece(broken, len(SEEDS))
    manifest = json.loads((root / "pieces.json").read_text())
    assert search.verify(root, manifest, len(SEEDS)) is None
    assert "not" in search.verify(root, manifest, len(SEEDS) + 2)
