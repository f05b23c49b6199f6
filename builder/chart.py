"""A topic's coverage over time: articles per month as an inline SVG bar chart, drawn at build
time (no script), with its numbers as text for readers who cannot see it (pure)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

BAR = 8
"""Width of one month in the SVG's own units (the SVG scales to the column's width)."""
HEIGHT = 60


@dataclass(frozen=True)
class Coverage:
    months: tuple[tuple[int, int, int], ...]
    """(year, month, articles) for every month from the first to the last, gaps included."""
    total: int
    peak: tuple[int, int, int]

    @property
    def first(self) -> tuple[int, int]:
        return self.months[0][:2]

    @property
    def last(self) -> tuple[int, int]:
        return self.months[-1][:2]


def coverage(dates: list[datetime]) -> Coverage | None:
    """Articles per month between the first and the last date (local dates)."""
    if not dates:
        return None
    per = Counter((d.year, d.month) for d in dates)
    (y, m), end = min(per), max(per)
    months = []
    while (y, m) <= end:
        months.append((y, m, per.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    peak = max(months, key=lambda t: (t[2], t[0], t[1]))
    return Coverage(tuple(months), len(dates), peak)


def svg(cov: Coverage, title: str, summary: str, chart_id: str) -> Markup:
    """The bars (`currentColor`, so the theme's colours and dark mode apply), each with its
    month and count as a tooltip, and the summary as the image's accessible description."""
    top = max(1, cov.peak[2])
    width = max(len(cov.months) * BAR, BAR * 12)
    offset = (width - len(cov.months) * BAR) // 2
    bars, ticks = [], []
    for i, (y, m, n) in enumerate(cov.months):
        x = offset + i * BAR
        if m == 1 or i == 0:
            ticks.append(f'<line class="tick" x1="{x}" x2="{x}" y1="0" y2="{HEIGHT}"/>')
        if n:
            h = max(2, round(n / top * (HEIGHT - 4)))
            bars.append(f'<rect x="{x + 1}" y="{HEIGHT - h}" width="{BAR - 2}" height="{h}">'
                        f'<title>{y}-{m:02d}: {n}</title></rect>')
    return Markup(
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {HEIGHT}" '
        f'preserveAspectRatio="none" role="img" aria-labelledby="{escape(chart_id)}-t" '
        f'aria-describedby="{escape(chart_id)}-d" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(summary)}</desc>'
        f'{"".join(ticks)}<line class="base" x1="0" x2="{width}" y1="{HEIGHT}" y2="{HEIGHT}"/>'
        f'{"".join(bars)}</svg>')


def year_marks(cov: Coverage) -> list[tuple[int, float]]:
    """(year, left edge in % of the chart's width) for the axis labels under the chart."""
    width = max(len(cov.months) * BAR, BAR * 12)
    offset = (width - len(cov.months) * BAR) // 2
    return [(y, round(100 * (offset + i * BAR) / width, 2))
            for i, (y, m, _) in enumerate(cov.months) if m == 1 or i == 0]
