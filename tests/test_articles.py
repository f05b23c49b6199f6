"""articles.py: content files → Loaded; what comes from the cache, what is processed again."""

from __future__ import annotations

from conftest import make_site

from builder import articles, config, keys, pool
from builder.build import state_dir
from builder.cache import Cache, NoCache

FILES = {f"a{i}.md": f"---\ntitle: 宁德时代第{i}号\ndate: 2024-01-0{i}\n---\n宁德时代发布新电池。" * 2
         for i in range(1, 4)} | {"bad.md": "---\ntitle: [x\n---\nbody"}


def load(cfg, cache):
    found = articles.scan(cfg, state_dir(cfg))
    return articles.load(found, cfg, _tax(), cache, pool.Inline())


def _tax():
    from conftest import CONTENT

    from builder import taxonomy

    return taxonomy.load(CONTENT / "taxonomy")[0]


def test_a_record_of_articles_problems_and_counts(tmp_path):
    cfg = config.load(make_site(tmp_path, FILES))
    loaded = load(cfg, NoCache())
    assert [a.id for a in loaded.articles] == ["a1.md", "a2.md", "a3.md"]  # path order
    assert loaded.files == 4 and loaded.reused == 0
    assert [(p.path, p.code) for p in loaded.problems if p.severity == "error"] == [
        ("bad.md", "front-matter-syntax")]
    assert loaded.articles[0].html  # NoCache: the full records, nothing stored


def test_unchanged_files_come_from_the_cache_edited_ones_are_processed(tmp_path):
    cfg = config.load(make_site(tmp_path, FILES))
    cache = Cache(state_dir(cfg), keys.article_cache(cfg))
    first = load(cfg, cache)
    cache.save()
    assert first.reused == 0
    again = load(cfg, cache)
    assert again.reused == 4 and [a.id for a in again.articles] == [a.id for a in first.articles]
    assert again.problems == first.problems  # the broken file's problem comes back too
    assert all(a.html == "" for a in again.articles)  # compact records; bodies on demand
    (tmp_path / "content/a2.md").write_text(FILES["a2.md"] + "新的一句。")
    edited = load(cfg, cache)
    assert edited.reused == 3 and "新的一句" in cache.body("a2.md")
    cache.close()
