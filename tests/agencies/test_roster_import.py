import datetime
import hashlib
import io
import tempfile
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from netral.accounts.actors import Actor
from netral.agencies import roster_imports
from netral.agencies.models import Agency, Employee, RosterImport, Unit
from netral.agencies.roster import RosterPlan, roster_apply, roster_plan
from netral.agencies.roster_file import RosterFileError, read_roster_file
from netral.agencies.roster_imports import (
    roster_import_confirm,
    roster_import_create,
    roster_import_file_name,
)
from netral.base.models import AuditEntry, Job
from netral.base.storage import read_bytes, save_bytes
from tests.agencies.roster_helpers import HEADERS, ROWS, csv_bytes, write, xlsx_bytes
from tests.conftest import World
from tests.files import stored_files
from tests.test_storage import files_on_disk, on_s3, storage_options

ACTOR = Actor.command("tests")
LIMITS = {"max_bytes": 25 * 1024 * 1024, "max_rows": 1000}


def plan_file(agency: Agency, path: Path, *, max_depth: int = 8) -> RosterPlan:
    table = read_roster_file(path, **LIMITS)
    return roster_plan(agency=agency, table=table, max_depth=max_depth)


def import_file(agency: Agency, path: Path, *, deactivate_absent: bool = False) -> RosterPlan:
    table = read_roster_file(path, **LIMITS)
    plan = roster_plan(agency=agency, table=table, max_depth=8)
    return roster_apply(
        plan=plan,
        actor=ACTOR,
        deactivate_absent=deactivate_absent,
        reference="test",
        max_depth=8,
        table=table,
    )


def database_state() -> tuple[int, int, int, list[tuple[str, str, bool]]]:
    employees = list(Employee.objects.order_by("id").values_list("name", "unit__name", "is_active"))
    return (Employee.objects.count(), Unit.objects.count(), AuditEntry.objects.count(), employees)


def test_it_imports_a_utf8_csv_creating_units_and_employees(world: World, tmp_path: Path) -> None:
    plan = import_file(world.agency, write(tmp_path, "r.csv", csv_bytes(ROWS)))

    assert plan.errors == []
    assert plan.summary()["new"] == 4
    siti = Employee.objects.get(nip="198609262015051001")
    assert siti.name == "Dr. Siti Rahmawati, S.Pd., M.Si."
    assert siti.birth_date == datetime.date(1986, 9, 26)
    assert siti.gender == "F" or siti.gender == "M"  # the gender digit of this NIP is 1
    assert siti.gender == "M"
    assert siti.unit.name == "Bidang Pembinaan SD"
    # The existing "Dinas Pendidikan dan Kebudayaan" is reused, not created again.
    assert siti.unit.parent_id == world.unit_a.pk
    assert siti.phone == "081234567890"
    maruf = Employee.objects.get(nip="199203152019031002")
    assert maruf.phone == "085712345678"
    fauzi = Employee.objects.get(nik="3326015507950001")
    assert fauzi.kind == Employee.Kind.NON_ASN
    assert fauzi.position_type == Employee.PositionType.OTHER
    assert fauzi.gender == "F"  # day 55 = 15 + 40
    assert Unit.objects.filter(agency=world.agency, name="UPTD Puskesmas Kajen").count() == 1
    assert AuditEntry.objects.filter(action="agencies.employee.created").count() == 4


def test_it_reads_semicolon_cp1252_csv_as_excel_writes_it(world: World, tmp_path: Path) -> None:
    content = csv_bytes(ROWS, delimiter=";", encoding="cp1252")
    assert "’".encode("cp1252") in content

    plan = import_file(world.agency, write(tmp_path, "excel.csv", content))

    assert plan.errors == []
    assert Employee.objects.filter(name="Muhammad Ma’ruf, S.Kom.").exists()


def test_it_imports_xlsx(world: World, tmp_path: Path) -> None:
    plan = import_file(world.agency, write(tmp_path, "r.xlsx", xlsx_bytes(ROWS)))

    assert plan.errors == []
    assert Employee.objects.filter(agency=world.agency, is_active=True).count() == 2 + 4


