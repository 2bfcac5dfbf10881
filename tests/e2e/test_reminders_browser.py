import re
from typing import Any

from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from netral.base.jobs import job_run
from netral.base.models import Job, Message
from netral.monitoring.models import ReminderRound
from netral.monitoring.reminders import REMINDER_JOB
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS, menu_link
from tests.factories import employee_make


def test_a_coordinator_confirms_a_reminder_to_the_own_unit_from_a_phone(
    page: Page, live_server: Any, pacts: Pacts, settings: Any
) -> None:
    world, campaign = pacts.world, pacts.campaign
    for employee, email in [(world.employee_a, "siti@example.go.id"), (world.employee_b, "b@x.id")]:
        employee.email = email
        employee.save(update_fields=["email"])
    employee_make(world.unit_a_child, "Guru Honorer Tanpa Surel")
    # The job waits in the queue, as it would for the worker, until the test runs it.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "messages"],
        }
    }

    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill("koordinator")
    page.get_by_label("Kata sandi").fill("Rahasia-Netral-2029")
    page.get_by_role("button", name="Masuk").click()
    menu_link(page, "Penandatanganan").click()
    page.get_by_role("link", name=campaign.title).click()
    dashboard = reverse("monitoring:dashboard", kwargs={"code": campaign.code})
    page.locator(f"a[href='{dashboard}']").first.click()

    # Only the coordinator's own units are listed.
    expect(page.get_by_role("link", name=world.unit_a_child.name)).to_be_visible()
    assert world.unit_b.name not in page.content()
    unit_url = reverse(
        "monitoring:unit", kwargs={"code": campaign.code, "unit_code": world.unit_a.code}
    )
    page.goto(live_server.url + unit_url)
    remind = page.get_by_test_id("reminder-send")
    expect(remind).to_be_visible()
    box = remind.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360  # it fits a phone
    remind.click()

    # The confirmation says who gets a message on which channel and lists who cannot be
    # reached; nothing is sent yet.
    expect(page.get_by_test_id("reminder-recipients")).to_contain_text("1 orang")
    expect(page.get_by_test_id("reminder-channels")).to_contain_text("1 melalui Email")
    expect(page.get_by_test_id("unreachable-list")).to_contain_text("Guru Honorer Tanpa Surel")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reminder-confirm.png"), full_page=True)
    assert mail.outbox == [] and not ReminderRound.objects.exists()
    page.get_by_role("button", name="Kirim pengingat").click()

    expect(page).to_have_url(re.compile(r"/tugas/\w+/$"))
    expect(page.get_by_test_id("job-status")).to_have_text("Menunggu giliran")
    job = Job.objects.get(kind=REMINDER_JOB)
    job_run.call(job.code)  # the worker's turn

    # The page notices the job is done and leads back to the unit, with the round's counts.
    status = page.request.get(live_server.url + reverse("accounts:job_status", args=[job.code]))
    assert status.json()["status"] == "done"
    expect(page).to_have_url(re.compile(re.escape(unit_url) + "#pengingat$"))
    expect(page.get_by_test_id("last-reminder")).to_contain_text("(Terkirim): 1 terkirim")
    page.screenshot(path=str(SCREENSHOTS / "reminder-sent.png"), full_page=True)
    # Handed to the messaging layer, which the worker sends on the agency's channels.
    [message] = Message.objects.filter(purpose="monitoring.reminder")
    assert (message.channel, message.recipient) == ("email", "siti@example.go.id")
    assert campaign.title in message.text
    assert ReminderRound.objects.get().unit == world.unit_a

    # The employee page shows the reminder, at 360 px without sideways scrolling.
    page.get_by_test_id("person").filter(has_text=world.employee_a.name).get_by_role(
        "link", name=world.employee_a.name
    ).click()
    expect(page.get_by_test_id("reminders-sent")).to_contain_text("Email")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_test_id("revoke").click()
    expect(page.get_by_test_id("revoke-confirm")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
