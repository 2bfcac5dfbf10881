"""A venue tablet in kiosk mode (800x1280): one signer after another in the same browser."""

import re
from typing import Any

from django.core import mail
from playwright.sync_api import Browser, Page, expect

from netral.pacts.models import Signature
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS

TABLET = {"width": 800, "height": 1280}


def ask_for_a_code(page: Page, nip: str) -> str:
    page.get_by_label("NIP Anda").fill(nip)
    page.get_by_role("button", name="Kirim kode").click()
    expect(page.get_by_role("heading", name="Masukkan kode")).to_be_visible()
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found is not None
    return found.group(1)


def test_the_next_signer_at_a_kiosk_reaches_nothing_of_the_previous_one(
    browser: Browser, live_server: Any, pacts: Pacts, settings: Any
) -> None:
    base, campaign = live_server.url, pacts.campaign
    first, second = pacts.world.employee_a, pacts.world.employee_b
    first.email, second.email = "siti.aminah@example.go.id", "bambang@example.go.id"
    first.save()
    second.save()
    tablet = browser.new_context(locale="id-ID", viewport=TABLET)
    page = tablet.new_page()

    # The coordinator sets the tablet up and is signed out on it.
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill("koordinator")
    page.get_by_label("Kata sandi").fill("Rahasia-Netral-2029")
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{base}/kampanye/{campaign.code}/")
    page.locator(f"a[href='/kampanye/{campaign.code}/kios/']").click()
    page.get_by_test_id("kiosk-confirm").click()
    expect(page.get_by_test_id("kiosk")).to_be_visible()
    assert page.url == f"{base}/k/{campaign.code}/"
    page.goto(f"{base}/kampanye/{campaign.code}/")
    assert "/masuk/" in page.url  # no officer session is left on the tablet
    page.goto(f"{base}/k/{campaign.code}/")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "kiosk-start.png"))

    # Signer one signs and finishes.
    code = ask_for_a_code(page, first.nip or "")
    page.get_by_label("Kode 6 digit dari email Anda").fill(code)
    page.get_by_role("button", name="Lanjutkan").click()
    page.get_by_label("Ketik nama lengkap Anda").fill("Siti Aminah")
    page.get_by_label("Saya telah membaca pakta ini").check()
    page.get_by_role("button", name="Tanda tangani pakta").click()
    expect(page.get_by_test_id("signed")).to_contain_text("Siti Aminah")
    expect(page.get_by_test_id("pact-copy")).to_be_visible()
    assert page.locator("a[href$='.pdf']").count() == 0
    assert page.locator("a[href*='/v/']").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "kiosk-signed.png"))
    page.get_by_test_id("finish").click()
    expect(page.get_by_test_id("finished")).to_be_visible()
    assert Signature.objects.filter(employee=first).exists()

    # Signer two: the back button, all the way through the history.
    for _step in range(8):
        if page.go_back() is None:
            break
        page.wait_for_load_state()
        assert "Siti Aminah" not in page.content()
        assert page.get_by_test_id("signed").count() == 0
    # ... and the direct addresses of the signed page and the PDF.
    page.goto(f"{base}/k/{campaign.code}/tanda-tangan/")
    assert page.url.startswith(f"{base}/k/{campaign.code}/")
    assert "Siti Aminah" not in page.content()
    pdf = tablet.request.get(f"{base}/k/{campaign.code}/pakta.pdf")  # the tablet's cookies
    assert pdf.status == 404
    assert not pdf.body().startswith(b"%PDF")

    # Signer two walks away halfway: the tablet returns to the start by itself.
    settings.NETRAL_KIOSK_IDLE_SECONDS = 2
    page.goto(f"{base}/k/{campaign.code}/")
    ask_for_a_code(page, second.nip or "")
    page.wait_for_url(re.compile(rf"/k/{campaign.code}/\?selesai=1$"), timeout=8_000)
    expect(page.get_by_test_id("finished")).to_be_visible()
    page.goto(f"{base}/k/{campaign.code}/kode/")
    assert page.url == f"{base}/k/{campaign.code}/"  # the pending code step is gone
    tablet.close()


def test_kiosk_pages_fit_a_phone(page: Page, live_server: Any, pacts: Pacts) -> None:
    """An officer may set up a phone as well: the confirmation fits 360 px."""
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill("admin")
    page.get_by_label("Kata sandi").fill("Rahasia-Netral-2029")
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server.url}/kampanye/{pacts.campaign.code}/kios/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_test_id("kiosk-confirm").click()
    expect(page.get_by_test_id("kiosk")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
