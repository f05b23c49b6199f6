"""Content files → articles: cached results where the file is unchanged, the per-article
stages (`process`) on an executor for the rest, re-tagging when only the taxonomy changed.

Files to process are read by the workers themselves: the parent sends paths and gets back
results, so a cold build of a large archive never holds every file's bytes at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import pool, sources
from .cache import Cache
from .config import Config
from .keys import Stat
from .model import Article, Problem, Processed, TagInput
from .taxonomy import Taxonomy


@dataclass(frozen=True, slots=True)
class Loaded:
    """Every article of the content folder, in path order, and what reading them found."""

    articles: list[Article]
    problems: list[Problem]
    files: int
    """Content files found (built or skipped)."""
    reused: int
    """Results taken from the cache."""


def scan(cfg: Config, state: Path, problems: list[Problem] | None = None) -> list[Stat]:
    """(path, mtime_ns, size) of every content file, the taxonomy, output and state excluded;
    symbolic links it skips are added to `problems` (when given)."""
    return sources.scan(cfg.content, exclude=(
        cfg.path("taxonomy_dir"), cfg.path("output_dir"), state), problems=problems)


def load(found: list[Stat], cfg: Config, tax: Taxonomy, cache: Cache,
         executor: pool.Executor, progress: pool.Progress | None = None) -> Loaded:
    """Every file of `found` (from `scan`) as an article or problems: the cache's where it
    has the same content, re-tagged when the taxonomy changed, processed on `executor` else."""
    problems: list[Problem] = []
    results, todo = _from_cache(found, cfg, tax, cache, problems)
    reused = len(results)
    if len(todo) >= pool.POOL_MIN:
        cache.close()  # no database connection crosses the pool's fork
    context = (cfg.content, cfg, tax)
    for done in executor.map(read_and_process, todo, context, progress):
        if isinstance(done, Problem):
            problems.append(done)
            continue
        (rel, digest, mtime_ns, size), processed = done
        results[rel] = cache.store(rel, digest, mtime_ns, size, processed, tax.key)
    cache.flush()
    articles = []
    for rel, _, _ in found:
        if rel in results:
            problems.extend(results[rel].problems)
            if results[rel].article is not None:
                articles.append(results[rel].article)
    return Loaded(articles, problems, len(found), reused)


def _from_cache(found: list[Stat], cfg: Config, tax: Taxonomy, cache: Cache,
                problems: list[Problem]) -> tuple[dict[str, Processed], list[str]]:
    """The cached results of unchanged files (re-tagged if the taxonomy changed), and the
    files to process. A file whose stat changed is read to compare its content."""
    results: dict[str, Processed] = {}
    todo: list[str] = []
    for rel, mtime_ns, size in found:
        digest = cache.known_digest(rel, mtime_ns, size)
        touched = None
        if digest is None and cache.holds(rel):
            touched = sources.read(cfg.content, rel)
            if isinstance(touched, Problem):
                problems.append(touched)
                continue
            digest = touched.digest
        hit = cache.lookup(rel, digest) if digest else None
        if hit is None:
            todo.append(rel)
            continue
        if touched is not None:
            cache.note_stat(rel, touched.mtime_ns, len(touched.data))
        done, tagged_with = hit
        if tagged_with != tax.key and done.article is not None:
            done = cache.store_retagged(rel, _retag(done, cache.tag_input(rel), tax, cfg), tax.key)
        results[rel] = done
    return results, todo


def _retag(done: Processed, tag_input: TagInput | None, tax: Taxonomy, cfg: Config) -> Processed:
    """Only the taxonomy changed: the core's `tag` step again, on what tagging read."""
    from .process import tag  # noqa: PLC0415 (loads the cleaning stack: only when needed)

    return tag(Processed(done.article, done.problems, tag_input), tax, cfg)


def read_and_process(context: tuple[Path | str, Config, Taxonomy], rel: str):
    """Read one file and process it → ((path, digest, mtime, size), Processed), or a Problem.
    Top-level, so an executor can send it to its workers."""
    from .process import process  # noqa: PLC0415 (slow to load: only when there is work)

    content, cfg, tax = context
    src = sources.read(content, rel)
    if isinstance(src, Problem):
        return src
    return (src.path, src.digest, src.mtime_ns, len(src.data)), process(src, cfg, tax)
