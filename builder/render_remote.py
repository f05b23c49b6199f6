"""The render stage on a cluster: the workers render pages, the builder writes them.

A page job is a call of one of the Renderer's methods (`partial(renderer.article_page, a)`);
such a call travels as (method name, arguments) with the bodies its page shows (`Job.shows`:
the bodies live in the builder's cache, which no worker can read). Each worker builds its own
Renderer once per build from a `Context` sent once (the Site, settings, taxonomy, the theme's
template sources and catalogs), so it needs no file of the site: not the theme, not the
cache. Jobs that are not such a call (static files, archived images, redirects, the sitemap)
are cheap copies and stay on the builder. Pages come back in the jobs' order; a page a worker
could not render fails the stage (the output is left unchanged), as a template error does
locally. The output is byte-identical to a local render's (`tests/test_cluster.py`).
"""

from __future__ import annotations

import gc
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from . import pool, render
from .config import Config
from .model import Page, Problem, Site
from .taxonomy import Taxonomy

PAGE_CHUNK = 64
"""Pages sent in one task: a page is cheap to render, so fewer, larger tasks (64 rather than
16 pages cut the render stage by 10–30% on a 2-core machine)."""


@dataclass(frozen=True)
class Context:
    """What every worker needs to render any page of this build (sent once)."""

    token: str
    """This build's own: a worker keeps one Renderer per token."""
    site: Site
    cfg: Config
    tax: Taxonomy
    templates: dict[str, str]
    catalogs: dict
    theme_key: str
    images: dict[str, str]
    redirects: dict[str, str]
    shared: dict[int, Any]
    """Arguments that many calls share (`Shared`), sent once here instead of with each call."""


@dataclass(frozen=True, slots=True)
class Shared:
    """Stands in a call for an argument sent once in `Context.shared`: every page of a listing
    gets the listing's whole id list, 1,000 pages × 10,000 ids for the archive's first."""

    key: int


class RenderLost(Exception):
    """A page no worker could render: the render stage fails, the output is unchanged."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def portable(renderer: render.Renderer, job: render.Job) -> tuple[str, tuple, dict] | None:
    """The job as (method name, args, keyword args) of `renderer`, or None when it is not a
    call of one of the renderer's methods (it is then rendered on the builder)."""
    make = job.make
    args: tuple = ()
    kwargs: dict = {}
    if isinstance(make, partial):
        make, args, kwargs = make.func, make.args, make.keywords
    if getattr(make, "__self__", None) is not renderer:
        return None
    return make.__name__, args, kwargs


def pages(renderer: render.Renderer, jobs: Sequence[render.Job],
          executor: pool.Executor) -> Iterator[Page]:
    """Every job's page, in order: the portable ones rendered on `executor`'s workers, the
    rest here. Raises RenderLost when a worker could not render a page."""
    calls, shared = _share([portable(renderer, job) for job in jobs])
    remote = [i for i, call in enumerate(calls) if call is not None]
    templates, catalogs, key = render.theme_sources(renderer.theme)
    context = Context(uuid.uuid4().hex, renderer.site, renderer.cfg, renderer.tax, templates,
                      catalogs, key, renderer.images, renderer.redirects, shared)
    sent = executor.map(render_item, _Items(renderer, jobs, calls, remote), context,
                        label="pages", chunk=PAGE_CHUNK)
    for job, call in zip(jobs, calls, strict=True):
        if call is None:
            yield job.make()
            continue
        page = next(sent)
        if isinstance(page, Problem):
            raise RenderLost(Problem(job.out_path, None, "error", "render-failed",
                                     f"{page.message}; the output was left unchanged"))
        yield page


def _share(calls: list) -> tuple[list, dict[int, Any]]:
    """The calls with every list, tuple or dict argument that two or more calls hold (the
    same object) replaced by a `Shared`, and those arguments by key."""
    seen: dict[int, int] = {}
    for call in calls:
        for arg in call[1] if call else ():
            if isinstance(arg, list | tuple | dict):
                seen[id(arg)] = seen.get(id(arg), 0) + 1
    shared: dict[int, Any] = {}

    def swap(arg):
        if isinstance(arg, list | tuple | dict) and seen.get(id(arg), 0) > 1:
            shared.setdefault(id(arg), arg)
            return Shared(id(arg))
        return arg

    return [call and (call[0], tuple(map(swap, call[1])), call[2]) for call in calls], shared


class _Items(Sequence):
    """The portable jobs as the items sent to the workers: (method, args, kwargs, bodies).
    Made when a chunk is sent, not before: the bodies of a whole archive are never held."""

    def __init__(self, renderer: render.Renderer, jobs, calls, remote: list[int]):
        self.renderer, self.jobs, self.calls, self.remote = renderer, jobs, calls, remote

    def __len__(self) -> int:
        return len(self.remote)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._item(j) for j in self.remote[i]]
        return self._item(self.remote[i])

    def _item(self, j: int) -> tuple:
        name, args, kwargs = self.calls[j]
        bodies = {a: self.renderer.bodies.body(a) for a in self.jobs[j].shows}
        return name, args, kwargs, bodies


# -- on a worker --------------------------------------------------------------------------------

class _ShippedBodies:
    """The bodies sent with the item being rendered (per thread: a worker may run chunks on
    several threads with one Renderer)."""

    def __init__(self):
        self.local = threading.local()

    def body(self, article_id: str) -> str:
        return self.local.bodies[article_id]


_RENDERER: dict[str, tuple[render.Renderer, _ShippedBodies]] = {}
_LOCK = threading.Lock()


def _renderer(context: Context) -> tuple[render.Renderer, _ShippedBodies]:
    """This build's Renderer on this worker, made on its first page. The Site it holds is
    frozen out of the garbage collector's sight (as the forked local workers' is): a full
    collection would otherwise walk its millions of objects again and again while pages are
    rendered, which made rendering on a cluster three times slower at 10,000 articles."""
    with _LOCK:
        hit = _RENDERER.get(context.token)
        if hit is None:
            if _RENDERER:  # an earlier build's: let it go
                _RENDERER.clear()
                gc.unfreeze()
                gc.collect()
            theme = render.theme_from_sources(context.templates, context.catalogs,
                                              context.theme_key)
            bodies = _ShippedBodies()
            hit = _RENDERER[context.token] = (render.Renderer(
                context.site, context.cfg, context.tax, theme, bodies=bodies,
                images=context.images, redirects=context.redirects), bodies)
            gc.freeze()
        return hit


def render_item(context: Context, item: tuple[str, tuple, dict, dict[str, str]]) -> Page:
    """On a worker: one page (top-level, so it pickles by reference)."""
    renderer, bodies = _renderer(context)
    name, args, kwargs, shown = item
    args = tuple(context.shared[a.key] if isinstance(a, Shared) else a for a in args)
    bodies.local.bodies = shown
    try:
        return getattr(renderer, name)(*args, **kwargs)
    finally:
        bodies.local.bodies = {}
