"""The privacy notice from a phone: reached from the report form, readable at 360 px."""

import importlib
from typing import Any

from django.apps import apps
from playwright.sync_api import Page, expect

from netral.cases.models import ViolationType
from netral.privacy.models import PrivacyOfficer
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS


def test_a_reporter_opens_the_privacy_notice_from_the_report_form_on_a_phone(
    page: Page, live_server: Any, pacts: Pacts
) -> None:
    if not ViolationType.objects.exists():  # flushed by the browser tests' transactions
        importlib.import_module("netral.cases.migrations.0002_load_catalogues").load(apps, None)
    agency = pacts.world.agency
    PrivacyOfficer.objects.create(
        agency=agency, name="Kepala Dinas Kominfo", contact="ppdp@pekalongankab.go.id"
    )
    page.goto(f"{live_server.url}/lapor/{agency.code}/")
    link = page.get_by_test_id("report-privacy-link")
    expect(link).to_be_visible()
    assert link.bounding_box()["height"] >= 20  # a line of text in the form's help
    footer = page.get_by_test_id("privacy-link")
    expect(footer).to_be_visible()
    link.click()
    expect(page.get_by_test_id("privacy-notice")).to_be_visible()
    assert page.url.endswith(f"/privasi/?instansi={agency.code}")
    expect(page.get_by_test_id("controllers")).to_contain_text("ppdp@pekalongankab.go.id")
    expect(page.get_by_test_id("controllers")).to_contain_text(agency.name)
    expect(page.get_by_test_id("retention")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "privacy-notice.png"), full_page=True)
    # Every public page carries the link: the follow-up page too.
    page.goto(f"{live_server.url}/lapor/pantau/")
    expect(page.get_by_test_id("privacy-link")).to_be_visible()
