"""Handling of cases by the supervisors: the queue, assignment, internal notes, messages to the
reporter, duplicates, the cases opened from inside (internal findings, Bawaslu referrals), each
election's procedure, and the daily digest of overdue cases."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, F, Max, Prefetch, Q, QuerySet, Value, When
from django.db.models import Case as Conditional
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from netral.accounts.access import HANDLING_ROLES
from netral.accounts.actors import Actor
from netral.accounts.models import Membership, User
from netral.agencies.models import Agency
from netral.base.audit import audit_log
from netral.base.messaging import message_queue
from netral.base.models import Election
from netral.cases import crypto, notifications, services
from netral.cases.evidence import evidence_add, evidence_prepare
from netral.cases.intake import message_context, message_text
from netral.cases.models import (
    Case,
    CaseAssignment,
    CaseMessage,
    CaseStageRecord,
    DeadlineDigest,
    DigestOversight,
    Evidence,
    HandlingProcedure,
    ProcedureStage,
)
from netral.cases.selectors import case_list
from netral.pacts.models import Campaign, Signature

MESSAGE_MAX_CHARS = 5000
STAGE_DAYS_MAX = 365
# Share-link parameters that say who shared, not what was shared.
TRACKING_PARAMETERS = {"fbclid", "gclid", "igshid", "igsh", "si", "mibextid"}


class HandlingError(Exception):
    """The change is refused; the message is for the user."""


# Who may do what


def can_edit_procedure(*, viewer: Membership, election: Election) -> bool:
    """An election's procedure is its owner's: a national election's is the national body's."""
    return viewer.is_admin and election.owner_id == viewer.agency_id


# The queue


@dataclass(frozen=True)
class QueueFilter:
    status: str = Case.Status.OPEN  # "" for every status
    stage_key: str = ""
    overdue_only: bool = False
    mine: bool = False
    query: str = ""


def case_queue(
    *, viewer: Membership, filters: QueueFilter | None = None, now: datetime.datetime | None = None
) -> QuerySet[Case]:
    """The agency's cases, overdue first, then by deadline; each annotated with `overdue`."""
    filters = filters or QueueFilter()
    overdue = Q(status=Case.Status.OPEN, stage_due_at__lt=now or timezone.now())
    cases = case_list(viewer=viewer)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.stage_key:
        cases = cases.filter(stage__key=filters.stage_key)
    if filters.overdue_only:
        cases = cases.filter(overdue)
    if filters.mine:
        cases = cases.filter(assignments__user_id=viewer.user_id)
    query = filters.query.strip()
    if query:
        digits = "".join(query.split())
        matches = (
            Q(number__icontains=query)
            | Q(reported_name__icontains=query)
            | Q(employee__name__icontains=query)
        )
        if digits.isdigit():
            matches |= Q(reported_nip__startswith=digits) | Q(employee__nip__startswith=digits)
        cases = cases.filter(matches)
    return (
        cases.annotate(
            overdue=Conditional(
                When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("-overdue", F("stage_due_at").asc(nulls_last=True), "-created_at", "-pk")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=CaseAssignment.objects.select_related("user").order_by("user__username"),
            )
        )
    )


def queue_stage_choices(*, viewer: Membership) -> list[tuple[str, str]]:
    """The stages the agency's cases can be in, by key (procedures share the default keys)."""
    stages = (
        ProcedureStage.objects.filter(procedure__election__cases__agency=viewer.agency)
        .order_by("order", "key")
        .values_list("key", "name")
    )
    choices: dict[str, str] = {}
    for key, name in stages:
        choices.setdefault(key, name)
    return list(choices.items())


# The case page


@dataclass(frozen=True)
class PactStatus:
    campaign: Campaign
    signature: Signature | None


def employee_pact_status(*, case: Case) -> list[PactStatus]:
    """The reported employee's pact in each of the agency's campaigns for the case's election."""
    if case.employee_id is None or case.election_id is None:
        return []
    campaigns = list(
        Campaign.objects.filter(agency_id=case.agency_id, election_id=case.election_id).order_by(
            "opens_at"
        )
    )
    signatures = {
        signature.campaign_id: signature
        for signature in Signature.objects.filter(
            employee_id=case.employee_id, campaign__in=campaigns
        )
    }
    return [PactStatus(campaign, signatures.get(campaign.pk)) for campaign in campaigns]


def assignable_handlers(*, case: Case) -> QuerySet[User]:
    """The agency's supervisors: the only ones who may be given a case (and its reporter)."""
    return User.objects.filter(
        memberships__agency_id=case.agency_id,
        memberships__role=Membership.Role.SUPERVISOR,
        is_active=True,
    ).order_by("username")


