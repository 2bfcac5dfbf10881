from typing import Any

from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from netral.monitoring.models import ReminderRound
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS


def test_a_coordinator_reminds_the_own_unit_from_a_phone(
    page: Page, live_server: Any, pacts: Pacts
) -> None:
    world, campaign = pacts.world, pacts.campaign
    for employee, email in [(world.employee_a, "siti@example.go.id"), (world.employee_b, "b@x.id")]:
        employee.email = email
        employee.save(update_fields=["email"])

    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill("koordinator")
    page.get_by_label("Kata sandi").fill("Rahasia-Netral-2029")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Kampanye", exact=True).first.click()
    page.get_by_role("link", name=campaign.title).click()
    dashboard = reverse("monitoring:dashboard", kwargs={"code": campaign.code})
    page.locator(f"a[href='{dashboard}']").first.click()

    # Only the coordinator's own units are listed.
    expect(page.get_by_role("link", name=world.unit_a_child.name)).to_be_visible()
    assert world.unit_b.name not in page.content()
    page.goto(
        live_server.url
        + reverse("monitoring:unit", kwargs={"code": campaign.code, "unit_code": world.unit_a.code})
    )
    send = page.locator("form[action$='/pengingat/kirim/'] button")
    expect(send).to_be_visible()
    box = send.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360  # it fits a phone
    send.click()

    expect(page.locator(".message.success")).to_contain_text("1")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reminder-sent.png"), full_page=True)
    assert [message.to for message in mail.outbox] == [["siti@example.go.id"]]
    assert campaign.title in mail.outbox[0].body
    assert ReminderRound.objects.get().unit == world.unit_a
