"""Spreadsheet exports that stay inert: a name typed as `=HYPERLINK(…)` or `=cmd|' /C calc'!A0`
comes out as the text it is, never as a formula (OWASP, CSV injection). Every XLSX and CSV
export writes its rows through `xlsx_row` or `csv_row`."""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# What a spreadsheet may read as the start of a formula or a command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row where a text that could start a formula is prefixed with an apostrophe, which
    spreadsheets read as "this is text" (the value itself is kept after it)."""
    return ["" if value is None else f"'{value}" if is_risky(value) else value for value in values]


def xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """An XLSX row where a text that could start a formula is stored as a text cell, unchanged:
    a spreadsheet shows it and never evaluates it."""
    row: list[Any] = []
    for value in values:
        if is_risky(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # openpyxl would make "=…" a formula
            row.append(cell)
        else:
            row.append(value)
    return row