def test_a_second_import_of_the_same_file_changes_nothing(world: World, tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", csv_bytes(ROWS))
    import_file(world.agency, path)
    before = database_state()
    updated_at = list(Employee.objects.values_list("updated_at", flat=True))

    plan = import_file(world.agency, path)

    assert plan.summary()["new"] == 0
    assert plan.summary()["changed"] == 0
    assert plan.summary()["unchanged"] == 4
    assert database_state()[:2] == before[:2]
    assert list(Employee.objects.values_list("updated_at", flat=True)) == updated_at


def test_it_updates_employees_matched_by_nip_and_logs_the_change(
    world: World, tmp_path: Path
) -> None:
    import_file(world.agency, write(tmp_path, "r.csv", csv_bytes(ROWS)))
    changed = [row[:] for row in ROWS]
    changed[1][5] = "Pranata Komputer Ahli Muda"
    changed[1][8] = "dinas komunikasi dan informatika > Bidang Statistik"

    plan = import_file(world.agency, write(tmp_path, "r2.csv", csv_bytes(changed)))

    assert plan.summary()["changed"] == 1
    maruf = Employee.objects.get(nip="199203152019031002")
    assert maruf.position == "Pranata Komputer Ahli Muda"
    # The parent unit is matched without regard to case; only the new sub-unit is created.
    assert maruf.unit.name == "Bidang Statistik"
    assert maruf.unit.parent is not None
    assert maruf.unit.parent.name == "Dinas Komunikasi dan Informatika"
    entry = AuditEntry.objects.get(action="agencies.employee.updated", target_code=maruf.code)
    assert entry.data["changes"]["position"] == [
        "Pranata Komputer Ahli Pertama",
        "Pranata Komputer Ahli Muda",
    ]


def test_absent_employees_are_deactivated_only_when_asked(world: World, tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", csv_bytes(ROWS))

    plan = import_file(world.agency, path)
    assert plan.summary()["absent"] == 2  # the two employees of the fixture
    assert Employee.objects.get(pk=world.employee_a.pk).is_active

    import_file(world.agency, path, deactivate_absent=True)
    assert not Employee.objects.get(pk=world.employee_a.pk).is_active
    assert Employee.objects.get(pk=world.other_employee.pk).is_active  # another agency's


def test_an_inactive_employee_in_the_file_is_active_again(world: World, tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", csv_bytes(ROWS))
    import_file(world.agency, path)
    Employee.objects.filter(nip="199203152019031002").update(is_active=False)

    plan = import_file(world.agency, path)

    assert plan.summary()["changed"] == 1
    assert Employee.objects.get(nip="199203152019031002").is_active


def _assert_refused(world: World, path: Path, *fragments: str) -> RosterPlan | None:
    before = database_state()
    try:
        plan = import_file(world.agency, path)
    except RosterFileError as problem:
        message = str(problem)
        plan = None
    else:
        assert not plan.is_valid
        message = " ".join(f"{e.row}|{e.column}|{e.message}" for e in plan.errors)
    for fragment in fragments:
        assert fragment in message
    assert database_state() == before
    return plan


def test_an_empty_file_is_refused(world: World, tmp_path: Path) -> None:
    _assert_refused(world, write(tmp_path, "empty.csv", b""), "kosong")


def test_a_file_with_only_headers_is_refused(world: World, tmp_path: Path) -> None:
    _assert_refused(world, write(tmp_path, "h.csv", csv_bytes([])), "tidak berisi pegawai")


def test_wrong_headers_are_named(world: World, tmp_path: Path) -> None:
    headers = ["Nomor", "Nama Pegawai", "Status", "Unit"]
    content = csv_bytes([["1", "Siti", "PNS", "Dinas X"]], headers=headers)
    _assert_refused(world, write(tmp_path, "w.csv", content), "NIP", "Jenis Pegawai")


def test_duplicate_nips_in_the_file_name_both_rows(world: World, tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[1], ROWS[0][:]]
    rows[2][3] = "Siti Kembar"
    plan = _assert_refused(world, write(tmp_path, "d.csv", csv_bytes(rows)), "baris 2")
    assert plan is not None
    assert plan.errors[0].row == 4


def test_a_nip_of_another_agencys_employee_is_a_transfer_not_an_error(
    world: World, tmp_path: Path
) -> None:
    row = ROWS[0][:]
    assert world.other_employee.nip is not None
    row[0] = world.other_employee.nip
    plan = plan_file(world.agency, write(tmp_path, "o.csv", csv_bytes([row])))
    assert plan.errors == []
    assert (plan.summary()["transfers"], plan.summary()["new"]) == (1, 0)
    assert any(
        w.message.startswith("Pindahan dari Pemerintah Kota Semarang") for w in plan.warnings
    )


def test_a_unit_path_of_50_levels_is_refused(world: World, tmp_path: Path) -> None:
    row = ROWS[0][:]
    row[8] = " > ".join(f"Tingkat {level}" for level in range(50))
    _assert_refused(world, write(tmp_path, "deep.csv", csv_bytes([row])), "50 tingkat")


def test_a_50_mb_file_is_refused_before_it_is_read(world: World, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.write(csv_bytes(ROWS))
        handle.write(b"x" * (50 * 1024 * 1024))
    _assert_refused(world, path, "50")


def test_a_picture_renamed_to_csv_is_refused(world: World, tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    _assert_refused(world, write(tmp_path, "photo.csv", png), "bukan spreadsheet")


def test_a_broken_xlsx_is_refused(world: World, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    _assert_refused(world, path, "tidak dapat dibaca")


def test_a_truncated_xlsx_is_refused(world: World, tmp_path: Path) -> None:
    content = xlsx_bytes(ROWS)
    _assert_refused(world, write(tmp_path, "cut.xlsx", content[: len(content) // 2]))


def test_one_bad_row_stops_the_whole_import_with_row_and_column(
    world: World, tmp_path: Path
) -> None:
    rows = [row[:] for row in ROWS]
    rows[2][0] = "19950714202121500"  # 17 digits
    rows[3][4] = "Pegawai Tetap"
    plan = _assert_refused(world, write(tmp_path, "bad.csv", csv_bytes(rows)))
    assert plan is not None
    problems = {(e.row, e.column) for e in plan.errors}
    assert problems == {(4, "NIP"), (5, "Jenis Pegawai")}
    assert "17" in plan.errors[0].message


def test_a_nip_excel_turned_into_a_number_is_explained(world: World, tmp_path: Path) -> None:
    row = ROWS[0][:]
    row[0] = "1.98609262015051E+17"
    plan = _assert_refused(world, write(tmp_path, "sci.csv", csv_bytes([row])))
    assert plan is not None
    assert plan.errors[0].column == "NIP"


def test_bad_email_and_phone_are_reported(world: World, tmp_path: Path) -> None:
    row = ROWS[0][:]
    row[9] = "siti at pemkab"
    row[10] = "12345"
    plan = _assert_refused(world, write(tmp_path, "c.csv", csv_bytes([row])))
    assert plan is not None
    assert {e.column for e in plan.errors} == {"Email", "No HP"}


def test_a_nik_already_used_by_another_employee_is_refused(world: World, tmp_path: Path) -> None:
    import_file(world.agency, write(tmp_path, "r.csv", csv_bytes(ROWS)))
    row = ROWS[0][:]
    row[0] = "199001012015011003"
    row[2] = "3326015507950001"  # Ahmad Fauzi's NIK
    _assert_refused(world, write(tmp_path, "n.csv", csv_bytes([row])), "Ahmad Fauzi")


def test_warnings_do_not_stop_the_import(world: World, tmp_path: Path) -> None:
    rows = [row[:] for row in ROWS]
    rows[1][0] = "200501012019031002"  # appointed at 14
    rows.append(rows[0][:0] + ["" for _ in HEADERS])  # a blank line is skipped
    plan = import_file(world.agency, write(tmp_path, "w.csv", csv_bytes(rows)))
    assert plan.is_valid
    assert [w.row for w in plan.warnings] == [3]


def test_it_plans_again_when_the_roster_changed_after_the_preview(
    world: World, tmp_path: Path
) -> None:
    path = write(tmp_path, "r.csv", csv_bytes(ROWS))
    table = read_roster_file(path, **LIMITS)
    stale = roster_plan(agency=world.agency, table=table, max_depth=8)
    import_file(world.agency, path)  # someone else imports the same file meanwhile

    plan = roster_apply(
        plan=stale, actor=ACTOR, deactivate_absent=False, reference="t", max_depth=8, table=table
    )

    assert plan.summary()["new"] == 0
    assert Employee.objects.filter(nip="198609262015051001").count() == 1


def test_the_command_imports_and_exits_non_zero_on_errors(world: World, tmp_path: Path) -> None:
    good = write(tmp_path, "good.csv", csv_bytes(ROWS))
    call_command("import_roster", str(good), "--agency", "33.26", "--dry-run")
    assert not Employee.objects.filter(nip="198609262015051001").exists()

    call_command("import_roster", str(good), "--agency", "33.26")
    assert Employee.objects.filter(nip="198609262015051001").exists()
    assert AuditEntry.objects.filter(action="agencies.roster_import.applied").exists()

    rows = [ROWS[0][:]]
    rows[0][0] = "abc"
    bad = write(tmp_path, "bad.csv", csv_bytes(rows))
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_roster", str(bad), "--agency", "33.26")
    with pytest.raises(CommandError, match="No agency"):
        call_command("import_roster", str(good), "--agency", "99.99")


# The officer's way in: the upload in the storage, the check and the import as jobs.

ADMIN = Actor(user=None, label="admin", ip="10.0.0.7", user_agent="tests")


class Reads(io.BytesIO):
    """An upload that remembers how much each read asked for."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(-1 if size is None else size)
        return super().read(size)


def upload_checked(world: World, capture: Any, content: bytes, name: str = "pegawai.csv") -> Job:
    with capture(execute=True):
        job = roster_import_create(
            actor=ADMIN,
            agency=world.agency,
            file_name=name,
            content=io.BytesIO(content),
            size=len(content),
        )
    job.refresh_from_db()
    return job


@pytest.mark.files
def test_the_upload_is_kept_in_the_storage_with_its_sha256_and_checked_from_there(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    content = csv_bytes(ROWS)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    before = files_on_disk()

    job = upload_checked(world, django_capture_on_commit_callbacks, content, "Daftar pegawai.csv")

    roster_import = RosterImport.objects.get(job=job)
    name = f"imports/{roster_import.code}/Daftar_pegawai.csv"
    assert roster_import_file_name(roster_import) == name
    assert (roster_import.file_name, roster_import.file_size) == (
        "Daftar pegawai.csv",
        len(content),
    )
    assert roster_import.file_sha256 == hashlib.sha256(content).hexdigest()
    assert read_bytes(name) == content
    assert stored_files(f"imports/{roster_import.code}") == [name]
    assert (job.status, job.progress, roster_import.status) == ("done", 100, "ready")
    assert roster_import.summary["new"] == 4
    assert list(temporary.iterdir()) == []  # the local copy for the reader is gone
    if on_s3():
        # In the bucket, and nothing of it on this server's disk (PRIVATE_ROOT included).
        options = storage_options()
        bucket = boto3.client(
            "s3",
            endpoint_url=options["endpoint_url"],
            aws_access_key_id=options["access_key"],
            aws_secret_access_key=options["secret_key"],
            region_name=options["region_name"],
            config=Config(s3={"addressing_style": options["addressing_style"]}),
        )
        stored = bucket.get_object(Bucket=options["bucket_name"], Key=name)["Body"].read()
        assert stored == content
        assert files_on_disk() == before

    # The import reads the stored file again: what the storage holds is what is imported, and
    # a file that no longer gives the plan the officer confirmed writes nothing.
    save_bytes(name, csv_bytes(ROWS[:1]))
    with django_capture_on_commit_callbacks(execute=True):
        applying = roster_import_confirm(
            actor=ADMIN, roster_import=roster_import, deactivate_absent=False
        )
    assert applying is not None
    roster_import.refresh_from_db()
    assert (roster_import.status, roster_import.summary["new"]) == ("failed", 1)
    assert "Tidak ada yang diubah" in roster_import.errors[0]["message"]
    assert not Employee.objects.filter(agency=world.agency, nip=ROWS[0][0]).exists()
    assert list(temporary.iterdir()) == []


@pytest.mark.files
def test_the_upload_is_streamed_in_chunks(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    content = csv_bytes(ROWS) + b"," * (9 * 1024 * 1024)
    upload = Reads(content)

    with django_capture_on_commit_callbacks(execute=False):
        roster_import_create(
            actor=ADMIN, agency=world.agency, file_name="r.csv", content=upload, size=len(content)
        )

    # 64 KB on disk; on S3 at most a part of the transfer (8 MB), never the whole file.
    assert 0 < max(upload.sizes) <= 8 * 1024 * 1024 < len(content)
    roster_import = RosterImport.objects.get()
    assert roster_import.file_sha256 == hashlib.sha256(content).hexdigest()
    assert read_bytes(roster_import_file_name(roster_import)) == content


@pytest.mark.files
def test_an_unreadable_file_fails_the_check_with_its_reason(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    before = database_state()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    job = upload_checked(world, django_capture_on_commit_callbacks, png, "photo.csv")

    assert job.status == Job.Status.FAILED
    assert "bukan spreadsheet" in job.message
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.INVALID
    assert roster_import.errors[0]["message"] == job.message
    assert database_state()[:2] == before[:2]


@pytest.mark.files
def test_a_file_no_longer_in_the_storage_is_refused_on_import(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = upload_checked(world, django_capture_on_commit_callbacks, csv_bytes(ROWS))
    roster_import = RosterImport.objects.get(job=job)
    default_storage.delete(roster_import_file_name(roster_import))
    before = database_state()

    with django_capture_on_commit_callbacks(execute=True):
        applying = roster_import_confirm(
            actor=ADMIN, roster_import=roster_import, deactivate_absent=False
        )

    assert applying is not None
    applying.refresh_from_db()
    assert applying.status == Job.Status.FAILED
    assert "Unggah lagi" in applying.message
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.FAILED
    assert database_state()[:2] == before[:2]


@pytest.mark.files
def test_an_unexpected_error_marks_the_import_failed_not_still_running(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(**kwargs: Any) -> RosterPlan:
        raise RuntimeError("a bug")

    monkeypatch.setattr(roster_imports, "roster_plan", broken)

    job = upload_checked(world, django_capture_on_commit_callbacks, csv_bytes(ROWS))

    assert job.status == Job.Status.FAILED
    roster_import = RosterImport.objects.get(job=job)
    assert roster_import.status == RosterImport.Status.FAILED
    assert "a bug" not in str(roster_import.errors)


@pytest.mark.files
def test_the_stored_upload_is_read_back_in_bounded_memory(world: World) -> None:
    # 7 MB: below the size where an S3 download goes in parallel parts (8 MB, boto3's own
    # buffers); what is measured is ours: the copy, and the storage's file spooled to disk.
    content = b"NIP;Nama\n" * (800 * 1024)
    roster_import = RosterImport(agency=world.agency, file_name="besar.csv")
    save_bytes(roster_import_file_name(roster_import), content)

    tracemalloc.start()
    try:
        with roster_imports._local_copy(roster_import) as path:
            assert path.stat().st_size == len(content)
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 4 * 1024 * 1024  # a few chunks, not the file
    assert not path.exists()
