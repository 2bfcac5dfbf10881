"""Writes of cases: intake from every source, the stages with their deadlines, closing."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from netral.accounts.actors import Actor
from netral.agencies.models import Agency
from netral.base.audit import audit_log
from netral.base.models import Election
from netral.cases import crypto, notifications
from netral.cases.catalogue import (
    DEFAULT_RECEIVING_BODY,
    DEFAULT_STAGES,
    RECOMMENDATION_STAGES,
)
from netral.cases.models import Case, CaseStageRecord, HandlingProcedure, ProcedureStage
from netral.cases.workdays import stage_due_at

RECEIPT_DIGITS = 16
# Reports from outside reach the supervisors by message; the cases they open themselves do not.
NOTIFIED_SOURCES = {Case.Source.PUBLIC, Case.Source.SCREENING}


class CaseStateError(Exception):
    """The case cannot make this move (closed already, or a stage of another procedure)."""


class RecommendationMissing(CaseStateError):
    """A stage the case would leave or pass over needs an outside body's recommendation."""

    def __init__(self, stage: ProcedureStage) -> None:
        super().__init__(f"the stage {stage.key} needs a recommendation")
        self.stage = stage


def recommendation_missing(case: Case, target: ProcedureStage) -> ProcedureStage | None:
    """The first stage from the current one up to (not including) `target` that needs an outside
    recommendation the case does not have; moving back never needs one."""
    if case.stage is None or target.order <= case.stage.order:
        return None
    needing = ProcedureStage.objects.filter(
        procedure_id=target.procedure_id,
        order__gte=case.stage.order,
        order__lt=target.order,
    ).exclude(recommendation_from="")
    recorded = set(case.recommendations.values_list("stage_id", flat=True))
    for stage in needing.order_by("order"):
        if stage.pk not in recorded:
            return stage
    return None


def procedure_for(election: Election) -> HandlingProcedure:
    """The election's handling procedure; the 2024-2026 BKN flow until someone changes it."""
    with transaction.atomic():
        procedure, created = HandlingProcedure.objects.get_or_create(
            election=election, defaults={"receiving_body": DEFAULT_RECEIVING_BODY}
        )
        if created:
            ProcedureStage.objects.bulk_create(
                ProcedureStage(
                    procedure=procedure,
                    order=order,
                    key=key,
                    name=name,
                    responsible=responsible,
                    days=days,
                    day_kind=kind,
                    recommendation_from=RECOMMENDATION_STAGES.get(key, ""),
                )
                for order, (key, name, responsible, days, kind) in enumerate(DEFAULT_STAGES, 1)
            )
    return procedure


def receipt_new() -> str:
    """Sixteen random digits (53 bits), shown once to the reporter."""
    return "".join(secrets.choice("0123456789") for _digit in range(RECEIPT_DIGITS))


def receipt_hash(receipt: str) -> str:
    """A slow, peppered hash: a stolen database does not give the codes back cheaply, and the
    same code always finds its case. About 50 ms, so guessing is slow as well as throttled."""
    digits = "".join(ch for ch in receipt if ch.isdigit())
    pepper = hmac.new(settings.SECRET_KEY.encode(), b"netral-receipt/v1", "sha256").digest()
    return hashlib.scrypt(digits.encode(), salt=pepper, n=2**14, r=8, p=1, dklen=32).hex()


def next_number(agency: Agency, year: int) -> str:
    prefix = f"NTR-{year}-"
    last = (
        Case.objects.filter(agency=agency, number__startswith=prefix)
        .aggregate(last=Max("number"))
        .get("last")
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


def _enter_stage(case: Case, stage: ProcedureStage, now: datetime.datetime) -> datetime.datetime:
    CaseStageRecord.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    due = stage_due_at(stage, now)
    case.stage, case.stage_due_at = stage, due
    CaseStageRecord.objects.create(case=case, stage=stage, started_at=now, due_at=due)
    return due


def case_create(
    *,
    actor: Actor,
    agency: Agency,
    source: str,
    election: Election | None,
    reporter_identity: str = "",
    receipt: str | None = None,
    now: datetime.datetime | None = None,
    **fields: Any,
) -> Case:
    """Open a case at the first stage of its election's procedure (or with no stage, when no
    election is given). The number is retried if two cases take it at once."""
    now = now or timezone.now()
    for attempt in range(5):
        try:
            with transaction.atomic():
                case = Case(
                    agency=agency,
                    source=source,
                    election=election,
                    number=next_number(agency, timezone.localtime(now).year),
                    receipt_hash=receipt_hash(receipt) if receipt else None,
                    is_anonymous=not reporter_identity,
                    created_by=actor.user,
                    created_at=now,
                    **fields,
                )
                case.save()
                if reporter_identity:
                    case.reporter_identity = crypto.seal_text(
                        reporter_identity, context=f"case/{case.code}/reporter"
                    )
                if election is not None:
                    first = procedure_for(election).stages.order_by("order").first()
                    if first is not None:
                        _enter_stage(case, first, now)
                case.save()
                audit_log(
                    actor=actor,
                    action="cases.case.created",
                    target=case,
                    agency=agency,
                    data={"source": source, "number": case.number},
                )
                if source in NOTIFIED_SOURCES:
                    notifications.handlers_notify(case=case, event=notifications.Event.NEW_REPORT)
                return case
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def case_move(
    *, actor: Actor, case: Case, stage: ProcedureStage, now: datetime.datetime | None = None
) -> Case:
    """Move an open case to another stage of its procedure (forward, or back for more work)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Case.Status.OPEN:
            raise CaseStateError("the case is closed")
        if locked.election_id is None or stage.procedure.election_id != locked.election_id:
            raise CaseStateError("the stage belongs to another procedure")
        missing = recommendation_missing(locked, stage)
        if missing is not None:
            raise RecommendationMissing(missing)
        previous = locked.stage.name if locked.stage else ""
        due = _enter_stage(locked, stage, now)
        locked.save(update_fields=["stage", "stage_due_at"])
        audit_log(
            actor=actor,
            action="cases.case.stage_changed",
            target=locked,
            agency=locked.agency,
            data={"from": previous, "to": stage.name, "due": due.isoformat()},
        )
        notifications.reporter_notify(case=locked)
    return locked


def case_close(
    *,
    actor: Actor,
    case: Case,
    outcome: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    now = now or timezone.now()
    if outcome not in Case.Outcome.values:
        raise CaseStateError("unknown outcome")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Case.Status.OPEN:
            raise CaseStateError("the case is closed already")
        CaseStageRecord.objects.filter(case=locked, ended_at__isnull=True).update(ended_at=now)
        locked.status = Case.Status.CLOSED
        locked.outcome = outcome
        locked.outcome_reason = reason
        locked.closed_at = now
        locked.save(update_fields=["status", "outcome", "outcome_reason", "closed_at"])
        audit_log(
            actor=actor,
            action="cases.case.closed",
            target=locked,
            agency=locked.agency,
            data={"outcome": outcome, "reason": reason},
        )
        notifications.reporter_notify(case=locked)
    return locked


def reporter_identity_read(case: Case) -> str:
    """The reporter's name and contact in clear: call only after `can_read_identity`."""
    if not case.reporter_identity:
        return ""
    return crypto.open_text(case.reporter_identity, context=f"case/{case.code}/reporter")
