"""The coordinator's downloads and the unit head, on a 360 px phone."""

import re
from typing import Any

from playwright.sync_api import Page, expect

from netral.agencies.models import Unit
from netral.base.models import Job
from tests.conftest import Pacts
from tests.e2e.test_monitoring_e2e import log_in
from tests.factories import employee_make


def test_a_coordinator_downloads_the_non_signers_and_names_the_unit_head_on_a_phone(
    page: Page, live_server: Any, pacts: Pacts, settings: Any
) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "messages"],
        }
    }
    world = pacts.world
    head = employee_make(world.unit_a, "Kepala Dinas Pendidikan")
    log_in(page, live_server.url, "koordinator")
    page.goto(f"{live_server.url}/pantau/{pacts.campaign.code}/")
    page.get_by_test_id("export-link").click()
    picker = page.get_by_label("Unit")
    # Only the coordinator's units with someone left to sign are offered.
    options = picker.locator("option").all_inner_texts()
    assert any(world.unit_a_child.name in option for option in options)
    assert not any(world.unit_b.name in option for option in options)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role(
        "button", name="Yang belum menandatangani, dengan tautan WhatsApp (XLSX)"
    ).click()
    expect(page).to_have_url(re.compile(r"/tugas/\w+/$"))
    assert Job.objects.get().kind == "monitoring.unsigned_export"

    page.goto(f"{live_server.url}/unit/{world.unit_a.code}/")
    page.get_by_label("Cari kepala unit di antara pegawai unit ini (nama atau NIP)").fill("Kepala")
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page).to_have_url(re.compile(r"#kepala$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Jadikan kepala unit").click()
    expect(page.get_by_test_id("unit-head-name")).to_have_text(head.name)
    assert Unit.objects.get(pk=world.unit_a.pk).head == head
