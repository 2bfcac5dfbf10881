"""Long tasks, one way: an app registers a kind of job with the function that does the work; a
view starts it with `job_start`; `netral db_worker` runs it; one status page, one download view
and one clean-up serve every kind (imports, exports, archives, screening batches, messages)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from netral.base.audit import Acting, audit_log
from netral.base.models import Job
from netral.base.storage import folder_owner

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    # Does the work: reads job.params, reports progress in percent, saves a result if any.
    run: Callable[[Job, Progress], None]


KINDS: dict[str, JobKind] = {}


def job_kind(name: str) -> Callable[[Callable[[Job, Progress], None]], Callable[..., None]]:
    """Register the function that runs jobs of this kind, e.g. `@job_kind("pacts.archive")`."""

    def register(run: Callable[[Job, Progress], None]) -> Callable[[Job, Progress], None]:
        if name in KINDS and KINDS[name].run is not run:
            raise ValueError(f"job kind {name!r} is registered twice")
        KINDS[name] = JobKind(name=name, run=run)
        return run

    return register


class JobFailed(Exception):
    """The job cannot be done; the message is for the user (in their language)."""


def job_start(
    *,
    kind: str,
    title: str,
    actor: Acting,
    agency: Any = None,  # an agencies.Agency, a layer above
    params: dict[str, Any] | None = None,
    next_url: str = "",
) -> Job:
    """Record the job and queue it once the caller's transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        agency=agency,
        created_by=actor.user,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        params=params or {},
        next_url=next_url,
        expires_at=timezone.now() + timedelta(days=settings.NETRAL_JOB_KEEP_DAYS),
    )
    audit_log(actor=actor, action=f"{kind}.requested", target=job, agency=agency, data=params)
    transaction.on_commit(lambda: job_run.enqueue(job.code))
    return job


@task()
def job_run(code: str) -> None:
    """Run a queued job. A job taken by another worker, or already finished, is left alone."""
    claimed = Job.objects.filter(code=code, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("agency", "created_by").get(code=code)

    def progress(percent: int) -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(int(percent), 99)))

    with translation.override(job.language):
        try:
            KINDS[job.kind].run(job, progress)
        except JobFailed as refusal:
            _finish(job, Job.Status.FAILED, message=str(refusal))
            return
        except Exception:
            logger.exception("job %s (%s) failed", job.code, job.kind)
            _finish(job, Job.Status.FAILED, message=_("The work failed unexpectedly."))
            raise
    _finish(job, Job.Status.DONE)


def job_interrupted(code: str) -> None:
    """Fail a job whose worker lost the database while running it (`netral db_worker`
    records it when the database answers again): its page must not show it running for ever."""
    job = Job.objects.filter(code=code, status=Job.Status.RUNNING).first()
    if job is None:
        return
    with translation.override(job.language):
        message = _(
            "The work was interrupted because the database could not be reached. Start it again."
        )
    _finish(job, Job.Status.FAILED, message=message)


def _finish(job: Job, status: str, *, message: str = "") -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    fields = ["status", "message", "finished_at"]
    if status == Job.Status.DONE:
        job.progress = 100
        fields.append("progress")
    Job.objects.filter(pk=job.pk).update(**{field: getattr(job, field) for field in fields})


def job_result_save(
    job: Job, *, content: bytes | IO[bytes], file_name: str, content_type: str
) -> None:
    """Keep the job's result file in the default storage, under a name only the job knows."""
    data = ContentFile(content) if isinstance(content, bytes) else File(content)
    job.result_name = default_storage.save(f"jobs/{job.code}/{file_name}", data)
    job.result_file_name = file_name
    job.result_content_type = content_type
    job.save(update_fields=["result_name", "result_file_name", "result_content_type"])


def job_result_open(job: Job) -> IO[bytes] | None:
    if job.status != Job.Status.DONE or not job.result_name:
        return None
    if not default_storage.exists(job.result_name):
        return None
    return default_storage.open(job.result_name, "rb")


def jobs_purge(*, now: datetime | None = None) -> int:
    """Remove the jobs whose time has passed, with their result files; the count removed."""
    expired = Job.objects.filter(expires_at__lte=now or timezone.now()).exclude(
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    )
    removed = 0
    for job in expired.iterator():
        if job.result_name:
            default_storage.delete(job.result_name)
        job.delete()
        removed += 1
    return removed


@folder_owner("jobs")
def _jobs_kept(names: list[str]) -> set[str]:
    """The result files jobs record (`jobs/<job>/<file>`)."""
    return set(Job.objects.filter(result_name__in=names).values_list("result_name", flat=True))
