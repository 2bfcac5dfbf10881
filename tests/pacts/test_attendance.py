import re

from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from netral.base.models import AuditEntry
from netral.pacts import services
from netral.pacts.models import Attendance
from tests.conftest import Pacts
from tests.factories import employee_make


def test_a_coordinator_ticks_present_employees_of_the_own_units(
    client: Client, pacts: Pacts
) -> None:
    colleague = employee_make(pacts.world.unit_a, "Rina Kartika")
    client.force_login(pacts.world.coordinator_a)
    url = reverse("pacts:attendance", args=[pacts.campaign.code])
    page = client.get(url).content.decode()
    assert "Rina Kartika" in page
    assert pacts.world.employee_b.name not in page  # another unit
    client.post(
        url,
        {
            "employee": [pacts.world.employee_a.code, colleague.code, pacts.world.employee_b.code],
            "mode": "daring",
            "action": "present",
        },
    )
    marked = dict(Attendance.objects.values_list("employee__name", "mode"))
    assert marked == {"Siti Aminah, S.Pd.": "daring", "Rina Kartika": "daring"}
    assert Attendance.objects.filter(recorded_by=pacts.world.coordinator_a).count() == 2
    # Ticking again keeps the first record.
    client.post(url, {"employee": [colleague.code], "mode": "luring", "action": "present"})
    assert Attendance.objects.get(employee=colleague).mode == "daring"
    client.post(url, {"employee": [colleague.code], "action": "absent"})
    assert not Attendance.objects.filter(employee=colleague).exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("pacts.attendance.recorded") == 2
    assert actions.count("pacts.attendance.removed") == 1


def test_attendance_is_refused_when_the_campaign_is_closed(client: Client, pacts: Pacts) -> None:
    services.campaign_close(actor=services.Actor.command("t"), campaign=pacts.campaign)
    client.force_login(pacts.world.admin)
    client.post(
        reverse("pacts:attendance", args=[pacts.campaign.code]),
        {"employee": [pacts.world.employee_a.code], "mode": "luring", "action": "present"},
    )
    assert not Attendance.objects.exists()


def test_an_employee_checks_in_through_the_ceremony_qr(client: Client, pacts: Pacts) -> None:
    pacts.world.employee_a.email = "siti@example.go.id"
    pacts.world.employee_a.save()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker sends the code
        client.post(
            reverse("pacts:ceremony", args=[pacts.campaign.code]),
            {"identifier": pacts.world.employee_a.nip},
        )
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert code is not None
    client.post(reverse("pacts:ceremony_code", args=[pacts.campaign.code]), {"code": code.group(1)})
    sign_page = client.get(reverse("pacts:ceremony_sign", args=[pacts.campaign.code]))
    assert "Saya hadir secara langsung" in sign_page.content.decode()
    check_in = reverse("pacts:ceremony_check_in", args=[pacts.campaign.code])
    client.post(check_in, {"mode": "daring"})  # the campaign is in person only
    assert not Attendance.objects.exists()
    client.post(check_in, {"mode": "luring"})
    record = Attendance.objects.get()
    assert record.source == Attendance.Source.CHECK_IN
    assert record.employee == pacts.world.employee_a
    page = client.get(reverse("pacts:ceremony_sign", args=[pacts.campaign.code]))
    assert "Kehadiran Anda sudah tercatat" in page.content.decode()


def test_checking_in_needs_the_code(client: Client, pacts: Pacts) -> None:
    client.post(reverse("pacts:ceremony_check_in", args=[pacts.campaign.code]), {"mode": "luring"})
    assert not Attendance.objects.exists()
