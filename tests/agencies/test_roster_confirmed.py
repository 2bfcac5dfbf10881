"""An import writes what the officer saw and confirmed: fields the file has no column for stay
as recorded, a plan that changed since the check writes nothing, and the deactivation count is
typed as it is shown."""

from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from netral.agencies.forms import RosterConfirmForm
from netral.agencies.models import Employee, RosterImport
from netral.base.audit_sentences import audit_details
from netral.base.models import AuditEntry
from tests.agencies.roster_helpers import HEADERS, ROWS, csv_bytes, write
from tests.agencies.test_roster_import import import_file, plan_file, upload_checked
from tests.agencies.test_roster_transfer import transfer_row
from tests.conftest import World


def without_columns(rows: list[list[str]], *dropped: str) -> bytes:
    keep = [index for index, header in enumerate(HEADERS) if header not in dropped]
    return csv_bytes(
        [[row[index] for index in keep] for row in rows],
        headers=[HEADERS[index] for index in keep],
    )


def test_a_file_without_a_column_leaves_that_field_as_recorded(
    world: World, tmp_path: Path
) -> None:
    import_file(world.agency, write(tmp_path, "lengkap.csv", csv_bytes(ROWS[:3])))
    before = dict(Employee.objects.filter(nip__isnull=False).values_list("nip", "email"))
    assert before["198609262015051001"] == "siti.rahmawati@pekalongankab.go.id"

    content = without_columns(ROWS[:3], "Email", "No HP")
    path = write(tmp_path, "simpeg.csv", content)
    preview = plan_file(world.agency, path)
    assert preview.summary()["changed"] == 0 and preview.summary()["unchanged"] == 3
    assert preview.warnings[0].message == (
        "Berkas tidak memiliki kolom Email, No HP: data ini tetap seperti yang tercatat untuk "
        "pegawai yang ada di berkas."
    )
    changed = ROWS[0][:]
    changed[5] = "Sekretaris Dinas"
    plan = import_file(
        world.agency,
        write(tmp_path, "naik.csv", without_columns([changed, *ROWS[1:3]], "Email", "No HP")),
    )
    assert plan.errors == [] and plan.summary()["changed"] == 1
    siti = Employee.objects.get(nip="198609262015051001")
    assert (siti.position, siti.email, siti.phone) == (
        "Sekretaris Dinas",
        "siti.rahmawati@pekalongankab.go.id",
        "081234567890",
    )
    assert after_emails() == before


def after_emails() -> dict[str | None, str]:
    return dict(Employee.objects.filter(nip__isnull=False).values_list("nip", "email"))


