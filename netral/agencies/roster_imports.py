"""Roster imports from the officer's pages, as two background jobs (netral.base.jobs).

The uploaded file goes to the storage (`imports/<code>/<name>`); the check job reads it back and
records the preview; once an administrator confirms, the import job plans again and writes.
`netral import_roster` runs the same reading, planning and writing in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.agencies.models import (
    Agency,
    Employee,
    RosterImport,
    RosterMapping,
    RosterPreviewLine,
)
from netral.agencies.roster import (
    MAX_REPORTED_ISSUES,
    UNIT_SEPARATOR,
    RosterPlan,
    RosterRow,
    choose_mapping,
    plan_confirmed_check,
    roster_apply,
    roster_plan,
    unit_paths_of,
)
from netral.agencies.roster_file import (
    RosterFileError,
    RosterTable,
    read_roster_file,
    roster_csv_of_columns,
)
from netral.agencies.signals import roster_imported
from netral.base.audit import audit_log
from netral.base.bulk import bulk_insert
from netral.base.jobs import JobFailed, Progress, job_kind, job_start
from netral.base.models import Job
from netral.base.storage import folder_owner, local_copy, save_bytes, save_stream

ANALYSE_JOB = "agencies.roster_analyse"
MAX_HEADERS = 200
APPLY_JOB = "agencies.roster_apply"


class RosterUploadError(Exception):
    """The upload is refused before any work starts; the message is for the user."""


def roster_import_file_name(roster_import: RosterImport) -> str:
    """The upload's name in the storage, derived from the import's code and file name."""
    try:
        name = get_valid_filename(roster_import.file_name)
    except SuspiciousFileOperation:  # "", "." or ".."
        name = "roster"
    # Room for the temporary suffix of the filesystem storage within 255 bytes.
    stem, suffix = Path(name).stem, Path(name).suffix
    return f"imports/{roster_import.code}/{stem[:180]}{suffix[:20]}"


def roster_import_create(
    *, actor: Actor, agency: Agency, file_name: str, content: IO[bytes], size: int
) -> Job:
    """Store an uploaded roster and start its check; nothing in the roster changes yet."""
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
    roster_import = RosterImport(
        agency=agency, created_by=actor.user, file_name=Path(file_name).name[:255], file_size=0
    )
    name = roster_import_file_name(roster_import)
    stored = save_stream(name, content)
    roster_import.file_size = stored.size
    roster_import.file_sha256 = stored.sha256
    with transaction.atomic():
        roster_import.job = job_start(
            kind=ANALYSE_JOB,
            title=_("Checking the roster %(file)s") % {"file": roster_import.file_name},
            actor=actor,
            agency=agency,
            params={"import": roster_import.code},
            next_url=roster_import.get_absolute_url(),
        )
        roster_import.save()
        audit_log(
            actor=actor,
            action="agencies.roster_import.uploaded",
            target=roster_import,
            agency=agency,
            data={
                "file": roster_import.file_name,
                "size": roster_import.file_size,
                "sha256": roster_import.file_sha256,
            },
        )
    return roster_import.job


def roster_import_confirm(
    *, actor: Actor, roster_import: RosterImport, deactivate_absent: bool
) -> Job | None:
    """Start the import of a checked file; None when it is not ready to import, so a second
    confirmation does nothing."""
    with transaction.atomic():
        locked = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
        if locked.status != RosterImport.Status.READY:
            return None
        job = job_start(
            kind=APPLY_JOB,
            title=_("Importing the roster %(file)s") % {"file": locked.file_name},
            actor=actor,
            agency=roster_import.agency,
            # Who confirmed, so the employees' audit entries name them and where they were.
            params={
                "import": locked.code,
                "label": actor.label,
                "ip": actor.ip,
                "user_agent": actor.user_agent,
            },
            next_url=locked.get_absolute_url(),
        )
        locked.status = RosterImport.Status.APPLYING
        locked.deactivate_absent = deactivate_absent
        locked.job = job
        locked.save()
        audit_log(
            actor=actor,
            action="agencies.roster_import.confirmed",
            target=locked,
            agency=roster_import.agency,
            data={"deactivate_absent": deactivate_absent},
        )
    return job


def roster_import_remap(
    *, actor: Actor, roster_import: RosterImport, mapping: dict[str, str]
) -> Job | None:
    """Check the file again with the administrator's mapping of its columns, and remember the
    mapping for the agency's next file; None when the import is past its check."""
    with transaction.atomic():
        locked = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
        if locked.status not in (RosterImport.Status.READY, RosterImport.Status.INVALID):
            return None
        locked.mapping = mapping
        locked.status = RosterImport.Status.ANALYSING
        locked.job = job_start(
            kind=ANALYSE_JOB,
            title=_("Checking the roster %(file)s") % {"file": locked.file_name},
            actor=actor,
            agency=locked.agency,
            params={"import": locked.code},
            next_url=locked.get_absolute_url(),
        )
        locked.save()
        RosterMapping.objects.update_or_create(agency=locked.agency, defaults={"columns": mapping})
        audit_log(
            actor=actor,
            action="agencies.roster_import.mapped",
            target=locked,
            agency=locked.agency,
            data={"mapping": mapping},
        )
    return locked.job


