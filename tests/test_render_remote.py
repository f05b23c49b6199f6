"""render_remote.py: the render stage on workers that share nothing with the builder.

`Pickled` stands in for a cluster without starting one: the context and every chunk of items
go through pickle, as they do to a Dask worker, and the "worker" renders from what it was sent
only (a body it was not sent is a KeyError). The real cluster is in test_cluster.py.
"""

from __future__ import annotations

import pickle
import shutil
from dataclasses import replace

from conftest import CONTENT, CORPUS, ROOT, make_site

from builder import build, config, pool
from builder.model import Page, Problem


class Pickled(pool.Inline):
    """A 'remote' executor in this process: everything crosses pickle; counts what it did."""

    def __init__(self, render_from: int = 1, lose: str = ""):
        self.render_from, self.lose, self.sent = render_from, lose, {}
        self.longest = 0
        """The longest list or tuple argument of a page call sent (not shared)."""

    def map(self, fn, items, context, progress=None, label="articles", chunk=None):
        context = pickle.loads(pickle.dumps(context))
        for start in range(0, len(items), 7):
            for item in pickle.loads(pickle.dumps(items[start:start + 7])):
                self.sent[label] = self.sent.get(label, 0) + 1
                if label == "pages":
                    self.longest = max([self.longest] + [len(a) for a in item[1]
                                                         if isinstance(a, list | tuple)])
                result = fn(context, item)
                if self.lose and isinstance(result, Page) and result.out_path == self.lose:
                    result = Problem(self.lose, None, "error", "internal", "worker lost")
                yield pickle.loads(pickle.dumps(result))


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _corpus_site(tmp_path):
    """Seeds plus three corpus news folders (Chinese, German, English) when present."""
    content = tmp_path / "content"
    content.mkdir()
    for seed in sorted(CONTENT.glob("*.md")):
        shutil.copy2(seed, content / seed.name)
    for folder in ("rsshub-page", "renewable-energy-news", "vortex-wind-jekyll"):
        if (CORPUS / folder).is_dir():
            shutil.copytree(CORPUS / folder, content / folder)
    toml = (f'title = "T"\nbase_url = "https://example.org/"\nsearch = false\n'
            f'taxonomy_dir = "{CONTENT / "taxonomy"}"\nthemes_dir = "{ROOT / "themes"}"\n')
    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    return config.load(tmp_path / "site.toml")


def test_pages_rendered_from_what_was_sent_equal_local_pages(tmp_path):
    cfg = _corpus_site(tmp_path)
    here = build.run(replace(cfg, output_dir="out-local"), jobs=1)
    remote = Pickled()
    there = build.run(replace(cfg, output_dir="out-remote"), executor=remote)
    assert here.ok and there.ok, there.problems
    ours, theirs = _tree(tmp_path / "out-local"), _tree(tmp_path / "out-remote")
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []
    # every page but the copies (static files, the sitemap, the marker) and the JSON export (made
    # from entries the builder keeps between builds) was rendered by the "workers"
    copies = [k for k in ours if k.startswith(("static/", ".green-archive"))
              or k in ("sitemap.xml", "api/articles.json")]
    assert remote.sent["pages"] == len(ours) - len(copies)
    assert remote.sent["articles"] == here.articles + here.skipped
    # a listing's id list went once (Context.shared), not with each of its pages
    assert here.articles > 300 and remote.longest <= 20


def test_search_pieces_indexed_by_workers_equal_local_ones(tmp_path):
    """With a cluster, each search piece is indexed by a worker's own Pagefind from the texts
    it was sent; the bundles (and so the whole output) equal a local build's."""
    cfg = replace(_corpus_site(tmp_path), search=True)
    here = build.run(replace(cfg, output_dir="out-local"), jobs=1)
    remote = Pickled()
    there = build.run(replace(cfg, output_dir="out-remote"), executor=remote)
    assert here.ok and there.ok and not [p for p in there.problems if "search" in p.code]
    ours, theirs = _tree(tmp_path / "out-local"), _tree(tmp_path / "out-remote")
    assert any(k.startswith("pagefind/p-") for k in ours)
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []
    assert remote.sent["search pieces"] >= 1


def test_few_pages_render_on_the_builder(tmp_path):
    files = {f"a{i}.md": f"---\ntitle: 第{i}篇\ndate: 2024-01-0{i}\n---\n正文。" for i in range(1, 4)}
    cfg = config.load(make_site(tmp_path, files))
    remote = Pickled(render_from=10_000)
    assert build.run(cfg, executor=remote).ok
    assert "pages" not in remote.sent


def test_a_page_no_worker_could_render_fails_the_build_and_leaves_the_output(tmp_path):
    files = {f"a{i}.md": f"---\ntitle: 第{i}篇\ndate: 2024-01-0{i}\n---\n正文{i}。" for i in range(1, 4)}
    cfg = config.load(make_site(tmp_path, files))
    assert build.run(cfg, jobs=1).ok
    out = cfg.path("output_dir")
    before = _tree(out)
    (tmp_path / "content" / "a1.md").write_text("---\ntitle: 改了\ndate: 2024-01-01\n---\n新的正文。",
                                                 encoding="utf-8")
    result = build.run(cfg, executor=Pickled(lose="index.html"))
    assert not result.ok
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert (problem.code, problem.path) == ("render-failed", "index.html")
    assert "worker lost" in problem.message and "output was left unchanged" in problem.message
    assert _tree(out) == before
    assert build.run(cfg, jobs=1).ok  # and the next build completes it


def test_a_theme_travels_as_its_sources(cfg):
    from builder import render

    theme = render.load_theme(cfg)
    templates, catalogs, key = render.theme_sources(theme)
    assert {"article.html", "list.html", "404.html"} <= set(templates)
    copy = render.theme_from_sources(*pickle.loads(pickle.dumps((templates, catalogs, key))))
    assert copy.key == theme.key and copy.static == () and copy.catalogs == theme.catalogs
    for name in templates:
        assert copy.env.loader.get_source(copy.env, name)[0] == \
            theme.env.loader.get_source(theme.env, name)[0]
