"""Reminders to employees who have not signed, and digests to their coordinators and heads,
sent through the messaging layer (e-mail, WhatsApp or SMS, as the agency chooses).

A round (`ReminderRound`) is one wave: on the campaign's schedule (run by `send_reminders`), or by
hand for a unit (a `monitoring.reminders` job, started once the coordinator confirms); both send
through `reminder_round_run`.
Running a round first writes one `ReminderDelivery` per recipient, where the unique pair (round,
recipient) keeps a second run from adding another; then each run claims pending deliveries with
an UPDATE that only one run can win, and sends only what it claimed. So `send_reminders` may run
from cron every few minutes, twice at once, or after a crash: a reminder goes out at most once."""

from __future__ import annotations

import datetime
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.accounts.models import Membership
from netral.agencies.models import Employee, Unit
from netral.agencies.selectors import employee_message_routes
from netral.base.audit import audit_log
from netral.base.jobs import JobFailed, Progress, job_kind, job_start
from netral.base.messaging import Channel, Route, message_queue, message_routes
from netral.base.models import Job
from netral.monitoring.models import ReminderDelivery, ReminderRound
from netral.pacts.models import Campaign, Signature, SigningLink
from netral.pacts.services import campaign_employees, signing_token

MAX_DAYS_BEFORE = 60
MANUAL_INTERVAL = datetime.timedelta(hours=1)
CLAIM_CHUNK = 200
# A delivery claimed longer ago than this belongs to a run that died mid-send: it is marked
# failed, never sent again, as one missing reminder is better than two.
STALE_CLAIM = datetime.timedelta(hours=1)
DIGEST_PREFIX = "digest:"
DIGEST_MAX_ROWS = 300
REMINDER_JOB = "monitoring.reminders"
PROGRESS_EVERY = 20  # messages between two progress updates of a job

Kind = ReminderRound.Kind
RoundStatus = ReminderRound.Status
DeliveryStatus = ReminderDelivery.Status


class ReminderError(Exception):
    """The reminder cannot be scheduled or sent now; the message is for the user."""


@dataclass(frozen=True)
class Schedule:
    at_opening: bool
    days_before: tuple[int, ...]
    include_digest: bool


@dataclass
class RoundResult:
    round: ReminderRound
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    finished: bool = False


@dataclass
class RoundRow:
    """A round with its deliveries counted by status, for the schedule page."""

    round: ReminderRound
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return self.counts.get(DeliveryStatus.SENT, 0)

    @property
    def skipped(self) -> int:
        return self.counts.get(DeliveryStatus.SKIPPED, 0) + self.counts.get(
            DeliveryStatus.FAILED, 0
        )

    @property
    def pending(self) -> int:
        return self.counts.get(DeliveryStatus.PENDING, 0) + self.counts.get(
            DeliveryStatus.SENDING, 0
        )


# Reads


def _scheduled(campaign: Campaign) -> QuerySet[ReminderRound]:
    return ReminderRound.objects.filter(campaign=campaign).exclude(kind=Kind.MANUAL)


def reminder_schedule_get(*, campaign: Campaign) -> Schedule:
    """The schedule as last saved: the scheduled rounds that are not cancelled."""
    rounds = list(_scheduled(campaign).exclude(status=RoundStatus.CANCELLED))
    pending = [r for r in rounds if r.status == RoundStatus.PENDING]
    return Schedule(
        at_opening=any(r.kind == Kind.OPENING for r in rounds),
        days_before=tuple(
            sorted((r.days_before for r in rounds if r.days_before is not None), reverse=True)
        ),
        # Sent rounds keep the choice of their time; the waiting ones carry the latest.
        include_digest=any(r.include_digest for r in pending or rounds) if rounds else True,
    )


def reminder_round_list(*, campaign: Campaign) -> list[RoundRow]:
    rounds = list(ReminderRound.objects.filter(campaign=campaign).select_related("unit"))
    counts: dict[int, dict[str, int]] = {}
    for round_id, status, count in (
        ReminderDelivery.objects.filter(round__campaign=campaign)
        .order_by()
        .values_list("round_id", "status")
        .annotate(count=Count("id"))
    ):
        counts.setdefault(round_id, {})[status] = count
    return [RoundRow(round=r, counts=counts.get(r.pk, {})) for r in rounds]


# Scheduling


