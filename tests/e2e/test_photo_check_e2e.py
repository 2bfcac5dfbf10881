"""The photo pose check on a 360 px phone: choose a photo, see the gesture framed."""

from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.e2e.conftest import SCREENSHOTS
from tests.screening.test_poses import PHOTOS, needs_check


@needs_check
def test_an_employee_checks_a_photo_on_a_phone(page: Page, live_server: Any, world: World) -> None:
    page.goto(f"{live_server.url}/periksa/")
    page.get_by_role("link", name="Periksa foto sebelum membagikan").click()
    expect(page.get_by_test_id("not-stored")).to_be_visible()
    page.locator('input[type="file"]').set_input_files(str(PHOTOS / "dev_011.jpg"))  # a V sign
    button = page.get_by_role("button", name="Periksa foto")
    assert button.bounding_box()["height"] >= 40
    button.click()
    expect(page.get_by_test_id("risk")).to_be_visible()
    hand = page.get_by_test_id("hand")
    expect(hand).to_have_count(1)
    expect(hand).to_have_attribute("data-count", "2")
    expect(hand).to_contain_text("Bisa terbaca sebagai nomor urut 2")
    drawing = page.get_by_test_id("pose-drawing")
    expect(drawing).to_be_visible()
    expect(page.get_by_test_id("hand-box")).to_have_count(1)
    box = drawing.bounding_box()
    assert box["width"] <= 360 and box["height"] > 100  # the photo is drawn, and fits
    # The frame sits on the raised hand: right of the face, in the middle of the photo.
    frame = page.get_by_test_id("hand-box").bounding_box()
    assert frame["width"] > 10 and frame["height"] > 20
    assert box["x"] + box["width"] * 0.4 < frame["x"] < box["x"] + box["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "photo-check-phone.png"), full_page=True)

    page.locator('input[type="file"]').set_input_files(str(PHOTOS / "dev_004.jpg"))  # open hand
    page.get_by_role("button", name="Periksa foto").click()
    expect(page.get_by_test_id("no-risk")).to_be_visible()
    expect(page.get_by_test_id("hand")).to_have_attribute("data-count", "5")
