"""The SVG charts: labels escaped, bars scaled, long labels shortened."""

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

    assert bar_widths(svg) == ["360.0", "180.0", "0.0"]
    assert re.findall(r'class="chart-figure">(\d+)<', svg) == ["4", "2", "0"]


def test_completion_bars_fill_the_part_signed() -> None:
    svg = charts.completion_bars([charts.Bar("A", 1, 4), charts.Bar("B", 0, 0)])

    assert bar_widths(svg) == ["90.0", "0.0"]
    assert re.findall(r'class="chart-figure">(\d+%)<', svg) == ["25%", "0%"]


def test_a_long_label_is_shortened_to_what_fits_beside_the_bar() -> None:
    svg = charts.count_bars([("Badan Perencanaan Pembangunan Daerah Kabupaten", 1)])

    assert ">Badan Perencanaan Pembangunan D…<" in svg