def days_before_parse(text: str) -> tuple[int, ...]:
    """ "3, 1" → (3, 1); ValueError with a message for the user on anything else."""
    days: set[int] = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= MAX_DAYS_BEFORE:
            raise ValueError(
                _("“%(value)s” is not a whole number of days from 1 to %(max)s.")
                % {"value": part, "max": MAX_DAYS_BEFORE}
            )
        days.add(int(part))
    return tuple(sorted(days, reverse=True))


def schedule_problem(*, campaign: Campaign, days_before: Iterable[int]) -> str | None:
    """Why these days cannot be scheduled for this campaign, or None."""
    for days in days_before:
        if campaign.closes_at - datetime.timedelta(days=days) <= campaign.opens_at:
            return _(
                "%(days)s days before closing is before the campaign opens; choose fewer days."
            ) % {"days": days}
    return None


def reminder_schedule_set(*, actor: Actor, campaign: Campaign, schedule: Schedule) -> Schedule:
    """Create or move the pending scheduled rounds, cancel the ones no longer wanted; rounds
    already sent stay as they are.

    A round whose time has already passed is kept pending and goes out on the next run, while
    the campaign is open; when several are due at once, the run sends only the latest (see
    `_supersede`), so saving a schedule late sends one reminder, not a burst."""
    if campaign.status == Campaign.Status.CLOSED or campaign.closes_at <= timezone.now():
        raise ReminderError(_("The campaign is closed: there is no one left to remind."))
    problem = schedule_problem(campaign=campaign, days_before=schedule.days_before)
    if problem:
        raise ReminderError(problem)
    wanted: dict[tuple[str, int | None], datetime.datetime] = {}
    if schedule.at_opening:
        wanted[(Kind.OPENING, None)] = campaign.opens_at
    for days in schedule.days_before:
        wanted[(Kind.BEFORE_CLOSE, days)] = campaign.closes_at - datetime.timedelta(days=days)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        existing = {(r.kind, r.days_before): r for r in _scheduled(campaign).select_for_update()}
        for key, due_at in wanted.items():
            current = existing.get(key)
            if current is None:
                ReminderRound.objects.create(
                    campaign=campaign,
                    kind=key[0],
                    days_before=key[1],
                    due_at=due_at,
                    include_digest=schedule.include_digest,
                    created_by=actor.user,
                )
            elif current.status != RoundStatus.DONE:
                current.status = RoundStatus.PENDING
                current.due_at = due_at
                current.include_digest = schedule.include_digest
                current.save(update_fields=["status", "due_at", "include_digest"])
        started = set(
            ReminderDelivery.objects.filter(round__campaign=campaign)
            .order_by()
            .values_list("round_id", flat=True)
            .distinct()
        )
        # A round that has begun sending finishes; the others no longer wanted are cancelled.
        unwanted = [
            r.pk
            for key, r in existing.items()
            if key not in wanted and r.status == RoundStatus.PENDING and r.pk not in started
        ]
        ReminderRound.objects.filter(pk__in=unwanted).update(status=RoundStatus.CANCELLED)
        audit_log(
            actor=actor,
            action="monitoring.reminder_schedule.saved",
            target=campaign,
            agency=campaign.agency,
            data={
                "at_opening": schedule.at_opening,
                "days_before": list(schedule.days_before),
                "include_digest": schedule.include_digest,
            },
        )
    return schedule


