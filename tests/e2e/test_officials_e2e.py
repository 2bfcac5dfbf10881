"""The order of the day in a browser on a 360 px phone: the regent signs first through their own
link, then an employee, then the admin closes the ceremony and downloads the collective
document; the public page shows it."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from netral.pacts import documents, services
from netral.pacts.models import Campaign, SigningLink
from netral.pacts.seal import verify_seal
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_monitoring_e2e import log_in
from tests.e2e.test_signing_e2e import agency_certificate

pytestmark = pytest.mark.files


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_official_signs_first_then_an_employee_then_the_admin_closes_and_downloads(
    page: Page, live_server: Any, pacts: Pacts, tmp_path: Path
) -> None:
    agency_certificate(pacts)
    base = live_server.url
    campaign = pacts.campaign
    employee_link = SigningLink.objects.get(campaign=campaign, employee=pacts.world.employee_a)
    employee_url = f"{base}/t/{services.signing_link_url_token(employee_link)}/"

    # The admin lists the regent as the first official and takes the regent's link.
    log_in(page, base, "admin")
    page.goto(f"{base}/kampanye/{campaign.code}/")
    page.get_by_role("link", name="Pejabat dan saksi").click()
    page.get_by_label("Menandatangani sebagai").select_option("official")
    page.locator("#id_name").fill("H. Fadia Arafiq")
    page.locator("#id_office").fill("Bupati")
    page.get_by_role("button", name="Tambah").click()
    expect(page.get_by_test_id("signatory")).to_contain_text("H. Fadia Arafiq")
    expect(page.get_by_test_id("staff-state")).to_have_text(
        "Penandatanganan oleh pegawai menunggu pejabat."
    )
    page.locator("summary", has_text="Tautan pribadi").click()
    official_url = page.get_by_test_id("signatory-link").input_value()
    official_path = "/p/" + official_url.split("/p/", 1)[1]
    fits(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "officials.png"), full_page=True)

    # The employee comes too early and is told to wait.
    page.goto(employee_url)
    expect(page.get_by_test_id("staff-waiting")).to_contain_text(
        "menandatangani pakta lebih dahulu"
    )
    fits(page)

    # The regent signs through the personal link.
    page.goto(base + official_path)
    expect(page.get_by_text("Bupati").first).to_be_visible()
    page.get_by_label("Ketik nama lengkap Anda").fill("Fadia Arafiq")
    page.get_by_label("Saya telah membaca pakta ini").check()
    fits(page)
    page.get_by_role("button", name="Tanda tangani pakta").click()
    expect(page.get_by_test_id("signatory-signed")).to_contain_text("H. Fadia Arafiq")

    # Now the employee signs.
    page.goto(employee_url)
    page.get_by_label("Ketik nama lengkap Anda").fill("Siti Aminah")
    page.get_by_label("Saya telah membaca pakta ini").check()
    page.get_by_role("button", name="Tanda tangani pakta").click()
    expect(page.get_by_test_id("signed")).to_contain_text("Siti Aminah")

    # The admin closes the ceremony after the confirmation page, and downloads the document.
    page.goto(f"{base}/kampanye/{campaign.code}/")
    page.get_by_role("link", name="Tutup kegiatan").click()
    expect(page.get_by_text("1 dari 2 pegawai sudah menandatangani.")).to_be_visible()
    fits(page)
    page.get_by_test_id("close-publish").check()  # the annex names the staff: a choice
    page.get_by_test_id("close-confirm").click()
    # The job's page goes on to the campaign once the document is made.
    expect(page.get_by_test_id("campaign-status")).to_have_text("Ditutup")
    with page.expect_download() as download:
        page.get_by_test_id("collective-download").click()
    pdf_path = tmp_path / "ikrar-bersama.pdf"
    download.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    sealer = documents.agency_sealer(pacts.world.agency.code)
    # pyHanko runs its own event loop: outside Playwright's thread.
    with ThreadPoolExecutor(1) as thread:
        check = thread.submit(verify_seal, pdf, trusted_certificate_der=sealer.certificate_der)
        assert check.result().problem == ""
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED

    # The public page offers it, with the regent's signature, on a phone.
    Campaign.objects.filter(pk=campaign.pk).update(is_public=True)
    page.goto(f"{base}/publik/{campaign.code}/")
    expect(page.get_by_test_id("public-officials")).to_contain_text("H. Fadia Arafiq")
    expect(page.get_by_test_id("public-collective")).to_be_visible()
    assert "Siti Aminah" not in page.content()
    fits(page)
    page.screenshot(path=str(SCREENSHOTS / "public.png"), full_page=True)
    image = page.request.get(f"{base}/publik/{campaign.code}/bagikan.png")
    assert image.headers["content-type"] == "image/png"
    (SCREENSHOTS / "share.png").write_bytes(image.body())
