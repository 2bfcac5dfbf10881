import base64
import datetime
import re
import zlib

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netral.agencies.models import Employee, Unit
from netral.base.models import AuditEntry
from netral.pacts import services
from netral.pacts.models import Campaign, CeremonyCode, Signature
from netral.pacts.sheets import attendance_sheet_pdf
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make


def sheet_codes(pacts: Pacts, unit: Unit | None = None) -> dict[str, str]:
    """Print the sheet of a unit (B by default); the printed codes by employee code."""
    lines = services.attendance_sheet_print(
        actor=SYSTEM, campaign=pacts.campaign, unit=unit or pacts.world.unit_b
    )
    return {line.employee.code: line.code for line in lines}


def pdf_text(pdf: bytes) -> str:
    """The page content of a reportlab PDF, its streams decoded (ASCII85, then Flate)."""
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL)
    return b"\n".join(
        zlib.decompress(base64.a85decode(stream, adobe=True)) for stream in streams
    ).decode("latin-1")


def check(pacts: Pacts, employee: Employee, code: str) -> bool:
    return services.ceremony_code_check(campaign=pacts.campaign, employee=employee, code=code)


def test_the_sheet_is_a_pdf_with_the_code_beside_the_name(client: Client, pacts: Pacts) -> None:
    code = sheet_codes(pacts)[pacts.world.employee_b.code]
    client.force_login(pacts.world.admin)
    response = client.get(
        reverse("pacts:attendance_sheet", args=[pacts.campaign.code]),
        {"unit": pacts.world.unit_b.code},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert f"{code[:4]} {code[4:]}" in text
    assert "Bambang Sutrisno" in text
    assert pacts.world.employee_a.name not in text  # unit A is not on unit B's sheet


def test_the_sheet_lists_the_sub_units_and_says_how_each_signs(pacts: Pacts) -> None:
    world = pacts.world
    world.employee_a.email = "siti.aminah@example.go.id"
    world.employee_a.save()
    signed = employee_make(world.unit_a, "Agus Salim")
    services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=signed,
        channel=Signature.Channel.LINK,
        typed_name="Agus Salim",
    )
    lines = services.attendance_sheet_print(
        actor=SYSTEM, campaign=pacts.campaign, unit=world.unit_a
    )
    pdf = attendance_sheet_pdf(
        campaign=pacts.campaign, unit=world.unit_a, lines=lines, compress=False
    )
    assert [line.employee for line in lines] == [signed, world.employee_a]
    assert all(line.code == "" for line in lines)
    assert b"Siti Aminah" in pdf and b"Bidang Pembinaan SD" in pdf


def test_reprinting_gives_the_same_codes(pacts: Pacts) -> None:
    employee_make(pacts.world.unit_b, "Dewi Lestari")
    first = sheet_codes(pacts)
    assert sheet_codes(pacts) == first
    assert all(re.fullmatch(r"\d{8}", code) for code in first.values())
    assert CeremonyCode.objects.filter(printed=True).count() == 2


def test_employees_with_email_get_no_printed_code(pacts: Pacts) -> None:
    pacts.world.employee_b.email = "bambang@example.go.id"
    pacts.world.employee_b.save()
    assert sheet_codes(pacts) == {pacts.world.employee_b.code: ""}
    assert not CeremonyCode.objects.exists()


def test_signed_employees_get_none(pacts: Pacts) -> None:
    services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=pacts.world.employee_b,
        channel=Signature.Channel.PAPER,
        typed_name="Bambang Sutrisno",
    )
    assert sheet_codes(pacts) == {pacts.world.employee_b.code: ""}
    assert not CeremonyCode.objects.exists()


def test_an_employee_without_email_signs_with_the_printed_code(
    client: Client, pacts: Pacts
) -> None:
    employee = pacts.world.employee_b
    code = sheet_codes(pacts)[employee.code]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("pacts:ceremony", args=[pacts.campaign.code]), {"identifier": employee.nip}
    )
    code_url = reverse("pacts:ceremony_code", args=[pacts.campaign.code])
    assert response["Location"] == code_url
    assert not mail.outbox
    page = client.get(code_url).content.decode()
    assert "printed beside your name" in page
    response = client.post(code_url, {"code": f"{code[:4]} {code[4:]}"})
    sign_url = reverse("pacts:ceremony_sign", args=[pacts.campaign.code])
    assert response["Location"] == sign_url
    client.post(sign_url, {"typed_name": "Bambang Sutrisno", "consent": "on"})
    assert Signature.objects.get(employee=employee).channel == Signature.Channel.CEREMONY


