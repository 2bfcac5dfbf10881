"""QR slips: one small card per employee with the personal link, twelve to an A4 page, to cut
and hand out where links cannot be sent by message."""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from netral.pacts.pdf import qr_runs

COLUMNS, ROWS = 2, 6
MARGIN = 10 * mm


@dataclass(frozen=True)
class Slip:
    name: str
    identifier: str
    unit: str
    url: str


def _fit(canvas: Canvas, text: str, width: float, size: float) -> str:
    while text and canvas.stringWidth(text, "Helvetica", size) > width:
        text = text[:-2] + "…"
    return text


def slips_pdf(*, title: str, slips: Sequence[Slip]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle(title)
    page_width, page_height = A4
    slip_width = (page_width - 2 * MARGIN) / COLUMNS
    slip_height = (page_height - 2 * MARGIN) / ROWS
    qr_side = slip_height - 8 * mm
    for index, slip in enumerate(slips):
        if index and index % (COLUMNS * ROWS) == 0:
            canvas.showPage()
        column, row = index % COLUMNS, (index // COLUMNS) % ROWS
        left = MARGIN + column * slip_width
        top = page_height - MARGIN - row * slip_height
        canvas.setDash(2, 2)
        canvas.rect(left, top - slip_height, slip_width, slip_height)  # the cutting line
        canvas.setDash()
        size, runs = qr_runs(slip.url)
        module = qr_side / size
        qr_left, qr_top = left + 4 * mm, top - 4 * mm
        for qr_row, qr_column, length in runs:
            canvas.rect(
                qr_left + qr_column * module,
                qr_top - (qr_row + 1) * module,
                length * module,
                module,
                stroke=0,
                fill=1,
            )
        text_left = qr_left + qr_side + 3 * mm
        text_width = left + slip_width - text_left - 3 * mm
        lines = [
            ("Helvetica-Bold", 9, slip.name),
            ("Helvetica", 8, slip.identifier),
            ("Helvetica", 8, slip.unit),
            ("Helvetica", 7, title),
            ("Helvetica", 7, "Pindai kode QR untuk menandatangani"),
            ("Helvetica", 7, "pakta integritas netralitas."),
        ]
        y = top - 8 * mm
        for font, size_pt, text in lines:
            canvas.setFont(font, size_pt)
            canvas.drawString(text_left, y, _fit(canvas, text, text_width, size_pt))
            y -= size_pt + 3
    canvas.save()
    return buffer.getvalue()
