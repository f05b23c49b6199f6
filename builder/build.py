"""The build, top to bottom: guard and lock the output, then fingerprint → taxonomy →
articles → index → render and write → search."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import (
    articles,
    fingerprint,
    index,
    keys,
    pool,
    publishing,
    render,
    render_remote,
    search,
    slugs,
    sources,
    taxonomy,
    urls,
)
from .config import Config
from .model import BuildResult, Problem, Site
from .progress import Clock
from .session import Session
from .state import Locked, OutputLock, check_output, mark, note_search, search_current, search_pages
from .state import state_dir as state_dir  # where the build state lives: state.py decides
from .write import CommitFailed, Writer

LOCK_WAIT = 600.0
"""Seconds a build waits for another build of the same output to finish."""


def run(cfg: Config, *, progress: pool.Progress | None = None, now: datetime | None = None,
        jobs: int | None = None, search_index: bool | None = None,
        session: Session | None = None, executor: pool.Executor | None = None,
        force: bool = False, wait: float = LOCK_WAIT,
        waiting: Callable[[int], None] | None = None) -> BuildResult:
    """Build the site described by `cfg` into its output folder. `session`: where the
    taxonomy, theme and article cache come from (the preview's keeps them between builds);
    `executor`: where the per-article stages run (a local pool of `jobs` workers, or the Dask
    cluster of `cfg.cluster`).

    The output folder must be the tool's own (`state.check_output`; `force` takes over a
    folder of foreign files); one build at a time holds it: a second one waits up to `wait`
    seconds (`waiting(pid)` is told once), then fails."""
    clock, output = Clock(), cfg.path("output_dir")
    if refused := _refuse_folders(cfg, force):
        return BuildResult.failure([refused], clock.marks, output)
    lock = _hold_output(cfg, wait, waiting)
    if isinstance(lock, Problem):
        return BuildResult.failure([lock], clock.marks, output)
    try:
        mark(output)
        return _stages(cfg, session or Session(), executor or pool.executor(jobs, cfg.cluster),
                       clock,
                       progress=progress, now=now or datetime.now(UTC), jobs=jobs,
                       search_index=cfg.search if search_index is None else search_index)
    except (OSError, sqlite3.Error) as exc:
        return BuildResult.failure(
            [io_problem(exc, "the build could not read or write its files", state_dir(cfg))],
            clock.marks, output)
    finally:
        lock.release()


def _stages(cfg: Config, session: Session, executor: pool.Executor, clock: Clock, *,
            progress: pool.Progress | None, now: datetime, jobs: int | None,
            search_index: bool) -> BuildResult:
    """The stages, in order, while this build holds the output."""
    state, output = state_dir(cfg), cfg.path("output_dir")
    scan_problems: list[Problem] = []
    found = articles.scan(cfg, state, scan_problems)
    print_ = keys.fingerprint(cfg, found + slugs.stamp(cfg), render.theme_folders(cfg),
                              search_index)
    if last := _last_build_if_current(cfg, state, print_, now, search_index):
        clock("unchanged")
        return last.with_timings(clock.marks)
    fingerprint.forget(state)

    tax, tax_problems = session.taxonomy(cfg.path("taxonomy_dir"))
    if any(p.severity == "error" for p in tax_problems):
        return BuildResult.failure(tax_problems, clock.marks, output)
    clock("taxonomy")

    cache = session.cache(state, keys.article_cache(cfg))
    try:
        loaded = articles.load(found, cfg, tax, cache, executor, progress)
        clock("articles")
        pinned, slug_problems = slugs.load(cfg)
        selected, held, changes = publishing.select(
            slugs.apply(loaded.articles, pinned, cfg), cfg, now)
        related = index.RelatedMemo(state, keys.code_version())
        site, index_problems = index.index(selected, cfg, tax, now, related)
        related.save()
        records, redirects = slugs.update(site, cfg, pinned, {rel for rel, _, _ in found})
        problems = [*scan_problems, *tax_problems, *loaded.problems, *slug_problems, *held,
                    *index_problems, *_empty_terms(site, cfg)]
        clock("index")
        image_map, image_files = _archive_images(cfg, site, cache, state, problems)
        if cfg.images == "archive":
            clock("images")
        renderer = render.Renderer(site, cfg, tax, session.theme(cfg), bodies=cache,
                                   images=image_map, image_files=image_files,
                                   redirects=redirects, entries=render.EntryMemo(state),
                                   listings=render.ListingMemo(state))
        written = _render_and_write(renderer, Writer(output, state), state, jobs, cache.close,
                                    clock, executor)
        if isinstance(written, Problem):
            return BuildResult.failure([*problems, written], clock.marks, output)
        renderer.entries.save()
        renderer.listings.save()
        cache.save()
        problems += slugs.save(cfg, records, pinned)
        if search_index and (written.changed or not search_current(output, state)):
            problems += _index_search(cfg, tax, output, state, site, cache, executor)
            clock("search")
    finally:
        session.release(cache)

    result = BuildResult(
        written=written.written, unchanged=written.unchanged, removed=written.removed,
        articles=len(site.by_id), skipped=loaded.files - len(site.by_id),
        problems=tuple(problems), timings=clock.marks, output=str(output), ok=True,
        reused=loaded.reused, expires=changes)
    # computed again: the build may have written the slugs file (an input of the next build)
    print_ = keys.fingerprint(cfg, found + slugs.stamp(cfg), render.theme_folders(cfg),
                              search_index)
    fingerprint.store(state, print_, result)
    return result


# -- the stages' helpers, in the order they run --------------------------------------------------

def _archive_images(cfg: Config, site, cache, state: Path, problems: list[Problem]
                    ) -> tuple[dict[str, str], dict[str, Path]]:
    """With `images = "archive"`: every image the articles show, downloaded into the state
    folder's image cache unless it is there already (builder/images.py); failures reported."""
    if cfg.images != "archive":
        return {}, {}
    from . import images

    wanted = images.wanted_images((a.id, a.image, cache.body(a.id)) for a in site.articles)
    local, files, found, _ = images.archive(wanted, state / "images")
    problems += found
    return local, files

