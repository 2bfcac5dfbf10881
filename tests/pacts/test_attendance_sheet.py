import base64
import re
import zlib

from django.test import Client
from django.urls import reverse

from netral.base.models import AuditEntry
from netral.pacts import services
from netral.pacts.models import CeremonyCode, Signature
from netral.pacts.sheets import attendance_sheet_pdf
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make


def pdf_text(pdf: bytes) -> str:
    """The page content of a reportlab PDF, its streams decoded (ASCII85, then Flate)."""
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL)
    return b"\n".join(
        zlib.decompress(base64.a85decode(stream, adobe=True)) for stream in streams
    ).decode("latin-1")


def sheet_text(client: Client, pacts: Pacts) -> str:
    client.force_login(pacts.world.admin)
    response = client.get(
        reverse("pacts:attendance_sheet", args=[pacts.campaign.code]),
        {"unit": pacts.world.unit_b.code},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def test_the_sheet_prints_no_code_and_says_who_has_a_slip(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    reachable = employee_make(world.unit_b, "Dewi Lestari", phone="081234567890")
    printed = services.ceremony_slips_print(
        actor=SYSTEM, campaign=pacts.campaign, unit=world.unit_b
    )
    code = next(line.code for line in printed if line.employee == world.employee_b)
    text = sheet_text(client, pacts)
    assert "Bambang Sutrisno" in text and reachable.name in text
    assert code not in text and f"{code[:4]} {code[4:]}" not in text
    assert "kode pada slip" in text  # Bambang's
    assert "dikirim kepadanya" in text  # Dewi's, by her phone
    assert world.employee_a.name not in text  # unit A is not on unit B's sheet


def test_the_sheet_creates_no_code(client: Client, pacts: Pacts) -> None:
    text = sheet_text(client, pacts)
    assert not CeremonyCode.objects.exists()
    assert "belum ada slip" in text


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
    assert [(line.signed, line.has_slip) for line in lines] == [(True, False), (False, False)]
    assert b"Siti Aminah" in pdf and b"Bidang Pembinaan SD" in pdf
    assert b"(sudah" in pdf  # "already signed", wrapped in its narrow column


def test_a_closed_campaigns_sheet_is_refused(client: Client, pacts: Pacts) -> None:
    campaign = services.campaign_close(actor=SYSTEM, campaign=pacts.campaign)
    client.force_login(pacts.world.admin)
    response = client.get(
        reverse("pacts:attendance_sheet", args=[campaign.code]), {"unit": pacts.world.unit_b.code}
    )
    assert response["Location"] == reverse("pacts:attendance", args=[campaign.code])


def test_a_coordinator_prints_only_within_the_unit(client: Client, pacts: Pacts) -> None:
    url = reverse("pacts:attendance_sheet", args=[pacts.campaign.code])
    client.force_login(pacts.world.coordinator_a)
    assert client.get(url, {"unit": pacts.world.unit_b.code}).status_code == 404
    assert client.get(url).status_code == 404  # a unit is required
    assert client.get(url, {"unit": pacts.world.unit_a_child.code}).status_code == 200


def test_other_agencies_and_other_roles_cannot_print(client: Client, pacts: Pacts) -> None:
    url = reverse("pacts:attendance_sheet", args=[pacts.campaign.code])
    client.force_login(pacts.world.other_admin)
    assert client.get(url, {"unit": pacts.world.unit_b.code}).status_code == 404
    client.force_login(pacts.world.viewer)
    assert client.get(url, {"unit": pacts.world.unit_b.code}).status_code == 403
    assert not AuditEntry.objects.filter(action="pacts.attendance_sheet.printed").exists()


def test_an_audit_entry_is_written_per_sheet(client: Client, pacts: Pacts) -> None:
    employee_make(pacts.world.unit_b, "Dewi Lestari")
    sheet_text(client, pacts)
    entry = AuditEntry.objects.get(action="pacts.attendance_sheet.printed")
    assert entry.target_code == pacts.world.unit_b.code
    assert entry.data == {"campaign": pacts.campaign.code, "employees": 2}
    assert entry.actor == pacts.world.admin


def test_a_large_unit_is_printed_in_a_few_queries(
    pacts: Pacts, django_assert_max_num_queries: object
) -> None:
    for number in range(60):
        employee_make(pacts.world.unit_b, f"Pegawai {number:02d}")
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        lines = services.attendance_sheet_print(
            actor=SYSTEM, campaign=pacts.campaign, unit=pacts.world.unit_b
        )
    assert len(lines) == 61


def test_the_attendance_page_links_the_sheet_and_the_printed_codes(
    client: Client, pacts: Pacts
) -> None:
    client.force_login(pacts.world.coordinator_a)
    page = client.get(reverse("pacts:attendance", args=[pacts.campaign.code])).content.decode()
    assert reverse("pacts:attendance_sheet", args=[pacts.campaign.code]) in page
    assert reverse("pacts:printed_codes", args=[pacts.campaign.code]) in page