def case_notes(*, case: Case) -> list[tuple[CaseMessage, str]]:
    notes = case.messages.filter(kind=CaseMessage.Kind.NOTE).select_related("author", "case")
    return [(note, message_text(note)) for note in notes]


def reporter_conversation(*, case: Case) -> list[tuple[CaseMessage, str]]:
    """The messages to and from the reporter: for the assigned handlers only, as they may name
    the reporter."""
    messages = case.messages.filter(
        kind__in=[CaseMessage.Kind.FROM_REPORTER, CaseMessage.Kind.TO_REPORTER]
    ).select_related("author", "case")
    return [(message, message_text(message)) for message in messages]


def can_message_reporter(case: Case) -> bool:
    """Only a public report has a reporter who can read answers (through the receipt)."""
    return case.source == Case.Source.PUBLIC and bool(case.receipt_hash)


# Assignment, notes, messages


def case_assign(*, actor: Actor, case: Case, user: User) -> CaseAssignment:
    if not assignable_handlers(case=case).filter(pk=user.pk).exists():
        raise HandlingError(_("Only a supervisor of the agency can handle a case."))
    with transaction.atomic():
        assignment, created = CaseAssignment.objects.get_or_create(
            case=case, user=user, defaults={"assigned_by": actor.user}
        )
        if created:
            audit_log(
                actor=actor,
                action="cases.case.assigned",
                target=case,
                agency=case.agency,
                data={"handler": user.get_username()},
            )
    return assignment


def case_unassign(*, actor: Actor, case: Case, user: User) -> None:
    with transaction.atomic():
        deleted, _rows = CaseAssignment.objects.filter(case=case, user=user).delete()
        if deleted:
            audit_log(
                actor=actor,
                action="cases.case.unassigned",
                target=case,
                agency=case.agency,
                data={"handler": user.get_username()},
            )


def _message_add(*, actor: Actor, case: Case, kind: str, text: str, action: str) -> CaseMessage:
    text = text.strip()
    if not text:
        raise HandlingError(_("The message is empty."))
    if len(text) > MESSAGE_MAX_CHARS:
        raise HandlingError(
            _("The message is longer than %(limit)s characters.") % {"limit": MESSAGE_MAX_CHARS}
        )
    with transaction.atomic():
        message = CaseMessage.objects.create(
            case=case,
            kind=kind,
            author=actor.user,
            body=crypto.seal_text(text, context=message_context(case)),
        )
        # The text stays out of the log: it may name the reporter or a witness.
        audit_log(
            actor=actor,
            action=action,
            target=case,
            agency=case.agency,
            data={"message": message.code},
        )
    return message


def case_note_add(*, actor: Actor, case: Case, text: str) -> CaseMessage:
    """An internal note: the reporter never sees it."""
    return _message_add(
        actor=actor, case=case, kind=CaseMessage.Kind.NOTE, text=text, action="cases.note.added"
    )


def case_message_send(*, actor: Actor, case: Case, text: str) -> CaseMessage:
    """A message the reporter reads with the receipt."""
    if not can_message_reporter(case):
        raise HandlingError(_("Only a public report with a receipt can receive messages."))
    with transaction.atomic():
        message = _message_add(
            actor=actor,
            case=case,
            kind=CaseMessage.Kind.TO_REPORTER,
            text=text,
            action="cases.message.sent",
        )
        notifications.reporter_notify(case=case)
    return message


# Duplicates