def reminder_round_latest(*, campaign: Campaign, unit: Unit) -> RoundRow | None:
    """The latest reminder sent by hand to this unit, with its deliveries counted."""
    latest = (
        ReminderRound.objects.filter(campaign=campaign, kind=Kind.MANUAL, unit=unit)
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    counts = dict(
        ReminderDelivery.objects.filter(round=latest)
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    return RoundRow(round=latest, counts=counts)


def reminder_send_refusal(
    *, campaign: Campaign, unit: Unit, now: datetime.datetime | None = None
) -> str | None:
    """Why a reminder by hand cannot go to this unit now, or None."""
    now = now or timezone.now()
    if not campaign.accepts_signatures(now):
        return _("Reminders can be sent only while the campaign is open.")
    recent = (
        ReminderRound.objects.filter(
            campaign=campaign, kind=Kind.MANUAL, unit=unit, created_at__gt=now - MANUAL_INTERVAL
        )
        .order_by("-created_at")
        .first()
    )
    if recent is not None:
        return _(
            "A reminder was already sent to this unit at %(sent)s. Reminders to one unit are "
            "sent at least 1 hour apart: the next one can be sent from %(next)s."
        ) % {
            "sent": formats.time_format(timezone.localtime(recent.created_at), "H:i"),
            "next": formats.time_format(
                timezone.localtime(recent.created_at + MANUAL_INTERVAL), "H:i"
            ),
        }
    return None


def reminder_send_start(*, actor: Actor, campaign: Campaign, unit: Unit, next_url: str) -> Job:
    """Queue a reminder by hand to the unit (and its sub-units): checked now, and again by the
    job, since two jobs may be started before either has made its round."""
    problem = reminder_send_refusal(campaign=campaign, unit=unit)
    if problem:
        raise ReminderError(problem)
    return job_start(
        kind=REMINDER_JOB,
        title=_("Reminder to %(unit)s") % {"unit": unit.name},
        actor=actor,
        agency=campaign.agency,
        params={"campaign": campaign.code, "unit": unit.code},
        next_url=next_url,
    )


def reminder_round_create(*, actor: Actor, campaign: Campaign, unit: Unit) -> ReminderRound:
    """The round of a reminder by hand to the unit's (and its sub-units') employees who have
    not signed. No digest: the one who asks for it is the coordinator."""
    with transaction.atomic():
        # Two jobs at once: the second waits here, then finds the first one's round.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        now = timezone.now()
        problem = reminder_send_refusal(campaign=campaign, unit=unit, now=now)
        if problem:
            raise ReminderError(problem)
        reminder = ReminderRound.objects.create(
            campaign=campaign,
            kind=Kind.MANUAL,
            unit=unit,
            due_at=now,
            include_digest=False,
            created_by=actor.user,
        )
        audit_log(
            actor=actor,
            action="monitoring.reminder_round.created",
            target=campaign,
            agency=campaign.agency,
            data={"round": reminder.code, "unit": unit.name},
        )
    return reminder


@job_kind(REMINDER_JOB)
def reminder_send_run(job: Job, progress: Progress) -> None:
    campaign = Campaign.objects.select_related("agency").get(
        code=job.params["campaign"], agency=job.agency_id
    )
    unit = Unit.objects.get(code=job.params["unit"], agency=job.agency_id)
    actor = Actor.for_job(job)
    try:
        reminder = reminder_round_create(actor=actor, campaign=campaign, unit=unit)
    except ReminderError as problem:
        raise JobFailed(str(problem)) from None
    reminder_round_run(reminder, progress=progress)


# Running rounds


def _claim_token() -> str:
    # Starts with the time, so stale claims are found by comparing strings of equal length.
    return f"{int(time.time()):010d}{secrets.token_hex(8)}"


def _unsigned_in(campaign: Campaign, unit: Unit | None) -> QuerySet[Employee]:
    """The campaign's employees (within the unit's subtree, if any) who have not signed."""
    employees = campaign_employees(campaign)
    if unit is not None:
        employees = employees.filter(unit__path__startswith=unit.path)
    return employees.exclude(
        pk__in=Signature.objects.filter(campaign=campaign).values("employee_id")
    )


def _unsigned(reminder: ReminderRound) -> QuerySet[Employee]:
    return _unsigned_in(reminder.campaign, reminder.unit)


@dataclass
class DigestTarget:
    """Where one digest goes and the unit subtrees it covers."""

    routes: list[Route]
    paths: list[str] = field(default_factory=list)


def _digest_targets(reminder: ReminderRound) -> dict[str, DigestTarget]:
    """Each digest's recipient (its first address) with its routes and the unit subtrees it
    covers: coordinators' units (at their account's e-mail and mobile number, on the agency's
    channels) and the units a person heads (on the agency's channels, as any employee). A
    manual round reaches only those within its unit."""
    campaign = reminder.campaign
    coordinators = Membership.objects.filter(
        agency=campaign.agency_id,
        role=Membership.Role.COORDINATOR,
        user__is_active=True,
        unit__isnull=False,
    ).exclude(user__email="", user__phone="")
    heads = Unit.objects.filter(agency=campaign.agency_id, head__isnull=False).select_related(
        "head__agency"
    )
    if reminder.unit is not None:
        coordinators = coordinators.filter(unit__path__startswith=reminder.unit.path)
        heads = heads.filter(path__startswith=reminder.unit.path)
    channels = campaign.agency.message_channels()
    found: list[tuple[list[Route], str]] = [
        (message_routes(email=email, phone=phone, channels=channels), path)
        for email, phone, path in coordinators.values_list(
            "user__email", "user__phone", "unit__path"
        )
    ]
    found += [(employee_message_routes(unit.head), unit.path) for unit in heads if unit.head]
    targets: dict[str, DigestTarget] = {}
    for routes, path in found:
        if routes:
            key = routes[0].recipient.strip().lower()
            targets.setdefault(key, DigestTarget(routes=routes)).paths.append(path)
    return targets


@dataclass(frozen=True)
class Reach:
    """Who a reminder to a unit would reach, on which channel, shown before it is confirmed."""

    by_channel: dict[str, int]
    # Those who have not signed and have neither a usable phone nor e-mail, or no link yet.
    unreachable: list[Employee]

    @property
    def recipients(self) -> int:
        return sum(self.by_channel.values())

    def channels(self) -> list[tuple[str, int]]:
        labels = dict(Channel.choices)
        return [(str(labels[c]), n) for c, n in self.by_channel.items() if n]


def _employee_routes(campaign: Campaign, employees: QuerySet[Employee]) -> dict[int, list[Route]]:
    """The routes of each employee with a personal link, by employee id, on the agency's
    channels; an employee missing here cannot be reminded."""
    channels = campaign.agency.message_channels()
    linked = SigningLink.objects.filter(campaign=campaign).values("employee_id")
    routes: dict[int, list[Route]] = {}
    for employee_id, email, phone in employees.filter(pk__in=linked).values_list(
        "id", "email", "phone"
    ):
        found = message_routes(email=email, phone=phone, channels=channels)
        if found:
            routes[employee_id] = found
    return routes


def reminder_reach(*, campaign: Campaign, unit: Unit) -> Reach:
    unsigned = _unsigned_in(campaign, unit)
    routes = _employee_routes(campaign, unsigned)
    by_channel: dict[str, int] = {}
    for found in routes.values():
        by_channel[found[0].channel] = by_channel.get(found[0].channel, 0) + 1
    unreachable = list(
        unsigned.exclude(pk__in=list(routes)).select_related("unit").order_by("unit__path", "name")
    )
    return Reach(by_channel=by_channel, unreachable=unreachable)


def _deliveries_create(reminder: ReminderRound) -> None:
    campaign = reminder.campaign
    employees = _unsigned(reminder)
    codes = dict(employees.values_list("id", "code"))
    rows = [
        ReminderDelivery(
            round=reminder,
            recipient=codes[employee_id],
            address=found[0].recipient,
            channel=found[0].channel,
            kind=ReminderDelivery.Kind.EMPLOYEE,
        )
        for employee_id, found in _employee_routes(campaign, employees).items()
    ]
    if reminder.include_digest:
        unsigned_paths = set(_unsigned(reminder).values_list("unit__path", flat=True))
        for key, target in _digest_targets(reminder).items():
            if any(u.startswith(p) for u in unsigned_paths for p in target.paths):
                rows.append(
                    ReminderDelivery(
                        round=reminder,
                        recipient=f"{DIGEST_PREFIX}{key}",
                        address=target.routes[0].recipient,
                        channel=target.routes[0].channel,
                        kind=ReminderDelivery.Kind.DIGEST,
                    )
                )
    ReminderDelivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def _claim(reminder: ReminderRound, token: str) -> list[ReminderDelivery]:
    ids = list(
        ReminderDelivery.objects.filter(round=reminder, status=DeliveryStatus.PENDING)
        .order_by("id")
        .values_list("id", flat=True)[:CLAIM_CHUNK]
    )
    if not ids:
        return []
    # The WHERE on the status is the guard: of two runs updating a row, only the first matches.
    ReminderDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claim=token
    )
    return list(
        ReminderDelivery.objects.filter(round=reminder, status=DeliveryStatus.SENDING, claim=token)
    )


def _closing_text(campaign: Campaign) -> str:
    return formats.date_format(timezone.localtime(campaign.closes_at), "j F Y, H:i T")


@dataclass(frozen=True)
class Outgoing:
    routes: list[Route]
    subject: str
    text: str


def _employee_message(
    reminder: ReminderRound, employee: Employee, generation: int, routes: list[Route]
) -> Outgoing:
    campaign = reminder.campaign
    token = signing_token(campaign, employee.code, generation)
    url = settings.NETRAL_PUBLIC_URL + reverse("pacts:sign", kwargs={"token": token})
    body = _(
        "Dear %(name)s,\n\n"
        "You have not yet signed the pact “%(title)s”. Signing closes on %(closes)s.\n\n"
        "Sign it with your personal link:\n%(url)s\n\n"
        "The link is for you alone: do not pass it on. "
        "If you have signed in the meantime, ignore this message."
    ) % {
        "name": employee.name,
        "title": campaign.title,
        "closes": _closing_text(campaign),
        "url": url,
    }
    return Outgoing(
        routes=routes,
        subject=_("Reminder: sign the pact “%(title)s”") % {"title": campaign.title},
        text=body,
    )


def _digest_message(
    reminder: ReminderRound, routes: list[Route], employees: list[Employee]
) -> Outgoing:
    campaign = reminder.campaign
    lines = [
        f"- {e.name} · {e.nip or e.nik or '—'} · {e.unit.name}" for e in employees[:DIGEST_MAX_ROWS]
    ]
    if len(employees) > DIGEST_MAX_ROWS:
        lines.append(
            _("… and %(count)s more: see the campaign's dashboard.")
            % {"count": len(employees) - DIGEST_MAX_ROWS}
        )
    body = _(
        "%(count)s employees in your units have not yet signed the pact “%(title)s”. "
        "Signing closes on %(closes)s.\n\n%(list)s\n\n"
        "Please remind them; those who cannot be reached by message can sign at the ceremony "
        "or on paper."
    ) % {
        "count": len(employees),
        "title": campaign.title,
        "closes": _closing_text(campaign),
        "list": "\n".join(lines),
    }
    return Outgoing(
        routes=routes,
        subject=_("Not yet signed: %(count)s employees (%(title)s)")
        % {"count": len(employees), "title": campaign.title},
        text=body,
    )


def _messages_build(
    reminder: ReminderRound, claimed: list[ReminderDelivery], targets: dict[str, DigestTarget]
) -> tuple[dict[int, Outgoing], list[int]]:
    """The message of each claimed delivery, and the deliveries no longer needed."""
    campaign = reminder.campaign
    employee_codes = [d.recipient for d in claimed if d.kind == ReminderDelivery.Kind.EMPLOYEE]
    unsigned = {
        e.code: e
        for e in _unsigned(reminder).filter(code__in=employee_codes).select_related("agency")
    }
    generations = dict(
        SigningLink.objects.filter(
            campaign=campaign, employee__code__in=employee_codes
        ).values_list("employee__code", "generation")
    )
    digest_rows: list[Employee] = []
    if any(d.kind == ReminderDelivery.Kind.DIGEST for d in claimed):
        digest_rows = list(
            _unsigned(reminder).select_related("unit").order_by("unit__path", "name")
        )
    built: dict[int, Outgoing] = {}
    skipped: list[int] = []
    for delivery in claimed:
        if delivery.kind == ReminderDelivery.Kind.EMPLOYEE:
            employee = unsigned.get(delivery.recipient)
            routes = employee_message_routes(employee) if employee else []
            if employee is None or delivery.recipient not in generations or not routes:
                skipped.append(delivery.pk)  # signed since, left the roster, or lost the address
                continue
            built[delivery.pk] = _employee_message(
                reminder, employee, generations[delivery.recipient], routes
            )
        else:
            target = targets.get(delivery.recipient.removeprefix(DIGEST_PREFIX))
            theirs = (
                [e for e in digest_rows if any(e.unit.path.startswith(p) for p in target.paths)]
                if target
                else []
            )
            if target is None or not theirs:
                skipped.append(delivery.pk)
                continue
            built[delivery.pk] = _digest_message(reminder, target.routes, theirs)
    return built, skipped


def _stale_claims_fail(reminder: ReminderRound) -> int:
    threshold = f"{int(time.time() - STALE_CLAIM.total_seconds()):010d}"
    return ReminderDelivery.objects.filter(
        round=reminder, status=DeliveryStatus.SENDING, claim__lt=threshold
    ).update(status=DeliveryStatus.FAILED)


def reminder_round_run(reminder: ReminderRound, *, progress: Progress | None = None) -> RoundResult:
    """Hand what is pending of one round to the messaging layer (which sends on the agency's
    channels in the background, with retries and fallbacks); safe to run at the same time as
    another run. The one sending function: `send_reminders` runs the rounds that are due, a job
    the rounds by hand."""
    result = RoundResult(round=reminder)
    _deliveries_create(reminder)
    targets = _digest_targets(reminder) if reminder.include_digest else {}
    waiting = ReminderDelivery.objects.filter(round=reminder, status=DeliveryStatus.PENDING).count()

    def report(handled: int) -> None:
        if progress is not None and waiting:
            progress(100 * handled // waiting)

    with translation.override(settings.LANGUAGE_CODE):
        while True:
            token = _claim_token()
            claimed = _claim(reminder, token)
            if not claimed:
                break
            built, skipped = _messages_build(reminder, claimed, targets)
            ReminderDelivery.objects.filter(pk__in=skipped, claim=token).update(
                status=DeliveryStatus.SKIPPED
            )
            result.skipped += len(skipped)
            report(result.sent + result.skipped + result.failed)
            with transaction.atomic():
                for number, (delivery_id, outgoing) in enumerate(built.items(), start=1):
                    message = message_queue(
                        routes=outgoing.routes,
                        purpose="monitoring.reminder",
                        subject=outgoing.subject,
                        text=outgoing.text,
                        agency=reminder.campaign.agency,
                    )
                    ReminderDelivery.objects.filter(pk=delivery_id, claim=token).update(
                        status=DeliveryStatus.SENT,
                        sent_at=timezone.now(),
                        message=message,
                        channel=outgoing.routes[0].channel,
                        address=outgoing.routes[0].recipient,
                    )
                    if number % PROGRESS_EVERY == 0:
                        report(result.sent + result.skipped + result.failed + number)
            result.sent += len(built)
            report(result.sent + result.skipped + result.failed)
    _stale_claims_fail(reminder)
    result.finished = _round_finish(reminder, result)
    return result


def _round_finish(reminder: ReminderRound, result: RoundResult) -> bool:
    """Mark the round done once no delivery waits; only the run that does so writes the audit."""
    busy = ReminderDelivery.objects.filter(
        round=reminder, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    )
    if busy.exists():
        return False
    with transaction.atomic():
        finished = ReminderRound.objects.filter(pk=reminder.pk, status=RoundStatus.PENDING).update(
            status=RoundStatus.DONE, finished_at=timezone.now()
        )
        if finished:
            counts = dict(
                ReminderDelivery.objects.filter(round=reminder)
                .order_by()
                .values_list("status")
                .annotate(count=Count("id"))
                .values_list("status", "count")
            )
            audit_log(
                actor=Actor.command("send_reminders"),
                action="monitoring.reminder_round.sent",
                target=reminder.campaign,
                agency=reminder.campaign.agency,
                data={"round": reminder.code, "kind": reminder.kind, **counts},
            )
    return bool(finished)


def _supersede(due: list[ReminderRound]) -> list[ReminderRound]:
    """Of a campaign's scheduled rounds due at once and not started, only the latest runs; the
    earlier ones are cancelled, as they would repeat it within minutes."""
    latest: dict[int, ReminderRound] = {}
    for reminder in due:
        if reminder.kind != Kind.MANUAL:
            latest[reminder.campaign_id] = reminder  # ordered by due_at: the last one wins
    started = set(
        ReminderDelivery.objects.filter(round__in=due)
        .order_by()
        .values_list("round_id", flat=True)
        .distinct()
    )
    superseded = [
        r.pk
        for r in due
        if r.kind != Kind.MANUAL and r is not latest[r.campaign_id] and r.pk not in started
    ]
    ReminderRound.objects.filter(pk__in=superseded, status=RoundStatus.PENDING).update(
        status=RoundStatus.CANCELLED
    )
    return [r for r in due if r.pk not in superseded]


def _closed_rounds_cancel(now: datetime.datetime) -> int:
    """Rounds of campaigns that have closed will never go out."""
    closed = ReminderRound.objects.filter(status=RoundStatus.PENDING).filter(
        Q(campaign__status=Campaign.Status.CLOSED) | Q(campaign__closes_at__lte=now)
    )
    ids = list(closed.values_list("id", flat=True))
    ReminderDelivery.objects.filter(round__in=ids, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SKIPPED
    )
    return ReminderRound.objects.filter(pk__in=ids, status=RoundStatus.PENDING).update(
        status=RoundStatus.CANCELLED
    )


def reminders_send_due(*, now: datetime.datetime | None = None) -> list[RoundResult]:
    """Run every round that is due, of campaigns open now (a draft's rounds wait for it)."""
    now = now or timezone.now()
    _closed_rounds_cancel(now)
    due = list(
        ReminderRound.objects.filter(
            status=RoundStatus.PENDING,
            due_at__lte=now,
            campaign__status=Campaign.Status.OPEN,
            campaign__opens_at__lte=now,
            campaign__closes_at__gt=now,
        )
        .select_related("campaign__agency", "unit")
        .order_by("due_at", "pk")
    )
    return [reminder_round_run(reminder) for reminder in _supersede(due)]
