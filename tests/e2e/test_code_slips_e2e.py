from typing import Any

import pytest
from playwright.sync_api import Page, expect

from netral.base.models import Job
from netral.pacts import services
from netral.pacts.models import CeremonyCode
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_monitoring_e2e import log_in
from tests.factories import SYSTEM, employee_make

pytestmark = pytest.mark.files


def test_a_coordinator_prints_slips_and_voids_one_on_a_phone(
    page: Page, live_server: Any, pacts: Pacts
) -> None:
    world = pacts.world
    other = employee_make(world.unit_a_child, "Raden Mas Bagus Hadiwijoyo Kusumaningrat, S.Pd.")
    log_in(page, live_server.url, "koordinator")
    page.goto(f"{live_server.url}/kampanye/{pacts.campaign.code}/kode-cetak/")
    expect(page.get_by_test_id("slip-summary")).to_contain_text("2")
    page.get_by_test_id("slips-print").click()
    expect(page.get_by_test_id("job-download")).to_be_visible(timeout=15_000)
    assert Job.objects.get().status == Job.Status.DONE
    assert CeremonyCode.objects.count() == 2

    page.goto(f"{live_server.url}/kampanye/{pacts.campaign.code}/kode-cetak/")
    expect(page.get_by_test_id(f"status-{other.code}")).to_contain_text("Dicetak, belum dipakai")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "printed-codes-phone.png"), full_page=True)

    page.get_by_test_id(f"code-{world.employee_a.code}").get_by_role(
        "link", name="Batalkan"
    ).click()
    expect(page.get_by_test_id("void-warning")).to_contain_text(world.employee_a.name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_test_id("void-confirm").click()
    expect(page.get_by_test_id(f"status-{world.employee_a.code}")).to_contain_text("Batal sejak")
    voided = CeremonyCode.objects.get(employee=world.employee_a)
    assert voided.voided_at is not None
    # The next print gives a new code, which is the only one that works.
    codes = services.ceremony_slips_print(actor=SYSTEM, campaign=pacts.campaign, unit=world.unit_a)
    new_code = next(line.code for line in codes if line.employee == world.employee_a)
    assert services.ceremony_code_check(
        campaign=pacts.campaign, employee=world.employee_a, code=new_code
    )
