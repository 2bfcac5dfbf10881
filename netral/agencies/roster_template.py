"""The downloadable roster template: the headers, an explanation of each, and two example rows."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from netral.agencies.roster import TEMPLATE_COLUMNS

EXAMPLE_ROWS = (
    (
        "19860926 201505 1 001",
        "",
        "",
        "Dr. Siti Rahmawati, S.Pd., M.Si.",
        "PNS",
        "Kepala Bidang Pembinaan SD",
        "Administrator",
        "Pembina (IV/a)",
        "Dinas Pendidikan dan Kebudayaan > Bidang Pembinaan SD",
        "siti.rahmawati@example.go.id",
        "081234567890",
    ),
    (
        "",
        "",
        "3326015507950001",
        "Ahmad Fauzi",
        "Non-ASN",
        "Tenaga Harian Lepas",
        "Lainnya",
        "",
        "Sekretariat Daerah > Bagian Umum",
        "",
        "085712345678",
    ),
)


def roster_template_xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Pegawai")
    bold = Font(bold=True)
    header_cells = []
    for column in TEMPLATE_COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in EXAMPLE_ROWS:
        # Identifiers are text: as numbers, Excel would keep only 15 of their 18 digits.
        sheet.append(list(row))
    guide = workbook.create_sheet("Petunjuk")
    guide.append(["Kolom", "Wajib", "Keterangan"])
    for column in TEMPLATE_COLUMNS:
        guide.append([column.header, "ya" if column.required else "tidak", str(column.help)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
