"""The search index: the Site's articles in bounded pieces, one Pagefind bundle each, merged in
the browser; the taxonomy's names for the search page's term box.

Output (`output/pagefind/`):
  pieces.json          the bundles to load (the first is the primary, the rest are merged)
  terms.json           every company and theme with an article: names, aliases, count, URL
  p-<key>/             one Pagefind bundle per piece (its key: a hash of what it indexes)

Every record is indexed in one language (Chinese: Pagefind's extended build segments it; Latin
words pass through whole), so one search finds Chinese, English and German articles alike. A
piece is a run of articles in path order cut where an article's path hashes to a boundary
(content-defined, so adding one article changes one piece), at most MAX_PIECE long: Pagefind's
memory stays bounded by the piece, and a build re-indexes only pieces whose key changed.

An edit does not re-index its piece: the piece's last full bundle (its base) is kept, the
records that changed or were added are indexed into a small delta bundle (`d-<key>/`), and
`pieces.json` lists the base's pages that are out of date (`stale`: Pagefind page ids), which the
search page drops from the results. A piece whose changes grow past DELTA_MAX records is
indexed whole again (and a cold build always indexes whole pieces, so its output is the same on
every machine).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

from . import keys, pagefind, urls, write
from .config import Config
from .model import KINDS, Article, Problem, Site
from .taxonomy import Taxonomy

OUT = urls.out_folder(urls.search_bundle())
"""The bundle folder in the output (`pagefind`)."""
PIECES = "pieces.json"
TERMS = "terms.json"
FAILED = ".failed"
"""Left in the bundle folder by a failed indexing: the next build indexes again."""
FORMAT = 1
"""Bump when the records change shape: every piece is indexed again."""
LANGUAGE = "zh"
MIN_PIECE, CUT_EVERY, MAX_PIECE = 100, 400, 1000
"""A piece ends after an article whose path hash is 0 mod CUT_EVERY (once it has MIN_PIECE
articles), or at MAX_PIECE: about 500 articles a piece."""
DELTA_MAX = 40
"""Records of a piece indexed into its delta bundle, at most, before the piece is indexed whole."""
RECORDS = "records.json"
"""In every whole bundle: url → [the record's key, its Pagefind page id] (what a delta is
computed against)."""
DELTA_MARK = "1"
"""Meta `delta` of a record in a delta bundle: its page differs from the base's stale one even
when the text is the same, so dropping the stale id never drops the fresh page."""
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
            "pagefind-modular-ui.css", "pagefind-highlight.js")
"""Written by Pagefind into every bundle, unused by the search page (it has its own)."""


# -- the records ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Record:
    """What the index holds of one article (the body is read only when its piece is built)."""

    id: str
    digest: str
    url: str
    title: str
    date: str
    """ISO date (yyyy-mm-dd) in the site's time zone."""
    language: str
    """zh, en, de…"""
    companies: tuple[str, ...]
    themes: tuple[str, ...]
    names: tuple[str, ...]
    """Every name and alias of every company and theme the article is filed under."""

    def values(self) -> tuple:
        """The fields in order (`dataclasses.astuple` without its deep copy: every field is
        a string or a tuple of strings)."""
        return tuple(getattr(self, f) for f in _RECORD_FIELDS)


_RECORD_FIELDS = tuple(f.name for f in fields(Record))


def short_language(code: str, default: str) -> str:
    return (code or default or LANGUAGE).split("-")[0].lower()


def records(site: Site, cfg: Config, tax: Taxonomy) -> list[Record]:
    """One record per article page (duplicates too: each has its own page), in path order;
    an article with no body text has no page and is not searched."""
    out = []
    empty = set(site.empty)
    named: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    """(kind, slug) → (its name, every name and alias): once per term, not per article."""
    for kind in KINDS:
        for slug in site.terms[kind]:
            entry = tax.entry(kind, slug)
            named[(kind, slug)] = (entry.name(cfg.language), tuple(
                n for n in (entry.zh, entry.en, *entry.aliases) if n)) if entry else (slug, ())
    for a in sorted(site.by_id.values(), key=lambda a: a.id):
        if a.id in empty:
            continue
        names: dict[str, None] = {}
        filed: dict[str, list[str]] = {k: [] for k in KINDS}
        for kind in KINDS:  # companies' names first, as the terms' pages list them
            for t in a.tags:
                hit = named.get((kind, t.term)) if t.kind == kind else None
                if hit is not None:
                    filed[kind].append(hit[0])
                    names.update(dict.fromkeys(hit[1]))
        local = a.date.astimezone(cfg.tz)
        out.append(Record(a.id, a.digest or a.id, urls.href(cfg, urls.article(cfg, a)), a.title,
                          local.date().isoformat(), short_language(a.language, cfg.language),
                          tuple(filed["company"]), tuple(filed["theme"]), tuple(names)))
    return out


