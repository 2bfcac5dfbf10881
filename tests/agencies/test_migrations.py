"""The migration that made the roster check and import jobs keeps every import as it was."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("agencies", "0005_employee_index_covers_counts")]
AFTER = [("agencies", "0006_roster_import_job")]


@pytest.mark.django_db(transaction=True)
def test_existing_imports_keep_their_status_summary_and_errors() -> None:
    try:
        _check_the_migration()
    finally:  # the later tests need the latest schema again
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_the_migration() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    agency = old.get_model("agencies", "Agency").objects.create(
        code="33.26", name="Pemerintah Kabupaten Pekalongan", kind="kabupaten"
    )
    statuses = ["analysing", "ready", "invalid", "applying", "done", "failed"]
    for status in statuses:
        old.get_model("agencies", "RosterImport").objects.create(
            agency=agency,
            file_name=f"{status}.csv",
            file_size=10,
            file_sha256="0" * 64,
            status=status,
            progress=100,
            summary={"new": 4},
            errors=[{"row": 2, "column": "NIP", "message": "salah"}],
            error_count=1,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("agencies", "RosterImport").objects.order_by("id")
    assert [(row.file_name, row.status) for row in rows] == [(f"{s}.csv", s) for s in statuses]
    assert {(row.summary["new"], row.error_count, row.job_id) for row in rows} == {(4, 1, None)}
    assert "progress" not in {field.name for field in rows.model._meta.get_fields()}
