"""Unit heads: named by the roster's optional "NIP Kepala Unit" column or on the unit page, so
the digest of a unit's non-signers reaches them, on their own channel."""

from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from netral.agencies.models import Unit
from netral.base.messaging import messages_resume, outbox_read
from netral.base.models import AuditEntry
from netral.monitoring import reminders
from netral.monitoring.models import ReminderRound
from netral.pacts import services as pacts_services
from tests.agencies.roster_helpers import HEADERS, ROWS, csv_bytes, write
from tests.agencies.test_roster_import import import_file, plan_file
from tests.conftest import Pacts, World
from tests.factories import employee_make

SITI = "198609262015051001"
MARUF = "199203152019031002"


def with_heads(heads: list[str]) -> bytes:
    padded = [*heads, *[""] * (len(ROWS) - len(heads))]
    rows = [[*row, head] for row, head in zip(ROWS, padded, strict=True)]
    rows[1][8] = "Dinas Pendidikan dan Kebudayaan > Bidang Pembinaan SD"  # Ma'ruf joins Siti
    return csv_bytes(rows, headers=[*HEADERS, "NIP KEPALA UNIT"])


def test_the_roster_names_the_head_and_the_digest_reaches_them_on_whatsapp(
    pacts: Pacts, tmp_path: Path, settings: Any
) -> None:
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    world = pacts.world
    plan = import_file(world.agency, write(tmp_path, "r.csv", with_heads([SITI, SITI])))
    assert plan.errors == []
    unit = Unit.objects.get(agency=world.agency, name="Bidang Pembinaan SD")
    assert unit.head is not None and unit.head.nip == SITI
    assert AuditEntry.objects.filter(action="agencies.unit.head_set").count() == 1

    pacts_services.signing_links_refresh(agency=world.agency)
    ReminderRound.objects.create(
        campaign=pacts.campaign, kind="opening", due_at=pacts.campaign.opens_at
    )
    reminders.reminders_send_due()
    messages_resume()
    digests = [
        m for m in outbox_read() if m["to"] == "6281234567890" and "pegawai di unit" in m["text"]
    ]
    assert len(digests) == 1 and digests[0]["channel"] == "whatsapp"
    assert "Muhammad Ma’ruf" in digests[0]["text"]
    assert world.employee_b.name not in digests[0]["text"]  # another unit


def test_an_unknown_or_conflicting_head_is_refused_and_nothing_is_written(
    world: World, tmp_path: Path
) -> None:
    plan = plan_file(world.agency, write(tmp_path, "r.csv", with_heads([SITI, MARUF])))
    assert any("kepala" in issue.column.lower() for issue in plan.errors)
    unknown = plan_file(world.agency, write(tmp_path, "s.csv", with_heads(["199001012020011001"])))
    assert any("199001012020011001" in str(issue.message) for issue in unknown.errors)
    assert not Unit.objects.filter(head__isnull=False).exists()


def test_a_coordinator_names_the_head_from_the_unit_s_employees_only(
    client: Client, world: World
) -> None:
    head = employee_make(world.unit_a, "Kepala Dinas Pendidikan")
    url = reverse("agencies:unit_head", kwargs={"code": world.unit_a.code})
    client.force_login(world.coordinator_a)
    found = client.get(
        reverse("agencies:unit_detail", kwargs={"code": world.unit_a.code}),
        {"kepala": "Kepala Dinas"},
    ).content.decode()
    assert head.code in found
    client.post(url, {"employee": world.employee_b.code})  # of another unit
    world.unit_a.refresh_from_db()
    assert world.unit_a.head is None
    client.post(url, {"employee": head.code})
    world.unit_a.refresh_from_db()
    assert world.unit_a.head == head
    other = reverse("agencies:unit_head", kwargs={"code": world.unit_b.code})
    assert client.post(other, {"employee": world.employee_b.code}).status_code == 404
    client.force_login(world.other_admin)
    assert client.post(url, {"employee": ""}).status_code == 404
    world.unit_a.refresh_from_db()
    assert world.unit_a.head == head
