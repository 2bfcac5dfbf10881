"""Writes for agencies, units, employees and memberships (roster imports: roster_imports.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from netral.accounts.actors import Actor
from netral.accounts.models import Membership, User
from netral.agencies.letterhead import logo_name, logo_normalise
from netral.agencies.models import Agency, Employee, Region, Unit
from netral.base.audit import audit_log
from netral.base.storage import save_bytes


def agency_create(
    *, actor: Actor, code: str, name: str, kind: str, region: Region | None = None
) -> Agency:
    with transaction.atomic():
        agency = Agency(code=code, name=name, kind=kind, region=region)
        agency.full_clean()
        agency.save()
        Unit.objects.create(agency=agency, name=name)
        audit_log(actor=actor, action="agencies.agency.created", target=agency, agency=agency)
    return agency


def agency_delete(*, actor: Actor, agency: Agency) -> None:
    """Delete an agency made by mistake (or a trial tenant) with its units, employees, members
    and imports. Raises ProtectedError while campaigns, signatures or cases still refer to it:
    those are history and are never deleted this way."""
    with transaction.atomic():
        facts: dict[str, Any] = {"code": agency.code, "name": agency.name}
        facts["employees"] = Employee.objects.filter(agency=agency).count()
        Unit.objects.filter(agency=agency).update(head=None)
        Employee.objects.filter(agency=agency).delete()
        # Children first: a unit protects its parent.
        depths = Unit.objects.filter(agency=agency).values_list("depth", flat=True).distinct()
        for depth in sorted(depths, reverse=True):
            Unit.objects.filter(agency=agency, depth=depth).delete()
        agency.delete()
        # Kept outside the agency, whose own log goes with it.
        audit_log(actor=actor, action="agencies.agency.deleted", data=facts)


def agency_for_region(*, actor: Actor, region: Region) -> Agency:
    """The regional government of a Kemendagri region, created on first use."""
    existing = Agency.objects.filter(code=region.code).first()
    if existing:
        return existing
    kind = {
        Region.Kind.PROVINCE: Agency.Kind.PROVINCE,
        Region.Kind.REGENCY: Agency.Kind.REGENCY,
        Region.Kind.CITY: Agency.Kind.CITY,
    }[Region.Kind(region.kind)]
    prefix = "Pemerintah Provinsi" if region.kind == Region.Kind.PROVINCE else "Pemerintah"
    return agency_create(
        actor=actor, code=region.code, name=f"{prefix} {region.name}", kind=kind, region=region
    )


EDITABLE_EMPLOYEE_FIELDS = ("name", "position", "position_type", "rank", "email", "phone", "unit")


def employee_update(*, actor: Actor, employee: Employee, **changes: Any) -> Employee:
    with transaction.atomic():
        before = {name: getattr(employee, name) for name in changes}
        for name, value in changes.items():
            if name not in EDITABLE_EMPLOYEE_FIELDS:
                raise ValueError(f"{name} is not editable")
            setattr(employee, name, value)
        employee.full_clean()
        employee.save()
        diff = {
            name: [str(before[name]), str(value)]
            for name, value in changes.items()
            if before[name] != value
        }
        if diff:
            Agency.objects.filter(pk=employee.agency_id).update(
                roster_version=F("roster_version") + 1
            )
            audit_log(
                actor=actor,
                action="agencies.employee.updated",
                target=employee,
                agency=employee.agency,
                data={"changes": diff},
            )
    return employee


def employee_release(*, actor: Actor, employee: Employee) -> Employee:
    """The old agency's side of a transfer (mutasi): the employee is no longer asked to sign
    here; their signatures stay, and the new agency's roster import moves them."""
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        if not locked.is_active:
            return locked
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        Unit.objects.filter(head=locked).update(head=None)
        Agency.objects.filter(pk=locked.agency_id).update(roster_version=F("roster_version") + 1)
        audit_log(
            actor=actor,
            action="agencies.employee.released",
            target=locked,
            agency=locked.agency,
            data={"name": locked.name},
        )
    return locked


