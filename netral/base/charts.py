"""Charts drawn as SVG on the server: no script, they print, and a table beside each carries the
same numbers for screen readers (the SVG itself is marked decorative)."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from netral.base.numbers import percent_text, share_percent

# Bars are drawn with the label on a line of its own above the track, in a narrow figure: scaled
# to a 360 px phone the text stays about 11 px high, and no label can run off the left edge.
WIDTH = 400
FONT = 15
CHAR_WIDTH = 8.8  # a generous average advance at FONT, so the estimate errs on the short side
FIGURE_ROOM = 64  # the percentage or count at the right end of the label line
LABEL_LINE = 20
BAR_HEIGHT = 14
ROW_GAP = 10
# Text starts a little inside the edge: a glyph such as "J" reaches left of its origin, and the
# SVG viewport cuts off whatever lies outside it.
INSET = 3
LABEL_CHARS = int((WIDTH - FIGURE_ROOM - INSET) / CHAR_WIDTH)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.value / self.total if self.total else 0.0


def _shorten(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _horizontal_bars(rows: Sequence[tuple[str, float, str]]) -> SafeString:
    """One bar per (label, share of the track filled from 0 to 1, figure) row: the label and the
    figure on one line, the bar below them across the whole width."""
    row_height = LABEL_LINE + BAR_HEIGHT + ROW_GAP
    height = max(1, len(rows)) * row_height
    parts = [
        f'<svg class="chart chart-bars" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-hidden="true" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, share, figure) in enumerate(rows):
        y = index * row_height
        bar_y = y + LABEL_LINE
        parts.append(
            f'<text x="{INSET}" y="{y + FONT}" class="chart-label">{escape(_shorten(label))}</text>'
            f'<text x="{WIDTH - INSET}" y="{y + FONT}" text-anchor="end" class="chart-figure">'
            f"{escape(figure)}</text>"
            f'<rect x="0" y="{bar_y}" width="{WIDTH}" height="{BAR_HEIGHT}" class="chart-track"/>'
            f'<rect x="0" y="{bar_y}" width="{WIDTH * max(0.0, min(share, 1.0)):.1f}" '
            f'height="{BAR_HEIGHT}" class="chart-bar"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label and figure is escaped above)


def completion_bars(bars: Sequence[Bar]) -> SafeString:
    """One horizontal bar per row: the part signed of the row's total."""
    return _horizontal_bars(
        [
            (bar.label, bar.percent / 100, f"{percent_text(share_percent(bar.value, bar.total))}%")
            for bar in bars
        ]
    )


def count_bars(rows: Sequence[tuple[str, int]]) -> SafeString:
    """One horizontal bar per (label, count) row, each scaled to the largest count."""
    largest = max((count for _label, count in rows), default=0) or 1
    return _horizontal_bars(
        [(label, count / largest, number_format(count)) for label, count in rows]
    )


# The time axis: a fixed width whatever the number of days, and a tick label only every few
# columns, so labels never run together ("03/1204/12…").
TIMELINE_WIDTH = 480
TIMELINE_HEIGHT = 160
AXIS_FONT = 13
AXIS_LABEL_ROOM = 64  # the widest label ("30 Des" or "10.00") with space around it


def timeline_columns(
    points: Sequence[tuple[datetime.datetime | datetime.date, int]], *, hourly: bool
) -> SafeString:
    """Signatures per day (or per hour, for a short campaign) as columns."""
    if not points:
        return mark_safe("")
    label_height = AXIS_FONT + 12
    slot = TIMELINE_WIDTH / len(points)
    column = max(1.0, slot * 0.8)
    step = max(1, math.ceil(AXIS_LABEL_ROOM / slot))
    tallest = max(count for _bucket, count in points) or 1
    parts = [
        f'<svg class="chart chart-timeline" viewBox="0 0 {TIMELINE_WIDTH} '
        f'{TIMELINE_HEIGHT + label_height}" width="100%" role="img" aria-hidden="true" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (bucket, count) in enumerate(points):
        x = index * slot + (slot - column) / 2
        height = TIMELINE_HEIGHT * count / tallest
        parts.append(
            f'<rect x="{x:.1f}" y="{TIMELINE_HEIGHT - height:.1f}" width="{column:.1f}" '
            f'height="{height:.1f}" class="chart-bar"/>'
        )
        if index % step == 0:
            label = date_format(bucket, "H.i" if hourly else "j M")
            # A label near an edge is anchored to it rather than centred, so none is cut off.
            centre = x + column / 2
            if centre < AXIS_LABEL_ROOM / 2:
                anchor, text_x = "start", float(INSET)
            elif centre > TIMELINE_WIDTH - AXIS_LABEL_ROOM / 2:
                anchor, text_x = "end", float(TIMELINE_WIDTH - INSET)
            else:
                anchor, text_x = "middle", centre
            parts.append(
                f'<line x1="{centre:.1f}" x2="{centre:.1f}" y1="{TIMELINE_HEIGHT}" '
                f'y2="{TIMELINE_HEIGHT + 4}" class="chart-tick"/>'
                f'<text x="{text_x:.1f}" y="{TIMELINE_HEIGHT + label_height - 4}" '
                f'text-anchor="{anchor}" class="chart-axis">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="0" x2="{TIMELINE_WIDTH}" y1="{TIMELINE_HEIGHT}" y2="{TIMELINE_HEIGHT}" '
        'class="chart-tick"/></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308  (labels are escaped dates)
