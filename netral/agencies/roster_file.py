"""Reading a roster spreadsheet (XLSX, XLS, ODS or CSV) into rows of text, whatever Excel wrote."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from netral.base.spreadsheets import SheetDamaged, SheetTooLarge, xlsx_size_check

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
# Files people upload by mistake: documents and pictures.
OTHER_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z")


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class RosterTable:
    headers: list[str]
    # (row number as the spreadsheet shows it, cell values as read): turned into text by
    # cell_text() only for the columns an import reads (SIASN's export has 33, 14 of them used).
    rows: list[tuple[int, list[Any]]]
    header_row: int = 1


def read_roster_file(path: Path, *, max_bytes: int, max_rows: int) -> RosterTable:
    size = path.stat().st_size
    if size == 0:
        raise RosterFileError(_("The file is empty."))
    if size > max_bytes:
        raise RosterFileError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": round(size / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)}
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OTHER_MAGICS):
        raise RosterFileError(
            _("The file is not a spreadsheet. Upload an XLSX file or a CSV text file.")
        )
    if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        if head.startswith(ZIP_MAGIC):
            try:
                xlsx_size_check(path)
            except SheetTooLarge as refusal:
                raise RosterFileError(str(refusal)) from refusal
            except SheetDamaged as damage:
                raise RosterFileError(_damaged_workbook()) from damage
        cells = _read_workbook(path)
    else:
        cells = _read_csv(path.read_bytes())
    return _table_from_cells(cells, max_rows=max_rows)


def _damaged_workbook() -> str:
    return _(
        "The file looks like a spreadsheet but cannot be read: it may be damaged or cut "
        "short. Save it again from Excel or LibreOffice and upload it again."
    )


def _read_workbook(path: Path) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        return iter(rows)
    except Exception as error:  # calamine raises several unrelated types for broken files
        raise RosterFileError(_damaged_workbook()) from error


def _read_csv(data: bytes) -> Iterator[list[Any]]:
    if b"\x00" in data[:65536]:
        raise RosterFileError(
            _("The file is not a spreadsheet. Upload an XLSX file or a CSV text file.")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # What Excel on Windows writes for "CSV (Comma delimited)".
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise RosterFileError(
                _("The text encoding of the file is not recognised. Save it as CSV UTF-8.")
            ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        rows: list[list[Any]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        return iter(rows)
    except csv.Error as error:
        raise RosterFileError(
            _("The CSV file is malformed: %(detail)s.") % {"detail": error}
        ) from error


def cell_text(value: object) -> str:
    if type(value) is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # Excel stores numbers as doubles: 18-digit NIPs typed as numbers lose their last digits,
        # and the identifier check then says so.
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _table_from_cells(cells: Iterator[list[Any]], *, max_rows: int) -> RosterTable:
    headers: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list[Any]]] = []
    for number, raw in enumerate(cells, start=1):
        if not any(_has_content(value) for value in raw):
            continue
        if headers is None:
            headers, header_row = [cell_text(value) for value in raw], number
            continue
        if len(rows) >= max_rows:
            raise RosterFileError(
                _("The file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": max_rows}
            )
        rows.append((number, raw))
    if headers is None:
        raise RosterFileError(_("The file is empty."))
    return RosterTable(headers=headers, rows=rows, header_row=header_row)


def _has_content(value: object) -> bool:
    return value is not None and value != "" and (type(value) is not str or not value.isspace())


def roster_csv_of_columns(table: RosterTable, columns: list[int]) -> bytes:
    """The table with only the given columns, as UTF-8 CSV; blank lines keep every row at the
    number the original file gave it, so messages still point at the right rows."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    line = 1
    for number, cells in [(table.header_row, table.headers), *table.rows]:
        buffer.write("\r\n" * (number - line))
        count = len(cells)
        writer.writerow([cell_text(cells[index]) if index < count else "" for index in columns])
        line = number + 1
    return buffer.getvalue().encode("utf-8")
