"""The reporter's side of a case: a public report, and the follow-up with the receipt code
(messages both ways, more evidence). The reporter has no account: the code is the key."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.agencies.models import Agency, Employee
from netral.base.audit import audit_log
from netral.base.models import Election
from netral.cases import crypto, notifications, services
from netral.cases.evidence import (
    EvidenceError,
    PreparedFile,
    evidence_add,
    evidence_files_delete,
    evidence_prepare,
)
from netral.cases.models import Case, CaseMessage, Evidence, ViolationType

# Audit entries name the reporter by role only: no IP address or browser, which could identify
# an anonymous reporter.
REPORTER = Actor(user=None, label="pelapor")


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def message_context(case: Case) -> str:
    return f"case/{case.code}/message"


def message_text(message: CaseMessage) -> str:
    """A message's body in clear (select_related("case") when opening many)."""
    return crypto.open_text(message.body, context=message_context(message.case))


def phase_for(election: Election | None, occurred_on: datetime.date | None) -> str:
    """Before or after the candidates were determined, when both dates are known."""
    if election is None or occurred_on is None or election.candidate_determination_date is None:
        return Case.Phase.UNKNOWN
    if occurred_on < election.candidate_determination_date:
        return Case.Phase.BEFORE
    return Case.Phase.AFTER


def elections_for(agency: Agency) -> QuerySet[Election]:
    """The elections a report to this agency may concern: its own and the national ones."""
    return Election.objects.filter(Q(owner=agency) | Q(owner__kind=Agency.Kind.NATIONAL))


def reported_employee(*, agency: Agency, nip: str) -> Employee | None:
    """The active employee of this agency with the NIP; another agency's employee is not linked."""
    if not nip:
        return None
    return Employee.objects.filter(agency=agency, nip=nip, is_active=True).first()


def _evidence_prepare_all(uploads: list[Upload]) -> list[PreparedFile]:
    """Each file checked (and an image re-encoded) before any transaction opens; the first
    refused file stops all, naming the file."""
    prepared = []
    for upload in uploads:
        try:
            prepared.append(evidence_prepare(file_name=upload.name, data=upload.data))
        except EvidenceError as error:
            raise EvidenceError(
                _("“%(file)s” was not accepted: %(problem)s")
                % {"file": Path(upload.name).name, "problem": error}
            ) from error
    return prepared


def _evidence_add_all(
    *, actor: Actor, case: Case, files: list[PreparedFile], added: list[Evidence]
) -> None:
    """Each prepared file kept, collected into `added`. Call inside a transaction; on failure
    the caller removes the files of `added`, which the rollback leaves in the storage."""
    for file in files:
        added.append(
            evidence_add(actor=actor, case=case, file=file, origin=Evidence.Origin.REPORTER)
        )


def _evidence_files_remove(added: list[Evidence]) -> None:
    for item in added:
        evidence_files_delete(item)


def evidence_limit_check(*, existing: int, adding: int) -> None:
    limit = settings.NETRAL_EVIDENCE_MAX_FILES
    if existing + adding > limit:
        raise EvidenceError(
            _("A report may have at most %(limit)s files; %(left)s more can be added.")
            % {"limit": limit, "left": max(limit - existing, 0)}
        )


def report_submit(
    *,
    agency: Agency,
    election: Election | None,
    violation_type: ViolationType,
    reported_nip: str,
    description: str,
    uploads: list[Upload],
    reporter_identity: str = "",
    phase: str = Case.Phase.UNKNOWN,
    occurred_on: datetime.date | None = None,
    **fields: Any,
) -> tuple[Case, str]:
    """A public report with its evidence, all or nothing; returns the case and the receipt code,
    which exists in clear only in this return value."""
    evidence_limit_check(existing=0, adding=len(uploads))
    files = _evidence_prepare_all(uploads)
    if phase == Case.Phase.UNKNOWN:
        phase = phase_for(election, occurred_on)
    receipt = services.receipt_new()
    case: Case | None = None
    added: list[Evidence] = []
    try:
        with transaction.atomic():
            case = services.case_create(
                actor=REPORTER,
                agency=agency,
                source=Case.Source.PUBLIC,
                election=election,
                reporter_identity=reporter_identity,
                receipt=receipt,
                violation_type=violation_type,
                employee=reported_employee(agency=agency, nip=reported_nip),
                reported_nip=reported_nip,
                description=description,
                phase=phase,
                occurred_on=occurred_on,
                **fields,
            )
            _evidence_add_all(actor=REPORTER, case=case, files=files, added=added)
    except Exception:
        if case is not None:
            _evidence_files_remove(added)
        raise
    return case, receipt


def reporter_case_find(receipt: str) -> Case | None:
    """The public case with this receipt code; about 50 ms whether it exists or not."""
    return (
        Case.objects.filter(receipt_hash=services.receipt_hash(receipt), source=Case.Source.PUBLIC)
        .select_related("stage", "agency", "violation_type")
        .first()
    )


def reporter_messages(case: Case) -> QuerySet[CaseMessage]:
    """What the reporter may read: never the internal notes."""
    return (
        case.messages.filter(
            kind__in=[CaseMessage.Kind.FROM_REPORTER, CaseMessage.Kind.TO_REPORTER]
        )
        .select_related("case")
        .order_by("created_at")
    )


def reporter_evidence(case: Case) -> QuerySet[Evidence]:
    return case.evidence.filter(origin=Evidence.Origin.REPORTER).order_by("created_at")


def reporter_message_add(*, case: Case, text: str) -> CaseMessage:
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Case.Status.OPEN:
            raise services.CaseStateError("the case is closed")
        message = CaseMessage(
            case=locked,
            kind=CaseMessage.Kind.FROM_REPORTER,
            body=crypto.seal_text(text, context=message_context(locked)),
        )
        message.full_clean(exclude=["body"])
        message.save()
        audit_log(
            actor=REPORTER,
            action="cases.message.added",
            target=message,
            agency=locked.agency,
            data={"case": locked.code, "kind": message.kind},
        )
        notifications.handlers_notify(case=locked, event=notifications.Event.REPORTER_MESSAGE)
    return message


def reporter_evidence_add(*, case: Case, uploads: list[Upload]) -> list[Evidence]:
    """More files from the reporter, within the report's count limit; all or nothing."""
    evidence_limit_check(existing=reporter_evidence(case).count(), adding=len(uploads))
    files = _evidence_prepare_all(uploads)
    added: list[Evidence] = []
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.status != Case.Status.OPEN:
                raise services.CaseStateError("the case is closed")
            evidence_limit_check(existing=reporter_evidence(locked).count(), adding=len(uploads))
            _evidence_add_all(actor=REPORTER, case=locked, files=files, added=added)
    except Exception:
        _evidence_files_remove(added)
        raise
    return added
