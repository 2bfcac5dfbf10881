"""`netral db_worker`: django_tasks_db's worker, kept running through a locked or restarted
database.

The library's worker stops for good on the first database error other than a lock it meets
while taking a task (a restarted PostgreSQL, a SQLite write lock held past the busy timeout).
This command runs the same worker under a supervisor: on such an error it says so in the log,
drops the broken connections, waits with a back-off until the database answers, and goes on. A
task cut off by the failure is recorded as failed once the database is back, and so is the job
it was running (the job's page says the work was interrupted)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from netral.base.jobs import job_interrupted, job_run

logger = logging.getLogger("django_tasks_db")
MAX_RETRY_SECONDS = 60.0
UNAVAILABLE = (OperationalError, InterfaceError)


def first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def database_probe(using: str) -> None:
    """Raise unless the database answers and would let this worker write: on SQLite the
    transaction begins IMMEDIATE (settings), so a write lock held elsewhere makes it wait its
    busy timeout and fail, as the worker's own next transaction would."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT 1")


class SupervisedWorker(db_worker.Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current: DBTaskResult | None = None  # the task being run, to record if cut off

    def run(self) -> None:
        while True:
            try:
                super().run()
                return  # --batch or --max-tasks done, or asked to stop
            except UNAVAILABLE as error:
                logger.warning(
                    "the database cannot be used (%s); the worker waits for it", first_line(error)
                )
                self.recover(error)
                self.startup_delay = False  # no herd to spread out on a restart

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = db_task_result
        super().run_task(db_task_result)
        self.current = None

    def recover(self, error: BaseException) -> None:
        """Wait, with a back-off, until the database answers; then record the task that the
        failure cut off, if any."""
        delay = 0.0
        while True:
            # A broken connection stays broken: close it, and the next query opens a new one.
            connections.close_all()
            try:
                database_probe(DBTaskResult.objects.db)
                break
            except UNAVAILABLE as still:
                delay = min(max(2 * delay, 1.0), MAX_RETRY_SECONDS)
                logger.warning(
                    "the database still cannot be used (%s); trying again in %.0f s",
                    first_line(still),
                    delay,
                )
                time.sleep(delay)  # a SIGTERM ends the worker here at once: no task runs
        logger.warning("the database answers again; the worker goes on")
        cut_off, self.current = self.current, None
        if cut_off is not None:
            self.record_cut_off(cut_off, error)

    def record_cut_off(self, cut_off: DBTaskResult, error: BaseException) -> None:
        logger.warning("task id=%s was cut off by the database failure: failed", cut_off.id)
        try:
            cut_off.set_failed(error)
            if cut_off.task_path == job_run.module_path and cut_off.args_kwargs["args"]:
                job_interrupted(str(cut_off.args_kwargs["args"][0]))
        except DatabaseError:
            logger.exception("task id=%s could not be recorded as failed", cut_off.id)


class Command(db_worker.Command):
    help = (
        "Run the background worker (imports, exports, archives, messages). It survives a "
        "locked or restarted database: it waits, reconnects and goes on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # The library's handle builds its Worker by name: have it build ours.
        original, db_worker.Worker = db_worker.Worker, SupervisedWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
