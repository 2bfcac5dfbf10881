"""Employees moving between agencies of one instance (mutasi)."""

from pathlib import Path

from django.test import Client
from django.urls import reverse

from netral.agencies.models import Agency, Employee
from netral.base.models import AuditEntry
from netral.pacts.models import Signature
from tests.agencies.roster_helpers import ROWS, csv_bytes, write
from tests.agencies.test_roster_import import database_state, import_file, plan_file
from tests.conftest import Pacts
from tests.pacts.test_signature_create import sign


def transfer_row(employee: Employee, unit: str = "Dinas Pendidikan > Bidang SMP") -> list[str]:
    row = ROWS[0][:]
    assert employee.nip is not None
    row[0], row[3], row[8] = employee.nip, employee.name, unit
    return row


def test_a_transfer_moves_the_employee_and_the_old_agency_keeps_the_signatures(
    pacts: Pacts, tmp_path: Path
) -> None:
    world = pacts.world
    signature, _created = sign(pacts)
    old_version = Agency.objects.get(pk=world.agency.pk).roster_version

    path = write(tmp_path, "semarang.csv", csv_bytes([transfer_row(world.employee_a)]))
    preview = plan_file(world.other_agency, path)
    assert [w.message for w in preview.warnings if w.message.startswith("Pindahan")] == [
        "Pindahan dari Pemerintah Kabupaten Pekalongan: Siti Aminah, S.Pd. pindah ke instansi "
        "ini saat impor."
    ]
    assert Employee.objects.get(pk=world.employee_a.pk).agency_id == world.agency.pk

    plan = import_file(world.other_agency, path)

    assert plan.errors == []
    moved = Employee.objects.select_related("unit__parent").get(pk=world.employee_a.pk)
    assert (moved.agency_id, moved.is_active) == (world.other_agency.pk, True)
    assert (moved.unit.name, moved.unit.parent.name) == ("Bidang SMP", "Dinas Pendidikan")
    assert moved.position == "Kepala Bidang Pembinaan SD"
    # The signature keeps the agency and unit it was made in.
    signature.refresh_from_db()
    assert (signature.agency_id, signature.unit_id) == (world.agency.pk, world.unit_a_child.pk)
    assert Signature.objects.filter(agency=world.agency).count() == 1
    # Both audit logs record it; the old agency's plans are made again.
    arrived = AuditEntry.objects.get(action="agencies.employee.transferred_in")
    left = AuditEntry.objects.get(action="agencies.employee.transferred_out")
    assert (arrived.agency_id, arrived.data["from"]) == (world.other_agency.pk, world.agency.name)
    # Where the employee came from, and nothing of the other agency's record.
    assert arrived.data["changes"] == {
        "unit": ["Pemerintah Kabupaten Pekalongan", "Dinas Pendidikan > Bidang SMP"]
    }
    assert (left.agency_id, left.target_code, left.data["to"]) == (
        world.agency.pk,
        moved.code,
        world.other_agency.name,
    )
    assert Agency.objects.get(pk=world.agency.pk).roster_version == old_version + 1


def test_the_old_agencys_next_import_neither_sees_nor_deactivates_the_moved_employee(
    pacts: Pacts, tmp_path: Path
) -> None:
    world = pacts.world
    import_file(
        world.other_agency, write(tmp_path, "s.csv", csv_bytes([transfer_row(world.employee_a)]))
    )
    plan = plan_file(world.agency, write(tmp_path, "p.csv", csv_bytes(ROWS)))
    assert world.employee_a.pk not in plan.absent_ids
    assert plan.summary()["transfers"] == 0


def test_a_file_with_errors_moves_nobody(pacts: Pacts, tmp_path: Path) -> None:
    world = pacts.world
    broken = ROWS[1][:]
    broken[4] = "Tentara"
    before = database_state()
    plan = import_file(
        world.other_agency,
        write(tmp_path, "s.csv", csv_bytes([transfer_row(world.employee_a), broken])),
    )
    assert len(plan.errors) == 1
    assert database_state() == before
    assert Employee.objects.get(pk=world.employee_a.pk).agency_id == world.agency.pk


def test_the_old_agency_releases_an_employee_who_left(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    url = reverse("agencies:employee_release", args=[world.employee_a.code])

    client.force_login(world.other_admin)
    assert client.post(url).status_code == 404
    client.force_login(world.coordinator_a)
    assert client.post(url).status_code == 403
    assert Employee.objects.get(pk=world.employee_a.pk).is_active

    client.force_login(world.admin)
    page = client.get(reverse("agencies:employee_detail", args=[world.employee_a.code]))
    assert b'data-testid="release"' in page.content
    response = client.post(url)

    assert response.status_code == 302
    assert not Employee.objects.get(pk=world.employee_a.pk).is_active
    entry = AuditEntry.objects.get(action="agencies.employee.released")
    assert (entry.agency_id, entry.target_code) == (world.agency.pk, world.employee_a.code)
