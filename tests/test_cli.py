"""cli.py: arguments, the report on stderr, exit codes (called in-process through `main`)."""

from __future__ import annotations

import json

import pytest
from conftest import make_site

from builder import __version__, cli

GOOD = "---\ntitle: 宁德时代发布新电池\ndate: 2022-01-02\n---\n宁德时代今天发布了新电池。"
BAD = "---\ntitle: [unclosed\n---\nbody"


def test_build_prints_the_problems_the_summary_and_where_the_site_is(tmp_path, capsys):
    site = make_site(tmp_path, {"good.md": GOOD, "bad.md": BAD})
    assert cli.main(["build", "--config", str(site), "--jobs", "1"]) == 0
    out, err = capsys.readouterr()
    assert "bad.md:2: error front-matter-syntax" in err
    assert any(line.split() == ["1", "error", "front-matter-syntax"] for line in err.splitlines())  # summary
    assert "built 1 articles (1 files skipped, 0 from cache)" in out
    assert f"site: {tmp_path / 'public'}" in out


def test_strict_quiet_and_the_json_report(tmp_path, capsys):
    site = make_site(tmp_path, {"good.md": GOOD, "bad.md": BAD})
    report = tmp_path / "report.json"
    assert cli.main(["build", "--config", str(site), "--strict", "--quiet", "--report", str(report)]) == 1
    _, err = capsys.readouterr()
    assert "bad.md:2:" not in err  # --quiet: the summary only
    problems = json.loads(report.read_text())["problems"]
    assert [(p["path"], p["code"]) for p in problems if p["severity"] == "error"] == [
        ("bad.md", "front-matter-syntax")]


def test_a_bad_config_exits_2_and_a_failed_render_exits_1(tmp_path, capsys):
    site = make_site(tmp_path, {"good.md": GOOD}, settings="per_pgae = 3\n")
    assert cli.main(["build", "--config", str(site)]) == 2
    assert "unknown key `per_pgae`" in capsys.readouterr().err
    site = make_site(tmp_path / "b", {"good.md": GOOD})
    (tmp_path / "b/templates").mkdir()
    (tmp_path / "b/templates/article.html").write_text("{% extends 'base.html' %}{% block main %}"
                                                       "{{ article.nope.deeper }}{% endblock %}")
    assert cli.main(["build", "--config", str(site)]) == 1
    err = capsys.readouterr().err
    assert "error render-failed" in err and "the output was left unchanged" in err and "build failed" in err


def test_check_reads_everything_and_writes_nothing(tmp_path, capsys):
    site = make_site(tmp_path, {"good.md": GOOD, "bad.md": BAD})
    assert cli.main(["check", "--config", str(site)]) == 0
    out, _ = capsys.readouterr()
    assert "bad.md:2: error front-matter-syntax" in out
    assert "2 files: 1 articles, 1 skipped" in out
    assert cli.main(["check", "--config", str(site), "--strict"]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site.toml"]  # no output, no state


def test_check_explain_shows_how_one_file_is_read(tmp_path, capsys):
    site = make_site(tmp_path, {"good.md": GOOD})
    assert cli.main(["check", "--config", str(site), "--explain", str(tmp_path / "content/good.md")]) == 0
    out = capsys.readouterr().out
    assert "title: 宁德时代发布新电池" in out and "date: 2022-01-02T00:00:00+08:00 (from front matter" in out
    assert any(line.split()[:3] == ["+", "company", "catl"] for line in out.splitlines())


def test_content_and_output_override_the_config(tmp_path, capsys):
    site = make_site(tmp_path, {})
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.md").write_text(GOOD)
    assert cli.main(["build", "--config", str(site), "--content", str(other), "--output",
                     str(tmp_path / "elsewhere")]) == 0
    assert (tmp_path / "elsewhere/index.html").is_file() and not (tmp_path / "public").exists()


def test_version_and_usage(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"green-archive {__version__}"
    with pytest.raises(SystemExit) as done:
        cli.main(["frobnicate"])
    assert done.value.code == 2
