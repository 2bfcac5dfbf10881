"""An officer sets up the second factor on a phone, keeps the recovery codes, loses the phone
and signs in with one of them."""

import re
from typing import Any

from playwright.sync_api import Page, expect

from netral.accounts import totp
from tests.conftest import World


def test_an_officer_saves_the_codes_and_signs_in_with_one(
    page: Page, live_server: Any, world: World
) -> None:
    base = live_server.url

    def sign_in() -> None:
        page.goto(f"{base}/masuk/")
        page.get_by_label("Nama pengguna").fill("admin")
        page.get_by_label("Kata sandi").fill("Rahasia-Netral-2029")
        page.get_by_role("button", name="Masuk").click()

    sign_in()
    page.goto(f"{base}/akun/dua-faktor/")
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Kode dari aplikasi autentikator").fill(
        totp.code_at(secret, totp.current_step())
    )
    page.get_by_role("button", name="Konfirmasi").click()

    expect(page.get_by_role("heading", name="Kode pemulihan Anda")).to_be_visible()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Saya sudah mencetak atau menyalin kode-kode ini").check()
    page.get_by_role("button", name="Selesai").click()
    expect(page.get_by_text("Kode pemulihan sudah berlaku")).to_be_visible()
    page.get_by_role("button", name="Keluar").click()

    sign_in()
    expect(page.get_by_role("heading", name="Faktor kedua")).to_be_visible()
    page.get_by_text("Ponsel hilang? Masuk dengan kode pemulihan").click()
    page.get_by_label("Kode pemulihan").fill(codes[3].upper())
    page.get_by_role("button", name="Masuk dengan kode pemulihan").click()
    expect(page.get_by_text(re.compile("Tersisa 9 kode pemulihan"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
