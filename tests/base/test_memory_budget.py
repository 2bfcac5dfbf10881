"""Every decoder judges a file by what its header declares before decoding: the hostile files
of the report are refused with a clear message while the process's peak memory stays low."""

import io
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from netral.agencies.roster_file import RosterFileError, read_roster_file
from netral.base.spreadsheets import SheetDamaged, SheetTooLarge, xlsx_size_check
from netral.base.uploads import UploadRefused, image_decoded, pdf_check
from netral.cases.evidence import EvidenceError, evidence_prepare
from netral.cases.models import Case
from tests.conftest import Pacts
from tests.files import (
    bomb_png,
    dense_xlsx,
    ods_parts,
    ods_row,
    palette_png,
    sparse_xlsx,
    xlsx_parts,
)

PEAK_BUDGET_MB = 300

# Measures, in a fresh interpreter, how far one file drives the peak resident memory above
# what the interpreter held once everything was imported and the file read.
PROBE = """
import os, resource, sys
from pathlib import Path
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
import django
django.setup()
from netral.agencies.roster_file import RosterFileError, read_roster_file
from netral.cases.evidence import EvidenceError, evidence_prepare
import python_calamine, PIL.PngImagePlugin
kind, path = sys.argv[1], Path(sys.argv[2])
data = path.read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    if kind == "image":
        evidence_prepare(file_name=path.name, data=data)
    else:
        read_roster_file(path, max_bytes=50_000_000, max_rows=1_000_001)
    outcome = "accepted"
except (EvidenceError, RosterFileError) as refusal:
    outcome = "refused: " + str(refusal)
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(grown // 1024)
print(outcome)
"""


