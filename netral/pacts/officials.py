"""The officials' track: the officials who sign first, in order, and the witnesses (seeds 001,
002). Each signs through a personal link of their own; the staff's signing opens when the last
official has signed, or at the campaign's set time."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import hmac
import json

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.agencies.models import Employee
from netral.base.audit import audit_log
from netral.pacts.models import Campaign, Signatory, Signature
from netral.pacts.services import Signer, signature_record, token_hash


class SignatoryError(Exception):
    """The signatory cannot be added, removed or signed now; the message is for the user."""


def signatory_token(campaign: Campaign, signatory_code: str) -> str:
    """The secret of an official's or witness's link, derived again whenever it is shown."""
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"netral-signatory/{campaign.token_salt}".encode(), "sha256"
    ).digest()
    digest = hmac.new(key, f"{campaign.code}/{signatory_code}".encode(), "sha256").digest()
    return base64.b32encode(digest[:20]).decode("ascii").lower()


def signatory_find(token: str) -> Signatory | None:
    if not token or len(token) > 64:
        return None
    return (
        Signatory.objects.select_related("campaign__pact_version", "campaign__agency")
        .filter(token_hash=token_hash(token))
        .first()
    )


def roster_employee(campaign: Campaign, identifier: str) -> Employee | None:
    """An employee of the campaign's agency by NIP or NIK, as typed."""
    digits = "".join(char for char in identifier if char.isdigit())
    if not digits:
        return None
    return (
        Employee.objects.filter(agency=campaign.agency_id, is_active=True)
        .filter(nip=digits)
        .first()
        or Employee.objects.filter(agency=campaign.agency_id, is_active=True)
        .filter(nik=digits)
        .first()
    )


def signatory_add(
    *,
    actor: Actor,
    campaign: Campaign,
    role: str,
    name: str,
    office: str,
    institution: str = "",
    employee: Employee | None = None,
) -> Signatory:
    """Add an official (after the last one in the signing order) or a witness."""
    if campaign.status == Campaign.Status.CLOSED:
        raise SignatoryError(_("The campaign is closed."))
    if employee is not None and employee.agency_id != campaign.agency_id:
        raise SignatoryError(_("The employee is not in this agency's roster."))
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        last = Signatory.objects.filter(campaign=locked, role=role).aggregate(Max("order"))
        signatory = Signatory(
            campaign=locked,
            role=role,
            order=(last["order__max"] or 0) + 1,
            name=name or (employee.name if employee else ""),
            office=office or (employee.position if employee else ""),
            institution=institution,
            employee=employee,
        )
        signatory.token_hash = token_hash(signatory_token(locked, signatory.code))
        signatory.full_clean()
        signatory.save()
        others = Signatory.objects.filter(campaign=locked, role=role).exclude(pk=signatory.pk)
        first_official = role == Signatory.Role.OFFICIAL and not others.exists()
        if first_official and locked.officials_signed_at is None:
            # The first official listed: the staff now wait for the officials.
            locked.officials_first = True
            locked.save(update_fields=["officials_first"])
        audit_log(
            actor=actor,
            action="pacts.signatory.added",
            target=locked,
            agency=locked.agency,
            data={"role": role, "name": signatory.name, "office": signatory.office},
        )
    campaign.refresh_from_db()
    return signatory


def signatory_remove(*, actor: Actor, signatory: Signatory) -> None:
    """Remove an official or witness who has not signed; the order closes up."""
    if signatory.has_signed:
        raise SignatoryError(_("A signatory who has signed cannot be removed."))
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=signatory.campaign_id)
        signatory.delete()
        # Close the gap, one by one in ascending order so the unique order never clashes.
        for later in Signatory.objects.filter(
            campaign=campaign, role=signatory.role, order__gt=signatory.order
        ).order_by("order"):
            later.order -= 1
            later.save(update_fields=["order"])
        _officials_refresh(campaign, timezone.now())
        audit_log(
            actor=actor,
            action="pacts.signatory.removed",
            target=campaign,
            agency=campaign.agency,
            data={"role": signatory.role, "name": signatory.name},
        )


