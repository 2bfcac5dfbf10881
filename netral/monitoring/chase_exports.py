"""Downloads for chasing non-signers, built as background jobs: the non-signers with a WhatsApp
link each, as one XLSX with a sheet per unit, and their QR slips as a ZIP with a PDF per unit.

The groups are the rows of the dashboard's unit table (the OPD for an admin, the sub-units for a
coordinator or a chosen unit), so a download lists what the page counts; a group without anyone
left to sign is left out, and nothing is started when no one is left at all."""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.agencies.models import Employee, Unit
from netral.base.jobs import JobFailed, Progress, job_kind, job_result_save, job_start
from netral.base.models import Job
from netral.base.sheets import xlsx_row
from netral.monitoring import chase
from netral.monitoring.selectors import campaign_dashboard, unsigned_employees
from netral.pacts.models import Campaign
from netral.pacts.slips import Slip, slips_pdf

UNSIGNED_JOB = "monitoring.unsigned_export"
SLIPS_JOB = "monitoring.slips_export"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class ExportError(Exception):
    """The download cannot be made; the message is for the user."""


@dataclass(frozen=True)
class Group:
    unit: Unit
    own_only: bool  # the unit's own employees, without its sub-units'
    unsigned: int

    @property
    def label(self) -> str:
        return self.unit.name


def export_groups(*, viewer: Membership, campaign: Campaign, unit: Unit | None) -> list[Group]:
    """The rows of the dashboard's unit table (within the unit, if given) with someone left to
    sign, in the table's order."""
    board = campaign_dashboard(viewer=viewer, campaign=campaign, unit=unit, timeline=False)
    return [
        Group(unit=row.unit, own_only=row.own_only, unsigned=row.completion.unsigned)
        for row in board.units
        if row.completion.unsigned
    ]


def _group_employees(viewer: Membership, campaign: Campaign, group: Group) -> QuerySet[Employee]:
    employees = unsigned_employees(viewer=viewer, campaign=campaign, unit=group.unit)
    return employees.filter(unit=group.unit) if group.own_only else employees


def export_start(
    *, actor: Actor, viewer: Membership, campaign: Campaign, unit: Unit | None, kind: str
) -> Job:
    """Queue the non-signers' XLSX (kind "xlsx") or QR slips (kind "slips") of the viewer's
    scope, or of one unit of it; refused when no one there is left to sign."""
    if campaign.status != Campaign.Status.OPEN:
        raise ExportError(_("Links can be exported once the campaign is open."))
    groups = export_groups(viewer=viewer, campaign=campaign, unit=unit)
    if not groups:
        raise ExportError(_("Everyone here has signed: there is nothing to download."))
    scope = unit.name if unit else (viewer.unit.name if viewer.unit else _("all units"))
    title = (
        _("Non-signers of %(scope)s (XLSX)") if kind == "xlsx" else _("QR slips of %(scope)s (ZIP)")
    ) % {"scope": scope}
    return job_start(
        kind=UNSIGNED_JOB if kind == "xlsx" else SLIPS_JOB,
        title=title,
        actor=actor,
        agency=campaign.agency,
        params={"campaign": campaign.code, "unit": unit.code if unit else ""},
    )


def _job_scope(job: Job) -> tuple[Membership, Campaign, Unit | None]:
    viewer = Membership.objects.select_related("agency", "unit").get(
        user=job.created_by_id, agency=job.agency_id
    )
    campaign = Campaign.objects.select_related("agency").get(
        code=job.params["campaign"], agency=job.agency_id
    )
    code = job.params.get("unit", "")
    return viewer, campaign, agency_selectors.unit_get(viewer=viewer, code=code) if code else None


def _sheet_name(label: str, taken: set[str]) -> str:
    base = SHEET_NAME_FORBIDDEN.sub(" ", label).strip()[:31] or "Unit"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _file_stem(campaign: Campaign, unit: Unit | None) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{slugify(unit.name) if unit else 'semua-unit'}-{campaign.code}-{stamp}"


@job_kind(UNSIGNED_JOB)
def unsigned_xlsx_build(job: Job, progress: Progress) -> None:
    viewer, campaign, unit = _job_scope(job)
    groups = export_groups(viewer=viewer, campaign=campaign, unit=unit)
    if not groups:
        raise JobFailed(_("Everyone here has signed: there is nothing to download."))
    total = sum(group.unsigned for group in groups) or 1
    done = 0
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for group in groups:
        sheet = workbook.create_sheet(_sheet_name(group.label, taken))
        sheet.append(
            ["Nama", "NIP/NIK", "Jabatan", "Unit Kerja", "No HP", "WhatsApp", "Tautan Pribadi"]
        )
        employees = list(_group_employees(viewer, campaign, group))
        for card in chase.chase_cards(campaign, employees, base_url=settings.NETRAL_PUBLIC_URL):
            employee = card.employee
            sheet.append(
                xlsx_row(
                    sheet,
                    [
                        employee.name,
                        employee.nip or employee.nik or "",
                        employee.position,
                        employee.unit.name,
                        card.number or employee.phone,
                        card.whatsapp_url,
                        card.link,
                    ],
                )
            )
        done += len(employees)
        progress(95 * done // total)
    with tempfile.TemporaryFile() as built:
        workbook.save(built)
        built.seek(0)
        job_result_save(
            job,
            content=built,
            file_name=f"belum-tanda-tangan-{_file_stem(campaign, unit)}.xlsx",
            content_type=XLSX_TYPE,
        )


@job_kind(SLIPS_JOB)
def slips_zip_build(job: Job, progress: Progress) -> None:
    viewer, campaign, unit = _job_scope(job)
    groups = export_groups(viewer=viewer, campaign=campaign, unit=unit)
    if not groups:
        raise JobFailed(_("Everyone here has signed: there is nothing to download."))
    total = sum(group.unsigned for group in groups) or 1
    done = 0
    taken: set[str] = set()
    with tempfile.TemporaryFile() as built:
        with zipfile.ZipFile(built, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for group in groups:
                employees = list(_group_employees(viewer, campaign, group))
                cards = chase.chase_cards(campaign, employees, base_url=settings.NETRAL_PUBLIC_URL)
                slips = [
                    Slip(
                        name=card.employee.name,
                        identifier=card.employee.nip or card.employee.nik or "",
                        unit=card.employee.unit.name,
                        url=card.link,
                    )
                    for card in cards
                    if card.link
                ]
                if slips:
                    name = _sheet_name(slugify(group.label) or "unit", taken)
                    archive.writestr(f"{name}.pdf", slips_pdf(title=campaign.title, slips=slips))
                done += len(employees)
                progress(95 * done // total)
        built.seek(0)
        job_result_save(
            job,
            content=built,
            file_name=f"slip-qr-{_file_stem(campaign, unit)}.zip",
            content_type="application/zip",
        )
