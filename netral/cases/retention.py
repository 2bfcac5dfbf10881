"""The cases' kinds on the retention schedule: the evidence of cases closed long ago, then the
cases themselves. A case with a sanction stays (the decree is part of the employee's personnel
record, kept under the personnel rules); its evidence still goes when its time comes."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy

from netral.base.retention import BATCH, RecordKind, batched_delete, record_kind
from netral.cases.evidence import evidence_files_delete
from netral.cases.models import Case, Evidence


def _closed_before(cutoff: datetime) -> models.QuerySet[Case]:
    return Case.objects.filter(status=Case.Status.CLOSED, closed_at__lt=cutoff)


def _evidence(cutoff: datetime) -> models.QuerySet[Evidence]:
    return Evidence.objects.filter(case__in=_closed_before(cutoff))


def _evidence_delete(cutoff: datetime) -> int:
    return _files_and_rows_delete(_evidence(cutoff))


def _files_and_rows_delete(evidence: models.QuerySet[Evidence]) -> int:
    removed = 0
    while True:
        batch = list(evidence.select_related("case")[:BATCH])
        if not batch:
            return removed
        for item in batch:
            evidence_files_delete(item)  # the files first: a row never points at nothing
        Evidence.objects.filter(pk__in=[item.pk for item in batch]).delete()
        removed += len(batch)


def _cases(cutoff: datetime) -> models.QuerySet[Case]:
    # Not a case with a sanction, nor one another case was joined to (it keeps the history),
    # nor one passed from another agency (the sender keeps a record of it).
    return _closed_before(cutoff).filter(
        sanctions__isnull=True, duplicates__isnull=True, transfers__isnull=True
    )


def _cases_delete(cutoff: datetime) -> int:
    # The cases' files go with them, whatever the evidence schedule says.
    _files_and_rows_delete(Evidence.objects.filter(case__in=_cases(cutoff)))
    return batched_delete(_cases(cutoff))


record_kind(
    RecordKind(
        name="case_evidence",
        label=gettext_lazy("Evidence of closed cases"),
        days_setting="NETRAL_KEEP_CASE_EVIDENCE_DAYS",
        count=lambda cutoff: _evidence(cutoff).count(),
        purge=_evidence_delete,
    )
)
record_kind(
    RecordKind(
        name="closed_cases",
        label=gettext_lazy("Closed cases without a sanction (with their messages)"),
        days_setting="NETRAL_KEEP_CLOSED_CASES_DAYS",
        count=lambda cutoff: _cases(cutoff).count(),
        purge=_cases_delete,
    )
)
