"""Builds roster files in memory for import tests."""

import csv
import io
from pathlib import Path

from openpyxl import Workbook

from netral.agencies.roster import TEMPLATE_COLUMNS

HEADERS = [column.header for column in TEMPLATE_COLUMNS]

ROWS = [
    [
        "19860926 201505 1 001",
        "",
        "",
        "Dr. Siti Rahmawati, S.Pd., M.Si.",
        "PNS",
        "Kepala Bidang Pembinaan SD",
        "Administrator",
        "Pembina (IV/a)",
        "Dinas Pendidikan dan Kebudayaan > Bidang Pembinaan SD",
        "siti.rahmawati@pekalongankab.go.id",
        "0812-3456-7890",
    ],
    [
        "199203152019031002",
        "",
        "",
        "Muhammad Ma’ruf, S.Kom.",
        "PNS",
        "Pranata Komputer Ahli Pertama",
        "Fungsional",
        "Penata Muda (III/a)",
        "Dinas Komunikasi dan Informatika",
        "",
        "+62 857 1234 5678",
    ],
    [
        "199507142021212005",
        "",
        "",
        "Dewi Lestari, A.Md.Kep.",
        "PPPK",
        "Perawat Terampil",
        "Fungsional",
        "VII",
        "Dinas Kesehatan > UPTD Puskesmas Kajen",
        "dewi.lestari@gmail.com",
        "085612345678",
    ],
    [
        "",
        "",
        "3326015507950001",
        "Ahmad Fauzi",
        "Non-ASN",
        "Tenaga Harian Lepas",
        "",
        "",
        "Sekretariat Daerah > Bagian Umum",
        "",
        "",
    ],
]


def csv_bytes(
    rows: list[list[str]],
    *,
    headers: list[str] = HEADERS,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[str]], *, headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path
