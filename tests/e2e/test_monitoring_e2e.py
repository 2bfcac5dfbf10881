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
    projector.get_by_role("link", name="Layar upacara").click()
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
    heading = page.locator("#belum").bounding_box()
    subunits = page.get_by_role("heading", name="Sub-unit").bounding_box()
    assert heading is not None and subunits is not None and heading["y"] < subunits["y"]
    assert heading["y"] < 2 * 740  # within the first two screens of a phone
    phone = page.get_by_role("link", name="081234567890").bounding_box()
    assert phone is not None and phone["x"] + phone["width"] <= 360  # no sideways scroll needed
    page.screenshot(path=str(SCREENSHOTS / "unit-phone.png"), full_page=True)
