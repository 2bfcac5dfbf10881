from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from netral.accounts import totp
from netral.agencies.models import RosterImport
from netral.base.jobs import job_run
from netral.base.models import Job
from tests.agencies.roster_helpers import ROWS, csv_bytes, write
from tests.conftest import World
from tests.e2e.conftest import SCREENSHOTS, menu_link

pytestmark = pytest.mark.files


def run_waiting_jobs(kind: str) -> None:
    """What `netral db_worker` does, here while the browser waits on its page."""
    for job in Job.objects.filter(kind=kind, status=Job.Status.QUEUED):
        job_run.call(job.code)


def test_an_admin_logs_in_with_totp_imports_a_roster_and_finds_an_employee(
    page: Page, live_server: Any, world: World, tmp_path: Path, settings: Any
) -> None:
    # Jobs wait in the queue until the test runs them, so their pages are seen at work.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    base = live_server.url
    secret = totp.new_secret()
    world.admin.totp_secret = secret
    world.admin.totp_confirmed_at = timezone.now()
    world.admin.save()

    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill("admin")
    page.get_by_label("Kata sandi").fill("Rahasia-Netral-2029")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Faktor kedua")).to_be_visible()
    page.get_by_label("Kode dari aplikasi autentikator").fill(
        totp.code_at(secret, totp.current_step())
    )
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_role("heading", name="Pemerintah Kabupaten Pekalongan")).to_be_visible()

    # The upload leads to the check's page, which moves on to the preview once checked.
    menu_link(page, "Impor pegawai").click()
    page.get_by_label("Berkas daftar pegawai (XLSX atau CSV)").set_input_files(
        str(write(tmp_path, "pegawai.csv", csv_bytes(ROWS)))
    )
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_role("heading", name="Memeriksa daftar pegawai pegawai.csv")).to_be_visible()
    expect(page.get_by_test_id("job-status")).to_have_text("Menunggu giliran")
    expect(page.locator("#job-progress progress")).to_be_visible()
    run_waiting_jobs("agencies.roster_analyse")
    expect(page.get_by_test_id("import-status")).to_have_text("Siap diimpor")
    expect(page.get_by_test_id("count-new")).to_have_text("4")

    # The confirmation starts the import; the import's page shows it at work, then done.
    page.get_by_role("button", name="Impor sekarang").click()
    expect(page.get_by_test_id("job-status")).to_have_text("Menunggu giliran")
    roster_import = RosterImport.objects.get()
    page.goto(f"{base}{roster_import.get_absolute_url()}")
    expect(page.get_by_test_id("import-status")).to_have_text("Sedang mengimpor")
    expect(page.get_by_test_id("import-job")).to_be_visible()
    run_waiting_jobs("agencies.roster_apply")
    expect(page.get_by_test_id("import-status")).to_have_text("Sudah diimpor")
    expect(page.get_by_test_id("absent-outcome")).to_have_text(
        "2 pegawai yang tidak ada di berkas tetap aktif."
    )
    expect(page.get_by_test_id("import-job")).to_have_count(0)

    menu_link(page, "Pegawai").click()
    page.get_by_label("Nama atau NIP").fill("19920315 201903 1 002")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name="Muhammad Ma’ruf, S.Kom.").click()
    expect(page.get_by_test_id("nip")).to_have_text("199203152019031002")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "employee.png"), full_page=True)


def log_in(page: Page, base: str, world: World) -> None:
    secret = totp.new_secret()
    world.admin.totp_secret = secret
    world.admin.totp_confirmed_at = timezone.now()
    world.admin.save()
    page.goto(f"{base}/masuk/")
    page.get_by_label("Nama pengguna").fill("admin")
    page.get_by_label("Kata sandi").fill("Rahasia-Netral-2029")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kode dari aplikasi autentikator").fill(
        totp.code_at(secret, totp.current_step())
    )
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_role("heading", name="Pemerintah Kabupaten Pekalongan")).to_be_visible()


def test_the_preview_shows_people_on_a_phone_and_deactivation_asks_for_the_number(
    page: Page, live_server: Any, world: World, tmp_path: Path, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    base = live_server.url
    log_in(page, base, world)
    changed = ROWS[1][:]
    assert world.employee_b.nip is not None
    changed[0], changed[3] = world.employee_b.nip, world.employee_b.name
    changed[8] = "Dinas Kesehatan > Bidang Pencegahan dan Pengendalian Penyakit Menular"
    menu_link(page, "Impor pegawai").click()
    page.get_by_label("Berkas daftar pegawai (XLSX atau CSV)").set_input_files(
        str(write(tmp_path, "pegawai.csv", csv_bytes([ROWS[0], changed])))
    )
    page.get_by_role("button", name="Periksa berkas").click()
    run_waiting_jobs("agencies.roster_analyse")
    expect(page.get_by_test_id("import-status")).to_have_text("Siap diimpor")

    page.get_by_test_id("tab-absent").click()
    lines = page.get_by_test_id("preview-lines")
    expect(lines).to_contain_text("Siti Aminah, S.Pd.")
    expect(lines.locator("> li")).to_have_count(1)
    page.get_by_label("Nama, NIP, atau unit").fill("bambang")
    page.get_by_role("button", name="Cari").click()
    expect(lines).to_contain_text("Tidak ada pegawai di sini.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_test_id("tab-changed").click()
    expect(lines).to_contain_text("Bambang Sutrisno, S.Kep.")
    expect(lines).to_contain_text("Bidang Pencegahan dan Pengendalian Penyakit Menular")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "roster-preview.png"), full_page=True)

    box = page.get_by_label("Nonaktifkan 1 pegawai yang tidak ada dalam berkas ini")
    # A box a thumb can tap, with its label beside it and room to read.
    size = box.bounding_box()
    label = page.locator("label[for=id_deactivate_absent]").bounding_box()
    assert size is not None and label is not None
    assert size["width"] >= 24 and size["height"] >= 24 and label["width"] >= 200
    box.check()
    page.get_by_label("Untuk menonaktifkan mereka, ketik jumlahnya").fill("3")
    page.get_by_role("button", name="Impor sekarang").click()
    expect(page.get_by_text("Ketik 1, jumlah pegawai yang akan dinonaktifkan")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Nonaktifkan 1 pegawai yang tidak ada dalam berkas ini").check()
    page.get_by_label("Untuk menonaktifkan mereka, ketik jumlahnya").fill("1")
    page.get_by_role("button", name="Impor sekarang").click()
    run_waiting_jobs("agencies.roster_apply")
    roster_import = RosterImport.objects.get()
    page.goto(f"{base}{roster_import.get_absolute_url()}")
    expect(page.get_by_test_id("import-status")).to_have_text("Sudah diimpor")
    expect(page.get_by_test_id("absent-outcome")).to_have_text(
        "1 pegawai yang tidak ada di berkas telah dinonaktifkan."
    )
