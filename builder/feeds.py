"""Atom feeds and the sitemap, as bytes (pure)."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .config import Config
from .model import Article


def atom(cfg: Config, title: str, self_url: str, page_url: str,
         entries: list[tuple[Article, str, str]]) -> bytes:
    """An Atom 1.0 feed (RFC 4287): newest entries first, full cleaned body as content.
    `entries`: (article, its absolute URL, its body HTML)."""
    updated = max((a.updated or a.date for a, _, _ in entries), default=None)
    stamp = updated.isoformat() if updated else "1970-01-01T00:00:00+00:00"
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(cfg.language)}>',
           f"<title>{escape(title)}</title>",
           f"<id>{escape(self_url)}</id>",
           f"<link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(self_url)}/>",
           f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(page_url)}/>",
           f"<updated>{stamp}</updated>",
           f"<author><name>{escape(cfg.title)}</name></author>",
           "<generator>green-archive</generator>"]
    if cfg.description:
        out.append(f"<subtitle>{escape(cfg.description)}</subtitle>")
    for a, url, html in entries:
        out += ["<entry>",
                f"<title>{escape(a.title)}</title>",
                f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(url)}/>",
                f"<id>{escape(url)}</id>",
                f"<published>{a.date.isoformat()}</published>",
                f"<updated>{(a.updated or a.date).isoformat()}</updated>"]
        for name in a.authors or ((a.source,) if a.source else ()):
            out.append(f"<author><name>{escape(name)}</name></author>")
        out += [f"<summary>{escape(a.excerpt)}</summary>",
                f"<content type=\"html\">{escape(html)}</content>",
                "</entry>"]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode()


def sitemap(locations: list[tuple[str, str]]) -> bytes:
    """`locations`: (absolute URL, last modification in ISO 8601 or "")."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    out += [f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{escape(mod)}</lastmod>" if mod else "")
            + "</url>" for loc, mod in locations]
    out.append("</urlset>")
    return ("\n".join(out) + "\n").encode()