def normalised_url(url: str) -> str:
    """The same post however it was shared: without scheme, `www.`, trailing slash or trackers."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query)
        if key not in TRACKING_PARAMETERS and not key.startswith("utm_")
    ]
    text = host + parts.path.rstrip("/")
    return f"{text}?{urlencode(sorted(query))}" if query else text


def _case_urls(links: Any) -> set[str]:
    urls = set()
    for link in links if isinstance(links, list) else []:
        url = link.get("url", "") if isinstance(link, dict) else link
        if isinstance(url, str) and url.strip():
            urls.add(normalised_url(url))
    return urls


def duplicate_candidates(*, case: Case, limit: int = 20) -> list[Case]:
    """Open cases of the agency that are likely the same report: the same person and act, or a
    shared link to the post."""
    others = (
        Case.objects.filter(agency_id=case.agency_id, status=Case.Status.OPEN)
        .exclude(pk=case.pk)
        .select_related("violation_type", "stage", "employee")
    )
    same_person = Q()
    if case.employee_id is not None:
        same_person |= Q(employee_id=case.employee_id)
    nip = case.employee.nip if case.employee and case.employee.nip else case.reported_nip
    if nip:
        same_person |= Q(reported_nip=nip) | Q(employee__nip=nip)
    name = (case.employee.name if case.employee else case.reported_name).strip()
    if name:
        same_person |= Q(reported_name__iexact=name) | Q(employee__name__iexact=name)
    found: dict[int, Case] = {}
    if same_person:
        for other in others.filter(same_person, violation_type_id=case.violation_type_id)[:limit]:
            found[other.pk] = other
    urls = _case_urls(case.links)
    if urls:
        shared = [pk for pk, links in others.values_list("pk", "links") if urls & _case_urls(links)]
        for other in others.filter(pk__in=shared[:limit]):
            found[other.pk] = other
    return sorted(found.values(), key=lambda other: other.created_at)[:limit]


def case_duplicate_link(
    *,
    actor: Actor,
    case: Case,
    duplicate: Case,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Join `duplicate` into `case`: it is closed as a duplicate and points at the case kept."""
    if duplicate.pk == case.pk or duplicate.agency_id != case.agency_id:
        raise HandlingError(_("A case can only be joined to another case of the agency."))
    if case.outcome == Case.Outcome.DUPLICATE:
        raise HandlingError(_("This case is itself joined to another case."))
    with transaction.atomic():
        try:
            closed = services.case_close(
                actor=actor,
                case=duplicate,
                outcome=Case.Outcome.DUPLICATE,
                reason=reason,
                now=now,
            )
        except services.CaseStateError as error:
            raise HandlingError(_("The case is closed already.")) from error
        closed.duplicate_of = case
        closed.save(update_fields=["duplicate_of"])
        audit_log(
            actor=actor,
            action="cases.case.duplicate_linked",
            target=closed,
            agency=case.agency,
            data={"into": case.code, "into_number": case.number},
        )
    return closed


# Cases opened from inside


def finding_create(*, actor: Actor, agency: Agency, election: Election, **fields: Any) -> Case:
    """A supervisor's own finding (temuan): no reporter, so nothing to protect or answer."""
    return services.case_create(
        actor=actor, agency=agency, source=Case.Source.INTERNAL, election=election, **fields
    )


def referral_create(
    *,
    actor: Actor,
    agency: Agency,
    election: Election,
    referral_number: str,
    referral_date: datetime.date | None,
    study_name: str,
    study_data: bytes,
    **fields: Any,
) -> Case:
    """A referral from Bawaslu, with its letter and its study (kajian) kept as evidence. The
    case is not opened when the study is refused."""
    if not referral_number.strip() or referral_date is None:
        raise HandlingError(_("A referral needs the letter's number and date."))
    if not study_data:
        raise HandlingError(_("Attach Bawaslu's study."))
    study = evidence_prepare(file_name=study_name, data=study_data)
    with transaction.atomic():
        case = services.case_create(
            actor=actor,
            agency=agency,
            source=Case.Source.BAWASLU,
            election=election,
            referral_number=referral_number.strip(),
            referral_date=referral_date,
            **fields,
        )
        evidence_add(actor=actor, case=case, file=study, origin=Evidence.Origin.HANDLER)
    return case


# The procedure of an election


@dataclass(frozen=True)
class StageValues:
    name: str
    responsible: str
    days: int
    day_kind: str
    recommendation_from: str = ""


def _check_stage(values: StageValues) -> None:
    if not values.name.strip():
        raise HandlingError(_("Every stage needs a name."))
    if not 1 <= values.days <= STAGE_DAYS_MAX:
        raise HandlingError(
            _("A stage lasts from 1 to %(limit)s days.") % {"limit": STAGE_DAYS_MAX}
        )
    if values.day_kind not in ProcedureStage.DayKind.values:
        raise HandlingError(_("Choose calendar or working days."))


