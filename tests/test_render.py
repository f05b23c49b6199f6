"""render.py on a Site built by hand: which pages exist, their keys, bodies through `Bodies`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from conftest import ROOT

from builder import config, render
from builder.model import Article, Site, Tag, Term


def article(i: int, title: str, day: int, companies=(), html: str = "") -> Article:
    return Article(
        id=f"a{i}.md", slug=f"article-{i}", title=title, date=datetime(2024, 3, day, 4, tzinfo=UTC),
        date_evidence="front matter", source="能源报", source_url="", authors=(),
        html=html, text="", excerpt=f"摘要{i}", image="", language="zh-CN", chars=100,
        reading_minutes=1, tags=tuple(Tag("company", c, 3.0, ("title",)) for c in companies),
        digest=f"digest{i}")


def site_of(articles: list[Article]) -> Site:
    ordered = tuple(sorted(articles, key=lambda a: (-a.date.timestamp(), a.id)))
    ids = tuple(a.id for a in ordered)
    lenovo = tuple(a.id for a in ordered if "lenovo" in a.terms("company"))
    return Site(
        articles=ordered, by_id={a.id: a for a in ordered},
        terms={"company": {"lenovo": Term("company", "lenovo", "联想集团", "Lenovo", lenovo)} if lenovo
               else {}, "theme": {}},
        empty_terms={"company": (), "theme": ()},
        sources={"neng-yuan-bao": ("能源报", ids)},
        years={2024: ids}, months={(2024, 3): ids},
        duplicates={}, duplicate_of={}, related={i: () for i in ids},
        neighbours={a.id: (ordered[n + 1].id if n + 1 < len(ordered) else None,
                           ordered[n - 1].id if n else None) for n, a in enumerate(ordered)})


class Bodies:
    """A `render.Bodies` that records what it was asked for."""

    def __init__(self):
        self.asked: list[str] = []

    def body(self, article_id: str) -> str:
        self.asked.append(article_id)
        return f"<p>BODY OF {article_id}</p>"


@pytest.fixture(scope="module")
def cfg():
    return replace(config.load(ROOT / "site.toml"), base_url="https://example.org/", per_page=2)


@pytest.fixture(scope="module")
def theme(cfg):
    return render.load_theme(cfg)


ARTICLES = [article(1, "联想发布零碳工厂", 1, ["lenovo"]), article(2, "第二篇", 2),
            article(3, "联想又一篇", 3, ["lenovo"])]


def jobs(cfg, tax, theme, articles=ARTICLES, bodies=None):
    renderer = render.Renderer(site_of(articles), cfg, tax, theme, bodies=bodies)
    return {job.url: job for job in renderer.jobs()}


def test_every_page_kind_has_a_job_and_the_sitemap_comes_last(cfg, tax, theme):
    renderer = render.Renderer(site_of(ARTICLES), cfg, tax, theme, bodies=Bodies())
    listed = list(renderer.jobs())
    found = {job.url for job in listed}
    assert {"/", "/zh/", "/zh/page/2/", "/zh/feed.xml", "/articles/2024/03/article-1/", "/companies/", "/companies/lenovo/",
            "/companies/lenovo/feed.xml", "/themes/", "/sources/", "/sources/neng-yuan-bao/",
            "/archive/", "/archive/2024/", "/archive/2024/03/", "/topics/", "/search/", "/404.html",
            "/feed.xml", "/api/articles.json", "/robots.txt", "/static/style.css"} <= found
    assert listed[-1].url == "/sitemap.xml"
    assert len(found) == len(listed)  # one job per output file
    assert all(job.out_path == job.out_path.lstrip("/") for job in listed)


def test_the_sitemap_lists_every_html_page_but_the_404(cfg, tax, theme):
    all_jobs = jobs(cfg, tax, theme, bodies=Bodies())
    sitemap = render.make(all_jobs["/sitemap.xml"]).body.decode()
    html_pages = [u for u, j in all_jobs.items() if j.out_path.endswith(".html") and u != "/404.html"]
    assert sitemap.count("<loc>") == len(html_pages)
    assert "<loc>https://example.org/articles/2024/03/article-2/</loc>" in sitemap
    assert "404" not in sitemap


def test_bodies_come_through_the_bodies_interface_only_when_shown(cfg, tax, theme):
    bodies = Bodies()
    all_jobs = jobs(cfg, tax, theme, bodies=bodies)
    assert bodies.asked == []  # listing the jobs reads no body
    page = render.make(all_jobs["/articles/2024/03/article-2/"])
    assert "<p>BODY OF a2.md</p>" in page.body.decode() and bodies.asked == ["a2.md"]
    render.make(all_jobs["/companies/lenovo/"])
    assert bodies.asked == ["a2.md"]  # a listing shows excerpts, not bodies
    feed = render.make(all_jobs["/companies/lenovo/feed.xml"]).body.decode()
    assert "BODY OF a3.md" in feed and sorted(bodies.asked) == ["a1.md", "a2.md", "a3.md"]


def test_without_bodies_the_articles_own_html_is_shown(cfg, tax, theme):
    own = [replace(a, html=f"<p>OWN {a.id}</p>") for a in ARTICLES]
    page = render.make(jobs(cfg, tax, theme, own)["/articles/2024/03/article-1/"])
    assert "<p>OWN a1.md</p>" in page.body.decode()


def test_keys_are_stable_and_change_only_where_the_edit_shows(cfg, tax, theme):
    before = {u: j.key for u, j in jobs(cfg, tax, theme).items()}
    assert before == {u: j.key for u, j in jobs(cfg, tax, theme).items()}
    edited = [ARTICLES[0], replace(ARTICLES[1], digest="new content"), ARTICLES[2]]
    after = {u: j.key for u, j in jobs(cfg, tax, theme, edited).items()}
    changed = {u for u in before if before[u] != after[u]}
    assert "/articles/2024/03/article-2/" in changed
    assert "/companies/lenovo/" not in changed and "/companies/" not in changed
    assert "/404.html" not in changed and "/static/style.css" not in changed


def test_a_setting_changes_every_page_key(cfg, tax, theme):
    before = {u: j.key for u, j in jobs(cfg, tax, theme).items()}
    other = replace(cfg, title="Another title")
    after = {u: j.key for u, j in jobs(other, tax, theme).items()}
    assert all(before[u] != after[u] for u in before)


def test_pagination_and_links_under_a_sub_path(cfg, tax, theme):
    sub = replace(cfg, base_url="https://example.org/archive/")
    all_jobs = jobs(sub, tax, theme, bodies=Bodies())
    home = render.make(all_jobs["/"]).body.decode()
    assert home.count('class="card"') == 2  # per_page = 2: the rest is on the language listing
    assert 'href="/archive/zh/page/2/"' in home and 'href="/archive/static/style.css"' in home
    second = render.make(all_jobs["/zh/page/2/"]).body.decode()
    assert second.count('class="card"') == 1
    robots = render.make(all_jobs["/robots.txt"]).body.decode()
    assert robots.endswith("Sitemap: https://example.org/archive/sitemap.xml\n")


def test_a_term_page_lists_its_articles_newest_first(cfg, tax, theme):
    html = render.make(jobs(cfg, tax, theme, bodies=Bodies())["/companies/lenovo/"]).body.decode()
    assert html.index("联想又一篇") < html.index("联想发布零碳工厂")
    assert "第二篇" not in html


def test_template_position_names_the_file_and_line(tmp_path, cfg, tax):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/404.html").write_text("{% extends 'base.html' %}{% block main %}\n\n"
                                                 "{{ nope.deeper }}{% endblock %}")
    broken = replace(cfg, root=str(tmp_path), themes_dir=str(ROOT / "themes"))
    job = jobs(broken, tax, render.load_theme(broken))["/404.html"]
    with pytest.raises(Exception) as caught:
        render.make(job)
    where, line = render.template_position(caught.value)
    assert where.endswith("404.html") and line == 3
