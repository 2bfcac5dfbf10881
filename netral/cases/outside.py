"""What passes between a case and bodies outside the agency: the recommendation a stage needs
(Bawaslu's study), a case passed to another agency of the instance, and a case referred outward
with its evidence package (see cases.package)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from netral.accounts.access import can_manage_cases
from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies.models import Agency
from netral.base.audit import audit_log
from netral.cases import notifications, services
from netral.cases.evidence import evidence_add, evidence_prepare
from netral.cases.models import (
    Case,
    CaseAssignment,
    CaseTransfer,
    Evidence,
    OutwardReferral,
    ProcedureStage,
    StageRecommendation,
)


class OutsideError(Exception):
    """The record is refused; the message is for the user."""


def can_act_outside(*, viewer: Membership, case: Case) -> bool:
    """Recording letters and passing a case on: the agency's supervisors, on an open case."""
    return (
        viewer.agency_id == case.agency_id
        and can_manage_cases(viewer)
        and case.status == Case.Status.OPEN
    )


def _check_letter(number: str, date: datetime.date | None) -> None:
    if not number.strip():
        raise OutsideError(_("Give the letter's number."))
    if date is None:
        raise OutsideError(_("Give the letter's date."))
    if date > timezone.localdate():
        raise OutsideError(_("The letter's date cannot be in the future."))


# The recommendation a stage needs


def stages_needing_recommendation(case: Case) -> list[ProcedureStage]:
    if case.election_id is None:
        return []
    assert case.election is not None
    return list(
        services.procedure_for(case.election)
        .stages.exclude(recommendation_from="")
        .order_by("order")
    )


def recommendation_record(
    *,
    actor: Actor,
    viewer: Membership,
    case: Case,
    stage: ProcedureStage,
    letter_number: str,
    letter_date: datetime.date | None,
    file_name: str,
    data: bytes,
) -> StageRecommendation:
    """The outside body's letter for a stage, its file kept as evidence; all or nothing."""
    if not can_act_outside(viewer=viewer, case=case):
        raise PermissionDenied
    if not stage.recommendation_from or stage.procedure.election_id != case.election_id:
        raise OutsideError(_("This stage needs no outside recommendation."))
    _check_letter(letter_number, letter_date)
    assert letter_date is not None
    if not data:
        raise OutsideError(_("Attach the letter."))
    file = evidence_prepare(file_name=file_name, data=data)
    with transaction.atomic():
        letter = evidence_add(actor=actor, case=case, file=file, origin=Evidence.Origin.HANDLER)
        recommendation = StageRecommendation.objects.create(
            case=case,
            stage=stage,
            letter_number=letter_number.strip(),
            letter_date=letter_date,
            letter=letter,
            recorded_by=actor.user,
        )
        audit_log(
            actor=actor,
            action="cases.recommendation.recorded",
            target=case,
            agency=case.agency,
            data={
                "stage": stage.key,
                "body": stage.recommendation_from,
                "letter_number": recommendation.letter_number,
                "letter_date": letter_date.isoformat(),
                "file": letter.code,
            },
        )
    return recommendation


# Passing a case to another agency of the instance


def transfer_targets(*, case: Case) -> list[Agency]:
    """Every other agency of the instance that has a supervisor to receive the case."""
    return list(
        Agency.objects.exclude(pk=case.agency_id)
        .filter(memberships__role=Membership.Role.SUPERVISOR, memberships__user__is_active=True)
        .distinct()
        .order_by("name")
    )


def _snapshot(case: Case) -> dict[str, Any]:
    employee = case.employee
    return {
        "number": case.number,
        "received": case.created_at.isoformat(),
        "source": case.get_source_display(),
        "act": f"{case.violation_type.number}. {case.violation_type.name}",
        "reported_name": employee.name if employee else case.reported_name,
        "reported_nip": (employee.nip or "") if employee else case.reported_nip,
        "stage": case.stage.name if case.stage else "",
        "stages": [
            {
                "stage": record.stage.name,
                "started_at": record.started_at.isoformat(),
                "ended_at": record.ended_at.isoformat() if record.ended_at else None,
            }
            for record in case.stage_records.select_related("stage")
        ],
        "evidence": case.evidence.count(),
        "messages": case.messages.count(),
    }


