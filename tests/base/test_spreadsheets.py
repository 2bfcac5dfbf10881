"""The workbook size check's two ways of reading a sheet: patterns for the sheets Excel,
LibreOffice and openpyxl write, the parser for anything else. Both must reach the same verdict,
and both must place a cell where the reader places it: by its own reference."""

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from netral.base.spreadsheets import SheetTooLarge, _scan_plain, xlsx_size_check
from tests.files import xlsx_parts

SHEET = "xl/worksheets/sheet1.xml"


def _letters(column: int) -> bytes:
    name = b""
    while column:
        column, rest = divmod(column - 1, 26)
        name = bytes([65 + rest]) + name
    return name


def _is_plain(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive, archive.open(SHEET) as sheet:
        return _scan_plain(sheet, 10**12)


def _judged(path: Path, budget: int) -> bool:
    try:
        xlsx_size_check(path, max_cells=budget)
    except SheetTooLarge:
        return False
    return True


@pytest.mark.parametrize(
    "attributes",
    [b"", b' s="3" foo="1"'],
    ids=["plain", "through-the-parser"],
)
def test_a_cell_outside_its_row_is_judged_by_its_own_reference(
    tmp_path: Path, attributes: bytes
) -> None:
    """The reader puts a cell <c r="Z1000000"> at row 1,000,000 even inside <row r="1">: one
    such cell in a 1 KB file made it allocate 26 million cells (870 MB)."""
    path = tmp_path / "lubang.xlsx"
    path.write_bytes(
        xlsx_parts(
            [b'<row r="1"><c r="A1"><v>1</v></c><c r="Z1000000"%b><v>1</v></c></row>' % attributes]
        )
    )
    assert _is_plain(path) is (attributes == b"")
    with pytest.raises(SheetTooLarge, match="terlalu besar"):
        xlsx_size_check(path)
    assert _judged(path, 26 * 1_000_000)


def test_a_sheet_written_by_openpyxl_is_judged_by_the_patterns(tmp_path: Path) -> None:
    """Past one read of 4 MB, so that a tag cut between two reads is seen whole."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for number in range(40_000):
        sheet.append([f"1987031420100120{number:05d}", "Siti Aminah", "Dinas Kesehatan", number])
    path = tmp_path / "pegawai.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHEET).file_size > 4 << 20
    assert _is_plain(path)
    assert _judged(path, 40_000 * 4)
    assert not _judged(path, 40_000 * 4 - 1)


def test_a_sheet_as_excel_writes_it_is_judged_by_the_patterns(tmp_path: Path) -> None:
    """Excel's rows carry spans and a prefixed attribute, its cells a style and a type."""
    path = tmp_path / "excel.xlsx"
    path.write_bytes(
        xlsx_parts(
            b'<row r="%d" spans="1:2" x14ac:dyDescent="0.25"><c r="A%d" s="1" t="s"><v>0</v></c>'
            b'<c r="B%d" s="2"><v>42</v></c></row>' % (n, n, n)
            for n in range(1, 101)
        )
    )
    assert _is_plain(path)
    assert _judged(path, 200)
    assert not _judged(path, 199)


@st.composite
def sheets(draw: st.DrawFn) -> tuple[list[bytes], int]:
    """Rows and cells with and without references, some cells outside their row or with other
    attributes; with the reach the reader gives them (rows times columns, or the cell count if
    larger)."""
    rows: list[bytes] = []
    row_number = reach_rows = reach_columns = cells = 0
    for _ in range(draw(st.integers(0, 6))):
        named = draw(st.booleans())
        # A row without a reference follows the one before.
        row_number = draw(st.integers(row_number + 1, row_number + 40)) if named else row_number + 1
        row = b'<row r="%d">' % row_number if named else b"<row>"
        reach_rows = max(reach_rows, row_number)
        column = 0
        for _ in range(draw(st.integers(0, 5))):
            kind = draw(st.sampled_from(["named", "bare", "elsewhere", "styled", "odd"]))
            # A cell without a reference follows the one before.
            column = column + 1 if kind == "bare" else draw(st.integers(column + 1, column + 30))
            cells += 1
            reach_columns = max(reach_columns, column)
            if kind == "bare":
                row += b"<c><v>1</v></c>"
                continue
            at = draw(st.integers(1, 2_000)) if kind == "elsewhere" else row_number
            attributes = {"styled": b' s="1" t="n"', "odd": b' x="1"'}.get(kind, b"")
            row += b'<c r="%b%d"%b><v>1</v></c>' % (_letters(column), at, attributes)
            reach_rows = max(reach_rows, at)
        rows.append(row + b"</row>")
    return rows, max(reach_rows * reach_columns, cells)


@settings(max_examples=150, deadline=None)
@given(sheets())
def test_both_ways_reach_the_reader_s_verdict(sheet: tuple[list[bytes], int]) -> None:
    import tempfile

    rows, reach = sheet
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "acak.xlsx"
        path.write_bytes(xlsx_parts(rows))
        assert _judged(path, max(reach, 1))
        if reach > 1:
            assert not _judged(path, reach - 1)
