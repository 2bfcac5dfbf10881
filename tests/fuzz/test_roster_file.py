"""The roster reader (CSV and XLSX) and the workbook size check on any bytes: a refusal with a
message or a table, never a crash; a roster written with valid rows reads back the same."""

import csv
import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook

from netral.agencies.roster_file import (
    OLE_MAGIC,
    ZIP_MAGIC,
    RosterFileError,
    RosterTable,
    read_roster_file,
)
from netral.base.spreadsheets import SheetRefused, xlsx_size_check
from tests.fuzz.memory import outcome
from tests.fuzz.mutations import damaged, rezipped

MAX_BYTES = 256 * 1024
MAX_ROWS = 200
SHEET = "xl/worksheets/sheet1.xml"
HEADERS = ["NIP", "NAMA", "JENIS PEGAWAI", "NAMA JABATAN", "UNOR", "NOMOR HP"]
# Cell text as the reader gives it back: no control characters, whitespace collapsed.
CELL = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]),
    max_size=30,
).map(lambda text: " ".join(text.split()))
ROWS = st.lists(
    st.lists(CELL, min_size=len(HEADERS), max_size=len(HEADERS)).filter(any),
    min_size=1,
    max_size=12,
)


def read(data: bytes, *, suffix: str = ".csv") -> RosterTable | Exception:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"roster{suffix}"
        path.write_bytes(data)
        return outcome(
            lambda: read_roster_file(path, max_bytes=MAX_BYTES, max_rows=MAX_ROWS),
            RosterFileError,
        )


def xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for number, row in enumerate([HEADERS, *rows], start=1):
        for column, text in enumerate(row, start=1):
            if text:
                cell = sheet.cell(row=number, column=column, value=text)
                cell.data_type = "s"  # openpyxl takes "=..." for a formula
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    output = io.StringIO(newline="")
    csv.writer(output, delimiter=delimiter).writerows([HEADERS, *rows])
    return output.getvalue().encode(encoding)


def expected(rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    return [(number, row) for number, row in enumerate(rows, start=2)]


@given(st.binary(max_size=2048), st.sampled_from([b"", ZIP_MAGIC, OLE_MAGIC, b"\xef\xbb\xbf"]))
@example(b"", b"")
@example(b"\x00" * 10, b"")
@example(b"NIP;NAMA\n\x81\x8d\n", b"")
@example(b'NIP,NAMA\n"' + b"x" * 140_000, b"")
def test_any_bytes_are_a_table_or_a_refusal(data: bytes, magic: bytes) -> None:
    read(magic + data)


@given(ROWS, st.sampled_from([",", ";", "\t"]), st.sampled_from(["utf-8", "utf-8-sig"]))
def test_a_csv_roster_reads_back_its_rows(
    rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    table = read(csv_bytes(rows, delimiter, encoding))
    assert isinstance(table, RosterTable)
    assert table.headers == HEADERS
    assert table.rows == expected(rows)


@given(ROWS, st.sampled_from([",", ";"]))
def test_a_csv_roster_from_excel_on_windows_reads_back_its_rows(
    rows: list[list[str]], delimiter: str
) -> None:
    """cp1252, as Excel saves "CSV (Comma delimited)": text that also decodes as UTF-8 would
    be read as UTF-8, so the generated rows hold at least one character that cannot."""
    text = "".join(cell for row in rows for cell in row)
    try:
        data = csv_bytes(rows, delimiter, "cp1252")
    except UnicodeEncodeError:
        return
    try:
        data.decode("utf-8")
        return  # pure ASCII, or cp1252 that happens to be UTF-8 too (tested above)
    except UnicodeDecodeError:
        pass
    assert text
    table = read(data)
    assert isinstance(table, RosterTable)
    assert table.rows == expected(rows)


@given(ROWS)
def test_an_xlsx_roster_reads_back_its_rows(rows: list[list[str]]) -> None:
    table = read(xlsx(rows), suffix=".xlsx")
    assert isinstance(table, RosterTable)
    assert table.headers == HEADERS
    # The reader pads short rows to the sheet's width; openpyxl leaves empty cells out.
    assert table.rows == expected(rows)


VALID_ROWS = [["198609262015051001", "Siti Aminah", "PNS", "Guru", "Disdik", "0812"]] * 3
VALID_XLSX = xlsx(VALID_ROWS)
VALID_SHEET = zipfile.ZipFile(io.BytesIO(VALID_XLSX)).read(SHEET)
VALID_CSV = csv_bytes(VALID_ROWS, ",", "utf-8")


@given(damaged(VALID_XLSX))
def test_a_damaged_xlsx_is_a_table_or_a_refusal(data: bytes) -> None:
    read(data, suffix=".xlsx")


@given(damaged(VALID_SHEET), st.sampled_from([SHEET, "xl/workbook.xml", "[Content_Types].xml"]))
def test_a_damaged_sheet_inside_a_sound_archive_is_a_table_or_a_refusal(
    part: bytes, name: str
) -> None:
    """The archive's checksums are right, so the damage reaches the XML readers."""
    if name != SHEET:
        part = zipfile.ZipFile(io.BytesIO(VALID_XLSX)).read(name)[: len(part)]
    read(rezipped(VALID_XLSX, {name: part}), suffix=".xlsx")


@given(damaged(VALID_CSV))
def test_a_damaged_csv_is_a_table_or_a_refusal(data: bytes) -> None:
    read(data)


@given(
    st.dictionaries(
        st.sampled_from(["xl/workbook.xml", "xl/_rels/workbook.xml.rels", SHEET, "other"]),
        st.binary(max_size=512),
        max_size=4,
    ),
    st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2]),
)
def test_any_archive_passes_the_size_check_or_is_refused(
    members: dict[str, bytes], compression: int
) -> None:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.xlsx"
        path.write_bytes(output.getvalue())
        outcome(lambda: xlsx_size_check(path, max_cells=10_000), SheetRefused)
