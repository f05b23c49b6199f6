"""The build, top to bottom: sources → cache/pool → index → render → write → search."""

from __future__ import annotations

import errno
import gc
import multiprocessing as mp
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from . import fingerprint, index, render, search, sources, taxonomy, urls
from .cache import Cache, code_version
from .config import Config
from .feeds import sitemap
from .model import Article, BuildResult, Page, Problem, SourceFile
from .state import Locked, OutputLock, check_output, mark, note_search, search_current, search_pages, state_dir
from .write import CommitFailed, Writer, manifest_files

POOL_MIN = 48
"""Fewer articles to process than this are processed in-line: a pool costs more to start."""

Progress = Callable[[str, int, int], None]


class Session:
    """What a long-running preview keeps between builds: the taxonomy (reloaded only when its
    files change) and the article cache (kept in memory, not re-read from disk)."""

    def __init__(self) -> None:
        self._tax: tuple[tuple, taxonomy.Taxonomy, list[Problem]] | None = None
        self._cache: Cache | None = None
        self._theme: tuple[tuple, render.Theme] | None = None

    def taxonomy(self, folder: Path) -> tuple[taxonomy.Taxonomy, list[Problem]]:
        signature = fingerprint.tree(folder)
        if self._tax is None or self._tax[0] != signature:
            tax, problems = taxonomy.load(folder)
            self._tax = (signature, tax, problems)
        return self._tax[1], list(self._tax[2])

    def theme(self, cfg: Config) -> render.Theme:
        """The loaded theme (compiled templates), reloaded only when one of its files changes."""
        signature = (repr(cfg), tuple(fingerprint.tree(f) for f in render.theme_folders(cfg)))
        if self._theme is None or self._theme[0] != signature:
            self._theme = (signature, render.load_theme(cfg))
        return self._theme[1]

    def cache(self, folder: Path, key: str) -> Cache:
        if self._cache is None or self._cache.folder != folder or \
                not self._cache.key.startswith(key + ":"):
            if self._cache is not None:
                self._cache.close()
            self._cache = Cache(folder, key)
        else:
            self._cache.rollover()
        return self._cache


class _Timer:
    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []
        self.start = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.marks.append((name, round(now - self.start, 3)))
        self.start = now


def scan_content(cfg: Config, problems: list[Problem] | None = None
                 ) -> list[tuple[str, int, int]]:
    """(path, mtime_ns, size) of every content file; skipped symbolic links → `problems`."""
    return sources.scan(cfg.path("content_dir"), exclude=(
        cfg.path("taxonomy_dir"), cfg.path("output_dir"), state_dir(cfg)), problems=problems)


def load_articles(cfg: Config, tax: taxonomy.Taxonomy, cache: Cache | None,
                  progress: Progress | None = None, jobs: int | None = None,
                  found: list[tuple[str, int, int]] | None = None,
                  ) -> tuple[list[Article], list[Problem], int, int]:
    """Read every content file (`found`: from `scan_content`) and run the per-article stages
    (cached, pooled). Returns (articles, problems, files found, results reused from the cache).

    Files to process are read by the workers themselves: the parent sends paths and gets back
    results, so a cold build of a large archive never holds every file's bytes at once."""
    content = cfg.path("content_dir")
    found = scan_content(cfg) if found is None else found
    rels = [rel for rel, _, _ in found]
    problems: list[Problem] = []
    results: dict[str, tuple[Article | None, tuple[Problem, ...]]] = {}
    todo: list[str] = []
    for rel, mtime_ns, size in found:
        if cache is None or rel not in cache.rows:
            todo.append(rel)
            continue
        digest = cache.known_digest(rel, mtime_ns, size)
        touched = None
        if digest is None:  # touched: the same content?
            touched = sources.read(content, rel)
            if isinstance(touched, Problem):
                problems.append(touched)
                continue
            digest = touched.digest
        hit = cache.get(rel, digest)
        if hit is None:
            todo.append(rel)
            continue
        if touched is not None:
            cache.note_stat(rel, touched.mtime_ns, len(touched.data))
        results[rel] = hit if cache.tagged_with(rel) == tax.key else cache.retag(rel, tax, cfg)
    reused = len(results)
    if cache is not None and len(todo) >= POOL_MIN:
        cache.close()  # no database connection crosses the pool's fork
    for done in _run(todo, cfg, tax, progress, jobs):
        if isinstance(done, Problem):
            problems.append(done)
            continue
        (rel, digest, mtime_ns, size), (article, found_, tag_input) = done
        results[rel] = (article, found_) if cache is None else cache.put(
            rel, digest, mtime_ns, size, (article, found_), tag_input, tax.key)
    if cache is not None:
        cache.flush()
    articles = []
    for rel in rels:
        if rel in results:
            article, found_ = results[rel]
            problems.extend(found_)
            if article is not None:
                articles.append(article)
    return articles, problems, len(rels), reused


