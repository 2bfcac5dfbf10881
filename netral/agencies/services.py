"""Writes for agencies, units, employees and roster imports."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.accounts.models import Membership, User
from netral.agencies.models import Agency, Employee, Region, RosterImport, Unit
from netral.agencies.roster import (
    MAX_REPORTED_ISSUES,
    RosterPlan,
    roster_apply,
    roster_plan,
)
from netral.agencies.roster_file import RosterFileError, RosterTable, read_roster_file
from netral.agencies.signals import roster_imported
from netral.base.audit import audit_log


class RosterUploadError(Exception):
    """The upload is refused before any work starts; the message is for the user."""


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


def roster_import_file(job: RosterImport) -> Path:
    return Path(settings.PRIVATE_ROOT) / "imports" / job.code


def roster_import_create(
    *, actor: Actor, agency: Agency, file_name: str, content: IO[bytes], size: int
) -> RosterImport:
    """Store an uploaded roster and queue its check; nothing in the roster changes yet."""
    if size > settings.NETRAL_ROSTER_MAX_BYTES:
        raise RosterUploadError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {
                "size": round(size / 1_048_576, 1),
                "limit": round(settings.NETRAL_ROSTER_MAX_BYTES / 1_048_576, 1),
            }
        )
    if size == 0:
        raise RosterUploadError(_("The file is empty."))
    job = RosterImport(
        agency=agency,
        created_by=actor.user,
        file_name=Path(file_name).name[:255],
        file_size=size,
        file_sha256="",
    )
    path = roster_import_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with path.open("wb") as target:
        for chunk in iter(lambda: content.read(1 << 20), b""):
            digest.update(chunk)
            target.write(chunk)
    job.file_sha256 = digest.hexdigest()
    job.save()
    audit_log(
        actor=actor,
        action="agencies.roster_import.uploaded",
        target=job,
        agency=agency,
        data={"file": job.file_name, "size": size, "sha256": job.file_sha256},
    )
    from netral.agencies.tasks import roster_import_analyse

    transaction.on_commit(lambda: roster_import_analyse.enqueue(job.code))
    return job


def _progress_updater(job: RosterImport, start: int, end: int) -> Any:
    last = [-1]

    def update(fraction: float) -> None:
        percent = start + int((end - start) * fraction)
        if percent != last[0]:
            last[0] = percent
            RosterImport.objects.filter(pk=job.pk).update(progress=percent)

    return update


def _read(job: RosterImport) -> RosterTable:
    return read_roster_file(
        roster_import_file(job),
        max_bytes=settings.NETRAL_ROSTER_MAX_BYTES,
        max_rows=settings.NETRAL_ROSTER_MAX_ROWS,
    )


def _record_plan(job: RosterImport, plan: RosterPlan) -> None:
    job.summary = plan.summary()
    job.errors = [issue.as_dict() for issue in plan.errors[:MAX_REPORTED_ISSUES]]
    job.error_count = len(plan.errors)
    job.warnings = [issue.as_dict() for issue in plan.warnings[:MAX_REPORTED_ISSUES]]


def _fail(job: RosterImport, message: str, status: str) -> None:
    job.errors = [{"row": 0, "column": "", "message": message}]
    job.error_count = 1
    job.status = status
    job.finished_at = timezone.now()
    job.save()


def roster_import_analyse_run(job: RosterImport) -> RosterImport:
    """Check the stored file and record the preview: counts, errors and warnings."""
    try:
        table = _read(job)
    except RosterFileError as problem:
        _fail(job, str(problem), RosterImport.Status.INVALID)
        return job
    plan = roster_plan(
        agency=job.agency,
        table=table,
        max_depth=settings.NETRAL_MAX_UNIT_DEPTH,
        progress=_progress_updater(job, 0, 100),
    )
    _record_plan(job, plan)
    job.status = RosterImport.Status.READY if plan.is_valid else RosterImport.Status.INVALID
    job.progress = 100
    job.save()
    return job


def roster_import_confirm(
    *, actor: Actor, job: RosterImport, deactivate_absent: bool
) -> RosterImport:
    """Queue the import of a checked file. A second confirmation does nothing."""
    with transaction.atomic():
        locked = RosterImport.objects.select_for_update().get(pk=job.pk)
        if locked.status != RosterImport.Status.READY:
            return locked
        locked.status = RosterImport.Status.APPLYING
        locked.progress = 0
        locked.deactivate_absent = deactivate_absent
        locked.save()
        audit_log(
            actor=actor,
            action="agencies.roster_import.confirmed",
            target=locked,
            agency=locked.agency,
            data={"deactivate_absent": deactivate_absent},
        )
        from netral.agencies.tasks import roster_import_apply

        user_id = actor.user.pk if actor.user else None
        transaction.on_commit(
            lambda: roster_import_apply.enqueue(
                locked.code, user_id, actor.label, actor.ip, actor.user_agent
            )
        )
    return locked


def roster_import_apply_run(job: RosterImport, actor: Actor) -> RosterImport:
    """Plan again from the file and write everything in one transaction, or nothing."""
    try:
        table = _read(job)
    except RosterFileError as problem:
        _fail(job, str(problem), RosterImport.Status.FAILED)
        return job
    plan = roster_plan(
        agency=job.agency,
        table=table,
        max_depth=settings.NETRAL_MAX_UNIT_DEPTH,
        progress=_progress_updater(job, 0, 60),
    )
    if plan.is_valid:
        plan = roster_apply(
            plan=plan,
            actor=actor,
            deactivate_absent=job.deactivate_absent,
            reference=job.code,
            max_depth=settings.NETRAL_MAX_UNIT_DEPTH,
            table=table,
        )
    _record_plan(job, plan)
    job.status = RosterImport.Status.DONE if plan.is_valid else RosterImport.Status.FAILED
    job.progress = 100
    job.finished_at = timezone.now()
    job.save()
    audit_log(
        actor=actor,
        action=f"agencies.roster_import.{'applied' if plan.is_valid else 'failed'}",
        target=job,
        agency=job.agency,
        data={"summary": job.summary, "errors": job.error_count},
    )
    if plan.is_valid:
        roster_imported.send(sender=RosterImport, agency=job.agency)
    return job


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
) -> Membership:
    with transaction.atomic():
        user = User(username=username, email=email, first_name=full_name[:150])
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
    *, actor: Actor, membership: Membership, role: str, unit: Unit | None
) -> Membership:
    with transaction.atomic():
        before = {
            "role": membership.role,
            "unit": membership.unit.name if membership.unit else None,
        }
        membership.role = role
        membership.unit = unit
        membership.full_clean()
        membership.save()
        after = {"role": role, "unit": unit.name if unit else None}
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
