"""One rounding for every figure shown: the page, the XLSX and the PDF must agree (68,9 in all)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def share_percent(part: int, whole: int, places: int = 1) -> Decimal:
    """`part` of `whole` in percent, rounded half up from the exact fraction (never a float's
    binary approximation, and never cut off as number_format does with floats)."""
    if not whole:
        return Decimal(0).quantize(Decimal(1).scaleb(-places))
    exact = Decimal(part) * 100 / Decimal(whole)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_text(value: Decimal, places: int = 1) -> str:
    """A rounded percentage in the active language's notation: "68,9"."""
    return number_format(value, places, use_l10n=True, force_grouping=True)