def signatory_move_up(*, actor: Actor, signatory: Signatory) -> None:
    """Swap an unsigned official with the one before (who must not have signed either)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=signatory.campaign_id)
        current = Signatory.objects.get(pk=signatory.pk)
        before = Signatory.objects.filter(
            campaign=campaign, role=current.role, order=current.order - 1
        ).first()
        if before is None:
            return
        if before.has_signed or current.has_signed:
            raise SignatoryError(_("The order of those who have signed cannot change."))
        place = current.order
        current.order = 0  # free the place for the swap
        current.save(update_fields=["order"])
        before.order = place
        before.save(update_fields=["order"])
        current.order = place - 1
        current.save(update_fields=["order"])
        audit_log(
            actor=actor,
            action="pacts.signatory.moved",
            target=campaign,
            agency=campaign.agency,
            data={"name": current.name, "order": current.order},
        )


def staff_opening_set(
    *,
    actor: Actor,
    campaign: Campaign,
    officials_first: bool,
    staff_opens_at: datetime.datetime | None,
) -> Campaign:
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        locked.officials_first = officials_first
        locked.staff_opens_at = staff_opens_at
        locked.save(update_fields=["officials_first", "staff_opens_at"])
        audit_log(
            actor=actor,
            action="pacts.campaign.staff_opening_set",
            target=locked,
            agency=locked.agency,
            data={
                "officials_first": officials_first,
                "staff_opens_at": staff_opens_at.isoformat() if staff_opens_at else None,
            },
        )
    return locked


def official_waited_for(signatory: Signatory) -> Signatory | None:
    """The first official before this one who has not signed yet (None: it is their turn)."""
    if signatory.role != Signatory.Role.OFFICIAL:
        return None
    return (
        Signatory.objects.filter(
            campaign=signatory.campaign_id,
            role=Signatory.Role.OFFICIAL,
            order__lt=signatory.order,
            signed_at__isnull=True,
        )
        .order_by("order")
        .first()
    )


def signatory_record(signatory: Signatory, *, campaign: Campaign, pact_sha256: str) -> bytes:
    """The canonical form of a signatory's signature, whose SHA-256 the collective document
    prints."""
    record = {
        "campaign": campaign.code,
        "signatory": signatory.code,
        "role": signatory.role,
        "order": signatory.order,
        "name": signatory.name,
        "office": signatory.office,
        "institution": signatory.institution,
        "typed_name": signatory.typed_name,
        "signed_at": signatory.signed_at.isoformat() if signatory.signed_at else "",
        "pact_sha256": pact_sha256,
        "recorded": signatory.recorded,
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")


def witness_record(*, actor: Actor, signatory: Signatory) -> Signatory:
    """An administrator records that a witness witnessed the ceremony (without their link)."""
    if signatory.role != Signatory.Role.WITNESS:
        raise SignatoryError(_("Only a witness can be recorded as witnessing."))
    return signatory_sign(actor=actor, signatory=signatory, typed_name="", recorded=True)


def signatory_sign(
    *,
    actor: Actor,
    signatory: Signatory,
    typed_name: str,
    recorded: bool = False,
    now: datetime.datetime | None = None,
) -> Signatory:
    """An official or witness signs through their link: officials in order; a second submit
    changes nothing. `recorded`: an administrator records a witness as witnessing."""
    now = now or timezone.now()
    with transaction.atomic():
        # The campaign's row serialises the officials, so two cannot pass one another.
        campaign = (
            Campaign.objects.select_for_update()
            .select_related("pact_version")
            .get(pk=signatory.campaign_id)
        )
        current = Signatory.objects.get(pk=signatory.pk)
        if current.has_signed:
            return current
        if not campaign.accepts_signatures(now):
            raise SignatoryError(_("The campaign does not accept signatures now."))
        waited = official_waited_for(current)
        if waited is not None:
            raise SignatoryError(
                _("%(name)s (%(office)s) signs before you. Please wait and open this link again.")
                % {"name": waited.name, "office": waited.office}
            )
        current.signed_at = now
        current.typed_name = typed_name
        current.ip = actor.ip
        current.user_agent = actor.user_agent
        current.recorded = recorded
        current.recorded_by = actor.user if recorded else None
        current.record_sha256 = hashlib.sha256(
            signatory_record(current, campaign=campaign, pact_sha256=campaign.pact_version.sha256)
        ).hexdigest()
        current.save()
        if current.role == Signatory.Role.OFFICIAL and current.employee_id is not None:
            _staff_signature_record(actor, campaign, current, current.employee_id, now)
        _officials_refresh(campaign, now)
        audit_log(
            actor=actor,
            action="pacts.signatory.witness_recorded" if recorded else "pacts.signatory.signed",
            target=campaign,
            agency=campaign.agency,
            data={"role": current.role, "name": current.name, "order": current.order},
        )
    return current


def staff_signature_of(signatory: Signatory) -> Signature | None:
    """The staff signature of an official chosen from the roster in the same campaign: their
    own, if they signed as staff, or the one their signature as an official counts as."""
    if signatory.employee_id is None:
        return None
    return Signature.objects.filter(
        campaign=signatory.campaign_id, employee=signatory.employee_id
    ).first()


def _staff_signature_record(
    actor: Actor,
    campaign: Campaign,
    signatory: Signatory,
    employee_id: int,
    now: datetime.datetime,
) -> None:
    """An official from the roster who signs on the officials' track has signed as staff too:
    one signature row for the employee and campaign, on the officials' channel, so completion
    and the chase lists count them. One who signed as staff before keeps that signature."""
    employee = Employee.objects.select_related("unit").get(pk=employee_id)
    # Not waiting for the officials: they are one of them.
    signer = dataclasses.replace(Signer.of(campaign, employee), officials_first=False)
    if not signer.in_scope():
        return  # not among the staff who must sign (another unit, no longer active)
    signature_record(
        actor=actor,
        signer=signer,
        channel=Signature.Channel.OFFICIAL,
        typed_name=signatory.typed_name or signatory.name,
        now=now,
    )


def _officials_refresh(campaign: Campaign, now: datetime.datetime) -> None:
    """Open the staff's signing once every listed official has signed. It never closes again:
    staff may have signed already."""
    if campaign.officials_signed_at is not None:
        return
    officials = Signatory.objects.filter(campaign=campaign, role=Signatory.Role.OFFICIAL)
    if officials.exists() and not officials.filter(signed_at__isnull=True).exists():
        campaign.officials_signed_at = now
        campaign.save(update_fields=["officials_signed_at"])