def test_an_import_whose_plan_changed_since_the_check_writes_nothing(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    """Checked: Siti unchanged. Then another agency's import takes her (a transfer). Confirming
    the first would have moved her back silently."""
    import_file(world.agency, write(tmp_path, "awal.csv", csv_bytes(ROWS[:2])))
    job = upload_checked(world, django_capture_on_commit_callbacks, csv_bytes(ROWS[:2]))
    roster_import = RosterImport.objects.get(job=job)
    assert roster_import.summary["unchanged"] == 2 and roster_import.plan_digest
    siti = Employee.objects.get(nip="198609262015051001")
    import_file(
        world.other_agency, write(tmp_path, "semarang.csv", csv_bytes([transfer_row(siti)]))
    )
    assert Employee.objects.get(pk=siti.pk).agency_id == world.other_agency.pk

    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agencies:roster_import_confirm", args=[roster_import.code]))
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.FAILED
    assert "Daftar pegawai berubah setelah berkas ini diperiksa" in str(roster_import.errors)
    assert Employee.objects.get(pk=siti.pk).agency_id == world.other_agency.pk
    assert not AuditEntry.objects.filter(
        action="agencies.employee.transferred_in", agency=world.agency
    ).exists()
    page = client.get(reverse("agencies:roster_import_detail", args=[roster_import.code]))
    assert "Unggah berkas ini lagi" in page.content.decode()


def test_the_count_is_typed_as_shown_and_never_ignored() -> None:
    def form(data: dict[str, str]) -> RosterConfirmForm:
        return RosterConfirmForm(data, absent=8027)

    for typed in ("8.027", "8027", " 8 027 "):
        assert form({"deactivate_absent": "on", "absent_count": typed}).is_valid(), typed
    wrong = form({"deactivate_absent": "on", "absent_count": "8.028"})
    assert not wrong.is_valid()
    assert wrong.errors["absent_count"] == [
        "Ketik 8.027, jumlah pegawai yang akan dinonaktifkan, untuk mengonfirmasi."
    ]
    # A typed count without the box: the officer meant to deactivate; say so, import nothing.
    unticked = form({"absent_count": "8.027"})
    assert not unticked.is_valid()
    assert "Centang kotak ini" in unticked.errors["deactivate_absent"][0]
    assert form({}).is_valid()
    field = str(form({})["absent_count"])
    assert 'inputmode="numeric"' in field and 'type="number"' not in field


def test_the_audit_log_tells_an_import_in_words(
    world: World, tmp_path: Path, django_capture_on_commit_callbacks: Any, client: Client
) -> None:
    import_file(world.agency, write(tmp_path, "awal.csv", csv_bytes(ROWS[:3])))
    job = upload_checked(world, django_capture_on_commit_callbacks, csv_bytes(ROWS[:2]))
    roster_import = RosterImport.objects.get(job=job)
    absent = roster_import.summary["absent"]
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("agencies:roster_import_confirm", args=[roster_import.code]),
            {"deactivate_absent": "on", "absent_count": str(absent)},
        )
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE, roster_import.errors
    confirmed = AuditEntry.objects.get(action="agencies.roster_import.confirmed")
    applied = AuditEntry.objects.get(action="agencies.roster_import.applied")
    deactivated = AuditEntry.objects.filter(action="agencies.employee.deactivated").first()
    assert deactivated is not None
    assert confirmed.target_label == applied.target_label == "pegawai.csv"
    assert ("Nonaktifkan pegawai yang tidak ada di berkas", "ya") in audit_details(confirmed)
    summary = dict(audit_details(applied))["Ringkasan"]
    assert summary.startswith("format: templat Netral, baris: 2, baru: 0, berubah: 0, tetap: 2")
    assert f"tidak ada di berkas: {absent}" in summary
    assert ("Alasan", "tidak ada dalam daftar pegawai yang diimpor") in audit_details(deactivated)


def test_a_file_without_jenis_jabatan_places_new_employees_by_their_title(
    world: World, tmp_path: Path
) -> None:
    import_file(world.agency, write(tmp_path, "awal.csv", csv_bytes(ROWS[:1])))
    rows = [ROWS[0][:], ROWS[1][:], ROWS[2][:], ROWS[3][:], ROWS[1][:]]
    rows[0][6] = rows[1][6] = "ignored"  # the column is dropped below
    rows[0][5] = "Pengadministrasi Umum"  # Siti, recorded as Administrator: kept
    rows[1][5] = "Kepala Dinas Komunikasi dan Informatika"
    rows[4][0], rows[4][3], rows[4][5] = "199203152019031010", "Rina", "Pengadministrasi Umum"
    plan = import_file(
        world.agency, write(tmp_path, "tanpa.csv", without_columns(rows, "Jenis Jabatan"))
    )

    assert plan.errors == []
    types = dict(Employee.objects.filter(agency=world.agency).values_list("name", "position_type"))
    assert types["Dr. Siti Rahmawati, S.Pd., M.Si."] == Employee.PositionType.ADMINISTRATOR
    assert types["Muhammad Ma’ruf, S.Kom."] == Employee.PositionType.JPT
    assert types["Dewi Lestari, A.Md.Kep."] == Employee.PositionType.FUNGSIONAL  # Perawat Terampil
    assert types["Ahmad Fauzi"] == Employee.PositionType.OTHER  # non-ASN
    assert types["Rina"] == Employee.PositionType.PELAKSANA
    messages = [warning.message for warning in plan.warnings if warning.row == 1]
    assert any(
        "Jenis Jabatan" in message and "tetap seperti yang tercatat" in message
        for message in messages
    )
    assert any(
        "menurut nama jabatannya" in message and "(2 baris)" in message for message in messages
    )
