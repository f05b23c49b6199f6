"""Shared fixtures: the repository, the real corpus, small sites made on the fly."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from builder import config, taxonomy
from builder.model import SourceFile

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = sorted(p for p in CONTENT.glob("*.md"))


def source(path: str, data: bytes | str) -> SourceFile:
    raw = data.encode() if isinstance(data, str) else data
    return SourceFile(path, raw, 0, hashlib.sha256(raw).hexdigest())


@pytest.fixture(scope="session", autouse=True)
def _cache_home(tmp_path_factory):
    """Build state goes to the user's cache folder: the tests' to a throwaway one (builds in
    subprocesses inherit it)."""
    import os

    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def cfg() -> config.Config:
    return config.load(ROOT / "site.toml")


@pytest.fixture(scope="session")
def tax():
    loaded, problems = taxonomy.load(CONTENT / "taxonomy")
    assert not [p for p in problems if p.severity == "error"], problems
    return loaded


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    return CORPUS


def make_site(tmp_path: Path, files: dict[str, str | bytes], settings: str = "") -> Path:
    """A throwaway project: site.toml + content files; the project's taxonomy is used."""
    (tmp_path / "content").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = tmp_path / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode() if isinstance(text, str) else text)
    toml = (f'title = "Test"\nbase_url = "https://example.org/"\nsearch = false\n'
            f'taxonomy_dir = "{(CONTENT / "taxonomy").as_posix()}"\n'
            f'themes_dir = "{(ROOT / "themes").as_posix()}"\n' + settings)
    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    return tmp_path / "site.toml"


FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters no HTML, XML or JSON output may hold (see textutil.scrub)."""


def assert_well_formed(out: Path) -> int:
    """Every feed, sitemap and JSON file parses; no page holds a forbidden character.
    Returns the number of files checked."""
    checked = 0
    for path in sorted(out.rglob("*")):
        if not path.is_file() or "pagefind" in path.parts:
            continue
        data = path.read_bytes()
        if path.suffix in (".html", ".xml", ".json", ".txt"):
            text = data.decode("utf-8")  # strict: never a lone surrogate or a broken byte
            assert not FORBIDDEN.search(text), f"{path}: forbidden character " \
                f"{FORBIDDEN.search(text).group()!r}"
            checked += 1
        if path.suffix == ".xml":
            ET.fromstring(data)  # well-formed XML, or it raises
            if path.name == "feed.xml":
                import feedparser

                parsed = feedparser.parse(data)
                assert not parsed.bozo, f"{path}: {parsed.bozo_exception}"
        elif path.suffix == ".json":
            json.loads(data)
    return checked
