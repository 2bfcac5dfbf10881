"""The attendance sheet of a unit for a campaign: a wet signature beside each name, and how
each employee gets a code to sign from the ceremony QR code. No code is printed on it: a sheet
passes from hand to hand, so those who need a printed code get a slip of their own."""

import io
from collections.abc import Sequence
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from netral.agencies.models import Unit
from netral.pacts.models import Campaign
from netral.pacts.services import SheetLine

MARGIN = 15 * mm
COLUMN_WIDTHS = [10 * mm, 60 * mm, 42 * mm, 28 * mm, 40 * mm]
SIGNATURE_ROW_HEIGHT = 13 * mm

TEXT = ParagraphStyle("text", fontName="Helvetica", fontSize=9, leading=11)
SMALL = ParagraphStyle("small", parent=TEXT, fontSize=7.5, leading=9, textColor=colors.dimgrey)
HEADING = ParagraphStyle("heading", parent=TEXT, fontName="Helvetica-Bold", fontSize=14, leading=17)
CELL_HEADING = ParagraphStyle("cell_heading", parent=TEXT, fontName="Helvetica-Bold")


def spaced_nip(nip: str) -> str:
    """The NIP as people read it: birth date, appointment, gender, sequence."""
    if len(nip) != 18:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def _code_cell(line: SheetLine) -> Paragraph:
    if line.signed:
        text = _("already signed")
    elif line.has_slip:
        text = _("code on the slip")
    elif line.employee.email or line.employee.phone:
        text = _("sent to them")
    else:
        text = _("no slip yet")
    return Paragraph(escape(text), SMALL)


def _rows(lines: Sequence[SheetLine], unit: Unit) -> list[list[Any]]:
    header = [
        Paragraph(escape(text), CELL_HEADING)
        for text in (
            pgettext("row number", "No"),
            _("Name and NIP"),
            _("Position"),
            _("Code"),
            _("Signature"),
        )
    ]
    rows: list[list[Any]] = [header]
    for number, line in enumerate(lines, start=1):
        employee = line.employee
        identifier = spaced_nip(employee.nip) if employee.nip else employee.nik or ""
        position = escape(employee.position)
        if employee.unit_id != unit.pk:
            position += f'<br/><font size="7.5" color="dimgrey">{escape(employee.unit.name)}</font>'
        rows.append(
            [
                Paragraph(str(number), TEXT),
                Paragraph(f"<b>{escape(employee.name)}</b><br/>{escape(identifier)}", TEXT),
                Paragraph(position, TEXT),
                _code_cell(line),
                "",
            ]
        )
    return rows


class _NumberedCanvas(Canvas):
    """Holds the pages back until the end, so each can say how many there are."""

    def __init__(self, *args: Any, running_head: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._running_head = running_head
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            width, height = self._pagesize
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.dimgrey)
            if number > 1:
                self.drawString(MARGIN, height - MARGIN + 4 * mm, self._running_head)
            self.drawRightString(
                width - MARGIN,
                MARGIN - 8 * mm,
                _("Page %(number)s of %(count)s") % {"number": number, "count": len(self._pages)},
            )
            super().showPage()
        super().save()


def attendance_sheet_pdf(
    *, campaign: Campaign, unit: Unit, lines: Sequence[SheetLine], compress: bool = True
) -> bytes:
    # The employees read it, whatever language the officer who prints it chose.
    with translation.override(settings.LANGUAGE_CODE):
        return _render(campaign=campaign, unit=unit, lines=lines, compress=compress)


def _render(*, campaign: Campaign, unit: Unit, lines: Sequence[SheetLine], compress: bool) -> bytes:
    title = _("Attendance sheet")
    ceremony = [
        formats.date_format(campaign.ceremony_date, "j F Y") if campaign.ceremony_date else "",
        formats.time_format(campaign.ceremony_time, "H:i") if campaign.ceremony_time else "",
        campaign.place,
    ]
    story: list[Any] = [
        Paragraph(escape(f"{title}: {campaign.title}"), HEADING),
        Spacer(1, 2 * mm),
        Paragraph(
            f"<b>{escape(_('Ceremony'))}:</b> "
            + escape(" · ".join(part for part in ceremony if part) or "—"),
            TEXT,
        ),
        Paragraph(f"<b>{escape(_('Unit'))}:</b> {escape(unit.name)}", TEXT),
        Spacer(1, 4 * mm),
    ]
    table = Table(
        _rows(lines, unit),
        colWidths=COLUMN_WIDTHS,
        repeatRows=1,
        minRowHeights=[0] + [SIGNATURE_ROW_HEIGHT] * len(lines),
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 5 * mm),
        Paragraph(
            escape(
                _(
                    "To sign on your phone, scan the ceremony QR code and enter your NIP and your "
                    "code: it is sent to your e-mail or phone, or, if you have neither, printed "
                    "on a slip your coordinator hands to you alone. Each code works once."
                )
            ),
            TEXT,
        ),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{title}: {campaign.title}",
        pageCompression=1 if compress else 0,
    )
    running_head = f"{title}: {campaign.title} · {unit.name}"
    document.build(story, canvasmaker=partial(_NumberedCanvas, running_head=running_head))
    return buffer.getvalue()