def _refuse_folders(cfg: Config, force: bool) -> Problem | None:
    """A content folder that is missing, or an output folder that is not the tool's to write
    (see `state.check_output`), is not built."""
    content = cfg.content
    if isinstance(content, str):
        try:
            if not sources.exists(content):
                return Problem(content, None, "error", "content-missing",
                               "the content URL names no folder")
        except OSError as exc:
            return Problem(content, None, "error", "content-missing", str(exc)[:300])
    elif not content.is_dir():
        return Problem(str(content), None, "error", "content-missing",
                       "the content folder does not exist")
    return check_output(cfg, force)


def _hold_output(cfg: Config, wait: float,
                 waiting: Callable[[int], None] | None) -> OutputLock | Problem:
    """This build's hold on the output folder, or why it could not get one."""
    folder = state_dir(cfg)
    lock = OutputLock(folder)
    try:
        lock.acquire(wait, waiting)
    except Locked as exc:
        holder = f"pid {exc.pid}" if exc.pid else "another process"
        return Problem(str(cfg.path("output_dir")), None, "error", "output-locked",
                       f"another build ({holder}) is writing this output folder; "
                       f"gave up after waiting {wait:.0f} s",
                       "wait for it to finish (or stop it), then build again")
    except OSError as exc:
        return io_problem(exc, "cannot use the build state folder", folder)
    return lock


def _last_build_if_current(cfg: Config, state: Path, print_: str, now: datetime,
                           search_index: bool) -> BuildResult | None:
    """The last build's result when nothing it read has changed (and its search index is
    current when one is wanted): the build is done."""
    output = cfg.path("output_dir")
    last = fingerprint.load(state, print_, output, now)
    if last is None or (search_index and not search_current(output, state)):
        return None
    return last


