"""Every date format met in the corpus, each parsed to the right instant."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from builder.dates import DateError, find_date, find_date_in_name, parse_date, parse_time

SH = ZoneInfo("Asia/Shanghai")
CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize("value, expected", [
    # RFC 2822 (Hexo from RSS, seeds 000-002)
    ("Tue, 05 Jul 2022 07:40:00 GMT", datetime(2022, 7, 5, 7, 40, tzinfo=UTC)),
    # YYYY-MM-DD HH:MM:SS +0800 (seed 004, PyYAML keeps it a string)
    ("2022-04-28 16:18:53 +0800", datetime(2022, 4, 28, 16, 18, 53, tzinfo=CST)),
    # naive, in the site's zone (finews; PyYAML gives a naive datetime)
    (datetime(2021, 12, 8, 10, 46, 18), datetime(2021, 12, 8, 10, 46, 18, tzinfo=SH)),
    ("2021-12-08 12:05:03", datetime(2021, 12, 8, 12, 5, 3, tzinfo=SH)),
    # ISO 8601 with Z (vortex), aware datetime from PyYAML
    (datetime(2017, 12, 11, 8, 0, tzinfo=UTC), datetime(2017, 12, 11, 8, tzinfo=UTC)),
    ("2017-12-11T08:00:00Z", datetime(2017, 12, 11, 8, tzinfo=UTC)),
    # the malformed `2017-03-13T 00:00:02Z` (vortex resource)
    ("2017-03-13T 00:00:02Z", datetime(2017, 3, 13, 0, 0, 2, tzinfo=UTC)),
    # quoted date-only string (renewable-energy-news), and a YAML date
    ("2026-02-05", datetime(2026, 2, 5, tzinfo=SH)),
    (date(2026, 2, 5), datetime(2026, 2, 5, tzinfo=SH)),
    # Chinese
    ("2021年9月5日", datetime(2021, 9, 5, tzinfo=SH)),
    ("2021年9月5日 13:22", datetime(2021, 9, 5, 13, 22, tzinfo=SH)),
    # epoch seconds and milliseconds (xwlb's 更新时间戳)
    (1667309409, datetime(2022, 11, 1, 13, 30, 9, tzinfo=UTC).astimezone(SH)),
    (1667309409805, datetime(2022, 11, 1, 13, 30, 9, tzinfo=UTC).astimezone(SH)),
    ("1667309409805", datetime(2022, 11, 1, 13, 30, 9, tzinfo=UTC).astimezone(SH)),
    # German and English written dates
    ("5. Februar 2026", datetime(2026, 2, 5, tzinfo=SH)),
    ("March 5, 2021", datetime(2021, 3, 5, tzinfo=SH)),
    ("05.02.2026", datetime(2026, 2, 5, tzinfo=SH)),
    ("20221101", datetime(2022, 11, 1, tzinfo=SH)),
])
def test_formats(value, expected):
    assert parse_date(value, SH) == expected


@pytest.mark.parametrize("value, reason", [
    ("Invalid Date", "placeholder"),
    ("0000-00-00", "zero date"),
    ("+0800", "time zone but no date"),
    ("2021-02-30", "impossible"),
    (datetime(1, 1, 1, tzinfo=UTC), "impossible"),  # vortex slides' sort keys
    ("tomorrow-ish", "unrecognised"),
    ("", "empty"),
    (True, "not a date"),
])
def test_invalid(value, reason):
    with pytest.raises(DateError, match=reason):
        parse_date(value, SH)


def test_separate_time_field():
    assert parse_time("18:03").hour == 18
    assert parse_time(18 * 60 + 3).minute == 3  # YAML 1.1 reads 18:03 as 1083
    assert parse_time("25:00") is None


def test_find_date_in_text_and_names():
    assert find_date("每日经济新闻 2021-09-05 13:22:58", SH) == datetime(2021, 9, 5, 13, 22, 58, tzinfo=SH)
    assert find_date_in_name("20221101.md", SH) == datetime(2022, 11, 1, tzinfo=SH)
    assert find_date_in_name("2026-02-04-amazon-atomkraft.md", SH).day == 4
    assert find_date_in_name("https://x.com/2021/10/29/a.html", SH).month == 10
    assert find_date_in_name("issue-300.md", SH) is None
