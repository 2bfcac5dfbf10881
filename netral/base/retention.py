"""The retention schedule (UU 27/2022): each kind of record is kept for a number of days set in
the settings, then removed (or, for addresses, blanked) by `netral purge`. Apps register their
kinds here, as they register job kinds; the command walks the registry in order, so a lower
layer never imports a higher one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from netral.base.models import AuditEntry, Job, Message, ThrottleCount

BATCH = 5000  # rows per statement: a purge of millions never holds one long lock


@dataclass(frozen=True)
class RecordKind:
    name: str
    label: str | Promise
    # The setting that holds the days a record of this kind is kept.
    days_setting: str
    # Given the cutoff (records older than it are due): how many are due, and remove them.
    count: Callable[[datetime], int]
    purge: Callable[[datetime], int]

    @property
    def days(self) -> int:
        return int(getattr(settings, self.days_setting))

    def cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=self.days)


KINDS: dict[str, RecordKind] = {}


def record_kind(kind: RecordKind) -> RecordKind:
    """Register a kind of record on the schedule (from an app's module, loaded at start)."""
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"record kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


@dataclass(frozen=True)
class Due:
    kind: RecordKind
    cutoff: datetime
    count: int


def retention_due(*, now: datetime | None = None) -> list[Due]:
    """What the schedule says is due, kind by kind; changes nothing."""
    moment = now or timezone.now()
    return [
        Due(kind=kind, cutoff=kind.cutoff(moment), count=kind.count(kind.cutoff(moment)))
        for kind in KINDS.values()
    ]


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Remove what is due, kind by kind, each in statements of at most BATCH rows; run again,
    it finds nothing more to do."""
    return {item.kind.name: item.kind.purge(item.cutoff) for item in retention_due(now=now)}


def batched_delete(queryset: models.QuerySet) -> int:
    """Delete the rows of a queryset BATCH at a time (cascades included); the rows deleted."""
    removed = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return removed
        queryset.model.objects.filter(pk__in=ids).delete()
        removed += len(ids)


def batched_update(queryset: models.QuerySet, **values: object) -> int:
    """Update the rows of a queryset BATCH at a time; the queryset must stop matching a row
    once it is updated. The rows updated."""
    updated = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return updated
        updated += queryset.model.objects.filter(pk__in=ids).update(**values)


def _audit_addresses(cutoff: datetime) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(created_at__lt=cutoff).filter(
        models.Q(ip__isnull=False) | ~models.Q(user_agent="")
    )


def _audit_addresses_count(cutoff: datetime) -> int:
    return _audit_addresses(cutoff).count()


def _audit_addresses_blank(cutoff: datetime) -> int:
    return batched_update(_audit_addresses(cutoff), ip=None, user_agent="")


def _throttle_counts(cutoff: datetime) -> models.QuerySet[ThrottleCount]:
    return ThrottleCount.objects.filter(expires__lt=int(cutoff.timestamp()))


def _jobs(cutoff: datetime) -> models.QuerySet[Job]:
    # A job's expiry is set when it starts, NETRAL_JOB_KEEP_DAYS ahead (its page says so).
    expired = cutoff + timedelta(days=settings.NETRAL_JOB_KEEP_DAYS)
    return Job.objects.filter(expires_at__lte=expired).exclude(
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    )


def _jobs_delete(cutoff: datetime) -> int:
    removed = 0
    for job in _jobs(cutoff).iterator():
        if job.result_name:
            default_storage.delete(job.result_name)
        job.delete()
        removed += 1
    return removed


def _messages(cutoff: datetime) -> models.QuerySet[Message]:
    return Message.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[Message.Status.QUEUED, Message.Status.SENDING]
    )


record_kind(
    RecordKind(
        name="login_failures",
        label=gettext_lazy("Login failures and other throttle counts"),
        days_setting="NETRAL_KEEP_LOGIN_FAILURES_DAYS",
        count=lambda cutoff: _throttle_counts(cutoff).count(),
        purge=lambda cutoff: batched_delete(_throttle_counts(cutoff)),
    )
)
record_kind(
    RecordKind(
        name="addresses",
        label=gettext_lazy("Addresses and browsers in the audit log"),
        days_setting="NETRAL_KEEP_ADDRESSES_DAYS",
        count=_audit_addresses_count,
        purge=_audit_addresses_blank,
    )
)
record_kind(
    RecordKind(
        name="job_results",
        label=gettext_lazy("Exports and other job results"),
        days_setting="NETRAL_JOB_KEEP_DAYS",
        count=lambda cutoff: _jobs(cutoff).count(),
        purge=_jobs_delete,
    )
)
record_kind(
    RecordKind(
        name="messages",
        label=gettext_lazy("Messages sent (delivery records)"),
        days_setting="NETRAL_MESSAGE_KEEP_DAYS",
        count=lambda cutoff: _messages(cutoff).count(),
        purge=lambda cutoff: batched_delete(_messages(cutoff)),
    )
)