@job_kind(ANALYSE_JOB)
def roster_import_analyse(job: Job, progress: Progress) -> None:
    """Check the stored file and record the preview: counts, errors and warnings."""
    roster_import = _roster_import_of(job)
    with _stops_recorded(roster_import, refused=RosterImport.Status.INVALID):
        table = _read(roster_import)
        progress(10)
        remembered = RosterMapping.objects.filter(agency=roster_import.agency).first()
        mapping = choose_mapping(
            table.headers,
            chosen=roster_import.mapping,
            remembered=remembered.columns if remembered else {},
        )
        roster_import.mapping = mapping or {}
        roster_import.headers = [header[:200] for header in table.headers[:MAX_HEADERS]]
        plan = roster_plan(
            agency=roster_import.agency,
            table=table,
            max_depth=settings.NETRAL_MAX_UNIT_DEPTH,
            progress=_percents(progress, 10, 99),
            mapping=mapping,
        )
        _keep_used_columns(roster_import, table, plan)
        roster_import.plan_digest = plan.digest() if plan.is_valid else ""
        _record_plan(roster_import, plan)
        _record_preview(roster_import, plan)
        roster_import.status = (
            RosterImport.Status.READY if plan.is_valid else RosterImport.Status.INVALID
        )
        roster_import.save()


@job_kind(APPLY_JOB)
def roster_import_apply(job: Job, progress: Progress) -> None:
    """Plan again from the file and write everything in one transaction, or nothing."""
    roster_import = _roster_import_of(job)
    actor = Actor(
        user=job.created_by,
        label=job.params["label"],
        ip=job.params["ip"],
        user_agent=job.params["user_agent"],
    )
    with _stops_recorded(roster_import, refused=RosterImport.Status.FAILED):
        table = _read(roster_import)
        progress(5)
        plan = roster_plan(
            agency=roster_import.agency,
            table=table,
            max_depth=settings.NETRAL_MAX_UNIT_DEPTH,
            progress=_percents(progress, 5, 60),
            mapping=roster_import.mapping or None,
        )
        plan_confirmed_check(plan, roster_import.plan_digest)
        if plan.is_valid:
            plan = roster_apply(
                plan=plan,
                actor=actor,
                deactivate_absent=roster_import.deactivate_absent,
                reference=roster_import.code,
                max_depth=settings.NETRAL_MAX_UNIT_DEPTH,
                table=table,
                confirmed_digest=roster_import.plan_digest,
            )
        _record_plan(roster_import, plan)
        roster_import.status = (
            RosterImport.Status.DONE if plan.is_valid else RosterImport.Status.FAILED
        )
        roster_import.finished_at = timezone.now()
        roster_import.save()
        if plan.is_valid:  # the audit log tells from now on what the import changed
            RosterPreviewLine.objects.filter(roster_import=roster_import).delete()
        audit_log(
            actor=actor,
            action=f"agencies.roster_import.{'applied' if plan.is_valid else 'failed'}",
            target=roster_import,
            agency=roster_import.agency,
            data={"summary": roster_import.summary, "errors": roster_import.error_count},
        )
    if plan.is_valid:
        roster_imported.send(sender=RosterImport, agency=roster_import.agency)


def _roster_import_of(job: Job) -> RosterImport:
    return RosterImport.objects.select_related("agency").get(
        code=job.params["import"], agency=job.agency_id
    )


@contextmanager
def _local_copy(roster_import: RosterImport) -> Iterator[Path]:
    name = roster_import_file_name(roster_import)
    if not default_storage.exists(name):
        raise JobFailed(_("The uploaded file is no longer kept. Upload it again."))
    with local_copy(name) as path:
        yield path


