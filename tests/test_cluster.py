"""The per-article stage on a Dask cluster (a scheduler and two workers on 127.0.0.1): the
output is byte-identical to a local build's, unchanged articles are never sent, and an
unreachable scheduler is one clear error. Skipped only when Dask is not installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT

pytest.importorskip("distributed")

MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"


def _site(tmp_path: Path) -> Path:
    """The seeds, plus 60 synthetic articles when the benchmark's generator is beside us."""
    content = tmp_path / "content"
    content.mkdir()
    for seed in sorted(CONTENT.glob("*.md")):
        shutil.copy(seed, content / seed.name)
    if MAKE_CORPUS.is_file():
        subprocess.run([sys.executable, str(MAKE_CORPUS), "60", str(content / "synthetic"), "raw"],
                       check=True, capture_output=True)
    for name in ("local", "cluster"):
        (tmp_path / f"{name}.toml").write_text(
            f'title = "cluster test"\nbase_url = "https://example.org/"\n'
            f'content_dir = "content"\noutput_dir = "public-{name}"\n'
            f'cache_dir = "state-{name}"\n'
            f'taxonomy_dir = "{CONTENT / "taxonomy"}"\nthemes_dir = "{ROOT / "themes"}"\n'
            f"search = false\n", encoding="utf-8")
    return tmp_path


def _build(site: Path, name: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", "build", "--config",
                           str(site / f"{name}.toml"), "-q", "--report",
                           str(site / f"{name}.json"), *extra],
                          cwd=site, capture_output=True, text=True, timeout=900)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def threaded_cluster():
    """Two workers of two threads each (`dask worker`'s default on this machine): chunks run
    side by side in one worker, sharing its Renderer."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=2, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local:
        yield local


def test_cluster_build_is_byte_identical_to_a_local_build(tmp_path, cluster):
    import json

    from distributed import Client

    site = _site(tmp_path)
    local = _build(site, "local", "--jobs", "1")
    assert local.returncode == 0, local.stderr
    with Client(cluster.scheduler_address) as client:
        before = client.run(_articles_done)
        remote = _build(site, "cluster", "--cluster", cluster.scheduler_address)
        after = client.run(_articles_done)
    assert remote.returncode == 0, remote.stderr
    ours, theirs = _tree(site / "public-local"), _tree(site / "public-cluster")
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []
    report = json.loads((site / "cluster.json").read_text())["build"]
    count = report["articles"] + report["skipped"]
    # the workers processed every file (the builder only sent paths and stored results)
    assert sum(after.values()) - sum(before.values()) == count
    assert len([w for w in after if after[w] > before.get(w, 0)]) >= 1

    # a rebuild with one changed file sends that file only
    first = sorted((site / "content").glob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n\n追加的一句话。\n", encoding="utf-8")
    with Client(cluster.scheduler_address) as client:
        before = client.run(_articles_done)
        again = _build(site, "cluster", "--cluster", cluster.scheduler_address)
        after = client.run(_articles_done)
    assert again.returncode == 0, again.stderr
    assert sum(after.values()) - sum(before.values()) == 1
    report = json.loads((site / "cluster.json").read_text())["build"]
    assert report["reused"] == count - 1


def _articles_done(dask_worker) -> int:
    """On a worker: files it has processed (counted by `pool._dask_chunk`)."""
    from builder import pool

    return pool.dask_processed(dask_worker)


def test_unreachable_scheduler_is_one_clear_error(tmp_path):
    site = _site(tmp_path)
    done = _build(site, "cluster", "--cluster", "tcp://127.0.0.1:9")
    assert done.returncode != 0
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (site / "public-cluster" / "index.html").exists()
    # the same scheduler named in site.toml instead of on the command line
    with (site / "cluster.toml").open("a", encoding="utf-8") as f:
        f.write('cluster = "tcp://127.0.0.1:9"\n')
    done = _build(site, "cluster")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr


def _die_on(marker_dir: str, item: int) -> int:
    """On a worker: the item's value, but the worker process dies on item 3 the first time
    (a marker file remembers it), and item 7 raises every time."""
    import os
    from pathlib import Path

    marker = Path(marker_dir) / f"died-{item}"
    if item == 3 and not marker.exists():
        marker.write_text("died", encoding="utf-8")
        os._exit(1)
    if item == 7:
        raise RuntimeError("item 7 cannot be processed")
    return item * 10


def test_a_chunk_whose_worker_dies_is_redone_and_a_failing_one_reported(tmp_path, cluster):
    """A worker that dies mid-chunk costs nothing: another worker redoes the chunk. A chunk
    that fails on every try becomes one `internal` problem per item, and the other items are
    still returned, in order. (A chunk that kills every worker it lands on is lost the same
    way, as Dask's KilledWorker; it is not tested here, because Dask then also gives up on
    chunks that merely waited on those workers.)"""
    import cloudpickle

    from builder import pool
    from builder.model import Problem

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import us
    try:
        got = list(pool.Dask(cluster.scheduler_address, chunk=2, retries=1)
                   .map(_die_on, list(range(10)), str(tmp_path)))
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert (tmp_path / "died-3").exists(), got
    assert got[:6] == [0, 10, 20, 30, 40, 50] and got[8:] == [80, 90], got  # 3 redone elsewhere
    lost = got[6:8]
    assert all(isinstance(p, Problem) and p.code == "internal" for p in lost), lost
    assert [p.path for p in lost] == ["6", "7"]
    assert "cluster task failed after 1 retries: RuntimeError: item 7" in lost[0].message


def _pages_done(dask_worker) -> int:
    """On a worker: pages it has rendered (render_remote.render_item via pool._dask_chunk)."""
    from builder import pool

    return pool.dask_processed(dask_worker, "pages")


def _pieces_done(dask_worker) -> int:
    """On a worker: search pieces it has indexed with its own Pagefind."""
    from builder import pool

    return pool.dask_processed(dask_worker, "search pieces")


def test_the_workers_render_the_pages_and_read_a_content_url(tmp_path, threaded_cluster):
    """Every stage but writing on the workers (two threads each), search on: articles read
    through fsspec (`file://`), pages rendered, search pieces indexed; the output equals a
    local build's from the folder."""
    cluster = threaded_cluster
    from dataclasses import replace

    from distributed import Client

    from builder import build, config, pool

    site = _site(tmp_path)
    local = build.run(replace(config.load(site / "local.toml"), search=True), jobs=1)
    assert local.ok, local.problems
    cfg = config.load(site / "cluster.toml")
    cfg = replace(cfg, content_dir=(site / "content").as_uri(), search=True)
    with Client(cluster.scheduler_address) as client:
        before = client.run(_pages_done), client.run(_articles_done)
        pieces = client.run(_pieces_done)
        result = build.run(cfg, executor=pool.Dask(cluster.scheduler_address, render_from=1))
        after = client.run(_pages_done), client.run(_articles_done)
        pieces = sum(client.run(_pieces_done).values()) - sum(pieces.values())
    assert result.ok and not [p for p in result.problems if "search" in p.code], result.problems
    assert pieces >= 1
    ours, theirs = _tree(site / "public-local"), _tree(site / "public-cluster")
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []
    assert any(k.startswith("pagefind/p-") for k in ours)
    copies = [k for k in ours if k.startswith(("static/", ".green-archive", "pagefind/"))
              or k in ("sitemap.xml", "api/articles.json")]
    pages = sum(after[0].values()) - sum(before[0].values())
    assert pages == len(ours) - len(copies)
    assert sum(after[1].values()) - sum(before[1].values()) == result.articles + result.skipped
    # (which worker renders is Dask's choice: it may keep every task beside the shared context)
