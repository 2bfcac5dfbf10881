"""The main pages under the Content-Security-Policy in Chromium: nothing refused, and what moved
out of inline code (confirmations, printing, the one-press report form, the screen's bars, the
page styles) still works."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page, expect

from netral.cases import services as case_services
from netral.cases.models import Case, CaseAssignment, ViolationType
from netral.pacts import officials, services
from netral.pacts.models import Campaign, Signatory, SigningLink
from tests.conftest import Pacts
from tests.e2e.test_cases_reporter_e2e import catalogue_loaded
from tests.e2e.test_monitoring_e2e import log_in
from tests.factories import SYSTEM

pytestmark = pytest.mark.files

# Runs before any page script, outside the page's policy: records every violation the browser
# reports, and stands in for the print dialog a headless browser cannot show.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


class Watched:
    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.console: list[str] = []
        context.add_init_script(WATCH)
        self.page = context.new_page()
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> Page:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.assert_clean(url)
        return self.page

    def assert_clean(self, where: str = "") -> None:
        violations = self.page.evaluate("window.__violations")
        assert violations == [], (where, violations)
        assert self.console == [], (where, self.console)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(locale="id-ID", viewport={"width": 360, "height": 740})
    yield Watched(context)
    context.close()


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 800})
    yield Watched(context)
    context.close()


def test_the_officer_pages_break_no_rule_and_confirmations_still_ask(
    laptop: Watched, live_server: Any, pacts: Pacts
) -> None:
    base = live_server.url
    campaign = pacts.campaign
    page = laptop.page
    laptop.visit(base + reverse("accounts:login"))
    log_in(page, base, "admin")
    laptop.assert_clean("login")
    for name, args in [
        ("monitoring:home", []),
        ("agencies:unit_tree", []),
        ("agencies:employee_list", []),
        ("agencies:employee_detail", [pacts.world.employee_a.code]),
        ("agencies:audit_list", []),
        ("accounts:totp_enrol", []),
        ("pacts:election_list", []),
        ("pacts:campaign_list", []),
        ("pacts:campaign_qr", [campaign.code]),
        ("monitoring:dashboard", [campaign.code]),
        ("cases:statistics", []),
    ]:
        laptop.visit(base + reverse(name, args=args))

    # The unit tree indents a sub-unit through a class, not a style attribute.
    laptop.visit(base + reverse("agencies:unit_tree"))
    indents = {
        name: page.get_by_role("listitem")
        .filter(has_text=name)
        .evaluate("item => parseFloat(getComputedStyle(item).paddingLeft)")
        for name in ("Dinas Pendidikan dan Kebudayaan", "Bidang Pembinaan SD")
    }
    assert indents["Bidang Pembinaan SD"] > indents["Dinas Pendidikan dan Kebudayaan"]

    # The ceremony screen draws its bars as SVG, on the server and again in place by script.
    screen = laptop.visit(base + reverse("monitoring:screen", args=[campaign.code]))
    expect(screen.locator("#screen-bars svg.screen-bar").first).to_be_visible()
    laptop.assert_clean("screen")

    # A question asked by netral.js (data-confirm): "Cancel" keeps the official; "OK" removes.
    officials.signatory_add(
        actor=SYSTEM, campaign=campaign, role="official", name="Pejabat Sementara", office="X"
    )
    listed = laptop.visit(base + reverse("pacts:officials", args=[campaign.code]))
    questions: list[str] = []

    def dismiss(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    listed.once("dialog", dismiss)
    listed.get_by_role("button", name="Hapus").click()
    assert questions and questions[0].startswith("Hapus orang ini dari daftar?")
    listed.wait_for_timeout(300)
    assert Signatory.objects.filter(campaign=campaign).count() == 1
    listed.once("dialog", lambda dialog: dialog.accept())
    listed.get_by_role("button", name="Hapus").click()
    listed.wait_for_load_state("load")
    expect(listed.get_by_role("button", name="Hapus")).to_have_count(0)
    assert Signatory.objects.filter(campaign=campaign).count() == 0
    laptop.assert_clean("officials")

    # Closing the ceremony goes through its confirmation page.
    detail = laptop.visit(base + reverse("pacts:campaign_detail", args=[campaign.code]))
    detail.get_by_role("link", name="Tutup kegiatan").click()
    detail.get_by_test_id("close-confirm").click()
    detail.wait_for_load_state("load")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    laptop.assert_clean("campaign closed")


def test_the_case_pages_load_their_stylesheet_and_break_no_rule(
    laptop: Watched, live_server: Any, pacts: Pacts
) -> None:
    catalogue_loaded()
    world = pacts.world
    case = case_services.case_create(
        actor=SYSTEM,
        agency=world.agency,
        source=Case.Source.INTERNAL,
        election=pacts.election,
        employee=world.employee_b,
        violation_type=ViolationType.objects.get(number=4),
        description="Membagikan unggahan pasangan calon di grup dinas",
    )
    CaseAssignment.objects.create(case=case, user=world.supervisor)
    base = live_server.url
    log_in(laptop.page, base, "pengawas")
    laptop.visit(base + reverse("cases:queue"))
    page = laptop.visit(base + reverse("cases:case", args=[case.code]))
    # handling.css, once an inline <style>, still lays the case out in two columns.
    assert page.locator(".case-grid").evaluate("grid => getComputedStyle(grid).display") == "grid"
    laptop.visit(base + reverse("cases:procedure", args=[pacts.election.code]))


def test_the_public_pages_break_no_rule_and_their_scripts_still_work(
    phone: Watched, live_server: Any, pacts: Pacts
) -> None:
    catalogue_loaded()
    base = live_server.url
    world = pacts.world
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=world.employee_a)
    page = phone.visit(f"{base}/t/{services.signing_link_url_token(link)}/")
    # The signature pad (a static script) draws.
    pad = page.locator("#pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 60)
    page.mouse.up()
    phone.assert_clean("signature pad")
    phone.visit(base + reverse("pacts:ceremony", args=[pacts.campaign.code]))
    phone.visit(base + reverse("screening:selfcheck"))

    # The report form sends once: its button is disabled after the first press.
    report = phone.visit(base + reverse("cases:report", args=[world.agency.code]))
    report.locator("#id_reported_name").fill("Pak Joko")
    act = ViolationType.objects.get(number=1)
    report.locator(f'input[name="violation_type"][value="{act.pk}"]').check()
    report.locator("#id_place").fill("Simpang Lima Kajen")
    report.locator("#id_description").fill("Memasang baliho pasangan calon di depan kantor.")
    report.locator("#id_truth").check()
    # The first press is held back here (as a slow network would), and the button is then
    # disabled; the form is sent once, by the script below.
    form = report.get_by_test_id("report-form")
    form.evaluate("form => form.addEventListener('submit', e => e.preventDefault(), {once: true})")
    button = report.get_by_test_id("report-submit")
    button.click()
    expect(button).to_be_disabled()
    form.evaluate("form => form.submit()")
    receipt = report.get_by_test_id("receipt-code")
    expect(receipt).to_be_visible()
    assert Case.objects.filter(reported_name="Pak Joko").count() == 1
    phone.assert_clean("receipt")
    # intake.css, once an inline <style>, still sets the receipt code large and bold.
    assert receipt.evaluate("code => getComputedStyle(code).fontWeight") == "700"
    report.get_by_role("button", name="Cetak tanda terima").click()
    assert report.evaluate("window.__printed") == 1
