"""The edit path: after each kind of edit, an incremental rebuild's output equals a clean
build's (new output, new state) of the same content, byte for byte: pages whose keys did not
change were left alone rightly, and what the build kept from the last one (the article cache,
the index's state, page keys) was still true."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import make_site

from builder import config
from builder.build import run, state_dir

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
COMPANIES = ("宁德时代", "国家电网", "联想集团", "华为", "西门子")
THEMES = ("储能", "光伏", "风电", "碳中和", "数据中心")


def article(i: int, *, title: str = "", date: str = "", body: str = "") -> str:
    """An article filed under two of the companies and two of the themes (by its number)."""
    c1, c2 = COMPANIES[i % 5], COMPANIES[(i * 3 + 1) % 5]
    t1, t2 = THEMES[(i * 2) % 5], THEMES[(i + 3) % 5]
    return (f"---\ntitle: {title or f'{c1}第{i}号新闻'}\n"
            f"date: {date or f'20{21 + i % 3}-{1 + i % 12:02d}-{1 + i % 27:02d}'}\n---\n"
            f"<p>{c1}今天宣布{t1}项目投产，{c2}也表示将推进{t2}业务（第{i}篇）。</p>\n"
            f"<p>{c1}称{t1}需求持续增长。</p>\n{body}")


ARTICLES = {f"a{i:02d}.md": article(i) for i in range(40)}
SETTINGS = "per_page = 3\n"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(site: Path, tmp: Path, name: str) -> dict[str, bytes]:
    cfg = replace(config.load(site, output_dir=str(tmp / name)),
                  cache_dir=str(tmp / f"{name}-state"))
    result = run(cfg, now=NOW)
    assert result.ok, result.problems
    out = tree(tmp / name)
    shutil.rmtree(tmp / name)
    shutil.rmtree(tmp / f"{name}-state")
    return out


def assert_as_clean(site: Path, tmp: Path, step: str) -> None:
    result = run(config.load(site), now=NOW)
    assert result.ok, result.problems
    built, clean = tree(tmp / "public"), clean_build(site, tmp, f"clean-{step}")
    assert sorted(built) == sorted(clean), step
    differ = [name for name in built if built[name] != clean[name]]
    assert not differ, f"{step}: {differ[:10]}"


def write(tmp: Path, name: str, text: str) -> None:
    (tmp / "content" / name).write_text(text, encoding="utf-8")


@pytest.fixture
def site(tmp_path):
    site = make_site(tmp_path, ARTICLES, SETTINGS)
    assert run(config.load(site), now=NOW).ok
    return site


def test_edits_of_text_tags_titles_and_dates_equal_a_clean_build(site, tmp_path):
    write(tmp_path, "a05.md", article(5, body="<p>补充一句：储能电站并网。</p>"))
    assert_as_clean(site, tmp_path, "text")
    write(tmp_path, "a07.md", article(7, body="<p>华为与西门子也宣布了风电合作，风电装机创新高。</p>"))
    assert_as_clean(site, tmp_path, "tags")  # new companies and themes: terms, related, API
    write(tmp_path, "a11.md", article(11, title="一个全新的标题"))
    assert_as_clean(site, tmp_path, "title")  # cards on listings, related lists, feeds
    write(tmp_path, "a12.md", article(12, date="2019-03-04"))
    assert_as_clean(site, tmp_path, "year")  # another year: listings' year heads and counts


def test_adding_and_removing_articles_equal_a_clean_build(site, tmp_path):
    write(tmp_path, "a40.md", article(40, body="<p>数据中心用上了储能。</p>"))
    assert_as_clean(site, tmp_path, "added")
    (tmp_path / "content/a03.md").unlink()
    assert_as_clean(site, tmp_path, "removed")
    write(tmp_path, "a41.md", article(41, title=ARTICLES["a10.md"].split("\n")[1][7:]))
    assert_as_clean(site, tmp_path, "same title")  # a slug collision: -2
    write(tmp_path, "a20.md", ARTICLES["a21.md"].replace("第21篇", "第20篇"))
    assert_as_clean(site, tmp_path, "near copy")  # a duplicate of another article


def test_an_edit_that_empties_a_term_equals_a_clean_build(tmp_path):
    files = dict(ARTICLES)
    files["solo.md"] = "---\ntitle: 施耐德电气独家\ndate: 2022-02-02\n---\n<p>施耐德电气今天发布了新产品。</p>\n"
    site = make_site(tmp_path, files, SETTINGS)
    assert run(config.load(site), now=NOW).ok
    assert (tmp_path / "public/companies/schneider-electric").is_dir() or \
        any("schneider" in p.name for p in (tmp_path / "public/companies").iterdir())
    write(tmp_path, "solo.md", "---\ntitle: 施耐德电气独家\ndate: 2022-02-02\n---\n<p>一家公司今天发布了新产品。</p>\n")
    assert_as_clean(site, tmp_path, "term emptied")


def test_api_entries_are_serialised_once_and_reused(site, tmp_path, monkeypatch):
    from builder import render

    made = []
    real = render.Renderer.api_entry
    monkeypatch.setattr(render.Renderer, "api_entry",
                        lambda self, a, empty: made.append(a.id) or real(self, a, empty))
    write(tmp_path, "a05.md", article(5, body="<p>补充一句：储能电站并网。</p>"))
    assert_as_clean(site, tmp_path, "one entry")
    assert made.count("a05.md") == 2 and len(made) == 40 + 1  # the edit's, then the clean build's
    memo = state_dir(config.load(site)) / render.EntryMemo.FILE
    memo.write_bytes(b"damaged")  # a damaged memo is only time lost
    write(tmp_path, "a06.md", article(6, body="<p>补充一句。</p>"))
    assert_as_clean(site, tmp_path, "damaged memo")


def test_related_lists_from_the_memo_equal_computed_ones(cfg, tax, tmp_path):
    """Random edits (terms, dates, articles added and removed): the related lists a memo
    gives equal those computed from scratch, step after step."""
    import random
    from datetime import timedelta

    from conftest import source

    from builder import index
    from builder.model import KINDS, Tag, Term
    from builder.process import process

    template = process(source("t.md", "---\ntitle: 模板\ndate: 2022-01-01\n---\n正文足够长。" * 3),
                       cfg, tax).article
    rng = random.Random(18)
    start = datetime(2020, 1, 1, tzinfo=UTC)

    def make(n: int):
        tags = tuple(Tag(kind, f"{kind}-{k}", 1.0, ()) for kind in KINDS
                     for k in rng.sample(range(6), rng.randint(0, 3)))
        return replace(template, id=f"a{n:03d}.md", date=start + timedelta(days=rng.randint(0, 60)),
                       tags=tags)

    def related(articles, memo):
        ordered = tuple(sorted(articles.values(), key=lambda a: (-a.date.timestamp(), a.id)))
        terms = {kind: {} for kind in KINDS}
        for kind in KINDS:
            for slug in sorted({s for a in ordered for s in a.terms(kind)}):
                terms[kind][slug] = Term(kind, slug, slug, slug,
                                         tuple(a.id for a in ordered if slug in a.terms(kind)))
        return index._related(ordered, terms, memo)

    articles = {a.id: a for a in map(make, range(300))}
    memo = index.RelatedMemo(tmp_path, "code")
    assert related(articles, memo) == related(articles, None) and memo.computed == 300
    memo.save()
    for step in range(40):
        for _ in range(rng.randint(1, 3)):
            what = rng.random()
            victim = rng.choice(sorted(articles))
            if what < 0.3:
                articles[victim] = replace(make(0), id=victim, date=articles[victim].date)
            elif what < 0.45:
                articles[victim] = replace(articles[victim], date=start + timedelta(
                    days=rng.randint(0, 60), hours=rng.randint(0, 5)))
            elif what < 0.6:  # a nudge: the same place in every list, another distance
                articles[victim] = replace(articles[victim], date=articles[victim].date +
                                           timedelta(seconds=rng.choice((-1, 1))))
            elif what < 0.8:
                del articles[victim]
            else:
                new = make(300 + step)
                articles[new.id] = new
        memo = index.RelatedMemo(tmp_path, "code")
        assert related(articles, memo) == related(articles, None), step
        assert memo.computed < len(articles)
        memo.save()
    assert index.RelatedMemo(tmp_path, "other code").load() is None


def test_listing_keys_are_made_once_and_reused(site, tmp_path, monkeypatch):
    from builder import render

    made = []
    real = render.Renderer._listing_jobs
    monkeypatch.setattr(render.Renderer, "_listing_jobs",
                        lambda self, base, *a: made.append(base) or real(self, base, *a))
    run(config.load(site), now=NOW)  # a no-change build: nothing at all
    assert made == []
    write(tmp_path, "a05.md", article(5, body="<p>补充一句：储能电站并网。</p>"))
    result = run(config.load(site), now=NOW)
    assert result.ok and made and len(made) < 20  # the listings that show a05 only
    assert "/archive/2023/" in made and "/archive/2021/" not in made  # a05 is from 2023
    memo = state_dir(config.load(site)) / render.ListingMemo.FILE
    memo.write_bytes(b"damaged")  # a damaged memo is only time lost
    write(tmp_path, "a06.md", article(6, body="<p>补充一句。</p>"))
    assert_as_clean(site, tmp_path, "damaged memo")
