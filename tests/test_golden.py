"""The golden site: tests/golden/content built now must equal tests/golden/site, byte for byte.

A change meant to alter the output: `python tests/regen.py golden`, then read
`git diff tests/golden/site` (the diff is the change a reader will see) and commit it.
"""

from __future__ import annotations

import difflib

from regen import GOLDEN, build_golden, golden_files


def test_the_built_site_equals_the_committed_one(tmp_path):
    result = build_golden(tmp_path / "public")
    assert result.ok, result.problems
    built, kept = golden_files(tmp_path / "public"), golden_files(GOLDEN / "site")
    assert sorted(built) == sorted(kept), "files differ: run `python tests/regen.py golden` if intended"
    changed = [name for name in built if built[name] != kept[name]]
    if changed:
        name = changed[0]
        diff = difflib.unified_diff(kept[name].decode().splitlines(), built[name].decode().splitlines(),
                                    f"golden/{name}", f"built/{name}", lineterm="", n=1)
        raise AssertionError(f"{len(changed)} files differ ({', '.join(changed[:5])}); first:\n"
                             + "\n".join(list(diff)[:40]))


def test_the_golden_content_shows_what_the_builder_does(tmp_path):
    """What the small archive is there to show: every stage leaves a mark in it."""
    result = build_golden(tmp_path / "public")
    codes = {(p.path, p.code) for p in result.problems}
    assert ("broken.md", "front-matter-syntax") in codes  # reported, skipped
    assert ("lenovo-zero-carbon.md", "title-repaired") in codes
    assert result.articles == 6 and result.skipped == 1
    site = GOLDEN / "site"
    assert "联想“零碳之路”：合肥工厂实现绿电全覆盖" in (site / "index.html").read_text()
    assert 'href="/archive/static/style.css"' in (site / "index.html").read_text()  # sub-path base_url
    # per_page = 2: the home page leads with the site's language; each language has a listing
    assert (site / "zh/page/2/index.html").is_file() and (site / "de/index.html").is_file()
    assert (site / "en/index.html").is_file() and not (site / "page").exists()
    assert "https://example.org/archive/sitemap.xml" in (site / "robots.txt").read_text()
