import datetime
from typing import Any

from playwright.sync_api import Page, expect

from netral.base.models import Election
from netral.screening.models import Contestant
from tests.conftest import World
from tests.e2e.conftest import SCREENSHOTS


def test_an_employee_pastes_a_partisan_post_and_sees_the_marked_words(
    page: Page, live_server: Any, world: World
) -> None:
    election = Election.objects.create(
        owner=world.agency, name="Pemilu 2029", kind="pemilu", voting_day=datetime.date(2029, 2, 14)
    )
    Contestant.objects.create(
        election=election,
        kind="pair",
        name="Darmawan Sukmajaya - Intan Permatasari",
        ballot_number=2,
        aliases=["Darmawan", "DARIN"],
        hashtags=["#DarinMenang"],
    )
    page.goto(f"{live_server.url}/periksa/")
    expect(page.get_by_test_id("not-stored")).to_be_visible()
    page.locator("textarea").fill(
        "Bismillah, ayo coblos nomor 2! Darmawan pasti menang #DarinMenang"
    )
    page.locator("button.primary").click()
    expect(page.get_by_test_id("risk")).to_be_visible()
    expect(page.get_by_test_id("highlighted").locator("mark").first).to_have_text("coblos nomor 2")
    expect(page.locator('[data-rule="partisan.hashtag"] mark')).to_have_text("#DarinMenang")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "selfcheck-phone.png"), full_page=True)

    page.locator("textarea").fill("Jangan lupa ke TPS tanggal 14, ASN harus netral")
    page.locator("button.primary").click()
    expect(page.get_by_test_id("no-risk")).to_be_visible()
