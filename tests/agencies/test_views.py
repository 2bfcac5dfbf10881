import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from netral.agencies.models import Employee, RosterImport, Unit
from netral.agencies.roster import TEMPLATE_COLUMNS
from netral.base.models import AuditEntry, Job
from tests.agencies.roster_helpers import ROWS, csv_bytes
from tests.conftest import World
from tests.factories import employee_make


def names(response: Any) -> str:
    return str(response.content.decode())


def test_the_unit_tree_shows_units_in_order(client: Client, world: World) -> None:
    client.force_login(world.admin)
    text = names(client.get(reverse("agencies:unit_tree")))
    assert text.index("Dinas Pendidikan dan Kebudayaan") < text.index("Bidang Pembinaan SD")
    assert "Dinas Kesehatan" in text


def test_a_coordinator_sees_only_the_own_subtree(client: Client, world: World) -> None:
    client.force_login(world.coordinator_a)
    tree = names(client.get(reverse("agencies:unit_tree")))
    assert "Bidang Pembinaan SD" in tree
    assert "Dinas Kesehatan" not in tree
    listing = names(client.get(reverse("agencies:employee_list")))
    assert world.employee_a.name in listing
    assert world.employee_b.name not in listing


def test_employees_are_found_by_nip_even_when_typed_with_spaces(
    client: Client, world: World
) -> None:
    client.force_login(world.admin)
    nip = world.employee_b.nip
    assert nip is not None
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    text = names(client.get(reverse("agencies:employee_list"), {"q": spaced}))
    assert world.employee_b.name in text
    assert world.employee_a.name not in text


def test_employees_are_found_by_words_of_the_name(client: Client, world: World) -> None:
    client.force_login(world.admin)
    text = names(client.get(reverse("agencies:employee_list"), {"q": "aminah siti"}))
    assert world.employee_a.name in text
    assert world.employee_b.name not in text


def test_filters_by_unit_include_sub_units_and_by_kind(client: Client, world: World) -> None:
    employee_make(world.unit_a, "Joko Non ASN", kind=Employee.Kind.NON_ASN)
    client.force_login(world.admin)
    text = names(client.get(reverse("agencies:employee_list"), {"unit": world.unit_a.code}))
    assert world.employee_a.name in text  # in the child unit
    assert "Joko Non ASN" in text
    assert "<td>NON_ASN</td>" not in text  # the kind's name, never its code
    assert "<td>Pegawai Non-ASN</td>" in text
    assert world.employee_b.name not in text
    text = names(
        client.get(reverse("agencies:employee_list"), {"unit": world.unit_a.code, "kind": "PNS"})
    )
    assert "Joko Non ASN" not in text


def test_the_list_is_paginated(client: Client, world: World) -> None:
    for number in range(60):
        employee_make(world.unit_b, f"Pegawai Nomor {number:02d}")
    client.force_login(world.admin)
    first = names(client.get(reverse("agencies:employee_list")))
    assert "Halaman 1 dari 2" in first
    second = names(client.get(reverse("agencies:employee_list"), {"page": 2}))
    assert "Halaman 2 dari 2" in second


