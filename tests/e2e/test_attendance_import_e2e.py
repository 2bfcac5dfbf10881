from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from netral.pacts.models import Attendance, Campaign, CampaignMeeting
from tests.conftest import Pacts, open_campaign
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_monitoring_e2e import log_in

LONG_LINK = "https://us06web.zoom.us/j/81234567890?pwd=" + "a1B2c3D4e5" * 6


def test_a_coordinator_imports_the_zoom_participants_on_a_phone(
    page: Page, live_server: Any, pacts: Pacts, tmp_path: Path
) -> None:
    hybrid = open_campaign(pacts.world, pacts.election, mode=Campaign.Mode.BOTH)
    CampaignMeeting.objects.create(campaign=hybrid, unit=pacts.world.unit_a, url=LONG_LINK)
    nip = pacts.world.employee_a.nip
    assert nip is not None
    export = tmp_path / "participants_81234567890.csv"
    export.write_text(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        f"Siti Aminah {nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]},,08:55,10:00,65,Yes\n"
        "Peserta Dengan Nama Tampilan Yang Sangat Panjang Sekali Dari Dinas,,08:56,10:00,64,Yes\n",
        encoding="utf-16",
    )
    log_in(page, live_server.url, "koordinator")
    page.goto(f"{live_server.url}/kampanye/{hybrid.code}/kehadiran/")
    expect(page.get_by_test_id(f"meeting-{pacts.world.unit_a.code}")).to_contain_text("zoom.us")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Impor daftar peserta rapat").click()
    page.get_by_label("Daftar peserta rapat").set_input_files(str(export))
    page.get_by_test_id("import-upload").click()

    expect(page.get_by_test_id("matched-count")).to_have_text("1")
    expect(page.get_by_test_id("missed-count")).to_have_text("1")
    expect(page.get_by_test_id("row-2")).to_contain_text("Siti Aminah, S.Pd.")
    expect(page.get_by_test_id("row-3")).to_contain_text("Tidak ada pegawai")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not Attendance.objects.exists()  # a preview writes nothing
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "attendance-import-phone.png"), full_page=True)

    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id(f"present-{pacts.world.employee_a.code}")).to_have_text("daring")
    record = Attendance.objects.get()
    assert (record.employee, record.source) == (pacts.world.employee_a, "meeting")