def procedure_update(
    *,
    actor: Actor,
    procedure: HandlingProcedure,
    receiving_body: str,
    stages: dict[int, StageValues],
) -> HandlingProcedure:
    """Change the receiving body and the stages (by id). Cases already in a stage keep the
    deadline they were given; the new length applies from the next move."""
    if not receiving_body.strip():
        raise HandlingError(_("Name the body that receives the reports."))
    for values in stages.values():
        _check_stage(values)
    changes: list[dict[str, Any]] = []
    with transaction.atomic():
        locked = HandlingProcedure.objects.select_for_update().get(pk=procedure.pk)
        if locked.receiving_body != receiving_body.strip():
            changes.append({"receiving_body": [locked.receiving_body, receiving_body.strip()]})
            locked.receiving_body = receiving_body.strip()
            locked.save(update_fields=["receiving_body"])
        for stage in locked.stages.filter(pk__in=stages):
            values = stages[stage.pk]
            changed = {
                field: [getattr(stage, field), new]
                for field, new in (
                    ("name", values.name.strip()),
                    ("responsible", values.responsible.strip()),
                    ("days", values.days),
                    ("day_kind", values.day_kind),
                    ("recommendation_from", values.recommendation_from.strip()),
                )
                if getattr(stage, field) != new
            }
            if changed:
                for field, (_old, new) in changed.items():
                    setattr(stage, field, new)
                stage.save(update_fields=list(changed))
                changes.append({"stage": stage.key, **changed})
        if changes:
            audit_log(
                actor=actor,
                action="cases.procedure.changed",
                target=locked,
                agency=locked.election.owner,
                data={"election": locked.election.code, "changes": changes},
            )
    return locked


def procedure_stage_add(
    *, actor: Actor, procedure: HandlingProcedure, values: StageValues
) -> ProcedureStage:
    """A stage at the end of the procedure."""
    _check_stage(values)
    with transaction.atomic():
        locked = HandlingProcedure.objects.select_for_update().get(pk=procedure.pk)
        existing = set(locked.stages.values_list("key", flat=True))
        base = slugify(values.name)[:32] or "tahap"
        key, number = base, 1
        while key in existing:
            number += 1
            key = f"{base}-{number}"
        last = locked.stages.aggregate(last=Max("order"))["last"] or 0
        stage = ProcedureStage.objects.create(
            procedure=locked,
            order=last + 1,
            key=key,
            name=values.name.strip(),
            responsible=values.responsible.strip(),
            days=values.days,
            day_kind=values.day_kind,
            recommendation_from=values.recommendation_from.strip(),
        )
        audit_log(
            actor=actor,
            action="cases.procedure.stage_added",
            target=locked,
            agency=locked.election.owner,
            data={"election": locked.election.code, "stage": key, "days": values.days},
        )
    return stage


def stages_in_use(*, procedure: HandlingProcedure) -> set[str]:
    """The keys of the stages a case is or has been in: they stay."""
    current = Case.objects.filter(stage__procedure=procedure).values("stage_id")
    recorded = CaseStageRecord.objects.filter(stage__procedure=procedure).values("stage_id")
    return set(
        procedure.stages.filter(Q(pk__in=current) | Q(pk__in=recorded)).values_list(
            "key", flat=True
        )
    )


def procedure_stage_remove(*, actor: Actor, stage: ProcedureStage) -> None:
    """Remove a stage no case has been in; the history of the cases keeps every stage."""
    with transaction.atomic():
        procedure = HandlingProcedure.objects.select_for_update().get(pk=stage.procedure_id)
        used = (
            Case.objects.filter(stage=stage).exists()
            or CaseStageRecord.objects.filter(stage=stage).exists()
        )
        if used:
            raise HandlingError(_("Cases have been in this stage: it cannot be removed."))
        if procedure.stages.count() <= 1:
            raise HandlingError(_("A procedure needs at least one stage."))
        stage.delete()
        audit_log(
            actor=actor,
            action="cases.procedure.stage_removed",
            target=procedure,
            agency=procedure.election.owner,
            data={"election": procedure.election.code, "stage": stage.key},
        )


# The daily digest of overdue cases


@dataclass(frozen=True)
class DigestResult:
    agency: Agency
    overdue: int
    recipients: int
    sent: bool  # False: the agency had its digest today already


def _digest_text(agency: Agency, cases: list[Case], today: datetime.date) -> tuple[str, str]:
    """The digest's subject and text: case numbers, stages and links, no content."""
    lines = []
    for case in cases:
        due = timezone.localdate(case.stage_due_at) if case.stage_due_at else today
        lines.append(
            _(
                "- %(number)s\n  Stage: %(stage)s · deadline %(due)s · "
                "%(days)s days overdue\n  %(url)s"
            )
            % {
                "number": case.number,
                "stage": case.stage.name if case.stage else "—",
                "due": formats.date_format(due, "j F Y"),
                "days": (today - due).days,
                "url": settings.NETRAL_PUBLIC_URL
                + reverse("cases:case", kwargs={"code": case.code}),
            }
        )
    body = _(
        "%(count)s cases of %(agency)s are past the deadline of their stage:\n\n%(list)s\n\n"
        "Move each case on, or close it. The queue: %(queue)s"
    ) % {
        "count": len(cases),
        "agency": agency.name,
        "list": "\n".join(lines),
        "queue": settings.NETRAL_PUBLIC_URL + reverse("cases:queue") + "?terlambat=on",
    }
    subject = _("Overdue cases: %(count)s (%(agency)s)") % {
        "count": len(cases),
        "agency": agency.name,
    }
    return subject, body


