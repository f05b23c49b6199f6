"""config.py: site.toml → a frozen Config; every key typed, unknown keys named with a hint."""

from __future__ import annotations

import dataclasses

import pytest

from builder.config import Config, ConfigError, load, parse


def messages(text: str) -> list[str]:
    return [p.message for p in parse(text)[1]]


def test_defaults_and_a_full_table():
    cfg, problems = parse('title = "T"\nper_page = 5\n[tagging]\ncompany_threshold = 3\n'
                          '[clean]\nproxy_prefixes = ["https://p/?"]\n[urls]\ncompany = "/c/{slug}/"\n')
    assert problems == []
    assert cfg.title == "T" and cfg.per_page == 5 and cfg.language == "zh-CN"
    assert cfg.tagging.company_threshold == 3 and cfg.tagging.theme_threshold == 2.5
    assert cfg.clean.proxy_prefixes == ("https://p/?",)  # lists become tuples: hashable, frozen
    assert cfg.urls.company == "/c/{slug}/" and cfg.urls.theme == "/themes/{slug}/"


def test_the_config_is_frozen():
    cfg, _ = parse("")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.title = "x"


def test_unknown_keys_get_a_did_you_mean_hint():
    _, problems = parse('per_pgae = 10\n[tagging]\ncompany_treshold = 1\n[nope]\nx = 1\n')
    by_message = {p.message: p.hint for p in problems}
    assert by_message["unknown key `per_pgae`"] == "did you mean `per_page`?"
    assert by_message["unknown key `tagging.company_treshold`"] == "did you mean `tagging.company_threshold`?"
    assert "unknown key `nope`" in by_message
    assert all(p.code == "config-unknown-key" and p.severity == "error" for p in problems)


@pytest.mark.parametrize(("text", "message"), [
    ('per_page = "20"', "`per_page` must be a integer, not str '20'"),
    ("search = 1", "`search` must be a boolean, not int 1"),
    ('[tagging]\ncompany_threshold = "high"', "`tagging.company_threshold` must be a number, not str 'high'"),
    ("tagging = 3", "`tagging` must be a table [tagging]"),
    ("[clean]\nproxy_prefixes = [1]", "`clean.proxy_prefixes` must be a list of string, not list [1]"),
])
def test_wrong_types_are_named(text, message):
    assert message in messages(text)


@pytest.mark.parametrize(("text", "message"), [
    ('slugs = "ascii"', "`slugs` must be `pinyin` or `unicode`, not 'ascii'"),
    ("per_page = 0", "`per_page` must be at least 1"),
    ('base_url = "example.org"', "`base_url` must be an http(s) URL or start with `/`, not 'example.org'"),
    ('timezone = "Mars/Olympus"', "`timezone` is not a known time zone: 'Mars/Olympus'"),
    ("[duplicates]\nthreshold = 1.5", "`duplicates.threshold` must be in (0, 1]"),
])
def test_bad_values_are_named(text, message):
    assert message in messages(text)


def test_a_syntax_error_names_the_line():
    _, problems = parse('title = "a"\nper_page = \n')
    assert [(p.code, p.line) for p in problems] == [("config-syntax", 2)]


def test_load_resolves_paths_against_the_config_folder_and_overrides_against_the_cwd(tmp_path, monkeypatch):
    (tmp_path / "site").mkdir()
    toml = tmp_path / "site/site.toml"
    toml.write_text('content_dir = "posts"\n', encoding="utf-8")
    cfg = load(toml)
    assert cfg.path("content_dir") == (tmp_path / "site/posts").resolve()
    assert cfg.path("output_dir") == (tmp_path / "site/public").resolve()
    monkeypatch.chdir(tmp_path)
    cfg = load(toml, output_dir="elsewhere", content_dir=None)
    assert cfg.path("output_dir") == (tmp_path / "elsewhere").resolve()
    assert cfg.path("content_dir") == (tmp_path / "site/posts").resolve()


def test_load_raises_with_every_problem(tmp_path):
    toml = tmp_path / "site.toml"
    toml.write_text("per_pgae = 1\nper_page = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(toml)
    assert {p.code for p in caught.value.problems} == {"config-unknown-key", "config-value"}
    with pytest.raises(ConfigError) as caught:
        load(tmp_path / "missing.toml")
    assert caught.value.problems[0].code == "config-missing"


def test_a_bom_is_accepted(tmp_path):
    toml = tmp_path / "site.toml"
    toml.write_bytes('\ufefftitle = "绿色"\n'.encode())
    assert load(toml).title == "绿色"


def test_config_equality_is_by_value():
    assert parse('title = "a"')[0] == parse('title = "a"')[0] != Config(title="b")
