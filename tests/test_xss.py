"""XSS: every vector in tests/cases/xss comes out of the cleaner and the pipeline inert, the
built pages carry no active content, and the cleaner is idempotent and total.

The browser-side check (the pages really run nothing) is tests/test_xss_browser.py.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder import config, frontmatter, taxonomy
from builder.clean import clean_html, markdown_to_html
from builder.decode import decode
from builder.model import SourceFile
from builder.parse import sniff_format
from builder.process import process

ROOT = Path(__file__).resolve().parent.parent
XSS = ROOT / "tests" / "cases" / "xss"
VECTORS = sorted(XSS.glob("*.md"))
CORPUS = ROOT.parent / "shared" / "corpus"

FORBIDDEN_TAGS = {
    # the brief's list
    "script", "style", "iframe", "object", "embed", "base", "meta", "svg", "math", "form",
    "link",
    # and everything else that runs, loads or submits something
    "frame", "frameset", "applet", "noscript", "template", "input", "button", "select",
    "textarea", "isindex", "video", "audio", "source", "track", "param", "portal", "xmp",
    "noembed", "noframes", "plaintext", "listing", "marquee", "details", "dialog", "image",
    "animate", "set", "handler", "foreignobject", "mglyph", "malignmark",
}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "poster",
                  "data", "background", "cite", "lowsrc", "dynsrc", "codebase", "ping",
                  "longdesc", "manifest", "icon", "archive", "usemap", "profile"}
SAFE_SCHEMES = {"http", "https", "mailto"}
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028\u2029"
                               r"\u202f\u205f\u3000\ufeff]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def url_scheme(value: str) -> str:
    """The scheme a browser would see: entities decoded (twice, to be strict), whitespace and
    control characters anywhere removed, lower case. '' for a relative URL."""
    text = htmllib.unescape(htmllib.unescape(value))
    text = _CONTROL_OR_SPACE.sub("", text).lower()
    text = text.replace("\\", "/")
    m = _SCHEME.match(text)
    return m.group(1) if m else ""


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def findings(markup: str) -> list[str]:
    """Everything unsafe in an HTML fragment, as read by two different parsers."""
    found: list[str] = []
    for parser in ("lxml", "html.parser"):
        soup = BeautifulSoup(markup, parser)
        for node in soup.find_all(True):
            assert isinstance(node, Tag)
            name = node.name.lower()
            if name in FORBIDDEN_TAGS:
                found.append(f"[{parser}] element <{name}>")
            for attr, value in node.attrs.items():
                key = attr.lower()
                text = " ".join(value) if isinstance(value, list) else str(value)
                if key.startswith("on"):
                    found.append(f"[{parser}] <{name} {attr}={text[:60]!r}>")
                elif key == "style":
                    found.append(f"[{parser}] <{name} style={text[:60]!r}>")
                elif key in ("srcdoc", "http-equiv", "autofocus", "formaction", "action"):
                    found.append(f"[{parser}] <{name} {attr}={text[:60]!r}>")
                if key in URL_ATTRIBUTES or key.endswith(":href"):
                    urls = _srcset_urls(text) if key == "srcset" else [text]
                    for url in urls:
                        scheme = url_scheme(url)
                        if scheme and scheme not in SAFE_SCHEMES:
                            found.append(f"[{parser}] <{name} {attr}={text[:80]!r}> "
                                         f"(scheme {scheme})")
    return sorted(set(found))


# --- the vectors ---------------------------------------------------------------------------

@cache
def _settings():
    cfg = config.parse("")[0]
    tax, problems = taxonomy.load(ROOT / "content" / "taxonomy")
    return cfg, tax


def _source(path: Path) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path.name, data, 0, hashlib.sha256(data).hexdigest())


def _body_html(path: Path) -> str:
    """The vector file's body as HTML (Markdown converted), as the pipeline hands it over."""
    text, _ = decode(path.read_bytes(), path.name)
    assert text is not None
    _front, body, _line, problems = frontmatter.split(text, path.name)
    assert not problems, problems
    return body if sniff_format(path.name, body) == "html" else markdown_to_html(body)