def test_a_used_code_is_not_accepted_again_and_a_reprint_gives_a_new_one(
    client: Client, pacts: Pacts
) -> None:
    employee = pacts.world.employee_b
    code = sheet_codes(pacts)[employee.code]
    assert check(pacts, employee, code)
    assert not check(pacts, employee, code)
    # With no code left, the ceremony page sends the employee to the coordinator.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("pacts:ceremony", args=[pacts.campaign.code]), {"identifier": employee.nip}
    )
    assert "code on the attendance sheet" in response.content.decode()
    new_code = sheet_codes(pacts)[employee.code]
    assert new_code != code
    assert sheet_codes(pacts)[employee.code] == new_code
    assert not check(pacts, employee, code)
    assert check(pacts, employee, new_code)


def test_five_wrong_tries_kill_it(pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    code = sheet_codes(pacts)[employee.code]
    wrong = "00000000" if code != "00000000" else "11111111"
    for _attempt in range(services.CEREMONY_CODE_ATTEMPTS):
        assert not check(pacts, employee, wrong)
    assert not check(pacts, employee, code)
    assert not services.ceremony_code_printed_exists(campaign=pacts.campaign, employee=employee)
    new_code = sheet_codes(pacts)[employee.code]
    assert new_code != code
    assert check(pacts, employee, new_code)


def test_the_code_of_one_employee_does_not_work_for_another(pacts: Pacts) -> None:
    other = employee_make(pacts.world.unit_b, "Dewi Lestari")
    codes = sheet_codes(pacts)
    assert not check(pacts, other, codes[pacts.world.employee_b.code])
    assert check(pacts, other, codes[other.code])


def test_a_code_past_the_campaigns_end_is_refused(pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    code = sheet_codes(pacts)[employee.code]
    Campaign.objects.filter(pk=pacts.campaign.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    pacts.campaign.refresh_from_db()
    assert not check(pacts, employee, code)
    with pytest.raises(services.CampaignStateError):
        sheet_codes(pacts)


def test_a_closed_campaigns_code_is_refused(client: Client, pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    code = sheet_codes(pacts)[employee.code]
    campaign = services.campaign_close(actor=SYSTEM, campaign=pacts.campaign)
    assert not services.ceremony_code_check(campaign=campaign, employee=employee, code=code)
    assert client.get(reverse("pacts:ceremony", args=[campaign.code])).status_code == 404
    client.force_login(pacts.world.admin)
    response = client.get(
        reverse("pacts:attendance_sheet", args=[campaign.code]), {"unit": pacts.world.unit_b.code}
    )
    assert response["Location"] == reverse("pacts:attendance", args=[campaign.code])


def test_a_moved_campaign_end_keeps_the_printed_code_valid(pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    code = sheet_codes(pacts)[employee.code]
    Campaign.objects.filter(pk=pacts.campaign.pk).update(
        closes_at=pacts.campaign.closes_at + datetime.timedelta(days=30)
    )
    CeremonyCode.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    pacts.campaign.refresh_from_db()
    assert check(pacts, employee, code)


def test_a_coordinator_prints_only_within_the_unit(client: Client, pacts: Pacts) -> None:
    url = reverse("pacts:attendance_sheet", args=[pacts.campaign.code])
    client.force_login(pacts.world.coordinator_a)
    assert client.get(url, {"unit": pacts.world.unit_b.code}).status_code == 404
    assert client.get(url).status_code == 404  # a unit is required
    assert client.get(url, {"unit": pacts.world.unit_a_child.code}).status_code == 200
    assert not CeremonyCode.objects.filter(employee=pacts.world.employee_b).exists()


def test_other_agencies_and_other_roles_cannot_print(client: Client, pacts: Pacts) -> None:
    url = reverse("pacts:attendance_sheet", args=[pacts.campaign.code])
    client.force_login(pacts.world.other_admin)
    assert client.get(url, {"unit": pacts.world.unit_b.code}).status_code == 404
    client.force_login(pacts.world.viewer)
    assert client.get(url, {"unit": pacts.world.unit_b.code}).status_code == 403
    assert not CeremonyCode.objects.exists()


def test_an_audit_entry_is_written_per_sheet(client: Client, pacts: Pacts) -> None:
    employee_make(pacts.world.unit_b, "Dewi Lestari")
    client.force_login(pacts.world.admin)
    client.get(
        reverse("pacts:attendance_sheet", args=[pacts.campaign.code]),
        {"unit": pacts.world.unit_b.code},
    )
    entry = AuditEntry.objects.get(action="pacts.attendance_sheet.printed")
    assert entry.target_code == pacts.world.unit_b.code
    assert entry.data == {"campaign": pacts.campaign.code, "codes": 2}
    assert entry.actor == pacts.world.admin


def test_a_large_unit_is_printed_in_a_few_queries(
    pacts: Pacts, django_assert_max_num_queries: object
) -> None:
    for number in range(60):
        employee_make(pacts.world.unit_b, f"Pegawai {number:02d}")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        codes = sheet_codes(pacts)
    assert len(set(codes.values())) == 61


def test_the_attendance_page_links_the_sheet(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    page = client.get(reverse("pacts:attendance", args=[pacts.campaign.code])).content.decode()
    assert reverse("pacts:attendance_sheet", args=[pacts.campaign.code]) in page
