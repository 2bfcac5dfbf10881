"""Recap reports of a campaign for the personnel agency (XLSX and PDF), built in the background
with their progress, and the rollup export of the agencies an oversight body follows.

Every number comes from the same eligible employees as the dashboard (`campaign_employees`
within the viewer's unit), so the report, the page and the rollup agree."""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.agencies.models import Employee, Region, Unit
from netral.base.jobs import Progress, job_kind, job_result_save, job_start
from netral.base.models import Job
from netral.base.numbers import percent_text
from netral.base.sheets import csv_row, xlsx_row
from netral.monitoring.selectors import Dashboard, RollupRow, campaign_dashboard
from netral.pacts.models import Attendance, Campaign, Signature
from netral.pacts.selectors import Completion
from netral.pacts.services import campaign_employees

JAKARTA = ZoneInfo("Asia/Jakarta")
PAPER = Signature.Channel.PAPER


class ReportKind(models.TextChoices):
    RECAP_XLSX = "recap_xlsx", gettext_lazy("Recap (XLSX)")
    RECAP_PDF = "recap_pdf", gettext_lazy("Recap report (PDF)")


RECAP_KINDS: dict[str, str] = {ReportKind.RECAP_XLSX: "xlsx", ReportKind.RECAP_PDF: "pdf"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 500  # employee rows between two progress updates


RECAP_JOB = "monitoring.report"


def report_create(*, actor: Actor, viewer: Membership, campaign: Campaign, kind: str) -> Job:
    """Queue a recap of the campaign within the viewer's scope, built by the task worker."""
    extension = RECAP_KINDS[kind]
    scope = viewer.unit.code if viewer.unit else campaign.agency.code
    stamp = timezone.localtime(timezone.now(), JAKARTA)
    return job_start(
        kind=RECAP_JOB,
        title=str(ReportKind(kind).label),
        actor=actor,
        agency=campaign.agency,
        params={
            "kind": kind,
            "campaign": campaign.code,
            "unit": viewer.unit.code if viewer.unit else "",
            "file_name": f"rekap-pakta-{scope}-{stamp:%Y%m%d-%H%M}.{extension}",
        },
    )


def report_viewer(job: Job) -> Membership:
    """The requester's membership, whose unit limits what the report shows."""
    return Membership.objects.select_related("agency", "unit").get(
        user=job.created_by_id, agency=job.agency_id
    )


@job_kind(RECAP_JOB)
def report_build(job: Job, progress: Progress) -> None:
    viewer = report_viewer(job)
    campaign = Campaign.objects.select_related("agency", "election").get(
        code=job.params["campaign"], agency=job.agency_id
    )
    now = timezone.localtime(timezone.now(), JAKARTA)
    name = job.params["file_name"]
    if job.params["kind"] == ReportKind.RECAP_XLSX:
        with tempfile.TemporaryFile() as built:
            recap_xlsx_write(
                viewer=viewer, campaign=campaign, target=built, now=now, progress=progress
            )
            built.seek(0)
            job_result_save(job, content=built, file_name=name, content_type=XLSX_TYPE)
    else:
        pdf = recap_pdf(viewer=viewer, campaign=campaign, now=now, progress=progress)
        job_result_save(job, content=pdf, file_name=name, content_type="application/pdf")


# The numbers


def _scope_employees(campaign: Campaign, root: Unit | None) -> QuerySet[Employee]:
    # The same set as the dashboard's: the campaign's eligible employees under the viewer's unit.
    employees = campaign_employees(campaign)
    if root is not None:
        employees = employees.filter(unit__path__startswith=root.path)
    return employees


def _signatures(campaign: Campaign) -> QuerySet[Signature]:
    return Signature.objects.filter(campaign=campaign, employee=OuterRef("pk"))


@dataclass
class UnitTotal:
    unit: Unit
    completion: Completion  # the unit's employees and its sub-units'


def unit_totals(*, viewer: Membership, campaign: Campaign) -> list[UnitTotal]:
    """Every unit of the viewer's scope in tree order, each with its subtree's numbers; the
    first row (the agency's root unit, or the coordinator's unit) is the scope's total."""
    units = list(agency_selectors.unit_list(viewer=viewer))
    names = {unit.code: unit.name for unit in units}
    # Tree order with the sub-units of each unit by name (a path orders them by random code).
    units.sort(key=lambda u: [names.get(c, "") for c in u.path.split(Unit.PATH_SEPARATOR)])
    index_by_code = {unit.code: index for index, unit in enumerate(units)}
    index_by_id = {unit.pk: index for index, unit in enumerate(units)}
    totals = [Completion() for _unit in units]
    own = (
        _scope_employees(campaign, viewer.unit)
        .order_by()
        .annotate(channel=Subquery(_signatures(campaign).values("channel")[:1]))
        .values_list("unit_id", "channel")
        .annotate(count=Count("id"))
    )
    for unit_id, channel, count in own:
        part = Completion(count, count if channel else 0, count if channel == PAPER else 0)
        path = units[index_by_id[unit_id]].path
        for code in path.split(Unit.PATH_SEPARATOR)[:-1]:
            if (index := index_by_code.get(code)) is not None:
                totals[index].add(part)
    return [UnitTotal(unit, total) for unit, total in zip(units, totals, strict=True)]


def _percent(completion: Completion) -> float:
    return float(completion.percent_shown)


def _scope_label(viewer: Membership) -> str:
    return viewer.unit.name if viewer.unit else _("Whole agency")


def _breakdown(dashboard: Dashboard) -> list[tuple[str, str, Completion]]:
    """(breakdown, group, numbers): the total, then by kind and by position type."""
    kinds = dict(Employee.Kind.choices)
    positions = dict(Employee.PositionType.choices)
    rows = [(_("Total"), _("All employees"), dashboard.total)]
    rows += [(_("Kind"), str(kinds.get(k, k)), c) for k, c in dashboard.by_kind.items()]
    rows += [
        (_("Position type"), str(positions.get(k, k)), c) for k, c in dashboard.by_position.items()
    ]
    return rows


# XLSX


def _bold_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[WriteOnlyCell]:
    bold = Font(bold=True)
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        cells.append(cell)
    return cells


def _sheet(
    workbook: Workbook, title: str, widths: list[int], *, frozen_row: int = 1
) -> WriteOnlyWorksheet:
    # A write-only sheet writes its widths and panes with the first row, so they come first.
    sheet = workbook.create_sheet(title)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = f"A{frozen_row + 1}"
    return sheet


def recap_xlsx_write(
    *,
    viewer: Membership,
    campaign: Campaign,
    target: IO[bytes],
    now: datetime.datetime,
    progress: Progress,
) -> None:
    """Sheets "Instansi" (the scope's totals), "Unit" (every unit) and "Pegawai" (every
    eligible employee with the status of the signature), streamed in write-only mode."""
    workbook = Workbook(write_only=True)
    dashboard = campaign_dashboard(viewer=viewer, campaign=campaign, timeline=False)
    numbers = [_("Eligible"), _("Signed"), _("Not signed"), _("%"), _("Electronic"), _("Paper")]

    facts = [
        (_("Agency"), campaign.agency.name),
        (_("Campaign"), campaign.title),
        (_("Election"), campaign.election.name),
        (_("Scope"), _scope_label(viewer)),
        (_("Report time (WIB)"), now.replace(tzinfo=None, microsecond=0)),
    ]
    agency = _sheet(
        workbook, "Instansi", [18, 36, 12, 12, 12, 8, 12, 12], frozen_row=len(facts) + 2
    )
    for label, value in facts:
        agency.append([*_bold_row(agency, [label]), *xlsx_row(agency, [value])])
    agency.append([])
    agency.append(_bold_row(agency, [_("Breakdown"), _("Group"), *numbers]))
    for breakdown, group, completion in _breakdown(dashboard):
        agency.append([*xlsx_row(agency, [breakdown, group]), *_number_cells(completion)])
    agency.append([])
    agency.append(_bold_row(agency, [_("Ceremony attendance"), _("Mode"), _("Employees")]))
    modes = dict(Attendance.Mode.choices)
    for mode, count in dashboard.attendance.items():
        agency.append([_("Attendance"), str(modes.get(mode, mode)), count])
    progress(10)

    units = _sheet(workbook, "Unit", [48, 48, 8, 12, 12, 12, 8, 12, 12])
    units.append(_bold_row(units, [_("Unit"), _("Parent unit"), _("Level"), *numbers]))
    totals = unit_totals(viewer=viewer, campaign=campaign)
    names = {total.unit.pk: total.unit.name for total in totals}
    base_depth = totals[0].unit.depth if totals else 0
    for total in totals:
        unit = total.unit
        parent = names.get(unit.parent_id, "") if unit.parent_id else ""
        row = [unit.name, parent, unit.depth - base_depth, *_number_cells(total.completion)]
        units.append(xlsx_row(units, row))
    progress(20)

    _employee_sheet(workbook, viewer=viewer, campaign=campaign, progress=progress)
    workbook.save(target)


def _number_cells(completion: Completion) -> list[int | float]:
    return [
        completion.eligible,
        completion.signed,
        completion.unsigned,
        _percent(completion),
        completion.electronic,
        completion.paper,
    ]


def _employee_sheet(
    workbook: Workbook, *, viewer: Membership, campaign: Campaign, progress: Progress
) -> None:
    sheet = _sheet(workbook, "Pegawai", [36, 21, 30, 30, 30, 36, 36, 14, 20, 20])
    sheet.append(
        _bold_row(
            sheet,
            [
                _("Name"),
                _("NIP"),
                _("Kind"),
                _("Position type"),
                _("Position"),
                _("OPD"),
                _("Unit"),
                _("Status"),
                _("Method"),
                _("Signed at (WIB)"),
            ],
        )
    )
    units = agency_selectors.unit_list(viewer=viewer)
    unit_names = dict(units.values_list("id", "name"))
    # The OPD is the unit right under the agency's root: the second code of a path.
    opd_names = dict(units.filter(depth=1).values_list("code", "name"))
    unit_opd = {
        unit_id: opd_names.get(path.split(Unit.PATH_SEPARATOR)[1], "")
        for unit_id, path in units.values_list("id", "path")
    }
    kinds = {k: str(label) for k, label in Employee.Kind.choices}
    positions = {k: str(label) for k, label in Employee.PositionType.choices}
    channels = {k: str(label) for k, label in Signature.Channel.choices}
    signed, unsigned = _("Signed"), _("Not signed")
    employees = _scope_employees(campaign, viewer.unit)
    count = employees.count()
    signatures = _signatures(campaign)
    rows = (
        employees.annotate(
            channel=Subquery(signatures.values("channel")[:1]),
            signature_time=Subquery(signatures.values("signed_at")[:1]),
        )
        .order_by("unit__path", "name", "pk")
        .values_list(
            "name",
            "nip",
            "kind",
            "position_type",
            "position",
            "unit_id",
            "channel",
            "signature_time",
        )
    )
    for number, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        name, nip, kind, position_type, position, unit_id, channel, signed_at = row
        sheet.append(
            xlsx_row(
                sheet,
                [
                    name,
                    nip or "",
                    kinds.get(kind, kind),
                    positions.get(position_type, position_type),
                    position,
                    unit_opd.get(unit_id, ""),
                    unit_names.get(unit_id, ""),
                    signed if channel else unsigned,
                    channels.get(channel, "") if channel else "",
                    _jakarta(signed_at) if signed_at else None,
                ],
            )
        )
        if number % PROGRESS_EVERY == 0:
            progress(20 + int(75 * number / count))


def _jakarta(moment: datetime.datetime) -> datetime.datetime:
    # openpyxl refuses aware datetimes; the header says the zone.
    return timezone.localtime(moment, JAKARTA).replace(tzinfo=None, microsecond=0)


# PDF

GREEN = colors.HexColor("#1b7a4a")
GREY = colors.HexColor("#b8c2cc")
HEADER_FILL = colors.HexColor("#e8eef3")
FRAME_WIDTH = A4[0] - 36 * mm
# The name, then eligible, signed and not signed (wide enough for "menandatangani"), then %.
COMPLETION_WIDTHS = [FRAME_WIDTH - 98 * mm, 28 * mm, 28 * mm, 28 * mm, 14 * mm]
HEADER_LEFT = ParagraphStyle("header", fontName="Helvetica-Bold", fontSize=8, leading=9.5)
HEADER_RIGHT = ParagraphStyle("header_right", parent=HEADER_LEFT, alignment=TA_RIGHT)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["Normal"], fontSize=9, leading=11.5)
    return {
        "title": ParagraphStyle(
            "title", parent=base["Title"], fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontSize=11, leading=14, alignment=TA_CENTER
        ),
        "heading": ParagraphStyle(
            "heading", parent=base["Heading2"], fontSize=11, leading=14, spaceBefore=10
        ),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
    }


