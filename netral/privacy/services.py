"""Writes of the privacy app: the officer named on the notice, requests and their answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from netral.accounts.actors import Actor
from netral.agencies.models import Agency, Employee
from netral.base.audit import audit_log
from netral.privacy.models import DataSubjectRequest, PrivacyOfficer


def privacy_officer_save(*, actor: Actor, agency: Agency, name: str, contact: str) -> None:
    with transaction.atomic():
        PrivacyOfficer.objects.update_or_create(
            agency=agency, defaults={"name": name, "contact": contact}
        )
        audit_log(actor=actor, action="privacy.officer.saved", agency=agency)


def request_due_at(*, right: str, received_at: datetime) -> datetime:
    """The legal deadline: NETRAL_PRIVACY_REQUEST_HOURS for the right, from receipt."""
    return received_at + timedelta(hours=settings.NETRAL_PRIVACY_REQUEST_HOURS[right])


def request_create(
    *,
    actor: Actor,
    agency: Agency,
    employee: Employee | None,
    requester_name: str,
    requester_contact: str,
    right: str,
    details: str = "",
    received_at: datetime | None = None,
) -> DataSubjectRequest:
    received = received_at or timezone.now()
    request = DataSubjectRequest(
        agency=agency,
        employee=employee,
        requester_name=requester_name,
        requester_contact=requester_contact,
        right=right,
        details=details,
        received_at=received,
        due_at=request_due_at(right=right, received_at=received),
        created_by=actor.user,
    )
    request.full_clean()
    with transaction.atomic():
        request.save()
        audit_log(
            actor=actor,
            action="privacy.request.created",
            target=request,
            agency=agency,
            data={"right": right, "due_at": request.due_at.isoformat()},
        )
    return request


def request_answer(
    *, actor: Actor, request: DataSubjectRequest, status: str, answer: str
) -> DataSubjectRequest:
    with transaction.atomic():
        locked = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
        locked.status = status
        locked.answer = answer
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answer", "answered_at"])
        audit_log(
            actor=actor,
            action="privacy.request.answered",
            target=locked,
            agency=locked.agency,
            data={"status": status, "late": locked.answered_at > locked.due_at},
        )
    return locked
