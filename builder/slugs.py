"""URLs that last: the slugs file that lives with the content, redirects and aliases.

The build records, for every published source file, the slug and URL it was published at in
`content/.slugs.toml` (the editor commits it). A later build keeps that slug when the title
changes; only a `slug:` in the front matter (or a permalink) moves an article. When an
article's URL changes anyway (a new `slug:`, a new date, a changed `[urls]` pattern), the old
URL is kept in the file and gets a redirect page; front-matter `aliases` add more. Loading and
updating are pure; `save` is the only writer.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from . import urls
from .config import Config
from .model import Article, Problem, Site
from .publishing import is_public

FILE = ".slugs.toml"
HEADER = ("# Written by green-archive: the slug and URL each article was first published with.\n"
          "# Commit it with the content: a title edit then keeps the URL. Set `slug:` in an\n"
          "# article's front matter to move it; its old URL then redirects to the new one.\n")


@dataclass(frozen=True, slots=True)
class Record:
    slug: str
    url: str
    moved_from: tuple[str, ...] = ()
    """Earlier URLs of the article: each gets a redirect page."""


def location(cfg: Config) -> Path | None:
    """Where the slugs file lives (`slugs_file`, relative to the content folder; beside
    site.toml when the content is a URL, which the build never writes to), or None when URL
    pinning is off (`slugs_file = ""`)."""
    if not cfg.slugs_file:
        return None
    content = cfg.content
    return (Path(cfg.root).resolve() if isinstance(content, str) else content) / cfg.slugs_file


def stamp(cfg: Config) -> list[tuple[str, int, int]]:
    """The slugs file's (name, mtime, size) for the build's fingerprint, or nothing."""
    path = location(cfg)
    try:
        st = os.stat(path) if path else None
    except OSError:
        return []
    if st is None:
        return []
    return [(FILE, st.st_mtime_ns, st.st_size)]


STYLE = "__slugs__"
"""The key under which the records keep the `slugs` setting they were made with: a change of
that setting (pinyin → unicode) is a deliberate move of every derived slug."""


def load(cfg: Config) -> tuple[dict[str, Record], list[Problem]]:
    path = location(cfg)
    if path is None:
        return {}, []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Problem(FILE, None, "warning", "slugs-unreadable",
                            f"cannot read the slugs file: {exc}; URLs are derived afresh")]
    return parse(text)


def parse(text: str) -> tuple[dict[str, Record], list[Problem]]:
    fast = _parse_own(text)
    if fast is not None:
        return fast, []
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {}, [Problem(FILE, getattr(exc, "lineno", None), "warning", "slugs-unreadable",
                            f"the slugs file is not valid TOML: {exc}; URLs are derived afresh",
                            "restore it from version control")]
    records, problems = {}, []
    style = table.pop("slugs", None)
    if isinstance(style, str):
        records[STYLE] = Record(style, "/")
    for rel, entry in table.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("slug"), str)
                and isinstance(entry.get("url"), str) and entry["url"].startswith("/")):
            problems.append(Problem(FILE, None, "warning", "slugs-unreadable",
                                    f"entry `{rel}` needs `slug` and `url` (ignored)"))
            continue
        moved = entry.get("moved_from", [])
        moved = tuple(u for u in moved if isinstance(u, str) and u.startswith("/")) \
            if isinstance(moved, list) else ()
        records[rel] = Record(entry["slug"], entry["url"], moved)
    return records, problems


_LINE = re.compile(r'^(?:\[(".*")\]|(slug|url|moved_from|slugs) = (.*))$')


def _parse_own(text: str) -> dict[str, Record] | None:
    """The file as `dump` writes it, read line by line (its strings and arrays are also JSON):
    several times faster than a TOML parser on a 100,000-article file. None when the file was
    edited into another shape; `tomllib` then reads it."""
    records: dict[str, Record] = {}
    current: dict | None = None
    rel = ""
    try:
        for line in text.split("\n"):
            if not line or line.startswith("#"):
                continue
            m = _LINE.match(line)
            if m is None:
                return None
            if m.group(1) is not None:
                if current is not None:
                    records[rel] = Record(**current)
                rel, current = json.loads(m.group(1)), {}
            elif m.group(2) == "slugs":
                if current is not None:
                    return None
                records[STYLE] = Record(json.loads(m.group(3)), "/")
            elif current is not None:
                value = json.loads(m.group(3))
                current[m.group(2)] = tuple(value) if m.group(2) == "moved_from" else value
            else:
                return None
        if current is not None:
            records[rel] = Record(**current)
    except (ValueError, TypeError):
        return None
    if not all(isinstance(r.slug, str) and isinstance(r.url, str) and r.url.startswith("/")
               and all(isinstance(u, str) for u in r.moved_from) for r in records.values()):
        return None
    return records


def apply(articles: list[Article], records: dict[str, Record], cfg: Config) -> list[Article]:
    """Each article's first published slug, unless its front matter or file name sets one."""
    out = []
    style = records.get(STYLE)
    if style is not None and style.slug != cfg.slugs:
        return list(articles)
    for a in articles:
        rec = records.get(a.id)
        if rec is not None and not a.fixed_slug and not a.permalink and rec.slug != a.slug:
            a = replace(a, slug=rec.slug)
        out.append(a)
    return out


