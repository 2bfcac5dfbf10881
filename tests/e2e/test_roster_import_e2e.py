from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from netral.accounts import totp
from tests.agencies.roster_helpers import ROWS, csv_bytes, write
from tests.conftest import World
from tests.e2e.conftest import SCREENSHOTS


def test_an_admin_logs_in_with_totp_imports_a_roster_and_finds_an_employee(
    page: Page, live_server: Any, world: World, tmp_path: Path
) -> None:
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

    page.get_by_role("link", name="Impor pegawai").first.click()
    page.get_by_label("Berkas daftar pegawai (XLSX atau CSV)").set_input_files(
        str(write(tmp_path, "pegawai.csv", csv_bytes(ROWS)))
    )
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Siap diimpor")
    expect(page.get_by_test_id("count-new")).to_have_text("4")
    page.get_by_role("button", name="Impor sekarang").click()
    expect(page.get_by_test_id("import-status")).to_have_text("Sudah diimpor")

    page.get_by_role("link", name="Pegawai", exact=True).click()
    page.get_by_label("Nama atau NIP").fill("19920315 201903 1 002")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name="Muhammad Ma’ruf, S.Kom.").click()
    expect(page.get_by_test_id("nip")).to_have_text("199203152019031002")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "employee.png"), full_page=True)