def _run(todo: list[str], cfg: Config, tax: taxonomy.Taxonomy,
         progress: Progress | None, jobs: int | None) -> Iterable:
    workers = jobs or os.cpu_count() or 1
    if len(todo) < POOL_MIN or workers == 1:
        for i, rel in enumerate(todo, 1):
            yield _read_and_process(rel, cfg, tax)
            if progress and i % 50 == 0:
                progress("articles", i, len(todo))
        return
    chunk = max(4, min(64, len(todo) // (workers * 8)))
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(cfg, tax)) as pool:
        for i, result in enumerate(pool.map(_worker_process, todo, chunksize=chunk), 1):
            yield result
            if progress and i % 100 == 0:
                progress("articles", i, len(todo))


_WORKER: dict = {}
"""Per worker process: the settings and taxonomy, sent once instead of with every file."""


def _init_worker(cfg: Config, tax: taxonomy.Taxonomy) -> None:
    _WORKER["args"] = (cfg, tax)


def _worker_process(rel: str):
    cfg, tax = _WORKER["args"]
    return _read_and_process(rel, cfg, tax)


def _read_and_process(rel: str, cfg: Config, tax: taxonomy.Taxonomy):
    """Read one file and process it → ((path, digest, mtime, size), result), or a Problem."""
    src = sources.read(cfg.path("content_dir"), rel)
    if isinstance(src, Problem):
        return src
    return (src.path, src.digest, src.mtime_ns, len(src.data)), _process(src, cfg, tax)


def _process(src: SourceFile, cfg: Config, tax: taxonomy.Taxonomy):
    from .process import process_keeping_tag_input  # slow to load: only when there is work

    return process_keeping_tag_input(src, cfg, tax)


RENDER_POOL_MIN = 300
"""Fewer pages to render than this are rendered in-line."""
_RENDER: list = []
"""The jobs a forked render worker reads (inherited from the parent, never pickled)."""


def render_pages(stale: list[render.Job], jobs: int | None,
                 before_fork: Callable[[], None] | None = None) -> Iterable[tuple[Page, str]]:
    """Render the pages whose input changed, on every core when there are many. Workers are
    forked so they share the parent's Site instead of receiving a copy of it (`before_fork`
    closes what must not cross a fork, such as a database connection)."""
    workers = jobs or os.cpu_count() or 1
    if len(stale) < RENDER_POOL_MIN or workers == 1 or "fork" not in mp.get_all_start_methods():
        for job in stale:
            yield job.make(), job.key
        return
    _RENDER[:] = stale
    if before_fork:
        before_fork()
    gc.freeze()  # the workers' collector must not touch (and so copy) the parent's objects
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            for i, page in enumerate(pool.imap(_render_one, range(len(stale)), chunksize=16)):
                yield page, stale[i].key
    finally:
        gc.unfreeze()
        _RENDER.clear()


def _render_one(i: int) -> Page:
    return _RENDER[i].make()


LOCK_WAIT = 600.0
"""Seconds a build waits for another build of the same output to finish."""


def run(cfg: Config, *, progress: Progress | None = None, now: datetime | None = None,
        jobs: int | None = None, search_index: bool | None = None,
        session: Session | None = None, force: bool = False, wait: float = LOCK_WAIT,
        waiting: Callable[[int], None] | None = None) -> BuildResult:
    """Build the site described by `cfg` into its output folder. A `session` (the preview
    server's) keeps the taxonomy and the article cache in memory between builds.

    The output folder must be the tool's own (`state.check_output`; `force` takes over a
    folder of foreign files); one build at a time holds it: a second one waits up to `wait`
    seconds (`waiting(pid)` is told once), then fails."""
    timer = _Timer()
    output, content = cfg.path("output_dir"), cfg.path("content_dir")
    if not content.is_dir():
        return _failed([Problem(str(content), None, "error", "content-missing",
                                "the content folder does not exist")], timer, output)
    refused = check_output(cfg, force)
    if refused is not None:
        return _failed([refused], timer, output)
    folder = state_dir(cfg)
    lock = OutputLock(folder)
    try:
        lock.acquire(wait, waiting)
    except Locked as exc:
        holder = f"pid {exc.pid}" if exc.pid else "another process"
        return _failed([Problem(str(output), None, "error", "output-locked",
                                f"another build ({holder}) is writing this output folder; "
                                f"gave up after waiting {wait:.0f} s",
                                "wait for it to finish (or stop it), then build again")],
                       timer, output)
    except OSError as exc:
        return _failed([io_problem(exc, "cannot use the build state folder", folder)],
                       timer, output)
    try:
        mark(output)
        return _run_locked(cfg, timer, progress=progress, now=now, jobs=jobs,
                           search_index=search_index, session=session)
    except (OSError, sqlite3.Error) as exc:
        return _failed([io_problem(exc, "the build could not read or write its files", folder)],
                       timer, output)
    finally:
        lock.release()


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
    return Problem(str(where), None, "error", "state-failed", f"{what}: {exc}",
                   f"delete {where} (it is only a cache) and build again")


def _run_locked(cfg: Config, timer: _Timer, *, progress: Progress | None,
                now: datetime | None, jobs: int | None, search_index: bool | None,
                session: Session | None) -> BuildResult:
    output, state = cfg.path("output_dir"), state_dir(cfg)
    search_index = cfg.search if search_index is None else search_index
    scan_problems: list[Problem] = []
    found = scan_content(cfg, scan_problems)
    now = now or datetime.now(UTC)
    print_ = fingerprint.compute(cfg, found, render.theme_folders(cfg), code_version(),
                                 search_index)
    done = fingerprint.load(state, print_, output, manifest_files(state), now)
    if done is not None and (not search_index or search_current(output, state)):
        timer("unchanged")
        return replace(done, timings=tuple(timer.marks))
    fingerprint.forget(state)

    tax, problems = session.taxonomy(cfg.path("taxonomy_dir")) if session else \
        taxonomy.load(cfg.path("taxonomy_dir"))
    if any(p.severity == "error" for p in problems):
        return _failed(problems, timer, output)
    problems = scan_problems + problems
    timer("taxonomy")

    key = cfg.process_key  # not the taxonomy's: a taxonomy edit re-tags cached articles
    cache = session.cache(state, key) if session else Cache(state, key)
    try:
        result = _build(cfg, tax, problems, cache, timer, progress=progress, now=now, jobs=jobs,
                        search_index=search_index, found=found, session=session)
        if result.ok:
            fingerprint.store(state, print_, result)
        return result
    finally:
        if session is None:
            cache.close()


def _build(cfg: Config, tax: taxonomy.Taxonomy, problems: list[Problem], cache: Cache,
           timer: _Timer, *, progress: Progress | None, now: datetime | None, jobs: int | None,
           search_index: bool, found: list[tuple[str, int, int]],
           session: Session | None = None) -> BuildResult:
    output, state = cfg.path("output_dir"), state_dir(cfg)
    articles, read_problems, files, reused = load_articles(cfg, tax, cache, progress, jobs, found)
    problems += read_problems
    timer("articles")

    now = now or datetime.now(UTC)
    site, index_problems = index.index(articles, cfg, tax, now)
    problems += index_problems
    problems += _empty_term_notes(site, cfg)
    timer("index")

    writer = Writer(output, state)
    try:
        theme = session.theme(cfg) if session else render.load_theme(cfg)
        renderer = render.Renderer(site, cfg, tax, theme, search=cfg.search,
                                   body=lambda a: cache.body(a.id))
        locations, stale = [], []
        for job in renderer.jobs():
            if not writer.current(job.out_path, job.key):
                stale.append(job)
            if job.out_path.endswith(".html") and job.url != urls.not_found():
                locations.append(urls.absolute(cfg, job.url))
        for page, key in render_pages(stale, jobs, before_fork=cache.close):
            writer.add(page, key)
        writer.add(Page("/sitemap.xml", "sitemap.xml", sitemap(locations)))
        timer("render")
        written, removed = writer.commit()
    except CommitFailed as exc:  # some files were replaced: the next build repairs the rest
        problems.append(io_problem(exc.cause, f"writing the output failed after {exc.done} of "
                                   f"{exc.total} changes; the next build completes them", output))
        return _failed(problems, timer, output)
    except OSError as exc:  # while staging: nothing in the output was touched
        writer.abort()
        problems.append(io_problem(exc, "cannot stage the new pages; the output was left "
                                   "unchanged", state))
        return _failed(problems, timer, output)
    except Exception as exc:  # a template error must not leave a half-written site
        writer.abort()
        where, line = _template_position(exc)
        problems.append(Problem(str(where), line, "error", "render-failed",
                                f"{type(exc).__name__}: {exc}; the output was left unchanged"))
        return _failed(problems, timer, output)
    timer("write")
    cache.save()

    if search_index and (written or removed or not search_current(output, state)):
        found = search.build_index(output, state)
        problems += found
        pages = search_pages(output)
        if pages is None:
            if not found:
                problems.append(Problem(str(output / "pagefind"), None, "warning",
                                        "search-failed", "the search index is missing or its "
                                        "entry file does not parse; the next build retries"))
        elif not found:
            if pages != len(site.by_id):
                problems.append(Problem(str(output / "pagefind"), None, "warning",
                                        "search-count", f"the search index holds {pages} pages; "
                                        f"{len(site.by_id)} articles were built"))
            note_search(state, pages)
        timer("search")

    return BuildResult(
        written=written, unchanged=writer.unchanged, removed=removed,
        articles=len(site.by_id), skipped=files - len(articles), problems=tuple(problems),
        timings=tuple(timer.marks), output=str(output), ok=True, reused=reused,
        expires=index.future_until(articles, cfg, now))


def _template_position(exc: BaseException) -> tuple[str, int | None]:
    """The template file and line an error happened in (Jinja keeps them in the traceback)."""
    if getattr(exc, "filename", None):
        return exc.filename, getattr(exc, "lineno", None)
    template, last = None, ("builder", None)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml")):
            template = (name, tb.tb_lineno)
        last = (name, tb.tb_lineno)
        tb = tb.tb_next
    return template or last  # not in a template: where the builder failed


def _failed(problems: list[Problem], timer: _Timer, output: Path) -> BuildResult:
    return BuildResult(0, 0, 0, 0, 0, tuple(problems), tuple(timer.marks), str(output),
                       ok=False)


def _empty_term_notes(site, cfg: Config) -> list[Problem]:
    """Taxonomy terms no article is filed under: listed in the report, given no page."""
    out = []
    for kind, slugs in site.empty_terms.items():
        if slugs:
            shown = ", ".join(slugs[:30]) + (" …" if len(slugs) > 30 else "")
            out.append(Problem(cfg.taxonomy_dir, None, "warning", "term-empty",
                               f"{len(slugs)} {kind} terms have no article (no page): {shown}"))
    return out