@dataclass(frozen=True, slots=True)
class Written:
    """What the render-and-write stage did to the output."""

    written: int
    unchanged: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def _render_and_write(renderer: render.Renderer, writer: Writer, state: Path, jobs: int | None,
                      before_fork: Callable[[], None], clock: Clock,
                      executor: pool.Executor) -> Written | Problem:
    """Render the pages whose input key changed since the last build (on every core when
    there are many, on the cluster's workers when the build has one), stage them, then commit
    them to the output. A template error or a failure while staging leaves the output
    untouched; a failed commit is finished by the next build (write.py's intent log)."""
    output = writer.output
    try:
        stale = [job for job in renderer.jobs() if not writer.current(job.out_path, job.key)]
        for job in stale:  # what keeps a memo for the next build is made here, not in a worker
            if job.inline:
                writer.add(render.make(job), job.key)
        stale = [job for job in stale if not job.inline]
        if executor.render_from is not None and len(stale) >= executor.render_from:
            rendered = render_remote.pages(renderer, stale, executor)
        else:
            rendered = pool.forked_map(render.make, stale, jobs, before_fork)
        for job, page in zip(stale, rendered, strict=True):
            writer.add(page, job.key)
        clock("render")
        written, removed = writer.commit()
    except CommitFailed as exc:  # some files were replaced: the next build repairs the rest
        return io_problem(exc.cause, f"writing the output failed after {exc.done} of "
                          f"{exc.total} changes; the next build completes them", output)
    except render_remote.RenderLost as exc:
        writer.abort()
        return exc.problem
    except OSError as exc:  # while staging: nothing in the output was touched
        writer.abort()
        return io_problem(exc, "cannot stage the new pages; the output was left unchanged", state)
    except Exception as exc:  # a template error must not leave a half-written site
        writer.abort()
        where, line = render.template_position(exc)
        return Problem(str(where), line, "error", "render-failed",
                       f"{type(exc).__name__}: {exc}; the output was left unchanged")
    clock("write")
    return Written(written, writer.unchanged, removed)


def _index_search(cfg: Config, tax: taxonomy.Taxonomy, output: Path, state: Path, site: Site,
                  bodies: render.Bodies, executor: pool.Executor) -> list[Problem]:
    """Index the site's articles for search (on the cluster's workers when the build has one);
    note what the index holds, so that the next build knows whether it is still current
    (`state.search_current`)."""
    problems = search.build_index(site, cfg, tax, output, body=lambda a: bodies.body(a.id),
                                  executor=executor)
    pages = search_pages(output)
    bundle = str(output / urls.out_folder(urls.search_bundle()))
    if problems:
        return problems
    if pages is None:
        return [Problem(bundle, None, "warning", "search-failed", "the search index is missing "
                        "or its entry file does not parse; the next build retries")]
    note_search(state, pages)
    with_pages = len(site.by_id) - len(site.empty)  # a title-only article has no page to find
    if pages != with_pages:
        return [Problem(bundle, None, "warning", "search-count",
                        f"the search index holds {pages} pages; {with_pages} articles have pages")]
    return []


def _empty_terms(site: Site, cfg: Config) -> list[Problem]:
    """Taxonomy terms no article is filed under: listed in the report, given no page."""
    out = []
    for kind, empty in site.empty_terms.items():
        if empty:
            shown = ", ".join(empty[:30]) + (" …" if len(empty) > 30 else "")
            out.append(Problem(cfg.taxonomy_dir, None, "warning", "term-empty",
                               f"{len(empty)} {kind} terms have no article (no page): {shown}"))
    return out


def io_problem(exc: BaseException, what: str, where: Path) -> Problem:
    """One clear line for a failed file operation: which file, what failed, what to do."""
    if isinstance(exc, OSError):
        name = exc.filename or where
        reason = exc.strerror or str(exc)
        hint = {errno.ENOSPC: "free some disk space, then build again",
                errno.EDQUOT: "free some disk space, then build again",
                errno.EACCES: "check the folder's permissions, then build again",
                errno.EPERM: "check the folder's permissions, then build again",
                errno.EROFS: "the file system is read-only: choose another folder",
                }.get(exc.errno, "fix the cause, then build again")
        return Problem(str(name), None, "error", "io-failed", f"{what}: {reason}", hint)
    text = str(exc)
    hint = "free some disk space, then build again" if "full" in text else \
        "check the folder's permissions, then build again" if "readonly" in text else \
        f"delete {where} (it is only a cache) and build again"
    return Problem(str(where / "cache.sqlite"), None, "error", "state-failed", f"{what}: {text}",
                   hint)
