"""A supervisor takes a case through every stage, the decision maker sanctions it, and the
statistics count it."""

from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from netral.cases import services
from netral.cases.models import Case, CaseAssignment, Sanction, SanctionType, ViolationType
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_monitoring_e2e import log_in
from tests.factories import SYSTEM
from tests.files import pdf_bytes

LAPTOP = {"width": 1280, "height": 800}


def laptop_page(browser: Browser) -> Page:
    return browser.new_context(locale="id-ID", viewport=LAPTOP).new_page()


def test_a_supervisor_takes_a_case_to_a_sanction_and_the_statistics_show_it(
    browser: Browser, live_server: Any, pacts: Pacts
) -> None:
    base = live_server.url
    world = pacts.world
    case = services.case_create(
        actor=SYSTEM,
        agency=world.agency,
        source=Case.Source.INTERNAL,
        election=pacts.election,
        employee=world.employee_b,
        violation_type=ViolationType.objects.get(number=4),
        phase=Case.Phase.AFTER,
        description="Membagikan unggahan pasangan calon di grup dinas",
    )
    CaseAssignment.objects.create(case=case, user=world.supervisor)
    today = timezone.localdate().isoformat()

    supervisor = laptop_page(browser)
    log_in(supervisor, base, "pengawas")
    supervisor.goto(f"{base}/kasus/{case.code}/")
    panel = supervisor.get_by_test_id("decision-panel")
    expect(panel).to_be_visible()
    for key in ["kajian-bawaslu", "pemeriksaan", "keputusan"]:
        if key == "pemeriksaan":
            # Bawaslu's study ends its stage: the letter is recorded before the case moves on.
            supervisor.goto(f"{base}/kasus/{case.code}/rekomendasi/")
            supervisor.locator("#id_letter_number").fill("045/PM.00.02/K.JT-19/2026")
            supervisor.locator("#id_letter_date").fill(today)
            supervisor.locator("#id_file").set_input_files(
                {"name": "kajian.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Kajian")}
            )
            supervisor.get_by_test_id("recommendation-save").click()
            expect(supervisor.get_by_test_id("recommendations")).to_contain_text("045/PM.00.02")
        move = supervisor.locator('form[action$="/tahap/"]')
        move.locator("select[name=stage]").select_option(key)
        move.locator("button").click()
        supervisor.wait_for_load_state()
    case.refresh_from_db()
    assert case.stage is not None and case.stage.key == "keputusan"

    panel.locator('a[href$="/pemeriksaan/"]').click()
    form = supervisor.get_by_test_id("examination-form")
    form.locator("#id_member_0_name").fill("Drs. Hadi Purnomo")
    form.locator("#id_member_1_name").fill("Ir. Lestari")
    form.locator("#id_member_2_name").fill("Agus Salim, S.H.")
    form.locator("#id_started_on").fill(today)
    form.locator("#id_finished_on").fill(today)
    form.locator("#id_findings").fill("Terbukti membagikan unggahan kampanye.")
    form.locator("#id_report").set_input_files(
        {"name": "bap.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("BAP")}
    )
    form.locator("button").click()
    expect(supervisor.locator("#id_member_0_name")).to_have_value("Drs. Hadi Purnomo")
    expect(supervisor.get_by_role("link", name="bap.pdf")).to_be_visible()

    decision_maker = laptop_page(browser)
    log_in(decision_maker, base, "ppk")
    decision_maker.goto(f"{base}/kasus/{case.code}/")
    decision_maker.get_by_test_id("decision-panel").locator('a[href$="/keputusan/"]').click()
    form = decision_maker.get_by_test_id("decision-form")
    form.locator('input[name=outcome][value="proven"]').check()
    # Act 4 is a severe (berat) matter in the catalogue: a sanction of that level.
    sanction = SanctionType.objects.get(code="pp94-2021-turun-jabatan")
    form.locator("#id_sanction_type").select_option(str(sanction.pk))
    form.locator("#id_decree_number").fill("800/77/BKPSDM/2026")
    form.locator("#id_decree_date").fill(today)
    form.locator("#id_starts_on").fill(today)
    form.locator("button").click()
    expect(decision_maker.get_by_test_id("decision-review")).to_contain_text("800/77/BKPSDM/2026")
    SCREENSHOTS.mkdir(exist_ok=True)
    decision_maker.screenshot(path=str(SCREENSHOTS / "case-decision-confirm.png"), full_page=True)
    decision_maker.get_by_test_id("decision-confirm").click()
    expect(decision_maker.get_by_test_id("sanctions")).to_contain_text("800/77/BKPSDM/2026")
    assert Sanction.objects.filter(case=case).count() == 1

    supervisor.goto(f"{base}/kasus/statistik/")
    expect(supervisor.get_by_test_id("stat-sanctioned")).to_have_text("1")
    expect(supervisor.get_by_test_id("stat-proven")).to_have_text("1")
    supervisor.screenshot(path=str(SCREENSHOTS / "case-statistics.png"), full_page=True)
    supervisor.goto(f"{base}/kasus/{case.code}/")
    expect(supervisor.get_by_test_id("decision-panel")).to_contain_text("800/77/BKPSDM/2026")
