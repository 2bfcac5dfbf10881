"""Charts drawn as SVG on the server: no script, they print, and a table beside each carries the
same numbers for screen readers (the SVG itself is marked decorative)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 260
BAR_WIDTH = 360
FIGURE_WIDTH = 90


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.value / self.total if self.total else 0.0


def _shorten(label: str, limit: int = 32) -> str:
    # About 32 characters fit beside the bar at the chart's font size.
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _horizontal_bars(rows: Sequence[tuple[str, float, str]]) -> SafeString:
    """One bar per (label, share of the track filled from 0 to 1, figure after the bar) row."""
    width = LABEL_WIDTH + BAR_WIDTH + FIGURE_WIDTH
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, share, figure) in enumerate(rows):
        y = index * (BAR_HEIGHT + GAP)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" class="chart-label">'
            f"{escape(_shorten(label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
            'class="chart-track"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH * share:.1f}" '
            f'height="{BAR_HEIGHT}" class="chart-bar"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 16}" class="chart-figure">'
            f"{escape(figure)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label and figure is escaped above)


def completion_bars(bars: Sequence[Bar]) -> SafeString:
    """One horizontal bar per row: the part signed of the row's total."""
    return _horizontal_bars(
        [(bar.label, bar.percent / 100, f"{number_format(bar.percent, 0)}%") for bar in bars]
    )


def count_bars(rows: Sequence[tuple[str, int]]) -> SafeString:
    """One horizontal bar per (label, count) row, each scaled to the largest count."""
    largest = max((count for _label, count in rows), default=0) or 1
    return _horizontal_bars(
        [(label, count / largest, number_format(count)) for label, count in rows]
    )


def timeline_columns(
    points: Sequence[tuple[datetime.datetime | datetime.date, int]], *, hourly: bool
) -> SafeString:
    """Signatures per day (or per hour, for a short campaign) as columns."""
    if not points:
        return mark_safe("")
    column, gap, chart_height, label_height = 26, 6, 160, 40
    width = len(points) * (column + gap) + gap
    tallest = max(count for _bucket, count in points) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {chart_height + label_height}" width="100%" '
        f'role="img" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (bucket, count) in enumerate(points):
        x = gap + index * (column + gap)
        height = chart_height * count / tallest
        label = bucket.strftime("%H:%M") if hourly else bucket.strftime("%d/%m")
        parts.append(
            f'<rect x="{x}" y="{chart_height - height:.1f}" width="{column}" '
            f'height="{height:.1f}" class="chart-bar"/>'
            f'<text x="{x + column / 2}" y="{chart_height + 16}" text-anchor="middle" '
            f'class="chart-axis">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (labels are escaped dates)
