"""Screening batches on the retention schedule: the collected posts (with their authors and
NIPs) and the reviews of them go together; a case opened from a post keeps its own copy."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy

from netral.base.retention import RecordKind, batched_delete, record_kind
from netral.screening.models import ScreeningBatch


def _batches(cutoff: datetime) -> models.QuerySet[ScreeningBatch]:
    return ScreeningBatch.objects.filter(created_at__lt=cutoff).exclude(
        status=ScreeningBatch.Status.RUNNING
    )


record_kind(
    RecordKind(
        name="screening_batches",
        label=gettext_lazy("Screening batches and their posts"),
        days_setting="NETRAL_KEEP_SCREENING_BATCHES_DAYS",
        count=lambda cutoff: _batches(cutoff).count(),
        purge=lambda cutoff: batched_delete(_batches(cutoff)),
    )
)
