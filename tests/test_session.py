"""session.py: where a build gets the taxonomy, theme and cache from."""

from __future__ import annotations

import os
import shutil

from conftest import CONTENT, ROOT, make_site

from builder import config, keys
from builder.build import state_dir
from builder.session import PreviewSession, Session


def test_a_one_off_session_loads_fresh_and_closes_the_cache(tmp_path):
    cfg = config.load(make_site(tmp_path, {}))
    session = Session()
    tax1, problems = session.taxonomy(CONTENT / "taxonomy")
    assert session.taxonomy(CONTENT / "taxonomy")[0] is not tax1 and problems == []
    cache = session.cache(state_dir(cfg), keys.article_cache(cfg))
    cache.flush()
    session.release(cache)
    assert cache._db is None


def test_the_preview_keeps_what_did_not_change(tmp_path):
    shutil.copytree(CONTENT / "taxonomy", tmp_path / "taxonomy")
    cfg = config.load(make_site(tmp_path, {}))
    session = PreviewSession()
    tax, _ = session.taxonomy(tmp_path / "taxonomy")
    assert session.taxonomy(tmp_path / "taxonomy")[0] is tax
    yaml = tmp_path / "taxonomy/companies.yaml"
    os.utime(yaml, ns=(yaml.stat().st_atime_ns, yaml.stat().st_mtime_ns + 10**9))
    assert session.taxonomy(tmp_path / "taxonomy")[0] is not tax  # a touched file: reloaded

    theme = session.theme(cfg)
    assert session.theme(cfg) is theme
    assert session.theme(config.load(ROOT / "site.toml")) is not theme  # other settings

    cache = session.cache(state_dir(cfg), keys.article_cache(cfg))
    session.release(cache)
    assert session.cache(state_dir(cfg), keys.article_cache(cfg)) is cache  # kept, rolled over
    assert session.cache(state_dir(cfg), "another key") is not cache
