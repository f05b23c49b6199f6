"""Publishing states: drafts, future-dated and expired articles are held back (pure).

`draft: true` (Hugo, Hexo), `published: false` (Jekyll) and files in a `_drafts` folder are
drafts; an article whose date (or a later `publishDate`) is still ahead is held back until
then; one past its `expiryDate` is withdrawn. `--drafts`, `--future` and `--expired` build
them anyway, marked: their pages say why they are not public, and they stay out of feeds,
the sitemap and the slugs file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from .config import Config
from .model import Article, Problem


def select(articles: list[Article], cfg: Config, now: datetime
           ) -> tuple[list[Article], list[Problem], datetime | None]:
    """(articles to build, a note for each one held back or previewed, the moment this
    selection changes although no file does: the next due or expiry date)."""
    kept: list[Article] = []
    problems: list[Problem] = []
    changes: list[datetime] = []
    for a in articles:
        reasons, held = [], False
        if a.draft:
            if not cfg.drafts:  # held whatever its dates say: they cannot change that
                problems.append(Problem(a.id, None, "warning", "draft",
                                        f"a draft ({a.draft}): held back",
                                        "build or serve with --drafts to preview it"))
                continue
            reasons.append(f"a draft ({a.draft})")
        due = a.publish_date if a.publish_date and a.publish_date > a.date else a.date
        if due > now:
            changes.append(due)
            reasons.append(f"scheduled for {due.astimezone(cfg.tz).isoformat()}")
            held = held or not cfg.future
            problems.append(Problem(a.id, None, "warning", "date-future",
                                    f"dated {due.astimezone(cfg.tz).isoformat()}, in the future: "
                                    + ("built as a preview (--future)" if cfg.future else
                                       "held back until then"),
                                    "" if cfg.future else "build with --future to include it"))
        if a.expiry_date is not None:
            if a.expiry_date <= now:
                reasons.append(f"expired on {a.expiry_date.astimezone(cfg.tz).date()}")
                held = held or not cfg.expired
                if not cfg.expired:
                    problems.append(Problem(a.id, None, "warning", "expired",
                                            f"expired on {a.expiry_date.astimezone(cfg.tz).date()}"
                                            ": withdrawn", "build with --expired to include it"))
            else:
                changes.append(a.expiry_date)
        if held:
            continue
        kept.append(replace(a, draft="; ".join(reasons)) if reasons else a)
    return kept, problems, min(changes, default=None)


def is_public(a: Article) -> bool:
    """Built for readers, not only for the editor's preview."""
    return not a.draft
