"""Where work runs: the per-article map on an executor, page rendering in forked workers.

This is the only module with worker globals. The per-article map runs on an `Executor`: a
local process pool by default (`executor(jobs)`); another executor (a Dask cluster, say) only
has to implement `map`. Nothing else in the build knows which one runs.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[str, int, int], None]

POOL_MIN = 48
"""Fewer items than this are mapped in-line: a pool costs more to start than it saves."""
RENDER_POOL_MIN = 300
"""Fewer pages than this are rendered in-line."""


class Executor(Protocol):
    """Runs `fn(context, item)` for every item, results in the items' order. `context` (the
    settings and the taxonomy) is the same for every item: an executor sends it to each worker
    once, not with every item. `fn` is a top-level function, so it pickles."""

    def map(self, fn: Callable[[Any, T], R], items: Sequence[T], context: Any,
            progress: Progress | None = None, label: str = "articles") -> Iterator[R]: ...


class Inline:
    """In this process, one item after another (few items, `--jobs 1`, tests)."""

    def map(self, fn, items, context, progress=None, label="articles"):
        for i, item in enumerate(items, 1):
            yield fn(context, item)
            if progress and i % 50 == 0:
                progress(label, i, len(items))


class Local:
    """A process pool on this machine; in-line when there are too few items to pay for it."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1

    def map(self, fn, items, context, progress=None, label="articles"):
        if len(items) < POOL_MIN or self.workers == 1:
            yield from Inline().map(fn, items, context, progress, label)
            return
        chunk = max(4, min(64, len(items) // (self.workers * 8)))
        with ProcessPoolExecutor(self.workers, initializer=_set_context,
                                 initargs=(fn, context)) as pool:
            for i, result in enumerate(pool.map(_call, items, chunksize=chunk), 1):
                yield result
                if progress and i % 100 == 0:
                    progress(label, i, len(items))


def executor(jobs: int | None = None) -> Executor:
    """The default executor: a local pool of `jobs` workers (all cores when None)."""
    return Local(jobs)


_CONTEXT: list = []
"""In a pool worker: (fn, context), set once by the initializer."""


def _set_context(fn: Callable, context: Any) -> None:
    _CONTEXT[:] = [fn, context]


def _call(item):
    fn, context = _CONTEXT
    return fn(context, item)


_FORKED: list = []
"""In the parent while a forked pool runs: (fn, items); the children inherit it (never pickled)."""


def forked_map(fn: Callable[[T], R], items: Sequence[T], jobs: int | None,
               before_fork: Callable[[], None] = lambda: None) -> Iterator[R]:
    """`fn` over `items` in forked workers when there are many, so the workers share the
    parent's memory (the Site) instead of receiving a copy; in-line otherwise. `before_fork`
    closes what must not cross a fork, such as a database connection."""
    workers = jobs or os.cpu_count() or 1
    if len(items) < RENDER_POOL_MIN or workers == 1 or "fork" not in mp.get_all_start_methods():
        yield from map(fn, items)
        return
    _FORKED[:] = [fn, items]
    before_fork()
    gc.freeze()  # the workers' collector must not touch (and so copy) the parent's objects
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_call_forked, range(len(items)), chunksize=16)
    finally:
        gc.unfreeze()
        _FORKED.clear()


def _call_forked(i: int):
    fn, items = _FORKED
    return fn(items[i])