def membership_create(
    *,
    actor: Actor,
    agency: Agency,
    username: str,
    full_name: str,
    email: str,
    password: str,
    role: str,
    unit: Unit | None,
    phone: str = "",
) -> Membership:
    with transaction.atomic():
        user = User(username=username, email=email, phone=phone, first_name=full_name[:150])
        user.set_password(password)
        user.full_clean()
        user.save()
        membership = Membership(user=user, agency=agency, role=role, unit=unit)
        membership.full_clean()
        membership.save()
        audit_log(
            actor=actor,
            action="core.membership.created",
            target=membership,
            agency=agency,
            data={"user": username, "role": role, "unit": unit.name if unit else None},
        )
    return membership


def membership_update(
    *,
    actor: Actor,
    membership: Membership,
    role: str,
    unit: Unit | None,
    phone: str | None = None,
) -> Membership:
    with transaction.atomic():
        user = membership.user
        before: dict[str, str | None] = {
            "role": membership.role,
            "unit": membership.unit.name if membership.unit else None,
        }
        after: dict[str, str | None] = {"role": role, "unit": unit.name if unit else None}
        membership.role = role
        membership.unit = unit
        membership.full_clean()
        membership.save()
        if phone is not None and phone != user.phone:
            before["phone"], after["phone"] = user.phone, phone
            user.phone = phone
            user.save(update_fields=["phone"])
        if before != after:
            audit_log(
                actor=actor,
                action="core.membership.role_changed",
                target=membership,
                agency=membership.agency,
                data={"before": before, "after": after},
            )
    return membership


def membership_delete(*, actor: Actor, membership: Membership) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="core.membership.removed",
            target=membership.user,
            agency=membership.agency,
            data={"user": membership.user.username, "role": membership.role},
        )
        user = membership.user
        membership.delete()
        if not user.memberships.exists():
            user.is_active = False
            user.save(update_fields=["is_active"])


def letterhead_update(
    *,
    actor: Actor,
    agency: Agency,
    lines: list[str],
    address: str,
    seat: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Agency:
    """Set the letterhead of the agency's documents; a new logo is checked and re-encoded
    (LogoError) before anything is written."""
    new_logo = logo_normalise(logo) if logo is not None else None
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        locked.letterhead_lines = "\n".join(line.strip() for line in lines if line.strip())
        locked.address, locked.seat = address.strip(), seat.strip()
        if new_logo is not None:
            locked.logo_name = logo_name(locked.code, new_logo)
            save_bytes(locked.logo_name, new_logo)
        elif remove_logo:
            locked.logo_name = ""
        locked.save(update_fields=["letterhead_lines", "address", "seat", "logo_name"])
        audit_log(
            actor=actor,
            action="agencies.letterhead.updated",
            target=locked,
            agency=locked,
            data={
                "lines": locked.letterhead_lines.splitlines(),
                "address": locked.address,
                "seat": locked.seat,
                "logo": locked.logo_name,
            },
        )
    return locked


MESSAGE_SETTINGS = ("message_email", "message_whatsapp", "message_sms", "message_phone_first")


def agency_message_settings_update(*, actor: Actor, agency: Agency, **changes: bool) -> Agency:
    """Which channels the agency sends messages on, and whether phone comes before e-mail."""
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = {name: getattr(agency, name) for name in MESSAGE_SETTINGS}
        for name, value in changes.items():
            if name not in MESSAGE_SETTINGS:
                raise ValueError(f"{name} is not a message setting")
            setattr(agency, name, bool(value))
        agency.save(update_fields=list(MESSAGE_SETTINGS))
        diff = {
            name: [before[name], getattr(agency, name)]
            for name in MESSAGE_SETTINGS
            if before[name] != getattr(agency, name)
        }
        if diff:
            audit_log(
                actor=actor,
                action="agencies.agency.messaging_changed",
                target=agency,
                agency=agency,
                data={"changes": diff},
            )
    return agency


def unit_head_set(*, actor: Actor, unit: Unit, head: Employee | None) -> Unit:
    """Name the unit's head (who receives the digest of its employees yet to sign), or none.
    The head must be an active employee of the unit or one of its sub-units."""
    if head is not None and (not head.is_active or not head.unit.is_within(unit)):
        raise ValueError("the head must be an active employee of the unit")
    with transaction.atomic():
        unit.head = head
        unit.save(update_fields=["head"])
        audit_log(
            actor=actor,
            action="agencies.unit.head_set" if head else "agencies.unit.head_removed",
            target=unit,
            agency=unit.agency,
            data={"head": head.name if head else ""},
        )
    return unit
