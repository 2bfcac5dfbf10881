import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from netral.agencies.models import Unit
from netral.pacts import services
from netral.pacts.models import SigningLink
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import employee_make


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill("Rahasia-Netral-2029")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("link", name="Keluar").or_(page.get_by_role("button", name="Keluar")))


def test_the_ceremony_screen_shows_a_new_signature_within_seconds(
    browser: Browser, page: Page, live_server: Any, pacts: Pacts
) -> None:
    base = live_server.url
    hall = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 800})
    projector = hall.new_page()
    log_in(projector, base, "admin")
    projector.goto(f"{base}/pantau/{pacts.campaign.code}/")
    expect(projector.get_by_test_id("dashboard-signed")).to_have_text("0")
    SCREENSHOTS.mkdir(exist_ok=True)
    projector.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    projector.get_by_role("link", name="Layar ikrar").click()
    expect(projector.get_by_test_id("screen-signed")).to_have_text("0")

    # An employee signs on a phone, in another browser context.
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    page.goto(f"{base}/t/{services.signing_link_url_token(link)}/")
    page.get_by_label("Ketik nama lengkap Anda").fill("Siti Aminah")
    page.get_by_label("Saya telah membaca pakta ini").check()
    page.get_by_role("button", name="Tanda tangani pakta").click()
    expect(page.get_by_test_id("signed")).to_be_visible()

    url_before = projector.url
    expect(projector.get_by_test_id("screen-signed")).to_have_text("1", timeout=12_000)
    assert projector.url == url_before  # updated in place, not reloaded
    projector.screenshot(path=str(SCREENSHOTS / "ceremony-screen.png"), full_page=True)
    hall.close()


def test_the_unit_view_fits_a_phone(page: Page, live_server: Any, pacts: Pacts) -> None:
    employee = pacts.world.employee_a
    employee.phone = "081234567890"
    employee.save()
    for number in range(12):  # enough sub-units to fill screens above a list put after them
        employee_make(
            Unit.objects.create(
                agency=pacts.world.agency, parent=pacts.world.unit_a, name=f"Sekolah {number:02d}"
            ),
            f"Guru {number:02d}",
        )
    log_in(page, live_server.url, "koordinator")
    unit = pacts.world.unit_a
    page.goto(f"{live_server.url}/pantau/{pacts.campaign.code}/unit/{unit.code}/")
    expect(page.get_by_test_id("unsigned")).to_contain_text(employee.name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The coordinator's first question: who has not signed, and how to reach them, at once.
    first_card = page.get_by_test_id("person").first.bounding_box()
    subunits = page.get_by_role("heading", name="Subunit").bounding_box()
    assert first_card is not None and subunits is not None and first_card["y"] < subunits["y"]
    assert first_card["y"] < 1000
    card = page.get_by_test_id("person").filter(has_text=employee.name)
    whatsapp = card.get_by_test_id("whatsapp")
    assert whatsapp.get_attribute("href", timeout=2000).startswith("https://wa.me/6281234567890?")
    for control in card.locator(".chase a, .chase button").all():
        box = control.bounding_box()
        assert box is not None and box["height"] >= 40 and box["x"] + box["width"] <= 360
    # A search reloads at the list, not at the top of the page.
    page.get_by_label("Cari menurut nama atau NIP").fill(employee.name)
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page).to_have_url(re.compile(r"#belum$"))
    # The group message is copied with one tap.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Salin pesan").click()
    expect(page.get_by_role("button", name="Tersalin")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "unit-phone.png"), full_page=True)