def probe(tmp_path: Path, kind: str, name: str, data: bytes) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    run = subprocess.run(
        [sys.executable, "-c", PROBE, kind, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    grown, outcome = run.stdout.strip().split("\n", 1)
    return int(grown), outcome


@pytest.mark.parametrize(
    ("kind", "name", "make", "message"),
    [
        ("image", "palet.png", lambda: palette_png(13_000, 13_000), "megapiksel"),
        ("sheet", "jarang.xlsx", sparse_xlsx, "terlalu besar"),
        ("sheet", "padat.xlsx", dense_xlsx, "terlalu besar"),
    ],
    ids=["palette-png", "sparse-xlsx", "dense-xlsx"],
)
def test_a_hostile_file_is_refused_within_the_memory_budget(
    tmp_path: Path, kind: str, name: str, make: object, message: str
) -> None:
    assert callable(make)
    grown, outcome = probe(tmp_path, kind, name, make())
    assert outcome.startswith("refused") and message in outcome, outcome
    assert grown < PEAK_BUDGET_MB, f"peak memory grew by {grown} MB"


def test_a_sheet_is_judged_by_the_cells_it_reaches(tmp_path: Path) -> None:
    rows = [b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIP</t></is></c></row>']
    rows += [b"<row><c><v>%d</v></c></row>" % n for n in range(2, 1002)]
    path = tmp_path / "kecil.xlsx"
    path.write_bytes(xlsx_parts(rows))
    xlsx_size_check(path, max_cells=1001)
    with pytest.raises(SheetTooLarge, match="terlalu besar"):
        xlsx_size_check(path, max_cells=1000)
    # A cell far out counts by where it lies, not by how many cells there are.
    far = tmp_path / "jauh.xlsx"
    far.write_bytes(xlsx_parts([b'<row r="40"><c r="Z40"><v>1</v></c></row>']))
    xlsx_size_check(far, max_cells=26 * 40)
    with pytest.raises(SheetTooLarge):
        xlsx_size_check(far, max_cells=26 * 40 - 1)


def test_a_cell_reference_past_any_column_is_refused_before_the_reader_sees_it(
    tmp_path: Path,
) -> None:
    """Found by the fuzz tests: the reader (python-calamine) aborts the whole process, a worker
    with it, on a cell reference of 12 letters; the size check now refuses it first."""
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(xlsx_parts([b'<row r="1"><c r="DDDDDDDDDDDD1"><v>1</v></c></row>']))
    with pytest.raises(RosterFileError, match="rusak"):
        read_roster_file(path, max_bytes=1_000_000, max_rows=100)
    path.write_bytes(xlsx_parts([b'<row r="1"><c r="D1"><v>1</v></c><c><v>2</v></c></row>']))
    assert read_roster_file(path, max_bytes=1_000_000, max_rows=100).headers == [
        "",
        "",
        "",
        "1",
        "2",
    ]


@pytest.mark.parametrize(
    "data",
    [
        xlsx_parts(
            [b"<row><c><v>1</v></c></row>"],
            doctype=b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
        ),
        xlsx_parts([b"<row><c><v>1</v></row>"]),
        b"PK\x03\x04" + b"0" * 200,
    ],
    ids=["entities", "malformed-xml", "broken-zip"],
)
def test_a_crafted_workbook_is_refused_as_damaged(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(data)
    with pytest.raises(SheetDamaged, match="rusak"):
        xlsx_size_check(path)


def _sheet_damaged(how: str) -> bytes:
    """A sound archive whose sheet cannot be unpacked: its deflate stream broken (a first byte
    0xFF opens a block of the reserved type), or the member flagged as encrypted."""
    data = bytearray(xlsx_parts([b"<row><c><v>1</v></c></row>"]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    if how == "deflate":
        name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
        data[info.header_offset + 30 + name_length + extra_length] = 0xFF
    else:
        central = data.index(b"PK\x01\x02")  # the central directory's entries
        while not data[central + 46 :].startswith(b"xl/worksheets/sheet1.xml"):
            central = data.index(b"PK\x01\x02", central + 4)
        data[central + 8] |= 0x01  # the general purpose flag's "encrypted" bit
    return bytes(data)


@pytest.mark.parametrize("how", ["deflate", "encrypted"])
def test_a_workbook_that_cannot_be_unpacked_is_refused_as_damaged(tmp_path: Path, how: str) -> None:
    """Found by the fuzz tests: zlib.error and RuntimeError went past the refusal."""
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(_sheet_damaged(how))
    with pytest.raises(SheetDamaged, match="rusak"):
        xlsx_size_check(path)
    with pytest.raises(RosterFileError, match="rusak"):
        read_roster_file(path, max_bytes=1_000_000, max_rows=100)


def test_an_image_one_pixel_wide_and_millions_of_rows_tall_is_refused() -> None:
    """Found by the fuzz tests: 1 x 16,777,217 pixels is within the pixel budget, but Pillow's
    pointer per row made its decoding and conversion grow the memory by 334 MB."""
    with pytest.raises(UploadRefused, match="piksel per sisi"):
        image_decoded(bomb_png(1, 16_777_217), formats=("PNG",))
    tall_screenshot = io.BytesIO()
    Image.new("RGB", (2, 65_535)).save(tall_screenshot, format="PNG")
    assert image_decoded(tall_screenshot.getvalue(), formats=("PNG",)).size == (2, 65_535)


def test_a_pdf_that_breaks_the_reader_s_assumptions_is_refused_as_damaged() -> None:
    """Found by the fuzz tests: a startxref that points at a stream other than a cross-reference
    stream made pyHanko's reader raise AssertionError, past the refusal."""
    data = (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Page /Length 0 >>\nstream\n\nendstream\nendobj\n"
        b"startxref\n9\n%%EOF\n"
    )
    with pytest.raises(UploadRefused, match="rusak"):
        pdf_check(data)


def test_the_palette_png_is_refused_at_the_report_form(client: Client, pacts: Pacts) -> None:
    from tests.cases.test_intake import submit

    upload = SimpleUploadedFile("foto.png", palette_png(13_000, 13_000))
    response = submit(client, pacts, evidence=[upload])
    errors = " ".join(response.context["form"].errors["evidence"])
    assert "foto.png" in errors and "megapiksel" in errors
    assert not Case.objects.exists()
    with pytest.raises(EvidenceError):
        evidence_prepare(file_name="foto.png", data=palette_png(7_000, 7_000))


def test_an_ods_sheet_is_judged_as_its_reader_expands_it(tmp_path: Path) -> None:
    path = tmp_path / "pegawai.ods"
    padding = (
        b'<table:table-row table:number-rows-repeated="1048570">'
        b'<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    path.write_bytes(ods_parts([ods_row("NIP", "Nama"), ods_row("1", "Siti"), padding]))
    # LibreOffice's empty padding reaches nothing: the two rows are read.
    xlsx_size_check(path, max_cells=4)
    with pytest.raises(SheetTooLarge):
        xlsx_size_check(path, max_cells=3)
    bomb = tmp_path / "bom.ods"
    bomb.write_bytes(ods_parts([ods_row("NIP", "Nama"), ods_row("1", "x", repeat=3_000_000)]))
    with pytest.raises(SheetTooLarge, match="terlalu besar"):
        xlsx_size_check(bomb)
    broken = tmp_path / "rusak.ods"
    broken.write_bytes(
        ods_parts([b'<table:table-row table:number-rows-repeated="99999999999"></table:table-row>'])
    )
    with pytest.raises(SheetDamaged):
        xlsx_size_check(broken)


def test_an_ods_roster_is_read_again(tmp_path: Path) -> None:
    """The size check takes an OpenDocument file for what it is, not for a damaged XLSX."""
    from netral.agencies.roster_file import read_roster_file

    path = tmp_path / "pegawai.ods"
    path.write_bytes(ods_parts([ods_row("NIP", "Nama"), ods_row("198703142010012004", "Siti")]))
    table = read_roster_file(path, max_bytes=1_000_000, max_rows=10)
    assert [cells for _number, cells in table.rows] == [["198703142010012004", "Siti"]]
