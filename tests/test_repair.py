"""Title and date repairs on the seeds: the real titles and seed 003's date come back."""

from datetime import datetime
from zoneinfo import ZoneInfo

from conftest import CONTENT, source

from builder.process import process
from builder.repair import repair_title

SEED_TITLES = {
    "001_769fd31266507728.md": "ICT行业绿色低碳行动计划正式公布 联想集团“零碳”领航",
    "002_ca6fb8c5d4ee18f2.md": "联想“零碳之路”：从“零碳服务”到“零碳工厂”",
    "003_7e87390b08e9f01a.md": "李军旗：实现“双碳”目标要多角度全链条提能效降能耗",
}


def test_underscore_titles_restored(cfg, tax):
    for name, title in SEED_TITLES.items():
        done = process(source(name, (CONTENT / name).read_bytes()), cfg, tax)
        article, problems = done.article, done.problems
        assert article.title == title
        repaired = [p for p in problems if p.code == "title-repaired"]
        assert repaired and repaired[0].hint  # the evidence is named


def test_seed_003_date_recovered_from_body(cfg, tax):
    name = "003_7e87390b08e9f01a.md"
    done = process(source(name, (CONTENT / name).read_bytes()), cfg, tax)
    article, problems = done.article, done.problems
    assert article.date == datetime(2021, 9, 5, 13, 22, 58, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert article.date_evidence == "the body's publication-time line"
    assert {"date-invalid", "date-repaired"} <= {p.code for p in problems}


def test_no_repair_without_evidence():
    assert repair_title("碳_中和", "<p>nothing alike</p>") == ("碳_中和", "")
    assert repair_title("200Wh_kg电池", "<h1>200Wh/kg电池</h1>")[0] == "200Wh/kg电池"  # any punctuation
    assert repair_title("plain title", "<h1>plain “title”</h1>") == ("plain title", "")


def test_date_from_file_name_and_missing(cfg, tax):
    article = process(source("news/20221101.md", "# 《新闻联播》 (20221101)\n\n正文内容。"), cfg, tax).article
    assert article.date.date().isoformat() == "2022-11-01"
    assert article.date_evidence == "the file name"
    done = process(source("weekly/issue-1.md", "# 周刊\n\n没有日期的正文。"), cfg, tax)
    article, problems = done.article, done.problems
    assert article.undated and [p.code for p in problems if p.code.startswith("date")] == \
        ["date-missing"]  # kept, built as undated, with a warning
    assert not [p for p in problems if p.severity == "error"]
