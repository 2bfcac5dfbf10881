"""Reads of officer accounts and the audit log, scoped to the acting membership."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import Http404

from netral.accounts.models import Membership
from netral.base.audit import target_code
from netral.base.models import AuditEntry


def membership_list(*, viewer: Membership) -> QuerySet[Membership]:
    if not viewer.is_admin:
        return Membership.objects.none()
    return (
        Membership.objects.filter(agency=viewer.agency)
        .select_related("user", "unit")
        .order_by("user__username")
    )


def membership_get(*, viewer: Membership, code: str) -> Membership:
    membership = membership_list(viewer=viewer).filter(code=code).first()
    if membership is None:
        raise Http404
    return membership


def audit_list(*, viewer: Membership, action: str = "") -> QuerySet[AuditEntry]:
    if not viewer.is_admin:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.filter(agency=viewer.agency).select_related("target_type", "actor")
    if action:
        entries = entries.filter(action__startswith=action)
    return entries


def audit_list_for(*, viewer: Membership, target: Model) -> QuerySet[AuditEntry]:
    return audit_list(viewer=viewer).filter(
        target_type=ContentType.objects.get_for_model(target), target_code=target_code(target)
    )
