from typing import Any

from playwright.sync_api import Page, expect

from netral.pacts import services
from netral.pacts.models import Signature, SigningLink
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS


def test_an_employee_signs_through_the_personal_link_on_a_phone(
    page: Page, live_server: Any, pacts: Pacts
) -> None:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    page.goto(f"{live_server.url}/t/{services.signing_link_url_token(link)}/")
    expect(page.get_by_role("heading", name="PAKTA INTEGRITAS NETRALITAS")).to_be_visible()
    expect(page.get_by_text("Siti Aminah, S.Pd.").first).to_be_visible()
    # Nothing spills sideways on a 360 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

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
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "signed.png"), full_page=True)
    signature = Signature.objects.get()
    assert signature.drawn_signature is not None
    assert bytes(signature.drawn_signature).startswith(b"\x89PNG")

    # Opening the link again shows the thank-you page, not a second form.
    page.reload()
    expect(page.get_by_test_id("signed")).to_be_visible()
    assert Signature.objects.count() == 1

    page.get_by_role("link", name="/v/").click()
    expect(page.get_by_test_id("verify-found")).to_be_visible()
