import importlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from netral.cases import crypto, intake
from netral.cases.models import Case, CaseMessage, ViolationType
from tests.conftest import Pacts
from tests.e2e.conftest import SCREENSHOTS

PHONE = {"locale": "id-ID", "viewport": {"width": 360, "height": 740}}


def catalogue_loaded() -> None:
    # Browser tests run in flushed transactions, which remove what the migrations loaded.
    if not ViolationType.objects.exists():
        importlib.import_module("netral.cases.migrations.0002_load_catalogues").load(apps, None)


def photo(tmp_path: Path) -> Path:
    output = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 40, 40)).save(output, format="JPEG")
    path = tmp_path / "baliho.jpg"
    path.write_bytes(output.getvalue())
    return path


@pytest.mark.files
def test_a_reporter_files_an_anonymous_report_keeps_the_code_and_answers_a_question(
    browser: Browser, page: Page, live_server: Any, pacts: Pacts, tmp_path: Path
) -> None:
    catalogue_loaded()
    base = live_server.url
    # The report is sent from a phone with JavaScript off: the form must not need it.
    reporting = browser.new_context(java_script_enabled=False, **PHONE)  # type: ignore[arg-type]
    phone = reporting.new_page()
    phone.goto(f"{base}/lapor/{pacts.world.agency.code}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.locator("#id_reported_name").fill("Pak Joko")
    phone.locator("#id_reported_unit").fill("Kecamatan Kajen")
    act = ViolationType.objects.get(number=1)
    phone.locator(f'input[name="violation_type"][value="{act.pk}"]').check()
    phone.locator("#id_place").fill("Simpang Lima Kajen")
    phone.locator("#id_description").fill("Memasang baliho pasangan calon di depan kantor.")
    phone.locator("#id_evidence").set_input_files(str(photo(tmp_path)))
    phone.locator("#id_truth").check()
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "report-form.png"), full_page=True)
    phone.get_by_test_id("report-submit").click()

    shown = phone.get_by_test_id("receipt-code")
    expect(shown).to_be_visible()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown.inner_text().strip())
    code = shown.inner_text().replace(" ", "")
    phone.screenshot(path=str(SCREENSHOTS / "receipt.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.reload()
    expect(phone.get_by_test_id("receipt-gone")).to_be_visible()
    reporting.close()

    case = Case.objects.get()
    assert case.is_anonymous and case.evidence.count() == 1
    # A handler asks a question (the handlers' pages are tested elsewhere).
    CaseMessage.objects.create(
        case=case,
        kind=CaseMessage.Kind.TO_REPORTER,
        body=crypto.seal_text(
            "Jam berapa baliho itu dipasang?", context=f"case/{case.code}/message"
        ),
    )

    # Days later, in a fresh browser, the reporter comes back with the code.
    page.goto(f"{base}/lapor/pantau/")
    page.locator("#id_receipt").fill(" ".join(code[i : i + 4] for i in range(0, 16, 4)))
    page.get_by_test_id("follow-submit").click()
    expect(page.get_by_test_id("thread")).to_contain_text("Jam berapa baliho itu dipasang?")
    expect(page.get_by_test_id("case-stage")).to_contain_text("Verifikasi Satgas Netralitas")
    page.locator("#id_text").fill("Sekitar pukul 07.00, sebelum apel pagi.")
    page.get_by_test_id("message-submit").click()
    expect(page.get_by_test_id("thread")).to_contain_text("Sekitar pukul 07.00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SCREENSHOTS / "follow-case.png"), full_page=True)

    answer = case.messages.get(kind=CaseMessage.Kind.FROM_REPORTER)
    assert intake.message_text(answer) == "Sekitar pukul 07.00, sebelum apel pagi."
    page.get_by_test_id("follow-logout").click()
    expect(page.locator("#id_receipt")).to_be_visible()