def test_vector_set_is_complete():
    assert len(VECTORS) >= 45
    for path in VECTORS:
        text = path.read_text("utf-8")
        assert text.startswith('---\ntitle: "xss '), path.name
        assert "\ndate: 2024-01-01\n" in text.split("\n---\n", 1)[0] + "\n", path.name


def test_checker_catches_known_bad_markup():
    """The checker itself: each of these must be flagged (else the tests prove nothing)."""
    bad = ['<img src=x onerror=alert(1)>', '<a href="jav&#x09;ascript:alert(1)">x</a>',
           '<a href=" &#14; javascript:alert(1)">x</a>', '<p style="x:expression(1)">x</p>',
           '<img srcset="https://a.example/x.png 1x, javascript:alert(1) 2x">',
           '<svg><a xlink:href="javascript:alert(1)">x</a></svg>', '<script>1</script>',
           '<a href="&amp;#106;avascript:alert(1)">x</a>', '<base href="https://evil/">',
           '<form action="javascript:alert(1)"></form>', '<iframe srcdoc="x"></iframe>',
           '<a href="data:text/html,x">x</a>', '<a href="VBSCRIPT:x">x</a>']
    for markup in bad:
        assert findings(markup), markup
    good = ['<p>text <a href="https://example.com/a?b=c#d">x</a></p>',
            '<img src="https://example.com/a.png" alt="a">', '<a href="/relative">x</a>',
            '<a href="mailto:a@example.com">x</a>', '<p>javascript:alert(1) as text</p>']
    for markup in good:
        assert not findings(markup), markup


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_clean_html_neutralises_vector(path):
    cleaned = clean_html(_body_html(path), title=path.stem)
    assert not findings(cleaned.html), f"{path.name}:\n{cleaned.html}"
    assert "__xss" not in cleaned.lead_image and "javascript" not in cleaned.lead_image.lower()
    assert cleaned.facts.source_url == "" or url_scheme(cleaned.facts.source_url) in (
        "http", "https")


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_pipeline_neutralises_vector(path):
    cfg, tax = _settings()
    done = process(_source(path), cfg, tax)
    article, problems = done.article, done.problems
    assert not [p for p in problems if p.code == "internal"], problems
    assert article is not None, f"{path.name} was not built: {problems}"
    assert not findings(article.html), f"{path.name}:\n{article.html}"
    # URL fields end up in href/src/content attributes of the page: http(s) or nothing.
    for name in ("image", "source_url"):
        value = getattr(article, name)
        assert value == "" or url_scheme(value) in ("http", "https"), (name, value)


def test_normal_text_around_vectors_survives():
    """Neutralising a vector must not eat the article: the ordinary paragraph after the
    vector (present in every HTML vector file) is still there."""
    lost = []
    for path in VECTORS:
        source = path.read_text("utf-8")
        marker = "Storage and wind are the next focus."
        if marker not in source or "frontmatter" in path.name:
            continue
        cfg, tax = _settings()
        article = process(_source(path), cfg, tax).article
        if article is None or marker not in article.text:
            lost.append(path.name)
    # Vectors whose markup never closes (so the browser, too, keeps the rest inside them).
    # (xss_11's second `<svg/onload>` never closes either; an HTML5 parser would let the
    # following `<p>` break out of it, lxml does not: accepted, it is not real content.)
    unclosed = {"xss_11_svg-onload.md", "xss_36_math-mglyph-mxss.md",
                "xss_38_svg-style-mxss.md"}
    assert not [n for n in lost if n not in unclosed], f"text after the vector lost in: {lost}"


VOID_CASES = {
    "embed": '<p>前文。</p><embed src="https://example.com/a.swf"><p>后面的文字 must stay.</p>',
    "source-in-video": '<video controls><source src="https://example.com/v.mp4"></video>'
                       '<p>后面的文字 must stay.</p>',
    "source-in-picture": '<picture><source srcset="https://example.com/a.webp" type="image/webp">'
                         '<img src="https://example.com/a.jpg" alt="示意图"></picture>'
                         '<p>后面的文字 must stay.</p>',
    "track": '<audio><track src="https://example.com/a.vtt"></audio><p>后面的文字 must stay.</p>',
    "bare-source": '<p>前文。</p><source src="https://example.com/x"><p>后面的文字 must stay.</p>',
}


