"""The preview of a checked roster: the people, before anything is written."""

from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from netral.agencies.models import Employee, RosterImport, RosterPreviewLine
from tests.agencies.roster_helpers import ROWS, csv_bytes, write
from tests.agencies.test_roster_import import import_file, upload_checked
from tests.conftest import World


def checked_import(world: World, tmp_path: Path, capture: Any) -> RosterImport:
    import_file(world.agency, write(tmp_path, "before.csv", csv_bytes(ROWS[:3])))
    changed = ROWS[1][:]
    changed[10] = "0813 1111 2222"
    moving = ROWS[0][:]
    assert world.other_employee.nip is not None
    moving[0], moving[3] = world.other_employee.nip, "Rahmat Hidayat"
    content = csv_bytes([ROWS[0], changed, ROWS[3], moving])
    job = upload_checked(world, capture, content)
    roster_import = RosterImport.objects.get(job=job)
    assert roster_import.status == RosterImport.Status.READY
    return roster_import


def test_the_preview_shows_each_person_and_each_change(
    world: World, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    secret = ("rahmat.pribadi@semarangkota.go.id", "081299990000", "Kepala Seksi Kurikulum")
    Employee.objects.filter(pk=world.other_employee.pk).update(
        email=secret[0], phone=secret[1], position=secret[2]
    )
    roster_import = checked_import(world, tmp_path, django_capture_on_commit_callbacks)
    lines = RosterPreviewLine.objects.filter(roster_import=roster_import)
    assert sorted(lines.values_list("change", "name")) == [
        ("absent", "Bambang Sutrisno, S.Kep."),
        ("absent", "Dewi Lestari, A.Md.Kep."),
        ("absent", "Siti Aminah, S.Pd."),
        ("changed", "Muhammad Ma’ruf, S.Kom."),
        ("new", "Ahmad Fauzi"),
        ("transfer", "Rahmat Hidayat"),
        ("unchanged", "Dr. Siti Rahmawati, S.Pd., M.Si."),
    ]
    url = reverse("agencies:roster_import_detail", args=[roster_import.code])

    client.force_login(world.other_admin)
    assert client.get(url).status_code == 404
    client.force_login(world.admin)
    changed = client.get(url, {"show": "changed"}).content.decode()
    assert "Muhammad Ma’ruf" in changed
    assert "<del>085712345678</del> → <ins>081311112222</ins>" in changed
    moving = client.get(url, {"show": "transfer"}).content.decode()
    assert "Pemerintah Kota Semarang" in moving
    # Whoever knows a NIP could put it in a file: nothing of the other agency's record shows.
    assert not [value for value in secret if value in moving]
    found = client.get(url, {"show": "absent", "q": "bambang"}).content.decode()
    assert "Bambang Sutrisno" in found and "Siti Aminah" not in found
    assert 'data-testid="tab-absent">Tidak ada di berkas (3)' in found
    # The unit's whole path, as the other lists give it.
    siti = lines.get(change="absent", name="Siti Aminah, S.Pd.")
    assert siti.unit == "Dinas Pendidikan dan Kebudayaan > Bidang Pembinaan SD"
    # Nothing was written by the check.
    assert Employee.objects.get(pk=world.other_employee.pk).agency_id == world.other_agency.pk


def test_the_preview_is_paged(
    world: World, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    rows = []
    for number in range(60):
        row = ROWS[3][:]
        row[2], row[3] = f"332601550795{number + 1:04d}", f"Tenaga {number:02d}"
        rows.append(row)
    job = upload_checked(world, django_capture_on_commit_callbacks, csv_bytes(rows))
    roster_import = RosterImport.objects.get(job=job)
    client.force_login(world.admin)
    url = reverse("agencies:roster_import_detail", args=[roster_import.code])
    first = client.get(url, {"show": "new"}).content.decode()
    second = client.get(url, {"show": "new", "page": 2}).content.decode()
    assert "Tenaga 49" in first and "Tenaga 50" not in first
    assert "Tenaga 50" in second and "Tenaga 59" in second


def test_deactivating_asks_for_the_number_typed(
    world: World, tmp_path: Path, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    roster_import = checked_import(world, tmp_path, django_capture_on_commit_callbacks)
    url = reverse("agencies:roster_import_confirm", args=[roster_import.code])
    client.force_login(world.admin)

    # The box states the count and what deactivating does, never a bare checkbox.
    detail = reverse("agencies:roster_import_detail", args=[roster_import.code])
    page = client.get(detail).content.decode()
    assert "Nonaktifkan 3 pegawai yang tidak ada dalam berkas ini" in page
    assert "tidak lagi dihitung dalam kegiatan penandatanganan" in page
    wrong = client.post(url, {"deactivate_absent": "on", "absent_count": "2"})
    assert wrong.status_code == 400
    assert "Ketik 3" in wrong.content.decode()
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.READY

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"deactivate_absent": "on", "absent_count": "3"})
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    assert not Employee.objects.get(pk=world.employee_b.pk).is_active
    assert Employee.objects.get(pk=world.other_employee.pk).agency_id == world.agency.pk
    assert not RosterPreviewLine.objects.filter(roster_import=roster_import).exists()
