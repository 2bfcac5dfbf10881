"""`netral db_worker` keeps running through a locked or restarted database: it says so, waits
with a back-off, reconnects and runs the tasks queued afterwards."""

import sqlite3
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.db import connection
from django.utils import timezone

from netral.base.jobs import job_interrupted
from netral.base.models import Job
from tests.processes import Running, netral, netral_env, postgres_cluster, until

WORKER = ("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2")


def enqueue(env: dict[str, str], path: Path) -> None:
    netral(
        env,
        "shell",
        "-c",
        f"from tests.base.worker_tasks import leave_file; leave_file.enqueue({str(path)!r})",
    )


def test_the_worker_command_is_netrals_supervised_one() -> None:
    assert get_commands()["db_worker"] == "netral.base"


def test_the_worker_waits_out_a_locked_sqlite_database(tmp_path: Path) -> None:
    env = netral_env(tmp_path / "data", NETRAL_SQLITE_TIMEOUT_SECONDS="1")
    netral(env, "migrate", "django_tasks_database", "-v0")
    worker = Running(env, *WORKER)
    blocker = sqlite3.connect(tmp_path / "data" / "netral.sqlite3", isolation_level=None)
    try:
        enqueue(env, tmp_path / "before")
        until(lambda: (tmp_path / "before").exists(), what="the first task")
        # Another process's write transaction, open longer than the busy timeout: the
        # library's worker died of it ("database is locked") and stayed down.
        blocker.execute("BEGIN IMMEDIATE")
        worker.wait_for("the database cannot be used (database is locked)")
        worker.wait_for("still cannot be used (database is locked); trying again in 2 s")
        assert worker.running
        blocker.execute("ROLLBACK")
        worker.wait_for("the database answers again")
        enqueue(env, tmp_path / "after")
        until(lambda: (tmp_path / "after").exists(), what=f"the task after: {worker.lines}")
        assert worker.running
    finally:
        blocker.close()
        worker.stop()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="restarts a PostgreSQL cluster")
def test_the_worker_survives_a_postgresql_restart(tmp_path: Path) -> None:
    with postgres_cluster(54396) as (url, pg):
        env = netral_env(tmp_path / "data", DATABASE_URL=url)
        netral(env, "migrate", "django_tasks_database", "-v0")
        worker = Running(env, *WORKER)
        try:
            enqueue(env, tmp_path / "before")
            until(lambda: (tmp_path / "before").exists(), what="the first task")
            pg("stop")
            worker.wait_for("the database cannot be used")
            assert worker.running
            pg("start")
            worker.wait_for("the database answers again", timeout=60)
            enqueue(env, tmp_path / "after")
            until(lambda: (tmp_path / "after").exists(), what=f"the task after: {worker.lines}")
            assert worker.running
        finally:
            worker.stop()


def test_a_job_cut_off_by_the_database_fails_with_a_reason(db: None) -> None:
    job = Job.objects.create(
        kind="tests.kind", title="Rekap", language="en", expires_at=timezone.now()
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job_interrupted(job.code)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "interrupted" in job.message
    assert job.finished_at is not None
