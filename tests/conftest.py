"""Shared fixtures: the repository, the real corpus, small sites made on the fly."""

from __future__ import annotations

import hashlib
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
