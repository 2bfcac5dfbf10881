"""The SVG charts: labels escaped, bars scaled, long labels shortened."""

import itertools
import re

from netral.base import charts

HOSTILE = '<script>alert("x")</script> & Co'


def bar_widths(svg: str) -> list[str]:
    return re.findall(r'width="([\d.]+)" height="\d+" class="chart-bar"', svg)


def test_count_bars_escape_the_labels() -> None:
    svg = charts.count_bars([(HOSTILE, 3)])

    assert "<script" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)" in svg


def test_completion_bars_escape_the_labels() -> None:
    svg = charts.completion_bars([charts.Bar(HOSTILE, 1, 2)])

    assert "<script" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)" in svg


def test_count_bars_scale_each_bar_to_the_largest_count() -> None:
    svg = charts.count_bars([("Dinas Kesehatan", 4), ("Dinas Pendidikan", 2), ("Lain", 0)])

    assert bar_widths(svg) == ["400.0", "200.0", "0.0"]
    assert re.findall(r'class="chart-figure">(\d+)<', svg) == ["4", "2", "0"]


def test_completion_bars_fill_the_part_signed() -> None:
    svg = charts.completion_bars([charts.Bar("A", 1, 4), charts.Bar("B", 0, 0)])

    assert bar_widths(svg) == ["100.0", "0.0"]
    assert re.findall(r'class="chart-figure">([\d,.]+%)<', svg) == ["25,0%", "0,0%"]


def test_a_long_label_is_shortened_to_what_fits_on_its_line() -> None:
    name = "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah Kabupaten"
    svg = charts.count_bars([(name, 1)])

    label = re.findall(r'class="chart-label">([^<]*)<', svg)[0]
    assert label.endswith("…") and name.startswith(label[:-1])
    # Starts at the left edge: nothing can be cut off there, and it ends before the figure.
    assert f'<text x="{charts.INSET}"' in svg
    assert len(label) * charts.CHAR_WIDTH <= charts.WIDTH - charts.FIGURE_ROOM


def test_the_time_axis_labels_every_few_days_so_they_never_touch() -> None:
    import datetime

    days = [(datetime.date(2029, 11, 1) + datetime.timedelta(days=n), n) for n in range(40)]
    svg = charts.timeline_columns(days, hourly=False)

    axis = re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(\w+)" class="chart-axis">([^<]*)<', svg
    )
    labels = [label for _x, _anchor, label in axis]
    assert 4 <= len(labels) < 40
    assert labels[0] == "1 Nov" and axis[0][:2] == (
        f"{charts.INSET:.1f}",
        "start",
    )  # at the edge, not cut off
    centred = [float(x) for x, anchor, _label in axis if anchor == "middle"]
    assert all(b - a >= charts.AXIS_LABEL_ROOM for a, b in itertools.pairwise(centred))
    assert float(axis[1][0]) >= charts.AXIS_LABEL_ROOM  # the second keeps clear of the first
