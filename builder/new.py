"""`new "TITLE"`: write a dated article file with front matter and print its path."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from . import report, textutil
from .config import Config
from .parse import SAFE_SLUG


def article_text(title: str, slug: str, moment: datetime, draft: bool = False) -> str:
    """The new file's text: YAML front matter an editor fills in, and an empty body."""
    # JSON strings are valid YAML scalars: any title is quoted safely.
    return ("---\n"
            f"title: {json.dumps(title, ensure_ascii=False)}\n"
            f"slug: {slug}\n"
            f"date: {moment.strftime('%Y-%m-%d %H:%M:%S %z')}\n"
            f"draft: {'true' if draft else 'false'}\n"
            "source: \"\"\n"
            "source_url: \"\"\n"
            "companies: []\n"
            "themes: []\n"
            "---\n\n")


def create(cfg: Config, title: str, slug: str | None = None, draft: bool = False,
           now: datetime | None = None) -> Path:
    """Write `content/YYYY-MM-DD-slug.md` (never over an existing file) and return its path.
    Raises ValueError for an empty title or an unsafe slug, FileExistsError when taken."""
    title = " ".join(title.split())
    if not title:
        raise ValueError("the title is empty")
    slug = slug or (textutil.unicode_slug(title) if cfg.slugs == "unicode"
                    else textutil.slugify(title)) or "article"
    if not SAFE_SLUG.match(slug) or ".." in slug:
        raise ValueError(f"{slug!r} is not a safe slug: use letters, digits and hyphens")
    moment = (now or datetime.now(UTC)).astimezone(cfg.tz).replace(microsecond=0)
    path = cfg.path("content_dir") / f"{moment:%Y-%m-%d}-{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as f:
        f.write(article_text(title, slug, moment, draft))
    return path


def cmd_new(cfg: Config, args: argparse.Namespace) -> int:
    try:
        path = create(cfg, args.title, args.slug, args.draft)
    except FileExistsError as exc:
        print(f"{exc.filename}: error file-exists: an article with this date and slug exists "
              "(pass --slug to choose another)", file=sys.stderr)
        return report.EXIT_ERRORS
    except ValueError as exc:
        print(f"new: error: {exc}", file=sys.stderr)
        return report.EXIT_CONFIG
    print(path)
    return report.EXIT_OK
