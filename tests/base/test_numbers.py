"""One rounding for the page, the XLSX and the PDF: 62 of 90 is 68,9 in all three."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation
from django.utils.formats import number_format

from netral.base.numbers import percent_text, share_percent
from netral.pacts.selectors import Completion


def test_a_share_is_rounded_half_up_from_the_exact_fraction() -> None:
    assert share_percent(62, 90) == Decimal("68.9")  # 68.888…
    assert share_percent(1, 8) == Decimal("12.5")
    assert share_percent(1, 16, places=1) == Decimal("6.3")  # 6.25 up, not to even
    assert share_percent(0, 0) == Decimal("0.0")


def test_the_page_the_sheet_and_the_pdf_show_the_same_figure() -> None:
    completion = Completion(eligible=90, signed=62)
    with translation.override("id"):
        page = Template("{{ c.percent_shown }}").render(Context({"c": completion}))
        pdf = percent_text(completion.percent_shown)
        # What the PDF showed before: number_format cuts a float's decimals off.
        assert number_format(completion.percent, 1) == "68,8"
    sheet = float(completion.percent_shown)
    assert page == pdf == "68,9"
    assert sheet == 68.9