def _number(value: float, decimals: int = 0) -> str:
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def _table(
    rows: list[list[Any]], widths: list[float], *, numeric_from: int = 1, repeat: bool = True
) -> Table:
    # Header cells wrap, as the Indonesian column names are long.
    header = [
        Paragraph(escape(str(title)), HEADER_RIGHT if index >= numeric_from else HEADER_LEFT)
        for index, title in enumerate(rows[0])
    ]
    table = Table(
        [header, *rows[1:]], colWidths=widths, repeatRows=1 if repeat else 0, hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                *_body_style(numeric_from=numeric_from),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ]
        )
    )
    return table


def _body_style(*, numeric_from: int) -> list[tuple[Any, ...]]:
    return [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("GRID", (0, 0), (-1, -1), 0.25, GREY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]


# The last rows of a table travel with what closes it, so the signature never stands alone.
CLOSING_ROWS = 3


def _table_closed_by(
    rows: list[list[Any]], widths: list[float], closing: list[Flowable]
) -> list[Flowable]:
    """The table, then `closing` kept on one page with the table's last rows."""
    if len(rows) <= CLOSING_ROWS + 1:
        return [KeepTogether([_table(rows, widths), *closing])]
    body, tail = rows[:-CLOSING_ROWS], rows[-CLOSING_ROWS:]
    # The tail continues the body's grid without a header of its own.
    tail_table = Table(tail, colWidths=widths, hAlign="LEFT")
    tail_table.setStyle(TableStyle(_body_style(numeric_from=1)))
    return [_table(body, widths), KeepTogether([tail_table, *closing])]


def _completion_columns(completion: Completion) -> list[str]:
    return [
        _number(completion.eligible),
        _number(completion.signed),
        _number(completion.unsigned),
        percent_text(completion.percent_shown),
    ]


def _completion_header(first: str) -> list[str]:
    return [first, _("Eligible"), _("Signed"), _("Not signed"), _("%")]


def _bars_by_unit(rows: list[tuple[str, Completion]]) -> Drawing:
    """Horizontal bars: the percentage signed of each OPD."""
    bar = min(14.0, 620.0 / max(len(rows), 1))
    label_size = min(7.0, bar * 0.8)
    height = bar * len(rows) + 38
    drawing = Drawing(FRAME_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 170, 28
    chart.width, chart.height = FRAME_WIDTH - 190, bar * len(rows)
    # The chart draws its first category at the bottom; reversed, the list reads top-down.
    chart.data = [[float(c.percent_shown) for _name, c in reversed(rows)]]
    chart.categoryAxis.categoryNames = [_clip(name, 45) for name, _c in reversed(rows)]
    chart.categoryAxis.labels.fontSize = label_size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = GREEN
    chart.bars.strokeColor = None
    drawing.add(chart)
    caption = String(chart.x + chart.width / 2, 2, _("% signed"), fontSize=7, textAnchor="middle")
    drawing.add(caption)
    return drawing


def _bars_by_kind(rows: list[tuple[str, Completion]]) -> Drawing:
    """Grouped bars: eligible and signed employees of each kind."""
    drawing = Drawing(FRAME_WIDTH, 150)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 35, 30, 90 * mm, 105
    chart.data = [[c.eligible for _n, c in rows], [c.signed for _n, c in rows]]
    chart.categoryAxis.categoryNames = [name for name, _c in rows]
    chart.categoryAxis.labels.fontSize = 6.5
    _value_axis_floor(chart)
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor, chart.bars[1].fillColor = GREY, GREEN
    chart.bars.strokeColor = None
    drawing.add(chart)
    drawing.add(String(30, 4, _("Grey: eligible; green: signed"), fontSize=7))
    return drawing


def _bars_over_time(points: list[tuple[str, int]]) -> Drawing:
    drawing = Drawing(FRAME_WIDTH, 160)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 35, 35, FRAME_WIDTH - 45, 115
    chart.data = [[count for _label, count in points] or [0]]
    step = max(1, len(points) // 12)  # at most a dozen labels under the axis
    chart.categoryAxis.categoryNames = [
        label if index % step == 0 else "" for index, (label, _count) in enumerate(points)
    ] or [""]
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    _value_axis_floor(chart)
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = GREEN
    chart.bars.strokeColor = None
    drawing.add(chart)
    return drawing


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _bucket_label(bucket: datetime.datetime | datetime.date, *, hourly: bool) -> str:
    if isinstance(bucket, datetime.datetime):
        local = timezone.localtime(bucket, JAKARTA) if timezone.is_aware(bucket) else bucket
        return formats.date_format(local, "j M H:i" if hourly else "j M Y")
    return formats.date_format(bucket, "j M Y")


def report_title() -> str:
    return _("Recapitulation Report on the Signing of the ASN Neutrality Integrity Pact")


def _value_axis_floor(chart: VerticalBarChart) -> None:
    # An axis from 0 to 0 cannot be drawn: an empty chart still gets a scale.
    chart.valueAxis.valueMin = 0
    if not any(value for series in chart.data for value in series):
        chart.valueAxis.valueMax = 1


def recap_pdf(
    *, viewer: Membership, campaign: Campaign, now: datetime.datetime, progress: Progress
) -> bytes:
    """The recap for the head of the personnel agency: the numbers, three charts with their
    tables, every unit, and a signature block to sign by hand."""
    styles = _styles()
    title = report_title()
    dashboard = campaign_dashboard(viewer=viewer, campaign=campaign)
    totals = unit_totals(viewer=viewer, campaign=campaign)
    progress(30)
    agency = campaign.agency
    today = formats.date_format(now.date(), "j F Y")

    story: list[Flowable] = [
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(agency.name), styles["subtitle"]),
        Spacer(1, 4 * mm),
    ]
    facts = [
        (_("Campaign"), campaign.title),
        (_("Election"), campaign.election.name),
        (_("Scope"), _scope_label(viewer)),
        (
            _("Signing period"),
            f"{formats.date_format(timezone.localtime(campaign.opens_at, JAKARTA), 'j F Y')}"
            f" - {formats.date_format(timezone.localtime(campaign.closes_at, JAKARTA), 'j F Y')}",
        ),
        (_("Report date"), f"{today}, " + _("at %(time)s") % {"time": f"{now:%H.%M}"} + " WIB"),
    ]
    fact_table = Table(
        [[label, Paragraph(escape(value), styles["body"])] for label, value in facts],
        colWidths=[40 * mm, FRAME_WIDTH - 40 * mm],
        hAlign="LEFT",
    )
    fact_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    story.append(fact_table)

    total = dashboard.total
    modes = dict(Attendance.Mode.choices)
    summary = [
        [_("Summary"), _("Employees")],
        [_("Eligible to sign"), _number(total.eligible)],
        [_("Signed"), _number(total.signed)],
        [_("Signed electronically"), _number(total.electronic)],
        [_("Signed on paper"), _number(total.paper)],
        [_("Not signed yet"), _number(total.unsigned)],
        [_("Completion (%)"), percent_text(total.percent_shown)],
        *[
            [_("Attendance: %(mode)s") % {"mode": modes.get(mode, mode)}, _number(count)]
            for mode, count in dashboard.attendance.items()
        ],
    ]
    story += [
        Paragraph(escape(_("Summary")), styles["heading"]),
        _table(summary, [80 * mm, 30 * mm], repeat=False),
    ]

    opd_rows = [
        (
            _("%(unit)s (own employees)") % {"unit": row.unit.name}
            if row.own_only
            else row.unit.name,
            row.completion,
        )
        for row in dashboard.units
    ]
    if opd_rows:
        # A coordinator's rows are the sub-units of the coordinator's unit, not OPDs.
        limited = viewer.unit is not None
        opd_table = [_completion_header(_("Unit") if limited else _("OPD"))] + [
            [Paragraph(escape(name), styles["cell"]), *_completion_columns(c)]
            for name, c in opd_rows
        ]
        heading = _("Completion per sub-unit") if limited else _("Completion per OPD")
        story += [
            KeepTogether([Paragraph(escape(heading), styles["heading"]), _bars_by_unit(opd_rows)]),
            Spacer(1, 3 * mm),
            _table(opd_table, COMPLETION_WIDTHS),
        ]

    kinds = dict(Employee.Kind.choices)
    kind_rows = [(str(kinds.get(kind, kind)), c) for kind, c in dashboard.by_kind.items()]
    # The chart names the kinds by their short codes; the table under it in full.
    short_kinds = [(kind.replace("NON_ASN", "Non-ASN"), c) for kind, c in dashboard.by_kind.items()]
    kind_table = [_completion_header(_("Kind"))] + [
        [Paragraph(escape(name), styles["cell"]), *_completion_columns(c)] for name, c in kind_rows
    ]
    positions = dict(Employee.PositionType.choices)
    position_table = [_completion_header(_("Position type"))] + [
        [str(positions.get(kind, kind)), *_completion_columns(c)]
        for kind, c in dashboard.by_position.items()
    ]
    story += [
        KeepTogether(
            [
                Paragraph(escape(_("Completion by kind of employee")), styles["heading"]),
                _bars_by_kind(short_kinds),
                _table(kind_table, COMPLETION_WIDTHS),
            ]
        ),
        KeepTogether(
            [
                Paragraph(escape(_("Completion by position type")), styles["heading"]),
                _table(position_table, COMPLETION_WIDTHS),
            ]
        ),
    ]

    points = [
        (_bucket_label(bucket, hourly=dashboard.hourly), count)
        for bucket, count in dashboard.timeline
    ]
    running = 0
    time_table: list[list[Any]] = [
        [_("Time") if dashboard.hourly else _("Date"), _("Signatures"), _("Cumulative")]
    ]
    for label, count in points:
        running += count
        time_table.append([label, _number(count), _number(running)])
    story += [
        KeepTogether(
            [
                Paragraph(escape(_("Signatures over time")), styles["heading"]),
                _bars_over_time(points),
            ]
        ),
        _table(time_table, [50 * mm, 30 * mm, 30 * mm]),
    ]
    progress(60)

    base_depth = totals[0].unit.depth if totals else 0
    unit_table: list[list[Any]] = [_completion_header(_("Unit"))]
    for row in totals:
        indent = 8 * (row.unit.depth - base_depth)
        style = ParagraphStyle("indented", parent=styles["cell"], leftIndent=indent)
        unit_table.append(
            [Paragraph(escape(row.unit.name), style), *_completion_columns(row.completion)]
        )
    story += [
        Paragraph(escape(_("Completion per unit")), styles["heading"]),
        *_table_closed_by(
            unit_table,
            COMPLETION_WIDTHS,
            [Spacer(1, 10 * mm), _signature_block(agency.personnel_office_name, today, styles)],
        ),
    ]
    progress(80)

    buffer = io.BytesIO()
    footer = f"{agency.name} · {title}"

    def decorate(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, _clip(footer, 110))
        canvas.drawRightString(
            A4[0] - 18 * mm, 10 * mm, _("Page %(number)s") % {"number": document.page}
        )
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=agency.name,
        lang=translation.get_language() or settings.LANGUAGE_CODE,
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _signature_block(office: str, today: str, styles: dict[str, ParagraphStyle]) -> Flowable:
    lines = [
        [f"……………………, {today}"],
        [Paragraph(escape(_("Head of %(office)s") % {"office": office}), styles["body"])],
        [""],
        ["_" * 38],
        [_("NIP") + ". " + "_" * 32],
    ]
    block = Table(lines, colWidths=[75 * mm], rowHeights=[None, None, 22 * mm, None, None])
    block.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    outer = Table([["", block]], colWidths=[FRAME_WIDTH - 75 * mm, 75 * mm], hAlign="LEFT")
    return KeepTogether([outer])


# Rollup export


def _province_names() -> dict[str, str]:
    return dict(Region.objects.filter(kind=Region.Kind.PROVINCE).values_list("code", "name"))


def rollup_rows(rows: list[RollupRow]) -> list[list[Any]]:
    """The rollup as plain rows: province, agency code and name, the numbers, refreshed at."""
    provinces = _province_names()
    table: list[list[Any]] = []
    for row in rows:
        region = row.agency.region
        province_code = (region.parent_id or region.code) if region else ""
        table.append(
            [
                provinces.get(province_code, ""),
                row.agency.code,
                row.agency.name,
                row.completion.eligible,
                row.completion.signed,
                _percent(row.completion),
                row.completion.paper,
                _jakarta(row.refreshed_at) if row.refreshed_at else None,
            ]
        )
    return table


def rollup_header() -> list[str]:
    return [
        _("Province"),
        _("Agency code"),
        _("Agency"),
        _("Eligible"),
        _("Signed"),
        _("%"),
        _("Paper"),
        _("Refreshed at (WIB)"),
    ]


def rollup_csv(rows: list[RollupRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(rollup_header())
    for values in rollup_rows(rows):
        refreshed = values[-1]
        writer.writerow(csv_row([*values[:-1], f"{refreshed:%Y-%m-%d %H:%M}" if refreshed else ""]))
    # The byte order mark makes Excel read the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def rollup_xlsx(rows: list[RollupRow]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook, "Rekap", [28, 14, 44, 12, 12, 8, 12, 20])
    sheet.append(_bold_row(sheet, rollup_header()))
    for values in rollup_rows(rows):
        sheet.append(xlsx_row(sheet, values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