def test_an_admin_edits_an_employee_and_the_change_is_logged(client: Client, world: World) -> None:
    client.force_login(world.admin)
    url = reverse("agencies:employee_edit", args=[world.employee_b.code])
    response = client.post(
        url,
        {
            "name": world.employee_b.name,
            "position": "Perawat Ahli Muda",
            "position_type": "FUNGSIONAL",
            "rank": "",
            "unit": world.unit_b.pk,
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    world.employee_b.refresh_from_db()
    assert world.employee_b.position == "Perawat Ahli Muda"
    entry = AuditEntry.objects.get(action="agencies.employee.updated")
    assert entry.data["changes"]["position"] == ["", "Perawat Ahli Muda"]
    log = names(
        client.get(reverse("agencies:audit_object", args=["employee", world.employee_b.code]))
    )
    assert "Perawat Ahli Muda" in log


def test_only_an_admin_edits_employees(client: Client, world: World) -> None:
    client.force_login(world.supervisor)
    url = reverse("agencies:employee_edit", args=[world.employee_b.code])
    assert client.get(url).status_code == 403
    # A supervisor may still read the roster; a viewer may not.
    assert (
        client.get(reverse("agencies:employee_detail", args=[world.employee_b.code])).status_code
        == 200
    )
    client.force_login(world.viewer)
    assert client.get(reverse("agencies:employee_list")).status_code == 403


def test_the_template_has_every_column_header(client: Client, world: World) -> None:
    client.force_login(world.admin)
    response = client.get(reverse("agencies:roster_template"))
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = workbook.get_sheet_by_index(0).to_python()
    assert rows[0] == [column.header for column in TEMPLATE_COLUMNS]


def upload(client: Client, content: bytes, name: str = "pegawai.csv") -> Any:
    return client.post(
        reverse("agencies:roster_import_list"), {"file": SimpleUploadedFile(name, content)}
    )


def roster_state() -> tuple[int, int, int]:
    employee_entries = AuditEntry.objects.filter(action__startswith="agencies.employee.").count()
    return (Employee.objects.count(), Unit.objects.count(), employee_entries)


@pytest.mark.files
def test_an_import_is_previewed_then_applied_on_confirmation(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(ROWS))
    roster_import = RosterImport.objects.get()
    check = roster_import.job
    assert check is not None
    assert (check.kind, check.created_by) == ("agencies.roster_analyse", world.admin)
    assert response["Location"] == reverse("accounts:job", args=[check.code])
    preview = reverse("agencies:roster_import_detail", args=[roster_import.code])
    # The finished check leads on to the preview.
    assert client.get(response["Location"])["Location"] == preview
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.READY
    assert roster_import.summary["new"] == 4
    assert not Employee.objects.filter(nip="198609262015051001").exists()
    page = names(client.get(preview))
    assert "Impor sekarang" in page
    assert reverse("accounts:job", args=[check.code]) not in page  # no work running

    confirm = reverse("agencies:roster_import_confirm", args=[roster_import.code])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            confirm,
            {"deactivate_absent": "on", "absent_count": "2"},
            HTTP_USER_AGENT="Chrome di ponsel Android",
        )
    roster_import.refresh_from_db()
    work = roster_import.job
    assert work is not None and work != check
    assert (work.kind, work.status, work.progress) == ("agencies.roster_apply", "done", 100)
    assert response["Location"] == reverse("accounts:job", args=[work.code])
    assert client.get(response["Location"])["Location"] == preview
    assert roster_import.status == RosterImport.Status.DONE
    assert Employee.objects.filter(nip="198609262015051001").exists()
    assert not Employee.objects.get(pk=world.employee_a.pk).is_active
    # The employees' entries name the officer who confirmed, as the request did.
    created = AuditEntry.objects.filter(action="agencies.employee.created").first()
    assert created is not None
    assert (created.actor, created.actor_label) == (world.admin, "admin")
    assert (created.ip, created.user_agent) == ("127.0.0.1", "Chrome di ponsel Android")
    assert "Sudah diimpor" in names(client.get(preview))

    # A second submit of the confirmation imports nothing more.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(confirm)
    assert callbacks == []
    assert response["Location"] == preview
    assert Job.objects.filter(kind="agencies.roster_apply").count() == 1


@pytest.mark.files
def test_the_import_page_shows_the_progress_of_its_running_job(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.admin)
    upload(client, csv_bytes(ROWS))  # the check is queued, never run (no commit)
    roster_import = RosterImport.objects.get()
    assert roster_import.job is not None
    Job.objects.filter(pk=roster_import.job.pk).update(status="running", progress=42)

    page = names(client.get(reverse("agencies:roster_import_detail", args=[roster_import.code])))

    assert reverse("accounts:job", args=[roster_import.job.code]) in page
    assert reverse("accounts:job_status", args=[roster_import.job.code]) in page
    assert 'value="42"' in page
    assert "Memeriksa berkas" in page


@pytest.mark.files
def test_an_invalid_file_shows_each_error_and_offers_no_import(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [row[:] for row in ROWS]
    rows[0][0] = "19861326 201505 1 001"
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(rows))
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.INVALID
    detail = reverse("agencies:roster_import_detail", args=[roster_import.code])
    assert client.get(response["Location"])["Location"] == detail  # checked, with errors
    page = names(client.get(detail))
    assert "Impor sekarang" not in page
    assert "Tidak ada yang diimpor" in page
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("agencies:roster_import_confirm", args=[roster_import.code]))
    assert callbacks == []
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.INVALID


@pytest.mark.files
def test_an_unreadable_file_fails_its_check_with_the_reason_and_writes_nothing(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as broken:
        broken.writestr("hello.txt", "not a workbook")
    before = roster_state()
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, archive.getvalue(), name="pegawai.xlsx")

    page = client.get(response["Location"])
    assert page.status_code == 200  # the job page stays: no preview to go on to
    assert page.context["job"].status == "failed"
    assert "Gagal" in names(page)
    assert "tampak seperti spreadsheet tetapi tidak dapat dibaca" in names(page)
    assert "Error" not in names(page)  # no exception name reaches the user
    assert roster_state() == before
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.INVALID
    assert roster_import.summary == {}
    detail = names(client.get(reverse("agencies:roster_import_detail", args=[roster_import.code])))
    assert "tidak dapat dibaca" in detail
    assert "Impor sekarang" not in detail


@pytest.mark.parametrize("size_mb", [50])
def test_an_oversized_upload_is_refused_with_a_message(
    client: Client, world: World, size_mb: int
) -> None:
    client.force_login(world.admin)
    response = upload(client, b"NIP,Nama\n" + b"1" * (size_mb * 1024 * 1024))
    # Refused by its declared length, before the body is read.
    assert response.status_code == 413
    assert "sekitar 25 MB" in names(response)
    assert not RosterImport.objects.exists()


def test_a_province_sees_its_kabupaten_and_kota_only(client: Client, world: World) -> None:
    client.force_login(world.province_viewer)
    text = names(client.get(reverse("agencies:oversight")))
    assert "Pemerintah Kabupaten Pekalongan" in text
    assert "Pemerintah Kota Semarang" in text
    client.force_login(world.admin)
    text = names(client.get(reverse("agencies:oversight")))
    assert "Pemerintah Kota Semarang" not in text


def test_reading_an_employees_page_is_audited(client: Client, world: World) -> None:
    client.force_login(world.coordinator_a)
    url = reverse("agencies:employee_detail", args=[world.employee_a.code])
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.get(action="agencies.employee.viewed")
    assert entry.target_code == world.employee_a.code
    assert entry.actor == world.coordinator_a
