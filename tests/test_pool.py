"""pool.py: the executors the per-article map runs on, and the forked render workers."""

from __future__ import annotations

import os

from builder import pool


def square_plus(context, item):
    """A top-level function (it pickles): what an executor maps."""
    return item * item + context, os.getpid()


def test_inline_and_local_give_the_same_results_in_order():
    items = list(range(pool.POOL_MIN + 20))
    inline = [r for r, _ in pool.Inline().map(square_plus, items, 7)]
    local = list(pool.Local(2).map(square_plus, items, 7))
    assert inline == [r for r, _ in local] == [i * i + 7 for i in items]
    assert os.getpid() not in {pid for _, pid in local}  # the pool's workers did the work


def test_few_items_or_one_worker_run_in_line():
    assert {pid for _, pid in pool.Local(2).map(square_plus, [1, 2, 3], 0)} == {os.getpid()}
    many = list(range(pool.POOL_MIN + 1))
    assert {pid for _, pid in pool.Local(1).map(square_plus, many, 0)} == {os.getpid()}
    assert isinstance(pool.executor(3), pool.Local) and pool.executor(3).workers == 3


def test_progress_is_reported_while_mapping():
    seen = []
    list(pool.Inline().map(square_plus, list(range(120)), 0, lambda *a: seen.append(a)))
    assert seen == [("articles", 50, 120), ("articles", 100, 120)]


def test_a_custom_executor_is_all_the_build_needs(tmp_path):
    """`build.run(executor=…)`: the build knows nothing about how the map runs."""
    from conftest import make_site

    from builder import config
    from builder.build import run

    class Recording(pool.Inline):
        def __init__(self):
            self.items = []

        def map(self, fn, items, context, progress=None, label="articles", chunk=None):
            self.items += list(items)
            return super().map(fn, items, context, progress, label, chunk)

    files = {f"a{i}.md": f"---\ntitle: 第{i}篇\ndate: 2024-01-0{i}\n---\n正文。" for i in range(1, 4)}
    executor = Recording()
    result = run(config.load(make_site(tmp_path, files)), executor=executor)
    assert result.ok and result.articles == 3 and sorted(executor.items) == sorted(files)


def test_forked_map_keeps_order_and_shares_the_parents_objects():
    big = {i: "x" * 10 for i in range(pool.RENDER_POOL_MIN + 50)}  # not pickled to the workers
    items = sorted(big)
    out = list(pool.forked_map(lambda i: (i, len(big[i]), os.getpid()), items, jobs=2))
    assert [(i, n) for i, n, _ in out] == [(i, 10) for i in items]
    assert os.getpid() not in {pid for _, _, pid in out}  # forked workers did the work
    assert pool._FORKED == []  # cleared after the pool
    closed = []
    list(pool.forked_map(lambda i: i, [1, 2], jobs=2, before_fork=lambda: closed.append(1)))
    assert closed == []  # in-line: nothing crosses a fork, nothing to close