def case_transfer(
    *, actor: Actor, viewer: Membership, case: Case, to_agency: Agency, reason: str
) -> CaseTransfer:
    """Pass the case, with its history, evidence and messages, to another agency: it takes the
    receiving agency's next number, loses its handlers (they cannot follow it) and, when the
    linked employee is not on the receiving roster, keeps the person as described so the
    receiving agency links them in its own. The receiving supervisors are told."""
    if not can_act_outside(viewer=viewer, case=case):
        raise PermissionDenied
    if to_agency.pk == case.agency_id:
        raise OutsideError(_("Choose another agency."))
    if to_agency not in transfer_targets(case=case):
        raise OutsideError(_("That agency has no supervisor to receive the case."))
    if not reason.strip():
        raise OutsideError(_("Give the reason the case is passed on."))
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("violation_type", "stage", "employee", "employee__unit", "agency")
            .get(pk=case.pk)
        )
        if locked.status != Case.Status.OPEN:
            raise OutsideError(_("The case is closed already."))
        sender = locked.agency
        snapshot = _snapshot(locked)
        employee = locked.employee
        if employee is not None and employee.agency_id != to_agency.pk:
            locked.reported_name = employee.name
            locked.reported_nip = employee.nip or locked.reported_nip
            locked.reported_position = employee.position
            locked.reported_unit = employee.unit.name
            locked.reported_agency = sender.name
            locked.employee = None
        from_number = locked.number
        locked.agency = to_agency
        locked.number = services.next_number(to_agency, timezone.localtime().year)
        locked.save()
        CaseAssignment.objects.filter(case=locked).delete()
        transfer = CaseTransfer.objects.create(
            case=locked,
            from_agency=sender,
            to_agency=to_agency,
            from_number=from_number,
            to_number=locked.number,
            reason=reason.strip(),
            snapshot=snapshot,
            transferred_by=actor.user,
        )
        for agency, side in ((sender, "out"), (to_agency, "in")):
            audit_log(
                actor=actor,
                action=f"cases.case.transferred_{side}",
                target=transfer,
                agency=agency,
                data={
                    "from": sender.code,
                    "to": to_agency.code,
                    "from_number": from_number,
                    "to_number": locked.number,
                },
            )
        notifications.handlers_notify(case=locked, event=notifications.Event.TRANSFERRED)
    return transfer


def transfers_out(*, viewer: Membership) -> list[CaseTransfer]:
    """The sending agency's read-only records of the cases it passed on."""
    if viewer.role not in {Membership.Role.SUPERVISOR, Membership.Role.DECISION_MAKER}:
        return []
    return list(CaseTransfer.objects.filter(from_agency=viewer.agency).select_related("to_agency"))


def transfer_get(*, viewer: Membership, code: str) -> CaseTransfer | None:
    for transfer in transfers_out(viewer=viewer):
        if transfer.code == code:
            return transfer
    return None


# Referring a case outward


def referral_out_create(
    *, actor: Actor, viewer: Membership, case: Case, body: str, reason: str
) -> OutwardReferral:
    """Record the referral; the package is built by a background job (cases.package)."""
    if viewer.agency_id != case.agency_id or not can_manage_cases(viewer):
        raise PermissionDenied
    if not body.strip():
        raise OutsideError(_("Name the body the case is referred to."))
    with transaction.atomic():
        referral = OutwardReferral.objects.create(
            case=case, body=body.strip(), reason=reason.strip(), created_by=actor.user
        )
        audit_log(
            actor=actor,
            action="cases.referral_out.created",
            target=case,
            agency=case.agency,
            data={"referral": referral.code, "body": referral.body},
        )
    return referral


def referral_out_answer(
    *,
    actor: Actor,
    viewer: Membership,
    referral: OutwardReferral,
    reference_number: str,
    answer: str,
    answered_on: datetime.date | None,
) -> OutwardReferral:
    """The outside body's reference number and, when it comes, its answer."""
    case = referral.case
    if viewer.agency_id != case.agency_id or not can_manage_cases(viewer):
        raise PermissionDenied
    if not reference_number.strip() and not answer.strip():
        raise OutsideError(_("Give the reference number or the answer."))
    if answered_on and answered_on > timezone.localdate():
        raise OutsideError(_("The answer's date cannot be in the future."))
    if answer.strip() and answered_on is None:
        raise OutsideError(_("Give the date of the answer."))
    with transaction.atomic():
        referral.reference_number = reference_number.strip()
        referral.answer = answer.strip()
        referral.answered_on = answered_on
        referral.save(update_fields=["reference_number", "answer", "answered_on"])
        audit_log(
            actor=actor,
            action="cases.referral_out.answered",
            target=case,
            agency=case.agency,
            data={
                "referral": referral.code,
                "reference_number": referral.reference_number,
                "answered_on": answered_on.isoformat() if answered_on else None,
            },
        )
    return referral