@pytest.mark.parametrize("name", sorted(VOID_CASES))
def test_removed_void_elements_do_not_swallow_text(name):
    """`embed`, `source`, `track` are void: removing them must not remove what follows."""
    cleaned = clean_html(VOID_CASES[name])
    assert "后面的文字 must stay." in cleaned.text, cleaned.html
    assert not findings(cleaned.html)
    if name == "source-in-picture":
        assert 'src="https://example.com/a.jpg"' in cleaned.html, cleaned.html


# --- the built site ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xss-site") / "out"
    run = subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(XSS),
                          "--output", str(out), "--no-search", "-q"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    return out


def test_every_vector_is_built(site):
    items = json.loads((site / "api" / "articles.json").read_text("utf-8"))["articles"]
    assert sorted(i["source_path"] for i in items) == sorted(p.name for p in VECTORS)


def test_built_pages_have_no_active_content(site):
    pages = sorted((site / "articles").rglob("index.html"))
    assert len(pages) >= len(VECTORS)
    bad = []
    for page in pages:
        soup = BeautifulSoup(page.read_text("utf-8"), "lxml")
        where = page.relative_to(site).as_posix()
        body = soup.select_one("article .body")
        assert body is not None, where
        bad += [f"{where}: body {f}" for f in findings(body.decode_contents())]
        for node in soup.find_all(True):
            for attr, value in node.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                if attr.lower().startswith("on") or attr.lower() == "srcdoc":
                    bad.append(f"{where}: <{node.name} {attr}={text[:60]!r}>")
                if attr.lower() in URL_ATTRIBUTES:
                    scheme = url_scheme(text)
                    if scheme and scheme not in SAFE_SCHEMES:
                        bad.append(f"{where}: <{node.name} {attr}={text[:80]!r}>")
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json" and not script.get("src"):
                # a data block (JSON-LD), never executed: it must be JSON and unable to end
                # the element early
                data = script.get_text()
                if "<" in data or not isinstance(json.loads(data), dict):
                    bad.append(f"{where}: JSON-LD block {data[:80]!r}")
                continue
            if not script.get("src") or script.get_text(strip=True):
                bad.append(f"{where}: inline <script> {str(script)[:80]!r}")
        for tag in soup.find_all(["base", "iframe", "object", "embed", "form", "svg", "math"]):
            if tag.name == "form" and tag.get("role") == "search" and tag.find_parent("header") \
                    and tag.get("action") == "/search/" and tag.get("method") == "get":
                continue  # the theme's own header search field (a GET to the search page)
            bad.append(f"{where}: <{tag.name}>")
        for meta in soup.find_all("meta"):
            equiv = (meta.get("http-equiv") or "").lower()
            if equiv and equiv != "content-security-policy":
                bad.append(f"{where}: <meta http-equiv={equiv!r}>")
            if meta.get("property") == "og:image":
                assert url_scheme(meta.get("content", "")) in ("http", "https"), where
    assert not bad, "\n".join(bad)


# --- properties of the cleaner ---------------------------------------------------------------

TAGS = ["p", "div", "span", "img", "a", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style",
        "table", "tr", "td", "th", "ul", "ol", "li", "br", "figure", "figcaption", "blockquote",
        "b", "strong", "em", "i", "pre", "code", "center", "font", "section", "svg", "iframe",
        "noscript", "hr"]
VOID = {"img", "br", "hr"}
ATTRS = ["href", "src", "alt", "title", "class", "style", "id", "onclick", "onerror", "width",
         "height", "data-src", "align", "srcset", "colspan"]
ATTR_VALUES = ["javascript:alert(1)", "https://example.com/x.png", "//cdn.example.com/a.jpg",
               "x", "", "图片", "来源：新华社", "text-align:center", "300", "0", "#top",
               "https://cors.zfour.workers.dev/?http://images.example.com/b.jpg", "/tag/solar",
               "mailto:a@example.com", "data:image/png;base64,AAAA", "a\"b", "x' onmouseover='1"]