def _read(roster_import: RosterImport) -> RosterTable:
    with _local_copy(roster_import) as path:
        try:
            return read_roster_file(
                path,
                max_bytes=settings.NETRAL_ROSTER_MAX_BYTES,
                max_rows=settings.NETRAL_ROSTER_MAX_ROWS,
            )
        except RosterFileError as problem:
            raise JobFailed(str(problem)) from problem


def _keep_used_columns(roster_import: RosterImport, table: RosterTable, plan: RosterPlan) -> None:
    """Replace the stored upload with the columns the import reads: a SIASN export also holds
    religion, marital status, address, NPWP and BPJS numbers, which Netral must not keep."""
    header_map = plan.header_map
    # An unrecognised layout keeps its columns until they are mapped.
    if (
        header_map is None
        or not header_map.complete
        or not header_map.unused_columns(table.headers)
    ):
        return
    used = sorted(header_map.positions.values())
    save_bytes(roster_import_file_name(roster_import), roster_csv_of_columns(table, used))


def _record_preview(roster_import: RosterImport, plan: RosterPlan) -> None:
    """Every person of the file and every employee it leaves out, for the paged preview."""
    RosterPreviewLine.objects.filter(roster_import=roster_import).delete()
    if not plan.is_valid:
        return
    Change = RosterPreviewLine.Change
    lines: list[list[Any]] = []

    def add(change: str, row: RosterRow, changes: dict[str, Any]) -> None:
        unit = f" {UNIT_SEPARATOR} ".join(row.unit_path)
        lines.append([roster_import.pk, change, row.row, row.name, row.nip or "", unit, changes])

    for row in plan.creates:
        add(Change.NEW, row, {})
    for _id, _code, row, changes in plan.updates:
        add(Change.CHANGED, row, changes)
    for transfer in plan.transfers:
        add(Change.TRANSFER, transfer.row, transfer.changes)
    for row in plan.unchanged_rows:
        add(Change.UNCHANGED, row, {})
    absent = set(plan.absent_ids)
    # The whole path, as the other lists show it: "Sekretariat" alone names a dozen units.
    paths = {
        unit_id: f" {UNIT_SEPARATOR} ".join(path)
        for unit_id, path in unit_paths_of(roster_import.agency).items()
    }
    # Read the agency's active employees rather than send a list as long as the roster.
    for employee_id, name, nip, unit_id in Employee.objects.filter(
        agency=roster_import.agency, is_active=True
    ).values_list("id", "name", "nip", "unit_id"):
        if employee_id in absent:
            unit = paths.get(unit_id, "")
            lines.append([roster_import.pk, Change.ABSENT, None, name, nip or "", unit, {}])
    bulk_insert(
        RosterPreviewLine,
        ["roster_import", "change", "row", "name", "nip", "unit", "changes"],
        lines,
    )


def _percents(progress: Progress, start: int, end: int) -> Callable[[float], None]:
    """roster_plan reports fractions; the job takes percents, written only when they change."""
    last = start

    def update(fraction: float) -> None:
        nonlocal last
        percent = start + int((end - start) * fraction)
        if percent != last:
            last = percent
            progress(percent)

    return update


def _record_plan(roster_import: RosterImport, plan: RosterPlan) -> None:
    roster_import.summary = plan.summary()
    roster_import.errors = [issue.as_dict() for issue in plan.errors[:MAX_REPORTED_ISSUES]]
    roster_import.error_count = len(plan.errors)
    roster_import.warnings = [issue.as_dict() for issue in plan.warnings[:MAX_REPORTED_ISSUES]]


@contextmanager
def _stops_recorded(roster_import: RosterImport, *, refused: str) -> Iterator[None]:
    """A job that stops says why on the import too, so its page never shows it still at work:
    a refusal (an unreadable file) with its message, anything else as failed."""
    try:
        yield
    except JobFailed as refusal:
        _fail(roster_import, str(refusal), refused)
        raise
    except Exception:
        _fail(roster_import, _("The work failed unexpectedly."), RosterImport.Status.FAILED)
        raise


def _fail(roster_import: RosterImport, message: str, status: str) -> None:
    roster_import.errors = [{"row": 0, "column": "", "message": message}]
    roster_import.error_count = 1
    roster_import.status = status
    roster_import.finished_at = timezone.now()
    roster_import.save()


@folder_owner("imports")
def _imports_kept(names: list[str]) -> set[str]:
    """The uploaded rosters of imports that exist (`imports/<import>/<file>`)."""
    codes = {name.split("/")[1] for name in names}
    known = set(RosterImport.objects.filter(code__in=codes).values_list("code", flat=True))
    return {name for name in names if name.split("/")[1] in known}
