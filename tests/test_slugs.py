"""URLs that last: the slugs file, redirects at old URLs, aliases and permalinks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from conftest import make_site

from builder import config, slugs
from builder.build import run

NOW = datetime(2026, 12, 1, tzinfo=UTC)
BODY = "宁德时代发布新一代储能电池，宁德时代称其寿命更长。"


def article(title: str, extra: str = "", date: str = "2024-03-01") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{BODY}\n"


def urls_of(root) -> dict[str, str]:
    api = json.loads((root / "public/api/articles.json").read_text())["articles"]
    return {a["source_path"]: a["url"].removeprefix("https://example.org") for a in api}


def page(root, url: str) -> str:
    path = root / "public" / url.lstrip("/")
    return (path if url.endswith(".html") else path / "index.html").read_text()


def test_a_title_edit_keeps_the_url(tmp_path):
    site = make_site(tmp_path, {"a.md": article("宁德时代发布新电池")})
    cfg = config.load(site)
    assert run(cfg, now=NOW).ok
    first = urls_of(tmp_path)["a.md"]
    assert first == "/articles/2024/03/ning-de-shi-dai-fa-bu-xin-dian-chi/"
    recorded = (tmp_path / "content/.slugs.toml").read_text()
    assert '["a.md"]' in recorded and f'url = "{first}"' in recorded
    (tmp_path / "content/a.md").write_text(article("宁德时代发布第二代新电池"))
    assert run(cfg, now=NOW).ok
    assert urls_of(tmp_path)["a.md"] == first
    assert "第二代" in page(tmp_path, first)
    # nothing moved: no redirect page, and the file is unchanged
    assert (tmp_path / "content/.slugs.toml").read_text() == recorded


def test_a_new_slug_leaves_a_redirect_listed_nowhere_else(tmp_path):
    site = make_site(tmp_path, {"a.md": article("宁德时代发布新电池")})
    cfg = config.load(site)
    run(cfg, now=NOW)
    old = urls_of(tmp_path)["a.md"]
    (tmp_path / "content/a.md").write_text(article("宁德时代发布新电池", "slug: catl-battery\n"))
    result = run(cfg, now=NOW)
    assert result.ok
    new = urls_of(tmp_path)["a.md"]
    assert new == "/articles/2024/03/catl-battery/"
    redirect = page(tmp_path, old)
    target = "https://example.org" + new
    assert f'<meta http-equiv="refresh" content="0; url={new}">' in redirect
    assert f'<link rel="canonical" href="{target}">' in redirect
    public = tmp_path / "public"
    assert old not in (public / "sitemap.xml").read_text()
    assert old not in (public / "feed.xml").read_text()
    assert old not in (public / "index.html").read_text()
    assert f'moved_from = ["{old}"]' in (tmp_path / "content/.slugs.toml").read_text()
    # moved twice: both old URLs redirect to the newest
    (tmp_path / "content/a.md").write_text(article("宁德时代发布新电池", "slug: catl-cells\n"))
    run(cfg, now=NOW)
    newest = "https://example.org/articles/2024/03/catl-cells/"
    assert newest in page(tmp_path, old) and newest in page(tmp_path, new)


def test_a_changed_url_pattern_redirects_every_article(tmp_path):
    site = make_site(tmp_path, {"a.md": article("宁德时代发布新电池")})
    run(config.load(site), now=NOW)
    old = urls_of(tmp_path)["a.md"]
    site.write_text(site.read_text() + '[urls]\narticle = "/{year}/{slug}/"\n')
    run(config.load(site), now=NOW)
    assert urls_of(tmp_path)["a.md"] == "/2024/ning-de-shi-dai-fa-bu-xin-dian-chi/"
    assert "/2024/ning-de-shi-dai-fa-bu-xin-dian-chi/" in page(tmp_path, old)


def test_aliases_permalinks_and_collisions(tmp_path):
    files = {
        "a.md": article("甲", "aliases: [/old/a/, /2019/a.html]\n"),
        "b.md": article("乙", "permalink: /special/b/\n"),
        "c.md": article("丙", "permalink: /special/b/\n", date="2024-03-02"),
        "d.md": article("丁", "aliases: [/special/b/, /companies/]\n"),  # live pages win
    }
    result = run(config.load(make_site(tmp_path, files)), now=NOW)
    found = urls_of(tmp_path)
    assert found["b.md"] == "/special/b/"
    assert found["c.md"].startswith("/articles/2024/03/")
    assert any(p.code == "permalink-collision" and p.path == "c.md" for p in result.problems)
    a_url = "https://example.org" + found["a.md"]
    assert a_url in page(tmp_path, "/old/a/") and a_url in page(tmp_path, "/2019/a.html")
    assert "乙" in page(tmp_path, "/special/b/")
    assert 'http-equiv="refresh"' not in page(tmp_path, "/companies/")


def test_front_matter_slug_beats_the_record_and_deleted_files_are_forgotten(tmp_path):
    site = make_site(tmp_path, {"a.md": article("甲"), "b.md": article("乙")})
    cfg = config.load(site)
    run(cfg, now=NOW)
    (tmp_path / "content/b.md").unlink()
    run(cfg, now=NOW)
    records, problems = slugs.load(cfg)
    assert not problems and "a.md" in records and "b.md" not in records


def test_a_broken_article_keeps_its_record(tmp_path):
    site = make_site(tmp_path, {"a.md": article("甲")})
    cfg = config.load(site)
    run(cfg, now=NOW)
    (tmp_path / "content/a.md").write_text("---\ntitle: [broken\n---\ntext\n")
    run(cfg, now=NOW)
    assert "a.md" in slugs.load(cfg)[0]
    (tmp_path / "content/a.md").write_text(article("甲改"))
    run(cfg, now=NOW)
    assert urls_of(tmp_path)["a.md"] == "/articles/2024/03/jia/"


def test_a_bad_slugs_file_is_reported_not_fatal(tmp_path):
    site = make_site(tmp_path, {"a.md": article("甲")})
    (tmp_path / "content/.slugs.toml").write_text("[broken\n")
    result = run(config.load(site), now=NOW)
    assert result.ok and any(p.code == "slugs-unreadable" for p in result.problems)


def test_a_read_only_content_folder_is_a_warning(tmp_path):
    site = make_site(tmp_path, {"a.md": article("甲")})
    content = tmp_path / "content"
    content.chmod(0o555)  # as ../shared/corpus: marked read-only, even for root
    try:
        result = run(config.load(site), now=NOW)
    finally:
        content.chmod(0o755)
    assert result.ok and urls_of(tmp_path)["a.md"]
    warning = [p for p in result.problems if p.code == "slugs-unwritable"]
    assert warning and warning[0].severity == "warning"
    assert not list(content.glob(".slugs.toml*"))


def test_pinning_can_be_turned_off(tmp_path):
    site = make_site(tmp_path, {"a.md": article("甲")}, 'slugs_file = ""\n')
    result = run(config.load(site), now=NOW)
    assert result.ok and not (tmp_path / "content/.slugs.toml").exists()
    assert not [p for p in result.problems if p.code.startswith("slugs-")]


def test_no_change_build_stays_a_no_op_after_writing_the_slugs_file(tmp_path):
    cfg = config.load(make_site(tmp_path, {"a.md": article("甲")}))
    run(cfg, now=NOW)
    assert run(cfg, now=NOW).timings[0][0] == "unchanged"
    (tmp_path / "content/.slugs.toml").write_text(
        (tmp_path / "content/.slugs.toml").read_text().replace('slug = "jia"', 'slug = "jia-x"'))
    assert run(cfg, now=NOW).timings[0][0] != "unchanged"  # the file is an input
    assert urls_of(tmp_path)["a.md"] == "/articles/2024/03/jia-x/"


def test_dump_and_parse_round_trip():
    records = {slugs.STYLE: slugs.Record("pinyin", "/"),
               'we"ird\\path.md': slugs.Record("s", "/a/s/", ("/old/", "/older/"))}
    again, problems = slugs.parse(slugs.dump(records))
    assert again == records and not problems
