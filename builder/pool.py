"""Where work runs: the per-article map on an executor, page rendering in forked workers.

This is the only module with worker globals. The per-article map runs on an `Executor`: a
local process pool by default (`executor(jobs)`); another executor (a Dask cluster, say) only
has to implement `map`. Nothing else in the build knows which one runs.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
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

    render_from: int | None
    """Runs on other machines: the render stage is spread over them too (render_remote.py)
    when at least this many pages are to be rendered; None: never (pages render locally)."""

    def map(self, fn: Callable[[Any, T], R], items: Sequence[T], context: Any,
            progress: Progress | None = None, label: str = "articles",
            chunk: int | None = None) -> Iterator[R]: ...
    """`chunk`: items sent together (a default of the executor's when None; 1 for big items
    such as search pieces)."""


class Inline:
    """In this process, one item after another (few items, `--jobs 1`, tests)."""

    render_from = None

    def map(self, fn, items, context, progress=None, label="articles", chunk=None):
        for i, item in enumerate(items, 1):
            yield fn(context, item)
            if progress and i % 50 == 0:
                progress(label, i, len(items))


class Local:
    """A process pool on this machine; in-line when there are too few items to pay for it."""

    render_from = None

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1

    def map(self, fn, items, context, progress=None, label="articles", chunk=None):
        if len(items) < POOL_MIN or self.workers == 1:
            yield from Inline().map(fn, items, context, progress, label)
            return
        chunk = chunk or max(4, min(64, len(items) // (self.workers * 8)))
        with ProcessPoolExecutor(self.workers, initializer=_set_context,
                                 initargs=(fn, context)) as pool:
            for i, result in enumerate(pool.map(_call, items, chunksize=chunk), 1):
                yield result
                if progress and i % 100 == 0:
                    progress(label, i, len(items))


class Dask:
    """The map on a running Dask cluster (`build --cluster tcp://HOST:PORT`).

    Items go out in chunks of `chunk`, at most `in_flight` chunks at once (four per worker
    thread by default) and results come back in the items' order as they finish, so the
    builder's memory stays flat however many items there are. The context is sent once, as
    a task's result that each worker fetches once (the scheduler computes it again if the
    worker holding it dies). Workers run `fn` themselves: for the per-article map they read
    the files, so the content folder must be at the same path on every worker. A chunk whose
    worker dies is redone on another worker; a chunk that fails `retries` times, or kills
    every worker it lands on, makes each of its items an `internal` problem
    and the map goes on. An unreachable scheduler, or Dask not installed, raises OSError."""

    CONNECT_TIMEOUT = "10s"

    def __init__(self, address: str, chunk: int = 16, in_flight: int | None = None,
                 retries: int = 2, render_from: int = RENDER_POOL_MIN):
        self.address, self.chunk, self.in_flight, self.retries = address, chunk, in_flight, retries
        self.render_from = render_from
        """Fewer pages than this render on the builder: an edit's few pages are not worth
        sending the Site to every worker."""

    def map(self, fn, items, context, progress=None, label="articles", chunk=None):
        if not items:
            return
        chunk = chunk or self.chunk
        try:
            from distributed import Client
        except ImportError as exc:
            raise OSError(f"--cluster needs Dask: pip install 'green-archive[cluster]' ({exc})") \
                from None
        try:
            client = Client(self.address, timeout=self.CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise OSError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        with client:
            threads = sum(w.get("nthreads", 1) for w in
                          client.scheduler_info().get("workers", {}).values()) or 1
            # The context as a task's result, not scattered data: if the worker that holds it
            # dies, the scheduler computes it again (scattered data would be lost, and every
            # chunk waiting on it cancelled).
            with warnings.catch_warnings():  # the Site for the render stage is big: expected
                warnings.filterwarnings("ignore", "Sending large graph", UserWarning)
                shared = client.submit(_identity, context, pure=False)
            # made as they are sent: an item may be made on demand (render_remote._Items)
            chunks = (items[i:i + chunk] for i in range(0, len(items), chunk))
            window: deque = deque()

            def submit(part):
                window.append((client.submit(_dask_chunk, fn, shared, part, label, pure=False,
                                             retries=self.retries), part))

            for part in islice(chunks, self.in_flight or 4 * threads):
                submit(part)
            done = 0
            while window:
                future, part = window.popleft()
                try:
                    results = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost chunk costs its items only
                    results = [_lost(item, exc, self.retries) for item in part]
                future.release()
                nxt = next(chunks, None)
                if nxt is not None:
                    submit(nxt)
                yield from results
                done += len(part)
                if progress:
                    progress(label, done, len(items))


def _identity(value: Any) -> Any:
    return value


def _dask_chunk(fn: Callable, context: Any, part: Sequence, label: str = "articles") -> list:
    """On a Dask worker: `fn` over one chunk; counted on the worker (`dask_processed`)."""
    results = [fn(context, item) for item in part]
    try:
        from distributed import get_worker

        worker = get_worker()
        counts = getattr(worker, "green_archive_processed", None)
        if counts is None:
            counts = worker.green_archive_processed = {}
        counts[label] = counts.get(label, 0) + len(part)
    except ValueError:  # not on a worker
        pass
    return results


def dask_processed(worker, label: str = "articles") -> int:
    """Items (`articles`, `pages`) a Dask worker has processed for green-archive (ask with
    `client.run`)."""
    return getattr(worker, "green_archive_processed", {}).get(label, 0)


def _lost(item, exc: BaseException, retries: int):
    from .model import Problem

    return Problem(str(item), None, "error", "internal",
                   f"cluster task failed after {retries} retries: {type(exc).__name__}: {exc}"[:300],
                   "the other files were built; run the build again")


def executor(jobs: int | None = None, cluster: str = "") -> Executor:
    """The default executor: a local pool of `jobs` workers (all cores when None), or the Dask
    cluster whose scheduler is at `cluster`."""
    return Dask(cluster) if cluster else Local(jobs)


_CONTEXT: list = []
"""In a pool worker: (fn, context), set once by the initializer."""


def _set_context(fn: Callable, context: Any) -> None:
    _quiet_on_interrupt()
    _CONTEXT[:] = [fn, context]


def _quiet_on_interrupt() -> None:
    """Ctrl-C reaches the whole process group: the parent reports it in one line; a worker
    must not print a traceback of its own (it ends when the parent stops)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


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
        with mp.get_context("fork").Pool(workers, initializer=_quiet_on_interrupt) as pool:
            yield from pool.imap(_call_forked, range(len(items)), chunksize=16)
    finally:
        gc.unfreeze()
        _FORKED.clear()


def _call_forked(i: int):
    fn, items = _FORKED
    return fn(items[i])
