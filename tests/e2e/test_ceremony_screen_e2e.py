"""The ceremony screen on a hall's projector (1920x1080), and on an officer's phone."""

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from netral.agencies.models import Employee, Unit
from netral.monitoring import views as monitoring_views
from netral.pacts import services
from netral.pacts.models import Campaign, Signature
from tests.conftest import Pacts, open_campaign
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import SYSTEM, employee_make, unit_make

PROJECTOR = {"width": 1920, "height": 1080}


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill("Rahasia-Netral-2029")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def many_units_campaign(pacts: Pacts) -> tuple[Campaign, list[Unit]]:
    """A campaign of 30 OPD, with long names and some signatures, beside 3 OPD left out."""
    world = pacts.world
    chosen = []
    for number in range(30):
        unit = unit_make(world.agency, f"Dinas Nomor {number:02d} Urusan Pemerintahan Daerah")
        employee_make(unit, f"Pegawai {number:02d} A")
        employee_make(unit, f"Pegawai {number:02d} B")
        chosen.append(unit)
    for number in range(3):
        employee_make(unit_make(world.agency, f"Badan Di Luar {number}"), f"Orang Luar {number}")
    campaign = open_campaign(world, pacts.election, title="Ikrar 30 OPD", units=chosen)
    for unit in chosen[:10]:  # ten units half done, the rest not started
        services.signature_create(
            actor=SYSTEM,
            campaign=campaign,
            employee=Employee.objects.filter(unit=unit).order_by("name").first(),
            channel=Signature.Channel.LINK,
            typed_name="x",
        )
    return campaign, chosen


def no_overflow(page: Page) -> None:
    sizes = page.evaluate(
        "({sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,"
        " w: window.innerWidth, h: window.innerHeight})"
    )
    assert sizes["sw"] <= sizes["w"], sizes
    assert sizes["sh"] <= sizes["h"], sizes


def shown_units(page: Page) -> list[str]:
    return page.locator("#screen-bars .hall-unit-name").all_inner_texts()


def shown_page(page: Page) -> dict[str, Any]:
    """The page label, the names and the figures, read at one moment."""
    result: dict[str, Any] = page.evaluate(
        """() => ({
            label: document.getElementById("screen-page").textContent,
            names: [...document.querySelectorAll("#screen-bars .hall-unit-name")]
                .map(item => item.textContent),
            figures: [...document.querySelectorAll("#screen-bars .hall-unit-figure")]
                .map(item => item.textContent),
        })"""
    )
    return result


def test_the_projector_shows_a_big_qr_a_readable_count_and_pages_through_the_units(
    browser: Browser, live_server: Any, pacts: Pacts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitoring_views, "SCREEN_PAGE_SECONDS", 2)
    campaign, chosen = many_units_campaign(pacts)
    names = {unit.name for unit in chosen}
    hall = browser.new_context(locale="id-ID", viewport=PROJECTOR)
    projector = hall.new_page()
    log_in(projector, live_server.url, "admin")
    projector.goto(f"{live_server.url}/pantau/{campaign.code}/layar/")
    expect(projector.get_by_test_id("screen-page")).to_have_text(re.compile(r"\(1/\d+\)"))

    qr = projector.locator("[data-testid=screen-qr] svg").bounding_box()
    assert qr is not None and qr["height"] >= 0.45 * PROJECTOR["height"], qr
    assert qr["y"] + qr["height"] <= PROJECTOR["height"]
    count = projector.get_by_test_id("screen-count")
    box = count.bounding_box()
    font = count.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
    assert box is not None and box["height"] >= 96 and font >= 96, (box, font)
    no_overflow(projector)
    SCREENSHOTS.mkdir(exist_ok=True)
    projector.screenshot(path=str(SCREENSHOTS / "ceremony-screen-1920.png"))

    # Worst first: the units not started lead; nobody outside the campaign is listed.
    first_page = shown_units(projector)
    assert 3 <= len(first_page) < len(chosen)
    assert set(first_page) <= names
    figures = projector.locator("#screen-bars .hall-unit-figure").all_inner_texts()
    assert figures[0] == "0/2"
    pages = int(re.findall(r"/(\d+)\)", projector.get_by_test_id("screen-page").inner_text())[0])
    seen = list(first_page)
    for number in range(2, pages + 1):
        expect(projector.get_by_test_id("screen-page")).to_have_text(f"({number}/{pages})")
        shown = shown_page(projector)
        assert shown["label"] == f"({number}/{pages})"
        seen += shown["names"]
        no_overflow(projector)
    assert sorted(seen) == sorted(names)  # every unit of the campaign, each once
    # The last page holds the units half done.
    assert shown["figures"][-1] == "1/2"
    expect(projector.get_by_test_id("screen-page")).to_have_text(f"(1/{pages})")
    hall.close()


def test_the_ceremony_screen_and_qr_page_fit_a_phone(
    page: Page, live_server: Any, pacts: Pacts
) -> None:
    campaign, _chosen = many_units_campaign(pacts)
    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/pantau/{campaign.code}/layar/")
    expect(page.get_by_test_id("screen-signed")).to_have_text("10")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SCREENSHOTS / "ceremony-screen-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/kampanye/{campaign.code}/qr/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_qr_page_fills_a_projector(browser: Browser, live_server: Any, pacts: Pacts) -> None:
    hall = browser.new_context(locale="id-ID", viewport=PROJECTOR)
    projector = hall.new_page()
    log_in(projector, live_server.url, "admin")
    projector.goto(f"{live_server.url}/kampanye/{pacts.campaign.code}/qr/")
    qr = projector.locator("[data-testid=ceremony-qr] svg").bounding_box()
    assert qr is not None and qr["height"] >= 0.45 * PROJECTOR["height"], qr
    no_overflow(projector)
    hall.close()
