"""Writes of the end of a case: the examining team's record, the outcome, and the sanction with
its decree; and the rows of the national discipline register.

A proven case is closed first (`outcome_record`) and sanctioned after (`sanction_record`), but
the decision page does both in one transaction (`decision_record`) when the decree is at hand:
the decision maker may also close a case as proven while the decree is still being drafted, and
add the sanction later. Proven cases without a sanction are what the statistics call "not
followed up"."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import TypedDict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from netral.accounts.access import HANDLING_ROLES
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.base.audit import audit_log
from netral.cases import selectors, services
from netral.cases.evidence import evidence_add, evidence_prepare
from netral.cases.models import Case, Evidence, Examination, Sanction, SanctionType

# The examining team of PP 94/2021 for moderate and severe cases.
EXAMINER_ROLES: dict[str, str | Promise] = {
    "atasan": gettext_lazy("Direct superior (atasan langsung)"),
    "inspektorat": gettext_lazy("Inspectorate (Inspektorat)"),
    "kepegawaian": gettext_lazy("Personnel agency (unsur kepegawaian)"),
}
# The outcomes a decision maker records here; joining duplicates belongs to the handling pages.
DECISION_OUTCOMES = [
    Case.Outcome.NOT_PROVEN,
    Case.Outcome.PROVEN,
    Case.Outcome.REJECTED,
    Case.Outcome.CANCELLED,
    Case.Outcome.LEFT_SERVICE,
]
DISCIPLINE_KINDS = {
    SanctionType.Kind.LIGHT,
    SanctionType.Kind.MODERATE,
    SanctionType.Kind.SEVERE,
    SanctionType.Kind.DISMISSAL,
}


class DecisionError(Exception):
    """The record is refused; the message is for the user."""


class TeamMember(TypedDict):
    name: str
    role: str


def can_edit_examination(*, viewer: Membership, case: Case) -> bool:
    if viewer.agency_id != case.agency_id or case.status != Case.Status.OPEN:
        return False
    if viewer.role == Membership.Role.DECISION_MAKER:
        return True
    return viewer.role == Membership.Role.SUPERVISOR and selectors.is_assigned(
        viewer=viewer, case=case
    )


def can_decide(*, viewer: Membership, case: Case) -> bool:
    return viewer.agency_id == case.agency_id and viewer.role == Membership.Role.DECISION_MAKER


def can_export_sanctions(viewer: Membership) -> bool:
    return viewer.role in HANDLING_ROLES


def examination_save(
    *,
    actor: Actor,
    viewer: Membership,
    case: Case,
    team: list[TeamMember],
    started_on: datetime.date | None,
    finished_on: datetime.date | None,
    findings: str,
    report_name: str = "",
    report_data: bytes | None = None,
) -> Examination:
    """Create or replace the examination record; a new report file replaces the old link (the
    old file stays in the case's evidence)."""
    if not can_edit_examination(viewer=viewer, case=case):
        raise PermissionDenied
    members: list[TeamMember] = []
    for member in team:
        name = " ".join(member["name"].split())
        if not name:
            continue
        if member["role"] not in EXAMINER_ROLES:
            raise DecisionError(_("Choose the role of every member of the team."))
        members.append({"name": name, "role": member["role"]})
    if started_on and finished_on and finished_on < started_on:
        raise DecisionError(_("The examination cannot finish before it started."))
    if finished_on and not started_on:
        raise DecisionError(_("Give the date the examination started."))
    today = timezone.localdate()
    if (started_on and started_on > today) or (finished_on and finished_on > today):
        raise DecisionError(_("The examination dates cannot be in the future."))
    report = (
        evidence_prepare(file_name=report_name, data=report_data)
        if report_data is not None
        else None
    )
    with transaction.atomic():
        examination = Examination.objects.filter(case=case).first() or Examination(case=case)
        examination.team = list(members)
        examination.started_on = started_on
        examination.finished_on = finished_on
        examination.findings = findings.strip()
        if report is not None:
            examination.report = evidence_add(
                actor=actor, case=case, file=report, origin=Evidence.Origin.EXAMINATION
            )
        examination.full_clean(exclude=["team"])  # an empty team is a draft, not an error
        examination.save()
        audit_log(
            actor=actor,
            action="cases.examination.saved",
            target=case,
            agency=case.agency,
            data={
                "team": [member["role"] for member in members],
                "started_on": started_on.isoformat() if started_on else None,
                "finished_on": finished_on.isoformat() if finished_on else None,
                "report": examination.report.code if examination.report else None,
            },
        )
    return examination


def outcome_record(
    *,
    actor: Actor,
    viewer: Membership,
    case: Case,
    outcome: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Close the case with the decision maker's outcome (audited by `case_close`)."""
    if not can_decide(viewer=viewer, case=case):
        raise PermissionDenied
    outcome_check(outcome=outcome, reason=reason)
    try:
        return services.case_close(
            actor=actor, case=case, outcome=outcome, reason=reason.strip(), now=now
        )
    except services.CaseStateError as error:
        raise DecisionError(_("The case is closed already.")) from error


def allowed_sanction_types(case: Case) -> QuerySet[SanctionType]:
    """The active sanctions the case's track allows: moral ones for an ethics case (before the
    candidates were determined), discipline ones for a discipline case, all when not known."""
    types = SanctionType.objects.filter(is_active=True)
    if case.track == "ethics":
        types = types.filter(kind=SanctionType.Kind.MORAL)
    elif case.track == "discipline":
        types = types.filter(kind__in=DISCIPLINE_KINDS)
    return types.order_by("regulation", "order")


def suggested_sanction_kind(case: Case) -> str:
    """Party membership (the act's discipline level "ptdh") points to dismissal."""
    if case.violation_type.discipline_level == "ptdh" and case.track != "ethics":
        return SanctionType.Kind.DISMISSAL
    return ""


# The catalogue's discipline level of an act, as the kind of sanction it calls for.
LEVEL_KINDS: dict[str, str] = {
    "sedang": SanctionType.Kind.MODERATE,
    "berat": SanctionType.Kind.SEVERE,
    "ptdh": SanctionType.Kind.DISMISSAL,
}


def expected_sanction_kind(case: Case) -> str:
    """The kind of discipline sanction the catalogue gives the act; "" when it gives none (the
    task force decides, no discipline track) or the case is on the ethics track."""
    if case.track == "ethics":
        return ""
    return LEVEL_KINDS.get(case.violation_type.discipline_level, "")


def sanction_departs(case: Case, sanction_type: SanctionType) -> bool:
    """A discipline sanction of another level than the act's in the catalogue. A moral sanction
    on a case whose phase is unknown is left to the track rule."""
    expected = expected_sanction_kind(case)
    if not expected or sanction_type.kind == SanctionType.Kind.MORAL:
        return False
    return sanction_type.kind != expected


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def sanction_end(starts_on: datetime.date, months: int) -> datetime.date:
    """The last day of a sanction of `months` months: 1 January + 6 months ends on 30 June."""
    end = add_months(starts_on, months)
    if end.day != starts_on.day:  # 31 August + 6 months: February is shorter, it ends on the 28th
        return end
    return end - datetime.timedelta(days=1)


def outcome_check(*, outcome: str, reason: str) -> None:
    if outcome not in DECISION_OUTCOMES:
        raise DecisionError(_("Choose an outcome."))
    if outcome == Case.Outcome.REJECTED and not reason.strip():
        raise DecisionError(_("Give the reason the report is rejected."))


def sanction_check(
    *,
    case: Case,
    sanction_type: SanctionType,
    decree_number: str,
    decree_date: datetime.date,
    starts_on: datetime.date | None,
    departure_reason: str = "",
) -> None:
    """The rules of a sanction, also run by the form before the confirmation page."""
    if not sanction_type.is_active:
        raise DecisionError(_("This sanction belongs to a regulation no longer in force."))
    if not allowed_sanction_types(case).filter(pk=sanction_type.pk).exists():
        if case.track == "ethics":
            raise DecisionError(
                _("An ethics case (before the candidates were set) takes a moral sanction.")
            )
        raise DecisionError(
            _("A discipline case (after the candidates were set) takes a discipline sanction.")
        )
    if sanction_departs(case, sanction_type) and not departure_reason.strip():
        raise DecisionError(
            _(
                "The catalogue gives this act a sanction of the level “%(level)s”. Choose a "
                "sanction of that level, or give the reason to depart from it."
            )
            % {"level": SanctionType.Kind(expected_sanction_kind(case)).label}
        )
    if not decree_number.strip():
        raise DecisionError(_("Give the decree number."))
    if decree_date > timezone.localdate():
        raise DecisionError(_("The decree date cannot be in the future."))
    if starts_on and starts_on < decree_date:
        raise DecisionError(_("The sanction cannot start before the decree date."))


def sanction_record(
    *,
    actor: Actor,
    viewer: Membership,
    case: Case,
    sanction_type: SanctionType,
    decree_number: str,
    decree_date: datetime.date,
    starts_on: datetime.date | None = None,
    departure_reason: str = "",
) -> Sanction:
    """Record the decision maker's sanction of a case closed as proven."""
    if not can_decide(viewer=viewer, case=case):
        raise PermissionDenied
    case.refresh_from_db(fields=["status", "outcome", "phase"])
    if case.status != Case.Status.CLOSED or case.outcome != Case.Outcome.PROVEN:
        raise DecisionError(_("Only a case closed as proven can be sanctioned."))
    sanction_check(
        case=case,
        sanction_type=sanction_type,
        decree_number=decree_number,
        decree_date=decree_date,
        starts_on=starts_on,
        departure_reason=departure_reason,
    )
    decree_number = decree_number.strip()
    # A reason given where none is needed is not kept: the register shows real departures only.
    departure_reason = departure_reason.strip() if sanction_departs(case, sanction_type) else ""
    ends_on = None
    if starts_on and sanction_type.duration_months:
        ends_on = sanction_end(starts_on, sanction_type.duration_months)
    with transaction.atomic():
        sanction = Sanction(
            case=case,
            sanction_type=sanction_type,
            decree_number=decree_number,
            decree_date=decree_date,
            starts_on=starts_on,
            ends_on=ends_on,
            decided_by=actor.user,
            departure_reason=departure_reason,
        )
        sanction.full_clean(exclude=["decided_by"])  # None when a command records it
        sanction.save()
        audit_log(
            actor=actor,
            action="cases.sanction.recorded",
            target=case,
            agency=case.agency,
            data={
                "sanction": sanction.code,
                "type": sanction_type.code,
                "type_name": sanction_type.name,
                "decree_number": decree_number,
                "decree_date": decree_date.isoformat(),
                "starts_on": starts_on.isoformat() if starts_on else None,
                "ends_on": ends_on.isoformat() if ends_on else None,
                "departure_reason": departure_reason,
            },
        )
    return sanction


def decision_record(
    *,
    actor: Actor,
    viewer: Membership,
    case: Case,
    outcome: str,
    reason: str = "",
    sanction_type: SanctionType | None = None,
    decree_number: str = "",
    decree_date: datetime.date | None = None,
    starts_on: datetime.date | None = None,
    departure_reason: str = "",
) -> Case:
    """The decision page in one step: the outcome and, for a proven case with its decree, the
    sanction. Either both are recorded or neither."""
    with transaction.atomic():
        closed = outcome_record(
            actor=actor, viewer=viewer, case=case, outcome=outcome, reason=reason
        )
        if outcome == Case.Outcome.PROVEN and sanction_type is not None:
            if decree_date is None:
                raise DecisionError(_("Give the decree date."))
            sanction_record(
                actor=actor,
                viewer=viewer,
                case=closed,
                sanction_type=sanction_type,
                decree_number=decree_number,
                decree_date=decree_date,
                starts_on=starts_on,
                departure_reason=departure_reason,
            )
    return closed


# The register's fields, in its order; the headers are the register's own (Indonesian) names.
REGISTER_COLUMNS = [
    "Nama",
    "NIP",
    "Jabatan",
    "Unit kerja",
    "Instansi",
    "Jenis pelanggaran",
    "Jalur",
    "Peraturan",
    "Tingkat",
    "Jenis hukuman",
    "Nomor SK",
    "Tanggal SK",
    "Mulai",
    "Selesai",
    "Nomor kasus",
    "Alasan menyimpang dari katalog",
]
REGISTER_LEVELS: dict[str, str] = {
    SanctionType.Kind.MORAL: "Sanksi moral",
    SanctionType.Kind.LIGHT: "Ringan",
    SanctionType.Kind.MODERATE: "Sedang",
    SanctionType.Kind.SEVERE: "Berat",
    SanctionType.Kind.DISMISSAL: "PTDH",
}


@dataclass(frozen=True)
class RegisterRow:
    name: str
    nip: str
    position: str
    unit: str
    agency: str
    act: str
    track: str
    regulation: str
    level: str
    sanction: str
    decree_number: str
    decree_date: datetime.date
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    case_number: str
    departure_reason: str = ""

    def values(self) -> list[object]:
        return [
            self.name,
            self.nip,
            self.position,
            self.unit,
            self.agency,
            self.act,
            self.track,
            self.regulation,
            self.level,
            self.sanction,
            self.decree_number,
            self.decree_date,
            self.starts_on,
            self.ends_on,
            self.case_number,
            self.departure_reason,
        ]


def sanction_register_rows(*, viewer: Membership) -> list[RegisterRow]:
    """The viewer's agency's sanctions as the national discipline register lists them."""
    if not can_export_sanctions(viewer):
        return []
    sanctions = (
        Sanction.objects.filter(case__agency=viewer.agency)
        .select_related(
            "sanction_type",
            "case__violation_type",
            "case__agency",
            "case__employee__unit",
        )
        .order_by("decree_date", "created_at")
    )
    rows = []
    for sanction in sanctions:
        case, kind = sanction.case, sanction.sanction_type
        employee = case.employee
        rows.append(
            RegisterRow(
                name=employee.name if employee else case.reported_name,
                nip=(employee.nip or "") if employee else case.reported_nip,
                position=employee.position if employee else case.reported_position,
                unit=employee.unit.name if employee else case.reported_unit,
                agency=case.agency.name if employee else (case.reported_agency or case.agency.name),
                act=f"{case.violation_type.number}. {case.violation_type.name}",
                track="Kode etik" if kind.kind == SanctionType.Kind.MORAL else "Disiplin",
                regulation=kind.regulation,
                level=REGISTER_LEVELS.get(kind.kind, kind.kind),
                sanction=kind.name,
                decree_number=sanction.decree_number,
                decree_date=sanction.decree_date,
                starts_on=sanction.starts_on,
                ends_on=sanction.ends_on,
                case_number=case.number,
                departure_reason=sanction.departure_reason,
            )
        )
    return rows