CHARS = list("abcXYZ 019.,;:!?-_/\\\"'<>&#") + list("光伏储能风电碳中和，。！？：；“”（）【】") \
    + ["\u00a0", "\u3000", "\n", "\t", "图", "▲"]
SNIPPETS = ["THE END", "来源：新华社", "发布时间：2021-09-05 13:22", "记者 张三", "返回首页",
            "&nbsp;", "&amp;", "&lt;", "原文链接", "图为光伏电站"]
TEXT = st.lists(st.one_of(st.sampled_from(CHARS), st.sampled_from(SNIPPETS)),
                max_size=12).map("".join)


def _attrs() -> st.SearchStrategy[str]:
    pair = st.tuples(st.sampled_from(ATTRS), st.one_of(st.sampled_from(ATTR_VALUES), TEXT))
    return st.lists(pair, max_size=3).map(
        lambda ps: "".join(f' {k}="{htmllib.escape(v, quote=True)}"' for k, v in ps))


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def build(args):
        tag, attrs, inner = args
        if tag in VOID:
            return f"<{tag}{attrs}>"
        return f"<{tag}{attrs}>{''.join(inner)}</{tag}>"
    return st.tuples(st.sampled_from(TAGS), _attrs(), st.lists(children, max_size=4)).map(build)


HTML = st.recursive(TEXT.map(htmllib.escape), _element, max_leaves=25).map(str)
FRAGMENTS = st.lists(st.one_of(HTML, TEXT), min_size=1, max_size=6).map("".join)


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(FRAGMENTS)
@example("<p>x</p><p></p>")
@example("<div>光伏<br><br>储能</div>")
def test_clean_html_is_idempotent(markup):
    once = clean_html(markup).html
    twice = clean_html(once).html
    assert twice == once, f"input: {markup!r}\nonce:  {once!r}\ntwice: {twice!r}"


@settings(max_examples=200, deadline=None, database=None)
@given(FRAGMENTS)
def test_clean_html_output_is_always_safe(markup):
    assert not findings(clean_html(markup).html)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_clean_html_never_raises_on_text(text):
    result = clean_html(text)
    assert isinstance(result.html, str) and isinstance(result.text, str)


def _corpus_sample(n: int = 200) -> list[Path]:
    if not CORPUS.is_dir():
        return []
    files = sorted(p for p in CORPUS.glob("*/**/*")
                   if p.is_file() and p.suffix.lower() in (".md", ".markdown", ".html", ".htm"))
    if len(files) <= n:
        return files
    step = len(files) / n
    return [files[int(i * step)] for i in range(n)]


@pytest.mark.corpus
def test_clean_html_is_idempotent_on_corpus():
    sample = _corpus_sample()
    if not sample:
        pytest.skip("../shared/corpus is absent")
    failures = []
    for path in sample:
        text, _ = decode(path.read_bytes(), path.name)
        if text is None:
            continue
        _front, body, _line, problems = frontmatter.split(text, path.name)
        if any(p.severity == "error" for p in problems):
            continue
        markup = body if sniff_format(path.name, body) == "html" else markdown_to_html(body)
        once = clean_html(markup).html
        assert not findings(once), path
        twice = clean_html(once).html
        if twice != once:
            failures.append((path, once, twice))
    if failures:
        path, once, twice = failures[0]
        i = next((k for k, (a, b) in enumerate(zip(once, twice, strict=False)) if a != b),
                 min(len(once), len(twice)))
        pytest.fail(f"{len(failures)}/{len(sample)} corpus bodies change on a second cleaning; "
                    f"first: {path.relative_to(CORPUS)} at char {i}:\n"
                    f"once:  {once[max(0, i - 120): i + 120]!r}\n"
                    f"twice: {twice[max(0, i - 120): i + 120]!r}\nall: "
                    + ", ".join(str(f[0].relative_to(CORPUS)) for f in failures[:20]))
