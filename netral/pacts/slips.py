"""Slips to cut and hand out, twelve to an A4 page: QR slips with each employee's personal link,
where links cannot be sent by message, and code slips with the one-time code of an employee who
has neither e-mail nor phone, beside the ceremony's QR code."""

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from netral.pacts.pdf import qr_runs

COLUMNS, ROWS = 2, 6
MARGIN = 10 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4
SLIP_WIDTH = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
SLIP_HEIGHT = (PAGE_HEIGHT - 2 * MARGIN) / ROWS
PADDING = 4 * mm

Line = tuple[str, float, str]  # font, size in points, text


@dataclass(frozen=True)
class Slip:
    name: str
    identifier: str
    unit: str
    url: str


@dataclass(frozen=True)
class CodeSlip:
    name: str
    identifier: str  # masked: the slip may be lost
    unit: str
    code: str


def _fit(canvas: Canvas, text: str, width: float, font: str, size: float) -> str:
    while text and canvas.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def _slip_corners(canvas: Canvas, count: int) -> Iterator[tuple[float, float]]:
    """The top-left corner of each slip, turning the page and drawing the cutting lines."""
    for index in range(count):
        if index and index % (COLUMNS * ROWS) == 0:
            canvas.showPage()
        column, row = index % COLUMNS, (index // COLUMNS) % ROWS
        left = MARGIN + column * SLIP_WIDTH
        top = PAGE_HEIGHT - MARGIN - row * SLIP_HEIGHT
        canvas.setDash(2, 2)
        canvas.rect(left, top - SLIP_HEIGHT, SLIP_WIDTH, SLIP_HEIGHT)
        canvas.setDash()
        yield left, top


def _draw_qr(canvas: Canvas, url: str, *, left: float, top: float, side: float) -> None:
    size, runs = qr_runs(url)
    module = side / size
    for row, column, length in runs:
        canvas.rect(
            left + column * module,
            top - (row + 1) * module,
            length * module,
            module,
            stroke=0,
            fill=1,
        )


def _draw_lines(
    canvas: Canvas,
    lines: Sequence[Line],
    *,
    left: float,
    top: float,
    width: float,
    spacing: float = 3,
) -> None:
    y = top
    for font, size, text in lines:
        y -= size  # each line below the previous one, whatever its size
        canvas.setFont(font, size)
        canvas.drawString(left, y, _fit(canvas, text, width, font, size))
        y -= spacing


def slips_pdf(*, title: str, slips: Sequence[Slip]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    qr_side = SLIP_HEIGHT - 2 * PADDING
    for slip, (left, top) in zip(slips, _slip_corners(canvas, len(slips)), strict=True):
        _draw_qr(canvas, slip.url, left=left + PADDING, top=top - PADDING, side=qr_side)
        text_left = left + PADDING + qr_side + 3 * mm
        lines = [
            ("Helvetica-Bold", 9, slip.name),
            ("Helvetica", 8, slip.identifier),
            ("Helvetica", 8, slip.unit),
            ("Helvetica", 7, title),
            ("Helvetica", 7, "Pindai kode QR untuk menandatangani"),
            ("Helvetica", 7, "pakta integritas netralitas."),
        ]
        width = left + SLIP_WIDTH - text_left - 3 * mm
        _draw_lines(canvas, lines, left=text_left, top=top - 5 * mm, width=width)
    canvas.save()
    return buffer.getvalue()


CODE_QR_SIDE = 30 * mm


def code_slips_pdf(
    *,
    title: str,
    url: str,
    valid_until: str,
    hints: Sequence[str],
    slips: Sequence[CodeSlip],
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """One slip per employee: the campaign, name, masked NIP, unit, code and expiry beside the
    ceremony's QR code, the ceremony's address below. The QR code is drawn once and placed on
    every slip, so thousands of slips stay a small file."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.beginForm("ceremony_qr", lowerx=0, lowery=0, upperx=CODE_QR_SIDE, uppery=CODE_QR_SIDE)
    _draw_qr(canvas, url, left=0, top=CODE_QR_SIDE, side=CODE_QR_SIDE)
    canvas.endForm()
    text_left = PADDING + CODE_QR_SIDE + 3 * mm
    text_width = SLIP_WIDTH - text_left - 3 * mm
    for number, (slip, (left, top)) in enumerate(
        zip(slips, _slip_corners(canvas, len(slips)), strict=True), start=1
    ):
        canvas.saveState()
        canvas.translate(left + PADDING, top - PADDING - CODE_QR_SIDE)
        canvas.doForm("ceremony_qr")
        canvas.restoreState()
        lines: list[Line] = [
            ("Helvetica", 7, title),
            ("Helvetica-Bold", 9, slip.name),
            ("Helvetica", 8, slip.identifier),
            ("Helvetica", 8, slip.unit),
            ("Courier-Bold", 16, f"{slip.code[:4]} {slip.code[4:]}"),
            ("Helvetica-Bold", 7, valid_until),
            *(("Helvetica", 6.5, hint) for hint in hints),
        ]
        _draw_lines(
            canvas, lines, left=left + text_left, top=top - 4 * mm, width=text_width, spacing=2
        )
        canvas.setFont("Helvetica", 7)
        canvas.drawString(
            left + PADDING,
            top - SLIP_HEIGHT + PADDING,
            _fit(canvas, url, SLIP_WIDTH - 2 * PADDING, "Helvetica", 7),
        )
        if progress is not None and number % 120 == 0:
            progress(number, len(slips))
    canvas.save()
    return buffer.getvalue()
