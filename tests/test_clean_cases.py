"""Cleaning as data: each file in tests/cases/clean/ holds an input body and the HTML and
facts the cleaner must make of it (`python tests/regen.py clean` rewrites the expectations;
read the diff before committing it)."""

from __future__ import annotations

import pytest
from regen import CLEAN_CASES, clean_case, read_case

from builder.clean import clean_html

CASES = sorted(p for p in CLEAN_CASES.iterdir() if p.suffix in (".html", ".md"))


def test_there_are_cases_with_expectations():
    assert len(CASES) >= 10
    for path in CASES:
        _, source, output, _ = read_case(path)
        assert source.strip() and output.strip(), f"{path.name} has no input or no expected output"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_clean_case(path):
    options, source, expected_html, expected_facts = read_case(path)
    html, facts = clean_case(path, options, source)
    assert html == expected_html
    assert facts == expected_facts
    assert clean_html(html, title=options.get("title", "")).html == html  # cleaning settles
