"""`check` on a folder from another tool: a short migration summary (pure).

How many files were read with which front-matter syntax, which peer fields were ignored and
why, which articles are held back, and which URLs change compared with the tool the folder
came from (Jekyll, Hexo or Hugo, guessed per file), with how to keep them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from . import frontmatter, urls
from .config import Config
from .model import Article, Problem, Site
from .parse import DATED_NAME, HEADLESS_KEYS, IGNORED

SUGGESTIONS = {
    "Jekyll": "/{year}/{month}/{day}/{slug}.html",
    "Hexo": "/{year}/{month}/{day}/{slug}/",
}


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the summary needs of one source file (from `facts`)."""

    path: str
    syntax: str
    ignored: tuple[str, ...]


def facts(path: str, text: str, ignored: tuple[str, ...]) -> FileFacts:
    return FileFacts(path, frontmatter.syntax(text, HEADLESS_KEYS), ignored)


def tool_of(path: str, syntax: str) -> str:
    """The peer a file most likely comes from, by its folder, name and syntax."""
    parts = PurePosixPath(path).parts
    dated = DATED_NAME.match(PurePosixPath(path).stem) is not None
    if syntax.startswith("TOML") or syntax.startswith("JSON ({") or "content" in parts[:-1] \
            and not ("_posts" in parts or "_drafts" in parts):
        return "Hugo"
    if "without the opening" in syntax or syntax.startswith("JSON (;;;") or "source" in parts[:-1]:
        return "Hexo"
    if "_posts" in parts or "_drafts" in parts:
        return "Jekyll" if dated else "Hexo"
    return ""


def peer_url(tool: str, a: Article, cfg: Config) -> str:
    """The URL the peer gave this article with its default permalink settings."""
    stem = PurePosixPath(a.id).stem
    named = DATED_NAME.match(stem)
    name = named.group(4) if named else stem
    d = a.date.astimezone(cfg.tz)
    if tool == "Jekyll":
        cats = "".join("/" + quote(c.lower().replace(" ", "-"), safe="-_.~")
                       for c in a.categories)
        return f"{cats}/{d:%Y}/{d:%m}/{d:%d}/{quote(name, safe='-_.~')}.html"
    if tool == "Hexo":
        return f"/{d:%Y}/{d:%m}/{d:%d}/{quote(name, safe='-_.~')}/"
    parts = PurePosixPath(a.id).parts
    section = parts[-2] if len(parts) > 1 else "posts"
    return f"/{quote(section)}/{quote(name, safe='-_.~')}/"


def summary(cfg: Config, site: Site, files: list[FileFacts], problems: list[Problem],
            pinned: int) -> str:
    """The summary's text, or "" when no file looks like it comes from a peer."""
    by_path = {f.path: f for f in files}
    tools = {f.path: tool_of(f.path, f.syntax) for f in files}
    # drafts carry no date in their names: they come from the tool the posts come from
    posts = Counter(t for p, t in tools.items() if t and "_drafts" not in PurePosixPath(p).parts)
    for path in tools:
        if "_drafts" in PurePosixPath(path).parts:
            tools[path] = posts.most_common(1)[0][0] if posts else "Jekyll"
    counted = Counter(t for t in tools.values() if t)
    if not counted:
        return ""
    out = ["", "Migration summary (" + ", ".join(f"{n} files look like {t}'s"
                                                 for t, n in counted.most_common()) + "):"]
    syntaxes = Counter(f.syntax for f in files)
    out.append("  read as: " + ", ".join(f"{n} {s}" for s, n in syntaxes.most_common()))
    codes = Counter(p.code for p in problems)
    held = [f"{codes[c]} {label}" for c, label in (("draft", "drafts"),
                                                   ("date-future", "future-dated"),
                                                   ("expired", "expired")) if codes[c]]
    if held:
        out.append("  held back: " + ", ".join(held) + " (build with --drafts, --future or "
                   "--expired to preview them)")
    ignored = Counter(name for f in files for name in f.ignored)
    for name, n in ignored.most_common(8):
        out.append(f"  ignored `{name}` in {n} files: {IGNORED[name]}")
    unknown = Counter(p.message.split("`")[1] for p in problems
                      if p.code == "unknown-field" and "`" in p.message)
    if unknown:
        out.append("  unknown fields (ignored): " + ", ".join(
            f"`{k}` ×{n}" for k, n in unknown.most_common(8)))
    failed = {p.path for p in problems if p.severity == "error" and p.path in by_path}
    if failed:
        out.append(f"  not built: {len(failed)} files with errors (listed above)")
    out += _url_lines(cfg, site, tools)
    out.append(f"  the slugs file ({'pins ' + str(pinned) + ' URLs' if pinned else 'not written yet'}"
               "): the first build records each article's URL in content/.slugs.toml; commit it "
               "and later title edits keep the URL")
    return "\n".join(out)


def _url_lines(cfg: Config, site: Site, tools: dict[str, str]) -> list[str]:
    """How many articles keep their old URL, examples of those that move, and the `[urls]`
    pattern that would keep them."""
    out: list[str] = []
    moved: dict[str, list[tuple[str, str]]] = {}
    kept = 0
    fits = Counter()
    for a in site.by_id.values():
        tool = tools.get(a.id, "")
        if not tool:
            continue
        old, new = peer_url(tool, a, cfg), urls.article(cfg, a)
        if old == new or a.permalink:
            kept += 1
            continue
        if old in a.aliases:
            kept += 1
            continue
        moved.setdefault(tool, []).append((old, new))
        pattern = SUGGESTIONS.get(tool)
        if pattern and pattern.format(**_fields(a, cfg)) == old:
            fits[tool] += 1
    total = sum(len(v) for v in moved.values())
    out.append(f"  URLs: {kept} articles keep their old URL (permalink, aliases or the same "
               f"pattern); {total} get a new one")
    for tool, pairs in sorted(moved.items()):
        for old, new in sorted(pairs)[:3]:
            out.append(f"    {tool}: {old} → {new}")
        pattern = SUGGESTIONS.get(tool)
        if pattern and fits[tool]:
            out.append(f"    to keep {fits[tool]} of these {len(pairs)}: set `article = "
                       f"\"{pattern}\"` under [urls] in site.toml")
    if total:
        out.append("    or give an article `permalink: <old path>` (kept as its URL) or "
                   "`aliases: [<old path>]` (a redirect page there)")
    return out


def _fields(a: Article, cfg: Config) -> dict:
    d = a.date.astimezone(cfg.tz)
    return {"year": d.year, "month": f"{d.month:02d}", "day": f"{d.day:02d}",
            "slug": quote(a.slug, safe="-_.~")}