def update(site: Site, cfg: Config, records: dict[str, Record], present: set[str]
           ) -> tuple[dict[str, Record], dict[str, str]]:
    """(the new records, old URL → article id for every redirect page).

    Records of files that still exist but are not built now (held back, or broken) are kept:
    the article comes back at its URL. Records of deleted files are dropped."""
    new: dict[str, Record] = {rel: rec for rel, rec in records.items()
                              if rel in present and rel not in site.by_id}
    new[STYLE] = Record(cfg.slugs, "/")
    live: set[str] = set()
    for a in site.by_id.values():
        url = urls.article(cfg, a)
        live.add(url)
        rec = records.get(a.id)
        if not is_public(a):
            if rec is not None:
                new[a.id] = rec
            continue
        if rec is None:
            new[a.id] = Record(a.slug, url)
        elif rec.url != url:
            moved = tuple(u for u in dict.fromkeys((*rec.moved_from, rec.url)) if u != url)
            new[a.id] = Record(a.slug, url, moved)
        else:
            new[a.id] = Record(a.slug, url, rec.moved_from)
    redirects: dict[str, str] = {}
    for a in site.by_id.values():
        rec = new.get(a.id)
        olds = (*(rec.moved_from if rec and is_public(a) else ()), *a.aliases)
        for old in olds:
            if old not in live:
                redirects.setdefault(old, a.id)
    return dict(sorted(new.items())), dict(sorted(redirects.items()))


def dump(records: dict[str, Record]) -> str:
    out = [HEADER]
    if STYLE in records:
        out.append(f"slugs = {_quote(records[STYLE].slug)}\n")
    for rel, rec in sorted(records.items()):
        if rel == STYLE:
            continue
        out.append(f"\n[{_quote(rel)}]\nslug = {_quote(rec.slug)}\nurl = {_quote(rec.url)}\n")
        if rec.moved_from:
            out.append(f"moved_from = [{', '.join(_quote(u) for u in rec.moved_from)}]\n")
    return "".join(out)


def _quote(text: str) -> str:
    """A TOML basic string that is also a JSON string (see `_parse_own`)."""
    quoted = json.dumps(text, ensure_ascii=False)  # escapes quotes, backslashes, C0 controls
    return quoted.replace("\x7f", "\\u007f")  # TOML forbids a raw DEL as well


def save(cfg: Config, records: dict[str, Record],
         loaded: dict[str, Record] | None = None) -> list[Problem]:
    """Write the slugs file when it changed (atomically); a read-only content folder is a
    warning, not a failed build. `loaded`: the records read at the start of the build (equal
    records: nothing to write, not even to format)."""
    path = location(cfg)
    if path is None or records == loaded and path.exists():
        return []
    text = dump(records)
    try:
        if path.read_text(encoding="utf-8") == text:
            return []
    except (OSError, UnicodeDecodeError):
        pass
    if len(records) <= 1 and not path.exists():  # nothing published yet
        return []
    try:
        if not _writable(path.parent):
            raise PermissionError(13, "the folder is read-only")
        _write(path, text)
    except OSError as exc:
        return [Problem(cfg.slugs_file, None, "warning", "slugs-unwritable",
                        f"cannot write {path}: {exc.strerror}; URLs are not pinned, so a title "
                        "edit will change an article's URL",
                        "make the content folder writable, or set slugs_file = \"\" to "
                        "silence this")]
    return []


def _writable(folder: Path) -> bool:
    """A folder its owner may write to: the mode bits are honoured even for root, so a folder
    marked read-only (a shared corpus, a mounted archive) is never written into."""
    try:
        return bool(folder.stat().st_mode & stat.S_IWUSR) and os.access(folder, os.W_OK)
    except OSError:
        return False


def _write(path: Path, text: str) -> None:
    """Atomic: a temporary file beside it, renamed over it (removed on failure)."""
    tmp = path.with_name(f"{FILE}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
