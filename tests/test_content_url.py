"""Content at an fsspec URL (`content_dir = "s3://…"`): the same site as from a folder.

`file://` goes through fsspec's local filesystem and `memory://` through its in-memory one
(the object-storage code path without a network: listing, info, `cat_file`). The Dask
cluster reading a URL is in test_cluster.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CONTENT, CORPUS, ROOT

from builder import build, config, pool, sources

fsspec = pytest.importorskip("fsspec")


def _project(tmp_path: Path) -> Path:
    """Seeds plus the Chinese and German corpus news folders (when present), and a site.toml."""
    content = tmp_path / "content"
    content.mkdir()
    for seed in sorted(CONTENT.glob("*.md")):
        shutil.copy2(seed, content / seed.name)
    for folder in ("rsshub-page", "renewable-energy-news"):
        if (CORPUS / folder).is_dir():
            shutil.copytree(CORPUS / folder, content / folder)
    (tmp_path / "site.toml").write_text(
        f'title = "T"\nbase_url = "https://example.org/"\nsearch = false\nslugs_file = ""\n'
        f'taxonomy_dir = "{CONTENT / "taxonomy"}"\nthemes_dir = "{ROOT / "themes"}"\n',
        encoding="utf-8")
    return tmp_path


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _same(a: Path, b: Path) -> None:
    ours, theirs = _tree(a), _tree(b)
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []


def test_a_file_url_builds_the_same_site_as_the_folder(tmp_path):
    root = _project(tmp_path)
    cfg = config.load(root / "site.toml")
    here = build.run(replace(cfg, output_dir="out-folder"), jobs=2)
    url = (root / "content").as_uri()
    cfg_url = replace(cfg, content_dir=url, output_dir="out-url")
    assert cfg_url.content == url and cfg_url.content_folder == root / "content"
    there = build.run(cfg_url, jobs=2)
    assert here.ok and there.ok, there.problems
    assert there.articles == here.articles > 5
    _same(root / "out-folder", root / "out-url")

    # the cache answers for unchanged objects; an edited one is read and processed again
    one = sorted((root / "content").rglob("*.md"))[-1]
    one.write_text(one.read_text(encoding="utf-8") + "\n\nEin neuer Satz.\n", encoding="utf-8")
    again = build.run(cfg_url, jobs=1)
    assert again.ok and again.reused == there.reused + there.articles + there.skipped - 1


def test_object_storage_content_builds_the_same_site(tmp_path):
    """memory:// is an object store in this process: no folders, no mtime, only listings."""
    root = _project(tmp_path)
    store = fsspec.filesystem("memory")
    prefix = f"/archive-{tmp_path.name}"
    for path in sorted((root / "content").rglob("*")):
        if path.is_file():
            store.pipe_file(f"{prefix}/{path.relative_to(root / 'content').as_posix()}",
                            path.read_bytes())
    cfg = config.load(root / "site.toml")
    assert build.run(replace(cfg, output_dir="out-folder"), jobs=1).ok
    remote = replace(cfg, content_dir=f"memory://{prefix}", output_dir="out-url")
    found = sources.scan(remote.content)
    assert [rel for rel, _, _ in found] == sources.discover(root / "content")
    assert build.run(remote, executor=pool.Inline()).ok
    _same(root / "out-folder", root / "out-url")
    # one object replaced: it alone is processed again
    rel = found[0][0]
    store.pipe_file(f"{prefix}/{rel}", (root / "content" / rel).read_bytes() + b"\n\nMore.\n")
    again = build.run(remote, executor=pool.Inline())
    assert again.ok and again.reused == len(found) - 1


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", *args, "--config",
                           str(root / "site.toml")], cwd=root, capture_output=True, text=True,
                          timeout=300)


def test_unreadable_content_urls_are_one_clear_error(tmp_path):
    root = _project(tmp_path)
    missing = _cli(root, "build", "-q", "--content", "file:///nonexistent/archive")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
    assert "file:///nonexistent/archive: error content-missing" in missing.stderr
    unknown = _cli(root, "build", "-q", "--content", "nosuch://bucket/archive")
    assert unknown.returncode != 0 and "Traceback" not in unknown.stderr
    assert "Protocol not known: nosuch" in unknown.stderr
    assert not (root / "public" / "index.html").exists()


def test_only_the_content_may_be_a_url(tmp_path):
    root = _project(tmp_path)
    with (root / "site.toml").open("a", encoding="utf-8") as f:
        f.write('output_dir = "s3://bucket/site"\n')
    with pytest.raises(config.ConfigError) as caught:
        config.load(root / "site.toml")
    assert "`output_dir` must be a folder on this machine" in str(caught.value.problems)


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["new", "标题"]])
def test_serve_and_new_need_a_local_folder(tmp_path, command):
    root = _project(tmp_path)
    done = subprocess.run([sys.executable, "-m", "builder", command[0], "--config",
                           str(root / "site.toml"), "--content", "memory://archive",
                           *command[1:]], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert f"`{command[0]}` needs a content folder on this machine" in done.stderr


def test_the_slugs_file_of_a_url_content_lives_beside_site_toml(tmp_path):
    root = _project(tmp_path)
    text = (root / "site.toml").read_text(encoding="utf-8").replace('slugs_file = ""\n', "")
    (root / "site.toml").write_text(text, encoding="utf-8")
    cfg = replace(config.load(root / "site.toml"), content_dir=(root / "content").as_uri())
    result = build.run(cfg, jobs=1)
    assert result.ok
    from builder import slugs

    assert slugs.location(cfg).parent == root and slugs.location(cfg).is_file()
    assert not (root / "content" / cfg.slugs_file).exists()
    report = json.dumps([p.code for p in result.problems])
    assert "internal" not in report