def deadline_digests_send(*, now: datetime.datetime | None = None) -> list[DigestResult]:
    """Once a day per agency with overdue open cases, send its supervisors and decision makers
    the list (no reporter, no description) through the messaging layer, on each one's e-mail
    or mobile number. The digest row is written before the messages are queued, so two runs at
    once, or a second run the same day, send nothing more."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = Case.objects.filter(status=Case.Status.OPEN, stage_due_at__lt=now)
    agency_ids = set(overdue.order_by().values_list("agency_id", flat=True))
    actor = Actor.command("check_deadlines")
    results = []
    for agency in Agency.objects.filter(pk__in=agency_ids).order_by("pk"):
        cases = list(
            overdue.filter(agency=agency)
            .select_related("violation_type", "stage")
            .order_by("stage_due_at", "number")
        )
        try:
            with transaction.atomic():
                digest = DeadlineDigest.objects.create(
                    agency=agency, date=today, overdue=len(cases)
                )
        except IntegrityError:
            results.append(DigestResult(agency, len(cases), 0, sent=False))
            continue
        officers = User.objects.filter(
            memberships__agency=agency, memberships__role__in=HANDLING_ROLES, is_active=True
        ).distinct()
        queued = 0
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            subject, text = _digest_text(agency, cases, today)
            for officer in officers.order_by("username"):
                message = message_queue(
                    routes=notifications.officer_routes(officer, agency),
                    purpose="cases.deadline_digest",
                    agency=agency,
                    subject=subject,
                    text=text,
                )
                queued += message is not None
            audit_log(
                actor=actor,
                action="cases.deadline_digest.sent",
                target=digest,
                agency=agency,
                data={"overdue": len(cases), "recipients": queued},
            )
        results.append(DigestResult(agency, len(cases), queued, sent=True))
        oversight_digest_send(agency=agency, count=len(cases), today=today)
    return results


def oversight_digest_send(*, agency: Agency, count: int, today: datetime.date) -> int:
    """Where the agency has named an oversight agency, its supervisors and decision makers get
    the count of overdue cases (no case, no number): the number of messages queued."""
    link = DigestOversight.objects.filter(agency=agency).select_related("oversight").first()
    if link is None:
        return 0
    oversight = link.oversight
    officers = User.objects.filter(
        memberships__agency=oversight, memberships__role__in=HANDLING_ROLES, is_active=True
    ).distinct()
    queued = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Overdue cases of %(agency)s: %(count)s") % {
            "agency": agency.name,
            "count": count,
        }
        text = _(
            "On %(date)s, %(count)s cases of %(agency)s are past the deadline of their stage."
        ) % {"date": formats.date_format(today, "j F Y"), "count": count, "agency": agency.name}
        for officer in officers:
            message = message_queue(
                routes=notifications.officer_routes(officer, oversight),
                purpose="cases.oversight_digest",
                agency=oversight,
                subject=subject,
                text=text,
            )
            queued += message is not None
    return queued


def digest_oversight_choices(*, agency: Agency) -> QuerySet[Agency]:
    """The agencies that may receive another's digest: the oversight kinds."""
    return Agency.objects.filter(
        kind__in=[Agency.Kind.NATIONAL, Agency.Kind.PROVINCE, Agency.Kind.CENTRAL]
    ).exclude(pk=agency.pk)


def digest_oversight_set(
    *, actor: Actor, viewer: Membership, oversight: Agency | None
) -> DigestOversight | None:
    """The agency's administrator names the oversight agency that also gets the digest."""
    if not viewer.is_admin or viewer.unit_id is not None:
        raise PermissionDenied
    agency = viewer.agency
    if (
        oversight is not None
        and not digest_oversight_choices(agency=agency).filter(pk=oversight.pk).exists()
    ):
        raise HandlingError(_("Choose an oversight agency."))
    with transaction.atomic():
        DigestOversight.objects.filter(agency=agency).delete()
        link = (
            DigestOversight.objects.create(agency=agency, oversight=oversight)
            if oversight is not None
            else None
        )
        audit_log(
            actor=actor,
            action="cases.digest_oversight.set",
            target=agency,
            agency=agency,
            data={"oversight": oversight.code if oversight else None},
        )
    return link