def plan(recs: list[Record], low: int = MIN_PIECE, every: int = CUT_EVERY,
         high: int = MAX_PIECE) -> list[list[Record]]:
    """Records (in path order) → pieces: cut after a record whose path hashes to 0 mod
    `every` once the piece has `low` records, or when it has `high`."""
    pieces: list[list[Record]] = []
    current: list[Record] = []
    for r in recs:
        current.append(r)
        if len(current) >= high or (len(current) >= low and _boundary(r.id, every)):
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces


def _boundary(path: str, every: int) -> bool:
    h = hashlib.blake2b(path.encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") % every == 0


def piece_key(piece: list[Record], salt: str) -> str:
    """Equal keys index equal bytes: the records, the engine and format, and `salt` (the code
    and settings that make an article's text from its digest)."""
    h = hashlib.blake2b(digest_size=10)
    h.update(repr((FORMAT, pagefind.VERSION, LANGUAGE, salt)).encode())
    for r in piece:
        h.update(repr(r.values()).encode())
    return h.hexdigest()


def record_key(r: Record, salt: str) -> str:
    """Equal keys index equal pages (as piece_key, for one record)."""
    return hashlib.blake2b(repr((FORMAT, pagefind.VERSION, salt, r.values())).encode(),
                           digest_size=10).hexdigest()


@dataclass(frozen=True, slots=True)
class Delta:
    """A piece as its base bundle plus the records indexed since (see the module's doc)."""

    base: str
    base_pages: int
    stale: tuple[str, ...]
    """The base's Pagefind page ids of records changed or gone."""
    changed: list[Record]
    """Records new or changed since the base, indexed into the delta bundle."""

    def entry(self, delta_name: str | None) -> dict:
        out: dict = {"path": self.base, "pages": self.base_pages}
        if self.stale:
            out["stale"] = list(self.stale)
        if delta_name:
            out["delta"] = {"path": delta_name, "pages": len(self.changed)}
        return out


def base_records(folder: Path) -> dict[str, list[str]] | None:
    """A whole bundle's url → [record key, page id], or None (an older bundle, or damaged)."""
    try:
        data = json.loads((folder / RECORDS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def plan_delta(piece: list[Record], salt: str, bases: dict[str, dict[str, list[str]]],
               taken: set[str], limit: int = DELTA_MAX) -> Delta | None:
    """The base bundle this piece is best written against (the one that holds most of its
    records, not yet taken by another piece) and what differs, or None when no base holds
    any of them or more than `limit` records differ."""
    votes: dict[str, int] = {}
    for name, recs in bases.items():
        if name not in taken:
            n = sum(1 for r in piece if r.url in recs)
            if n:
                votes[name] = n
    if not votes:
        return None
    base = max(sorted(votes), key=votes.__getitem__)
    have = bases[base]
    keys_now = {r.url: record_key(r, salt) for r in piece}
    changed = [r for r in piece if have.get(r.url, ("",))[0] != keys_now[r.url]]
    stale = sorted(page for url, (key, page) in have.items() if keys_now.get(url) != key)
    if len(changed) > limit or len(stale) > limit:
        return None
    return Delta(base, len(have), tuple(stale), changed)


# -- the text -------------------------------------------------------------------------------
_BLOCK = re.compile(r"<(?:br|/?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|figure|"
                    r"figcaption|section|article|dd|dt|dl|hr|img))\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")


def plain_text(body: str) -> str:
    """Sanitised body HTML → text: blocks become line breaks, inline tags vanish (so
    `<b>宁德</b>时代` stays one word)."""
    text = html.unescape(_TAG.sub("", _BLOCK.sub("\n", body)))
    return _LINES.sub("\n", _SPACE.sub(" ", text)).strip()


def content(r: Record, body: str) -> str:
    """The indexed text: title, body, and the other names of the article's companies and
    themes (so "CATL" finds an article that only says 宁德时代)."""
    parts = [r.title, plain_text(body)]
    seen = "\n".join(parts).casefold()
    # only names the text does not already contain (nor a longer form of one it contains): the
    # excerpt then shows the article's own words, and this line only when a name matched
    names = [n.casefold() for n in r.names]
    present = [n for n in names if n in seen]
    extra = [n for n, folded in zip(r.names, names, strict=True)
             if folded not in seen and not any(p in folded for p in present)]
    if extra:
        parts.append(" · ".join(extra))
    return "\n".join(p for p in parts if p)


# -- building -------------------------------------------------------------------------------
class SearchFailed(Exception):
    pass


@cache
def _engine_version(binary: str) -> str:
    return pagefind.installed_version(binary)


def build_index(site: Site, cfg: Config, tax: Taxonomy, output: Path,
                body: Callable[[Article], str], executor=None) -> list[Problem]:
    """Index the site's articles into `output/pagefind`: pieces whose key is unchanged are
    kept, a piece with few changes gets a delta over its base, the others are indexed whole;
    each bundle is verified, and `pieces.json` is replaced only when every piece is in place,
    so a failure leaves the previous index working (and marked for another try). With a
    cluster's `executor` (`pool.Dask`), the pieces are indexed by its workers."""
    root = output / OUT
    binary = pagefind.executable()
    if binary is None:
        return [Problem(str(output), None, "warning", "search-unavailable",
                        "Pagefind is not installed; the search page will not work",
                        f"pip install 'pagefind[extended]=={pagefind.VERSION}'")]
    found = _engine_version(binary)
    if found != pagefind.VERSION:
        return [_fail(root, f"Pagefind {found} is installed; search needs {pagefind.VERSION} "
                      "(1.5 segments Chinese differently when indexing and when searching, "
                      "so most Chinese words are not found)",
                      f"pip install 'pagefind[extended]=={pagefind.VERSION}'")]
    try:
        salt = f"{keys.article_cache(cfg)}:{cfg.language}"  # what makes a body's text
        recs = records(site, cfg, tax)
        by_id = site.by_id
        root.mkdir(parents=True, exist_ok=True)
        bases = _bases(root)
        listed, todo, taken = [], [], set()
        for piece in plan(recs, MIN_PIECE, CUT_EVERY, MAX_PIECE):
            name = "p-" + piece_key(piece, salt)
            if verify_piece(root / name, len(piece)) is None:  # unchanged
                listed.append({"path": name, "pages": len(piece)})
                taken.add(name)
                continue
            delta = plan_delta(piece, salt, bases, taken, DELTA_MAX)
            if delta is None:  # new, changed a lot, or damaged: indexed whole
                todo.append((name, piece, False))
                listed.append({"path": name, "pages": len(piece)})
                continue
            taken.add(delta.base)
            delta_name = "d-" + piece_key(delta.changed, salt) if delta.changed else None
            if delta_name and verify_piece(root / delta_name, len(delta.changed)) is not None:
                todo.append((delta_name, delta.changed, True))
            listed.append(delta.entry(delta_name))
        text = lambda r: body(by_id[r.id])  # noqa: E731
        if todo and executor is not None and executor.render_from is not None:
            _index_pieces_remote(executor, todo, text, root, salt)
        else:
            _index_pieces(binary, todo, text, root, salt)
        _write_json(root / TERMS, terms(site, cfg, tax))
        manifest = {"engine": pagefind.VERSION, "format": FORMAT, "language": LANGUAGE,
                    "pages": len(recs), "pieces": listed}
        problem = verify(root, manifest, len(recs))
        if problem:
            raise SearchFailed(problem)
        _write_json(root / PIECES, manifest)
    except (SearchFailed, pagefind.PagefindError, OSError, LookupError) as exc:
        return [_fail(root, f"search index not built: {exc}; the previous index was kept")]
    _remove_stale(root, {path for p in listed for path in bundles(p)} | {PIECES, TERMS})
    return []


def bundles(entry: dict) -> list[str]:
    """The bundle folders a `pieces.json` entry uses: its base, and its delta if any."""
    return [entry["path"]] + ([entry["delta"]["path"]] if entry.get("delta") else [])


def _bases(root: Path) -> dict[str, dict[str, list[str]]]:
    """The whole bundles of the index in place (its `pieces.json`) that a delta can be
    written against: complete, with their records."""
    try:
        manifest = json.loads((root / PIECES).read_text(encoding="utf-8"))
        entries = [(p["path"], int(p["pages"])) for p in manifest["pieces"]]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    out = {}
    for path, pages in entries:
        recs = base_records(root / path)
        if recs is not None and len(recs) == pages and verify_piece(root / path, pages) is None:
            out[path] = recs
    return out


def _index_pieces(binary: str, todo: list[tuple[str, list[Record], bool]],
                  body: Callable[[Record], str], root: Path, salt: str,
                  workers: int | None = None) -> None:
    """Index pieces (name, records, whether a delta) on every core, each into its own
    Pagefind service (a process) driven by a thread. Bodies are read here, in this thread (the
    article cache's connection is not shared between threads), a batch of `workers` pieces at a
    time, so memory holds at most that many pieces' text."""
    workers = max(1, min(len(todo), workers or os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        for start in range(0, len(todo), workers):
            futures = [pool.submit(_index_piece, binary, [(r, content(r, body(r))) for r in piece],
                                   root, name, salt, delta)
                       for name, piece, delta in todo[start:start + workers]]
            for future in futures:
                future.result()


def _index_piece(binary: str, piece: list[tuple[Record, str]], root: Path, name: str,
                 salt: str = "", delta: bool = False) -> None:
    """Index one piece ((record, text) pairs) into `root/.tmp-name`, verify it, then move it
    to `root/name`."""
    _put_piece(root, name, piece_files(binary, piece, salt, delta), len(piece))


def _put_piece(root: Path, name: str, files: list[tuple[str, bytes]], pages: int) -> None:
    try:
        write.put_folder(root, name, files, lambda folder: verify_piece(folder, pages))
    except write.IncompleteFolder as exc:
        raise SearchFailed(f"piece {name}: {exc}") from None


def _index_pieces_remote(executor, todo: list[tuple[str, list[Record], bool]],
                         body: Callable[[Record], str], root: Path, salt: str) -> None:
    """`_index_pieces` on a cluster's workers, one piece a task: each worker runs its own
    Pagefind (installed with green-archive) and sends the bundle's files back, which are
    verified and put in place here. A piece's text is read when its task is sent."""
    items = _PieceItems(todo, body)
    for (name, piece, _), files in zip(todo, executor.map(
            _remote_piece, items, salt, label="search pieces", chunk=1), strict=True):
        if isinstance(files, Problem):
            raise SearchFailed(f"piece {name}: {files.message}")
        _put_piece(root, name, files, len(piece))


class _PieceItems:
    """The pieces as the items a cluster is sent: ([(record, text)], delta), made on demand."""

    def __init__(self, todo, body):
        self.todo, self.body = todo, body

    def __len__(self) -> int:
        return len(self.todo)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        _, piece, delta = self.todo[i]
        return [(r, content(r, self.body(r))) for r in piece], delta


def _remote_piece(salt: str, item: tuple[list[tuple[Record, str]], bool]) -> list:
    """On a worker: one piece's bundle files, from this machine's Pagefind (which must be the
    pinned version: another segments Chinese differently)."""
    binary = pagefind.executable()
    if binary is None:
        raise pagefind.PagefindError("Pagefind is not installed on this worker")
    found = _engine_version(binary)
    if found != pagefind.VERSION:
        raise pagefind.PagefindError(f"this worker has Pagefind {found}, not {pagefind.VERSION}")
    piece, delta = item
    return piece_files(binary, piece, salt, delta)


def piece_files(binary: str, piece: list[tuple[Record, str]], salt: str = "",
                delta: bool = False) -> list[tuple[str, bytes]]:
    """One piece's bundle: (relative path, bytes) of every file, sorted. A whole bundle gets
    its records (url → key and page id); a delta's pages are marked as such."""
    with pagefind.Service(binary) as service:
        index = service.new_index({"force_language": LANGUAGE})
        for r, text in piece:
            filters = {"company": list(r.companies), "theme": list(r.themes),
                       "year": [r.date[:4]], "language": [r.language]}
            meta = {"title": r.title, "date": r.date, "lang": r.language}
            if delta:
                meta["delta"] = DELTA_MARK
            service.add_record(index, url=r.url, content=text, language=LANGUAGE, meta=meta,
                               filters={k: v for k, v in filters.items() if v},
                               sort={"date": r.date})
        files = [(rel, data) for rel, data in sorted(service.files(index)) if rel not in UI_FILES]
    if not delta:
        pages = {_fragment_url(data): rel[len("fragment/"):-len(".pf_fragment")]
                 for rel, data in files
                 if rel.startswith("fragment/") and rel.endswith(".pf_fragment")}
        files.append((RECORDS, _json({r.url: [record_key(r, salt), pages[r.url]]
                                      for r, _ in piece})))
    return files


def _fragment_url(data: bytes) -> str:
    """The URL of a Pagefind fragment file (gzip of `pagefind_dcd` + the page's JSON)."""
    raw = gzip.decompress(data)
    if raw.startswith(b"pagefind_dcd"):
        raw = raw[len(b"pagefind_dcd"):]
    return json.loads(raw)["url"]


def terms(site: Site, cfg: Config, tax: Taxonomy) -> list[dict]:
    """The term box's data: every company and theme with an article, most articles first."""
    out = []
    for kind in KINDS:
        for slug, term in sorted(site.terms[kind].items(),
                                 key=lambda kv: (-len(kv[1].article_ids), kv[0])):
            entry = tax.entry(kind, slug)
            zh, en = (entry.zh, entry.en) if entry else (term.name_zh, term.name_en)
            names = [n for n in (zh, en, *(entry.aliases if entry else ())) if n]
            first, second = (zh or en, en) if cfg.language.startswith("zh") else (en or zh, zh)
            out.append({"kind": kind, "slug": slug, "name": first,
                        "other": second if second != first else "",
                        "names": list(dict.fromkeys(names)), "count": len(term.article_ids),
                        "url": urls.href(cfg, urls.term(cfg, kind, slug))})
    return out


# -- verifying ------------------------------------------------------------------------------
def verify_piece(folder: Path, pages: int) -> str | None:
    """None when `folder` is a complete bundle of `pages` pages, else what is wrong."""
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"no readable pagefind-entry.json ({type(exc).__name__})"
    languages = entry.get("languages") if isinstance(entry, dict) else None
    if entry.get("version") != pagefind.VERSION or not isinstance(languages, dict) or \
            list(languages) != [LANGUAGE]:
        return f"unexpected entry file {str(entry)[:120]}"
    index = languages[LANGUAGE]
    if index.get("page_count") != pages:
        return f"{index.get('page_count')} pages indexed, {pages} expected"
    if not (folder / f"pagefind.{index.get('hash')}.pf_meta").is_file():
        return "its metadata file is missing"
    for needed in ("pagefind.js", "wasm.unknown.pagefind"):
        if not (folder / needed).is_file():
            return f"{needed} is missing"
    try:
        fragments = sum(1 for _ in os.scandir(folder / "fragment"))
    except OSError:
        fragments = 0
    if fragments != pages:
        return f"{fragments} fragments for {pages} pages"
    return None


def verify(root: Path, manifest: dict, pages: int) -> str | None:
    """The whole index: every listed bundle complete, and as many live pages as articles."""
    live = sum(p["pages"] - len(p.get("stale", ())) + (p["delta"]["pages"] if p.get("delta") else 0)
               for p in manifest["pieces"])
    if live != pages:
        return f"the pieces hold {live} pages, not {pages}"
    for p in manifest["pieces"]:
        problem = verify_piece(root / p["path"], p["pages"])
        if not problem and p.get("delta"):
            problem = verify_piece(root / p["delta"]["path"], p["delta"]["pages"])
        if problem:
            return f"piece {p['path']}: {problem}"
    return None


def indexed_pages(output: Path) -> int | None:
    """The pages the search index in `output` holds (its `pieces.json`), or None when there is
    no complete index: missing, unreadable, or marked failed (to be built again)."""
    root = output / OUT
    if (root / FAILED).exists():
        return None
    try:
        manifest = json.loads((root / PIECES).read_text(encoding="utf-8"))
        return int(manifest["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ready(output: Path) -> bool:
    """Whether the output has a complete search index (none left to retry)."""
    return indexed_pages(output) is not None


# -- files ----------------------------------------------------------------------------------
def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _write_json(path: Path, data) -> None:
    write.replace_file(path, _json(data))


def _fail(root: Path, message: str, hint: str = "") -> Problem:
    try:
        root.mkdir(parents=True, exist_ok=True)
        write.replace_file(root / FAILED, (message + "\n").encode())
    except OSError:
        pass
    return Problem(str(root), None, "error", "search-failed", message, hint)


def _remove_stale(root: Path, keep: Iterable[str]) -> None:
    """Drop what the current index does not use and this tool wrote: old pieces, temporary
    folders, the failure mark, the files of an index written by an older version (Pagefind's
    own layout). Anything else in the folder is left alone."""
    write.prune(root, set(keep), _OURS_DIRS, _OURS_FILES)


_OURS_DIRS = re.compile(r"^([pd]-[0-9a-f]+|\.tmp-[pd]-[0-9a-f]+|index|fragment|filter)$")
_OURS_FILES = re.compile(r"^(\.failed|\..+\.tmp|pagefind[\w.-]*|wasm\.[\w-]+\.pagefind)$")


# -- the search page's words ----------------------------------------------------------------
CATALOG: dict[str, tuple[str, str, str]] = {
    # key: (Chinese, English, German)
    "heading": ("搜索", "Search", "Suche"),
    "intro": ("一次搜索中文、英文和德文的全部文章；输入公司或主题的任何名称可直达其页面。",
              "One search over every article in Chinese, English and German; type any name of a "
              "company or theme to reach its page.",
              "Eine Suche über alle Artikel auf Chinesisch, Englisch und Deutsch; jeder Name "
              "eines Unternehmens oder Themas führt zu seiner Seite."),
    "label": ("关键词", "Search terms", "Suchbegriffe"),
    "placeholder": ("文章、公司、主题…", "Articles, companies, themes…",
                    "Artikel, Unternehmen, Themen…"),
    "submit": ("搜索", "Search", "Suchen"),
    "company": ("公司", "Company", "Unternehmen"),
    "theme": ("主题", "Theme", "Thema"),
    "year": ("年份", "Year", "Jahr"),
    "language": ("语言", "Language", "Sprache"),
    "kind_company": ("公司", "Company", "Unternehmen"),
    "kind_theme": ("主题", "Theme", "Thema"),
    "lang_zh": ("中文", "Chinese", "Chinesisch"),
    "lang_en": ("英文", "English", "Englisch"),
    "lang_de": ("德文", "German", "Deutsch"),
    "articles": ("{n} 篇文章", "{n} articles", "{n} Artikel"),
    "results": ("找到 {n} 篇文章", "{n} articles found", "{n} Artikel gefunden"),
    "no_results": ("没有找到“{n}”", "Nothing found for “{n}”", "Nichts gefunden für „{n}“"),
    "more": ("显示更多", "Show more", "Mehr anzeigen"),
    "filters": ("筛选", "Filters", "Filter"),
    "searching": ("正在搜索…", "Searching…", "Suche läuft…"),
    "empty": ("档案中还没有文章。", "The archive has no articles yet.",
              "Das Archiv enthält noch keine Artikel."),
    "failed": ("搜索索引无法加载。", "The search index could not be loaded.",
               "Der Suchindex konnte nicht geladen werden."),
    "noscript": ("搜索需要 JavaScript。", "Search needs JavaScript.", "Die Suche braucht JavaScript."),
}
"""Every word the search page shows, in the three interface languages."""


def labels(language: str) -> dict[str, str]:
    """The search page's words in the site's interface language (one language, as the rest of
    the interface: the theme's catalogs)."""
    code = short_language(language, LANGUAGE)
    column = {"zh": 0, "de": 2}.get(code, 1)
    return {key: words[column] for key, words in CATALOG.items()}
