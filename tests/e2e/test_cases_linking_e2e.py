"""A handler, on a phone, finds the reported person of a report sent without a NIP in the roster
and links them to the case; the page then shows the employee's pact."""

from typing import Any

from playwright.sync_api import Page, expect

from netral.base.models import AuditEntry
from netral.cases import intake
from netral.cases.models import Case, ViolationType
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_monitoring_e2e import log_in
from tests.factories import employee_make


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_handler_links_the_reported_person_from_a_phone(
    page: Page, live_server: Any, pacts: Pacts
) -> None:
    base = live_server.url
    world = pacts.world
    for number in range(23):
        employee_make(world.unit_b, f"Bambang Santoso {number:02d}", position="Perawat Terampil")
    case, _receipt = intake.report_submit(
        agency=world.agency,
        election=pacts.election,
        violation_type=ViolationType.objects.get(number=8),
        reported_nip="",
        reported_name="Bambang",
        description="Mengajak warga memilih calon pada acara posyandu.",
        uploads=[],
    )
    log_in(page, base, "pengawas")
    page.goto(f"{base}/kasus/{case.code}/")
    fits(page)
    page.get_by_test_id("reported-link").click()
    # The reporter's name fills the search: 24 Bambangs, twenty on the first page.
    results = page.get_by_test_id("roster-results")
    expect(results.locator("a")).to_have_count(20)
    fits(page)
    page.get_by_test_id("roster-query").fill("bambang kesehatan sutrisno")
    page.get_by_test_id("roster-search").click()
    choice = page.get_by_test_id(f"roster-choose-{world.employee_b.code}")
    expect(choice).to_be_visible()
    box = choice.bounding_box()
    assert box is not None and box["height"] >= 40
    fits(page)
    choice.click()
    expect(page.get_by_test_id("link-review")).to_contain_text(world.employee_b.name)
    fits(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "case-link-confirm.png"), full_page=True)
    button = page.get_by_test_id("link-confirm")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 40
    button.click()
    expect(page.get_by_test_id("pact-status")).to_contain_text(pacts.campaign.title)
    fits(page)
    assert Case.objects.get(pk=case.pk).employee == world.employee_b
    assert AuditEntry.objects.filter(action="cases.case.employee_linked").count() == 1

    # The other new pages of a case fit the phone as well.
    for path in ("rekomendasi/", "teruskan/", "rujuk/", "terlapor/?q=bambang"):
        page.goto(f"{base}/kasus/{case.code}/{path}")
        expect(page.locator("h1")).to_be_visible()
        fits(page)
