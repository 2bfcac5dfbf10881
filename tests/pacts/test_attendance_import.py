"""Online attendance from a meeting's participant export: preview, confirm, refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from netral.agencies.models import Employee
from netral.base.models import AuditEntry
from netral.pacts import services
from netral.pacts.models import Attendance, Campaign
from tests.conftest import Pacts, open_campaign
from tests.factories import SYSTEM, employee_make

HEADER = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room"
)


@pytest.fixture
def hybrid(pacts: Pacts) -> Campaign:
    return open_campaign(pacts.world, pacts.election, mode=Campaign.Mode.BOTH)


def spaced(nip: str | None) -> str:
    assert nip is not None
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def zoom_file(*rows: str, name: str = "peserta.csv") -> SimpleUploadedFile:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return SimpleUploadedFile(name, b"\xef\xbb\xbf" + text.encode(), content_type="text/csv")


def row(name: str, email: str = "", minutes: int = 60, waiting: str = "No") -> str:
    return f"{name},{email},12/06/2026 08:55 AM,12/06/2026 09:55 AM,{minutes},No,{waiting}"


def upload(client: Client, campaign: Campaign, file: SimpleUploadedFile) -> str:
    url = reverse("pacts:attendance_import", args=[campaign.code])
    response = client.post(url, {"participants": file}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_coordinator_previews_then_records_the_online_attendance(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    world = pacts.world
    by_email = employee_make(world.unit_a, "Rina Kartika, S.E.", email="Rina.K@example.go.id")
    by_name = employee_make(world.unit_a, "Drs. Agus Purnomo, M.Si.")
    employee_make(world.unit_a, "Ahmad Fauzi")
    employee_make(world.unit_a_child, "Ahmad Fauzi, S.Kom.")
    present = employee_make(world.unit_a, "Dewi Lestari")
    services.attendance_record(
        actor=SYSTEM,
        campaign=hybrid,
        employees=[present],
        mode=Attendance.Mode.OFFLINE,
        source=Attendance.Source.COORDINATOR,
    )
    file = zoom_file(
        row(f"Siti Aminah {spaced(world.employee_a.nip)}", minutes=40),
        row("Rina (HP Samsung)", email="rina.k@example.go.id"),
        row("agus purnomo"),
        row("Ahmad Fauzi"),
        row("Tamu Undangan"),
        row(f"Bambang {world.employee_b.nip}"),
        row("Dewi Lestari"),
        row(f"Siti {world.employee_a.nip}", minutes=20),  # joined again after a dropped signal
        row("Agus Purnomo", waiting="Yes"),  # also in the meeting: not listed
        row("Orang Asing", waiting="Yes"),
    )
    client.force_login(world.coordinator_a)
    page = upload(client, hybrid, file)

    assert not Attendance.objects.filter(campaign=hybrid, source="meeting").exists()
    assert 'data-testid="matched-count">3<' in page
    assert 'data-testid="missed-count">5<' in page
    assert "bergabung 2 kali" in page and "60 menit" in page  # collapsed, minutes added
    reasons = {
        5: "Beberapa pegawai",  # two Ahmad Fauzi in the coordinator's units
        6: "Tidak ada pegawai",  # a guest
        7: "di luar unit Anda",  # employee B's NIP, in another OPD
        8: "Sudah tercatat hadir",
        11: "ruang tunggu",
    }
    for line, reason in reasons.items():
        start = page.index(f'data-testid="row-{line}"')
        assert reason in page[start : page.index("</tr>", start)], line
    assert world.employee_b.name not in page

    response = client.post(
        reverse("pacts:attendance_import", args=[hybrid.code]), {"action": "confirm"}
    )
    assert response.status_code == 302
    recorded = Attendance.objects.filter(campaign=hybrid, source=Attendance.Source.MEETING_IMPORT)
    assert set(recorded.values_list("employee", flat=True)) == {
        world.employee_a.pk,
        by_email.pk,
        by_name.pk,
    }
    assert set(recorded.values_list("mode", flat=True)) == {Attendance.Mode.ONLINE}
    assert Attendance.objects.get(employee=present).mode == Attendance.Mode.OFFLINE
    entry = AuditEntry.objects.get(action="pacts.attendance.imported")
    assert entry.data["recorded"] == 3 and entry.data["file"] == "peserta.csv"
    # The preview is spent: confirming again records nothing.
    client.post(reverse("pacts:attendance_import", args=[hybrid.code]), {"action": "confirm"})
    assert recorded.count() == 3


def test_an_administrator_matches_across_the_agency(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    client.force_login(pacts.world.admin)
    upload(client, hybrid, zoom_file(row(f"Bambang {pacts.world.employee_b.nip}")))
    client.post(reverse("pacts:attendance_import", args=[hybrid.code]), {"action": "confirm"})
    assert Attendance.objects.get(campaign=hybrid).employee == pacts.world.employee_b


def test_the_preview_pages_a_long_list(client: Client, pacts: Pacts, hybrid: Campaign) -> None:
    client.force_login(pacts.world.coordinator_a)
    upload(client, hybrid, zoom_file(*(row(f"Tamu {number}") for number in range(120))))
    url = reverse("pacts:attendance_import", args=[hybrid.code])
    last = client.get(url, {"page": 3}).content.decode()
    assert "Tamu 119" in last and "Tamu 0<" not in last
    assert "Halaman 3 dari 3" in last


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04\x14\x00\x06\x00", b"\x00\xff\x13\x37" * 300, b"NAMA,NIP\nSiti,1\n"],
    ids=["xlsx", "binary", "unknown-headers"],
)
def test_a_broken_file_writes_nothing(
    client: Client, pacts: Pacts, hybrid: Campaign, content: bytes
) -> None:
    client.force_login(pacts.world.coordinator_a)
    page = upload(client, hybrid, SimpleUploadedFile("zoom.csv", content))
    assert 'class="error"' in page
    assert 'data-testid="import-preview"' not in page
    client.post(reverse("pacts:attendance_import", args=[hybrid.code]), {"action": "confirm"})
    assert not Attendance.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="pacts.attendance").exists()


def test_an_employee_who_left_the_units_since_the_preview_is_skipped(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    world = pacts.world
    moved = employee_make(world.unit_a, "Yusuf Maulana")
    client.force_login(world.coordinator_a)
    upload(client, hybrid, zoom_file(row("Yusuf Maulana"), row("Siti Aminah")))
    Employee.objects.filter(pk=moved.pk).update(unit=world.unit_b)
    client.post(reverse("pacts:attendance_import", args=[hybrid.code]), {"action": "confirm"})
    assert list(Attendance.objects.values_list("employee", flat=True)) == [world.employee_a.pk]


def test_an_in_person_ceremony_takes_no_import(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    page = upload(client, pacts.campaign, zoom_file(row("Siti Aminah")))
    assert "hanya secara langsung" in page
    assert not Attendance.objects.exists()


def test_a_user_of_another_agency_is_refused(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    client.force_login(pacts.world.other_admin)
    url = reverse("pacts:attendance_import", args=[hybrid.code])
    assert client.get(url).status_code == 404
    assert client.post(url, {"participants": zoom_file(row("Siti Aminah"))}).status_code == 404
    assert client.post(url, {"action": "confirm"}).status_code == 404
    assert not Attendance.objects.exists()


def test_a_preview_cannot_be_confirmed_for_another_campaign(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    other = open_campaign(pacts.world, pacts.election, mode=Campaign.Mode.ONLINE)
    client.force_login(pacts.world.coordinator_a)
    upload(client, hybrid, zoom_file(row("Siti Aminah")))
    client.post(reverse("pacts:attendance_import", args=[other.code]), {"action": "confirm"})
    assert not Attendance.objects.exists()
