"""The one background-job model: status, progress, result, failure, access, expiry."""

import datetime
import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netral.accounts.actors import Actor
from netral.accounts.models import User
from netral.base.jobs import (
    JobFailed,
    Progress,
    job_kind,
    job_result_save,
    job_run,
    job_start,
    jobs_purge,
)
from netral.base.models import AuditEntry, Job
from tests.conftest import World

pytestmark = pytest.mark.files  # results go through the default storage

RUNS: list[str] = []


@job_kind("tests.echo")
def _echo(job: Job, progress: Progress) -> None:
    RUNS.append(job.code)
    progress(50)
    job_result_save(
        job, content=job.params["text"].encode(), file_name="echo.txt", content_type="text/plain"
    )


@job_kind("tests.refused")
def _refused(job: Job, progress: Progress) -> None:
    raise JobFailed("Berkas tidak dapat dibaca.")


@job_kind("tests.broken")
def _broken(job: Job, progress: Progress) -> None:
    raise RuntimeError("a bug")


@job_kind("tests.continues")
def _continues(job: Job, progress: Progress) -> None:
    pass


def _start(world: World, kind: str, capture: Any, user: User | None = None, **extra: Any) -> Job:
    actor = Actor(user=user or world.admin, label="test")
    with capture(execute=True):
        job = job_start(kind=kind, title="Uji", actor=actor, agency=world.agency, **extra)
    job.refresh_from_db()
    return job


def test_a_job_runs_keeps_its_result_and_serves_it_once_done(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = _start(world, "tests.echo", django_capture_on_commit_callbacks, params={"text": "halo"})
    assert (job.status, job.progress, job.result_file_name) == ("done", 100, "echo.txt")
    client.force_login(world.admin)
    page = client.get(reverse("accounts:job", args=[job.code]))
    assert reverse("accounts:job_download", args=[job.code]).encode() in page.content
    download = client.get(reverse("accounts:job_download", args=[job.code]))
    assert b"".join(download.streaming_content) == b"halo"
    assert download["Content-Disposition"].startswith('attachment; filename="echo.txt"')
    assert AuditEntry.objects.filter(action="tests.echo.downloaded").count() == 1
    assert AuditEntry.objects.filter(action="tests.echo.requested").count() == 1


def test_a_finished_job_is_not_run_again(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = _start(world, "tests.echo", django_capture_on_commit_callbacks, params={"text": "x"})
    runs = RUNS.count(job.code)
    job_run.call(job.code)
    assert RUNS.count(job.code) == runs == 1


def test_a_refused_job_says_why_in_the_users_words(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = _start(world, "tests.refused", django_capture_on_commit_callbacks)
    assert (job.status, job.message) == ("failed", "Berkas tidak dapat dibaca.")
    client.force_login(world.admin)
    page = client.get(reverse("accounts:job", args=[job.code]))
    assert "Berkas tidak dapat dibaca." in page.content.decode()
    assert client.get(reverse("accounts:job_download", args=[job.code])).status_code == 404


def test_a_broken_job_fails_with_a_plain_message_and_no_detail(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _start(world, "tests.broken", django_capture_on_commit_callbacks)  # the worker logs it
    job = Job.objects.get(kind="tests.broken")
    assert job.status == Job.Status.FAILED
    assert "a bug" not in job.message and job.message
    client.force_login(world.admin)
    assert "a bug" not in client.get(reverse("accounts:job", args=[job.code])).content.decode()


def test_a_job_without_a_file_leads_on_to_its_next_page(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = _start(world, "tests.continues", django_capture_on_commit_callbacks, next_url="/unit/")
    client.force_login(world.admin)
    response = client.get(reverse("accounts:job", args=[job.code]))
    assert (response.status_code, response["Location"]) == (302, "/unit/")


def test_only_the_starter_and_agency_wide_admins_see_a_job(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = _start(
        world,
        "tests.echo",
        django_capture_on_commit_callbacks,
        user=world.coordinator_a,
        params={"text": "rahasia"},
    )
    names = ("accounts:job", "accounts:job_status", "accounts:job_download")
    for user in (world.other_admin, world.supervisor, world.viewer):
        client.force_login(user)
        for name in names:
            assert client.get(reverse(name, args=[job.code])).status_code == 404, (user, name)
    for user in (world.coordinator_a, world.admin):
        client.force_login(user)
        for name in names:
            response = client.get(reverse(name, args=[job.code]))
            assert response.status_code == 200, (user, name)
            if response.streaming:  # read to the end: the test client then closes the file
                b"".join(response.streaming_content)
    client.logout()
    assert client.get(reverse("accounts:job", args=[job.code])).status_code == 302  # to login


def test_a_pending_job_shows_its_progress_and_offers_no_file(client: Client, world: World) -> None:
    job = job_start(
        kind="tests.echo",
        title="Uji",
        actor=Actor(user=world.admin, label="t"),
        agency=world.agency,
    )  # not run: the on-commit hook never fires inside the test's transaction
    Job.objects.filter(pk=job.pk).update(progress=40)
    client.force_login(world.admin)
    page = client.get(reverse("accounts:job", args=[job.code])).content.decode()
    assert 'id="job-progress"' in page and 'value="40"' in page
    state = client.get(reverse("accounts:job_status", args=[job.code])).json()
    assert state == {
        "progress": 40,
        "pending": True,
        "status": "queued",
        "label": "Menunggu giliran",
    }
    assert client.get(reverse("accounts:job_download", args=[job.code])).status_code == 404


def test_expired_jobs_and_their_files_are_purged_and_nothing_else(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    old = _start(world, "tests.echo", django_capture_on_commit_callbacks, params={"text": "a"})
    fresh = _start(world, "tests.echo", django_capture_on_commit_callbacks, params={"text": "b"})
    waiting = job_start(
        kind="tests.echo",
        title="Uji",
        actor=Actor(user=world.admin, label="t"),
        agency=world.agency,
    )
    past = timezone.now() - datetime.timedelta(minutes=1)
    Job.objects.filter(pk__in=[old.pk, waiting.pk]).update(expires_at=past)
    assert default_storage.exists(old.result_name)
    assert jobs_purge() == 1
    assert not default_storage.exists(old.result_name)
    assert default_storage.exists(fresh.result_name)
    assert set(Job.objects.values_list("code", flat=True)) == {fresh.code, waiting.code}
    Job.objects.filter(pk=fresh.pk).update(expires_at=past)
    out = io.StringIO()
    call_command("purge", "--apply", stdout=out)
    assert "job_results: 1 removed" in out.getvalue()
    assert not Job.objects.filter(pk=fresh.pk).exists()


def test_an_unknown_kind_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="unknown job kind"):
        job_start(kind="tests.nothing", title="x", actor=Actor(user=None, label="t"))
