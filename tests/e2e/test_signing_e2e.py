import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from playwright.sync_api import Page, expect

from netral.base.messaging import outbox_read
from netral.pacts import documents, services
from netral.pacts.certificates import demo_certificate_p12
from netral.pacts.models import Signature, SigningLink
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import SYSTEM

pytestmark = pytest.mark.files


def agency_certificate(pacts: Pacts) -> None:
    documents.agency_sealer.cache_clear()
    path = documents.certificate_path(pacts.world.agency)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        demo_certificate_p12(
            agency_name=pacts.world.agency.name, password=settings.NETRAL_SEAL_PASSWORD.encode()
        )
    )


def download_and_verify(page: Page, tmp_path: Path) -> None:
    """Download the sealed PDF from the thank-you page and check it on the verification page."""
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh pakta yang sudah ditandatangani (PDF)").click()
    pdf = tmp_path / "pakta.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    page.get_by_role("link", name="/v/").click()
    expect(page.get_by_test_id("verify-found")).to_be_visible()
    page.get_by_label("PDF yang akan diperiksa").set_input_files(str(pdf))
    page.get_by_role("button", name="Periksa", exact=True).click()
    expect(page.get_by_test_id("check-result")).to_have_text(
        "PDF ini asli: semua pemeriksaan lulus."
    )


def test_an_employee_signs_through_the_personal_link_on_a_phone(
    page: Page, live_server: Any, pacts: Pacts, tmp_path: Path
) -> None:
    agency_certificate(pacts)
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    page.goto(f"{live_server.url}/t/{services.signing_link_url_token(link)}/")
    expect(page.get_by_role("heading", name="PAKTA INTEGRITAS NETRALITAS")).to_be_visible()
    expect(page.get_by_text("Siti Aminah, S.Pd.").first).to_be_visible()
    # Nothing spills sideways on a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sign.png"), full_page=True)

    page.get_by_label("Ketik nama lengkap Anda").fill("Siti Aminah")
    page.get_by_label("Saya telah membaca pakta ini").check()
    pad = page.locator("#pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 20, box["y"] + 40 + (step % 3) * 15)
    page.mouse.up()
    page.get_by_role("button", name="Tanda tangani pakta").click()

    expect(page.get_by_test_id("signed")).to_contain_text("Siti Aminah")
    page.screenshot(path=str(SCREENSHOTS / "signed.png"), full_page=True)
    signature = Signature.objects.get()
    assert signature.drawn_signature is not None
    assert bytes(signature.drawn_signature).startswith(b"\x89PNG")

    # Opening the link again shows the thank-you page, not a second form.
    page.reload()
    expect(page.get_by_test_id("signed")).to_be_visible()
    assert Signature.objects.count() == 1
    download_and_verify(page, tmp_path)


def test_an_employee_signs_from_the_ceremony_qr_with_a_mailed_code(
    page: Page, live_server: Any, pacts: Pacts, tmp_path: Path
) -> None:
    agency_certificate(pacts)
    employee = pacts.world.employee_a
    employee.email = "siti.aminah@example.go.id"
    employee.save()
    page.goto(f"{live_server.url}/k/{pacts.campaign.code}/")
    page.get_by_label("NIP Anda").fill(employee.nip or "")
    page.get_by_role("button", name="Kirim kode").click()
    expect(page.get_by_role("heading", name="Masukkan kode")).to_be_visible()
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found is not None
    page.get_by_label("Kode 6 digit dari email Anda").fill(found.group(1))
    page.get_by_role("button", name="Lanjutkan").click()
    page.get_by_label("Ketik nama lengkap Anda").fill("Siti Aminah")
    page.get_by_label("Saya telah membaca pakta ini").check()
    page.get_by_role("button", name="Tanda tangani pakta").click()
    expect(page.get_by_test_id("signed")).to_contain_text("Siti Aminah")
    assert Signature.objects.get().channel == Signature.Channel.CEREMONY
    download_and_verify(page, tmp_path)


def test_an_employee_without_email_or_phone_signs_with_the_code_from_the_slip(
    page: Page, live_server: Any, pacts: Pacts
) -> None:
    agency_certificate(pacts)
    employee = pacts.world.employee_b
    lines = services.ceremony_slips_print(
        actor=SYSTEM, campaign=pacts.campaign, unit=pacts.world.unit_b
    )
    code = next(line.code for line in lines if line.employee == employee)
    page.goto(f"{live_server.url}/k/{pacts.campaign.code}/")
    page.get_by_label("NIP Anda").fill(employee.nip or "")
    page.get_by_role("button", name="Kirim kode").click()
    expect(page.get_by_role("heading", name="Masukkan kode")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("input[name=code]").fill(f"{code[:4]} {code[4:]}")
    page.get_by_role("button", name="Lanjutkan").click()
    page.get_by_label("Ketik nama lengkap Anda").fill("Bambang Sutrisno")
    page.get_by_label("Saya telah membaca pakta ini").check()
    page.get_by_role("button", name="Tanda tangani pakta").click()
    expect(page.get_by_test_id("signed")).to_contain_text("Bambang Sutrisno")
    assert Signature.objects.get().channel == Signature.Channel.CEREMONY
    assert not mail.outbox


def test_an_employee_without_email_signs_with_the_code_sent_by_whatsapp(
    page: Page, live_server: Any, pacts: Pacts, tmp_path: Path
) -> None:
    with override_settings(
        NETRAL_WHATSAPP_BACKEND="outbox", NETRAL_MESSAGE_OUTBOX=str(tmp_path / "outbox")
    ):
        whatsapp_signing(page, live_server, pacts)


def whatsapp_signing(page: Page, live_server: Any, pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    employee.phone, employee.email = "+62 812-3456-7890", ""
    employee.save()
    page.goto(f"{live_server.url}/k/{pacts.campaign.code}/")
    page.get_by_label("NIP Anda").fill(employee.nip or "")
    page.get_by_role("button", name="Kirim kode").click()
    expect(page.get_by_test_id("code-channel")).to_contain_text("lewat WhatsApp")
    assert "3456" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    [sent] = outbox_read()
    assert sent["to"] == "6281234567890"
    page.get_by_label("Kode 6 digit dari WhatsApp").fill(sent["parameters"][0])
    page.get_by_role("button", name="Lanjutkan").click()
    page.get_by_label("Ketik nama lengkap Anda").fill("Bambang Sutrisno")
    page.get_by_label("Saya telah membaca pakta ini").check()
    page.get_by_role("button", name="Tanda tangani pakta").click()
    expect(page.get_by_test_id("signed")).to_contain_text("Bambang Sutrisno")
    assert Signature.objects.get().employee == employee
