"""Signatures' addresses and browsers on the retention schedule: blanked after a while. The
transparency log's record never included them, so every proof still verifies."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy

from netral.base.retention import RecordKind, batched_update, record_kind
from netral.pacts.models import Signature


def _with_address(cutoff: datetime) -> models.QuerySet[Signature]:
    return Signature.objects.filter(signed_at__lt=cutoff).filter(
        models.Q(ip__isnull=False) | ~models.Q(user_agent="")
    )


record_kind(
    RecordKind(
        name="signature_addresses",
        label=gettext_lazy("Addresses and browsers of signatures"),
        days_setting="NETRAL_KEEP_ADDRESSES_DAYS",
        count=lambda cutoff: _with_address(cutoff).count(),
        purge=lambda cutoff: batched_update(_with_address(cutoff), ip=None, user_agent=""),
    )
)
