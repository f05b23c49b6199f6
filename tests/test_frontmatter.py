"""Every front-matter syntax Hexo, Jekyll and Hugo accept, and a clear problem otherwise."""

from __future__ import annotations

import pytest

from builder.frontmatter import split, syntax
from builder.parse import HEADLESS_KEYS


def read(text: str):
    return split(text, "x.md", HEADLESS_KEYS)


@pytest.mark.parametrize("text, meta, body, line, kind", [
    ("---\ntitle: a\n---\nbody\n", {"title": "a"}, "body\n", 4, "YAML (---)"),
    ("------\ntitle: a\n------\nbody", {"title": "a"}, "body", 4, "YAML (---)"),
    ("+++\ntitle = 'a'\n+++\nbody", {"title": "a"}, "body", 4, "TOML (+++)"),
    (';;;\n"title": "a",\n"n": 1\n;;;\nbody', {"title": "a", "n": 1}, "body", 5, "JSON (;;;)"),
    ('{"title": "a"}\nbody', {"title": "a"}, "body", 2, "JSON ({…})"),
    # Hexo's "new mode": no opening line, the block ends at the first separator
    ("title: a\ndate: 2024-01-02\n---\nbody", {"title": "a"}, "body", 4,
     "front matter without the opening line"),
    ('"title": "a"\n;;;\nbody', {"title": "a"}, "body", 3, "front matter without the opening line"),
    # a separator in the body stays in the body (hexo-front-matter's "content conflict")
    ("title: a\n---\nbar\n---\nbaz", {"title": "a"}, "bar\n---\nbaz", 3,
     "front matter without the opening line"),
    ("---\ntitle: a\n---\nbar\n---\nbaz", {"title": "a"}, "bar\n---\nbaz", 4, "YAML (---)"),
    # tabs indenting YAML are two spaces each (Hexo's escape)
    ("---\ntitle: a\ntags:\n\t- x\n---\nb", {"title": "a", "tags": ["x"]}, "b", 6, "YAML (---)"),
])
def test_syntaxes(text, meta, body, line, kind):
    found, rest, body_line, problems = read(text)
    assert not problems
    assert {k: v for k, v in found.items() if k in meta} == meta
    assert rest == body and body_line == line
    assert syntax(text, HEADLESS_KEYS) == kind


@pytest.mark.parametrize("text", [
    "# Heading\n\ntext ---\n",
    "foo\n---\nbar",                      # no known field first: a Markdown body with a rule
    "Intro: a sentence with a colon\n---\nmore",
    "------\nfoo\n---\nbar",              # unbalanced separators (hexo-front-matter)
    "---foo\n---\nbar",                   # inline separator
    "{ not json at all",
])
def test_bodies_that_are_not_front_matter(text):
    found, rest, line, problems = read(text)
    assert found is None and rest == text and line == 1 and not problems


@pytest.mark.parametrize("text, code, line", [
    ("---\ntitle: a\nbody without close", "front-matter-unclosed", 1),
    (";;;\n\"title\": \"a\"\nbody", "front-matter-unclosed", 1),
    ("+++\ntitle = 'a'\nbody", "front-matter-unclosed", 1),
    (';;;\n"title": "a"\n"date": 1\n;;;\nbody', "front-matter-syntax", 3),
    ("title: [a\n---\nbody", "front-matter-syntax", 1),
    ('{"title": "a",\n}\nbody', "front-matter-syntax", 2),
])
def test_broken_blocks_are_reported_with_their_line(text, code, line):
    found, _, _, problems = read(text)
    assert found is None
    assert [(p.code, p.line) for p in problems] == [(code, line)]
    assert problems[0].severity == "error"
