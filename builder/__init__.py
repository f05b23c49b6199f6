"""green-archive: a static site generator for a curated green-tech news archive."""

__version__ = "0.1.0"
