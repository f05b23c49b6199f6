"""Language detection: py3langid over title and text; guesses settled by the folder's majority."""

from dataclasses import replace
from datetime import UTC, datetime

from builder.index import settle_languages
from builder.language import detect
from builder.model import Article


def test_chinese_english_german():
    assert detect("宁德时代申请无负极金属电池专利", "电动车要想跑的远，要么加大电池容量。", "zh-CN") == ("zh-CN", True)
    assert detect("Windpark in Tirol geht ans Netz",
                  "Der neue Windpark liefert Strom für 20.000 Haushalte und wird von der "
                  "Gemeinde betrieben.", "zh-CN") == ("de", True)
    assert detect("How accurate is Vortex?",
                  "We compared our wind simulations with measurements from fifty masts and "
                  "found that the error is small.", "zh-CN") == ("en", True)


def test_title_alone_decides_an_empty_article():
    # an empty body leaves only the title: an English title is not marked Chinese any more
    code, _ = detect("Vortex Wind Atlas for Offshore Developers in Northern Europe", "", "zh-CN")
    assert code == "en"
    assert detect("", "", "zh-CN") == ("zh-CN", False)


def test_short_latin_title_is_a_guess():
    # "Wind" and "Map" are German and English alike: the detector hesitates
    _, sure = detect("Mongolia Wind Map", "", "zh-CN")
    assert not sure


def _article(path: str, language: str, sure: bool) -> Article:
    return Article(id=path, slug=path, title=path, date=datetime(2020, 1, 1, tzinfo=UTC),
                   date_evidence="", source="", source_url="", authors=(), html="", text="",
                   excerpt="", image="", language=language, chars=0, reading_minutes=1,
                   language_sure=sure)


def test_guesses_take_the_folders_language():
    sure = [_article(f"wind/{i}.md", "en", True) for i in range(3)]
    guess = _article("wind/map.md", "de", False)
    other = _article("other/map.md", "de", False)
    settled = {a.id: a.language for a in settle_languages([*sure, guess, other])}
    assert settled["wind/map.md"] == "en"
    assert settled["other/map.md"] == "de"  # no sure article in its folder: kept
    assert replace(guess, language="en") in settle_languages([*sure, guess])
