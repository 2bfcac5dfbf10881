import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from netral.base import jobs
from netral.base.jobs import job_run
from netral.base.models import Election, Job
from netral.screening.models import Contestant, ScreenedPost
from tests.conftest import World
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_monitoring_e2e import log_in


def test_an_employee_pastes_a_partisan_post_and_sees_the_marked_words(
    page: Page, live_server: Any, world: World
) -> None:
    election = Election.objects.create(
        owner=world.agency, name="Pemilu 2029", kind="pemilu", voting_day=datetime.date(2029, 2, 14)
    )
    Contestant.objects.create(
        election=election,
        kind="pair",
        name="Darmawan Sukmajaya - Intan Permatasari",
        ballot_number=2,
        aliases=["Darmawan", "DARIN"],
        hashtags=["#DarinMenang"],
    )
    page.goto(f"{live_server.url}/periksa/")
    expect(page.get_by_test_id("not-stored")).to_be_visible()
    page.locator("textarea").fill(
        "Bismillah, ayo coblos nomor 2! Darmawan pasti menang #DarinMenang"
    )
    page.locator("button.primary").click()
    expect(page.get_by_test_id("risk")).to_be_visible()
    expect(page.get_by_test_id("highlighted").locator("mark").first).to_have_text("coblos nomor 2")
    expect(page.locator('[data-rule="partisan.hashtag"] mark')).to_have_text("#DarinMenang")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "selfcheck-phone.png"), full_page=True)

    page.locator("textarea").fill("Jangan lupa ke TPS tanggal 14, ASN harus netral")
    page.locator("button.primary").click()
    expect(page.get_by_test_id("no-risk")).to_be_visible()


def screening_election(world: World) -> Election:
    election = Election.objects.create(
        owner=world.agency,
        name="Pilkada 2029",
        kind="pilkada",
        voting_day=datetime.date(2029, 11, 27),
    )
    Contestant.objects.create(
        election=election,
        kind="pair",
        name="Budi Santoso - Rina Wulandari",
        ballot_number=2,
        aliases=["Budi", "Rina"],
        hashtags=["#MenangBersama02"],
    )
    return election


def upload_posts(page: Page, base: str, path: Path) -> None:
    page.goto(f"{base}/saring/")
    page.get_by_label("Pemilu/Pemilihan").select_option(label="Pilkada 2029")
    page.get_by_label("Berkas unggahan (CSV atau XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Saring berkas").click()


def test_a_supervisor_uploads_posts_follows_the_job_and_reads_the_ranked_results(
    page: Page, live_server: Any, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screening_election(world)
    # The worker is held back, so the job's page shows its progress before the results.
    held: list[str] = []
    monkeypatch.setattr(jobs, "job_run", SimpleNamespace(enqueue=held.append))
    posts = tmp_path / "pos.csv"
    posts.write_text(
        "penulis,nip,tautan,tanggal,teks\n"
        "Siti,,https://x.com/siti/status/1,31/01/2025,Rapat koordinasi pelayanan puskesmas.\n"
        "Bambang,,https://x.com/bambang/status/7,2025-02-01,Ayo coblos nomor 2! #MenangBersama02\n",
        encoding="utf-8",
    )
    log_in(page, live_server.url, "pengawas")
    upload_posts(page, live_server.url, posts)

    expect(page.get_by_role("heading", name="Penyaringan pos.csv")).to_be_visible()
    expect(page.get_by_test_id("job-status")).to_have_text("Menunggu giliran")
    (code,) = held
    Job.objects.filter(code=code).update(status=Job.Status.RUNNING, progress=40)
    expect(page.locator("#job-progress .progress-label")).to_have_text("40%")
    expect(page.locator("#job-progress progress")).to_have_attribute("value", "40")
    expect(page.get_by_test_id("job-status")).to_have_text("Sedang berjalan")  # follows the job
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    Job.objects.filter(code=code).update(status=Job.Status.QUEUED)
    job_run.call(code)  # the worker's turn; the page reloads and leads on to the results
    expect(page.get_by_test_id("batch-status")).to_have_text("Sudah disaring")
    expect(page.get_by_test_id("post-count")).to_have_text("2")
    expect(page.get_by_test_id("flagged-count")).to_have_text("1")
    first = page.locator("li.post").first
    expect(first).to_have_attribute("data-testid", "post-3")
    expect(first.locator("mark").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The form of a missed category fits the phone: its label stays on one line.
    label = first.get_by_text("Kategori yang terlewat").bounding_box()
    assert label is not None and label["height"] < 30
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "screening-batch-phone.png"), full_page=True)


def test_a_refused_file_says_why_and_leads_to_its_list_of_errors(
    page: Page, live_server: Any, world: World, tmp_path: Path
) -> None:
    screening_election(world)
    posts = tmp_path / "pos.csv"
    posts.write_text("penulis,nip,teks\nBudi,12345,NIP salah\n", encoding="utf-8")
    log_in(page, live_server.url, "pengawas")
    upload_posts(page, live_server.url, posts)

    expect(page.get_by_test_id("job-status")).to_have_text("Gagal")
    expect(page.get_by_test_id("job-message")).to_contain_text("1 baris berisi kesalahan")
    page.get_by_role("link", name="Lihat rinciannya").click()
    expect(page.get_by_role("heading", name="Berkas mengandung kesalahan")).to_be_visible()
    expect(page.locator("table.issues tbody tr")).to_have_count(1)
    expect(page.locator("table.issues tbody td").nth(1)).to_have_text("nip")
    assert not ScreenedPost.objects.exists()


def test_a_supervisor_adds_a_debunked_claim_on_a_phone_and_the_self_check_finds_it(
    page: Page, live_server: Any, world: World
) -> None:
    election = screening_election(world)
    log_in(page, live_server.url, "pengawas")
    page.goto(f"{live_server.url}/pemilu/{election.code}/hoaks/")
    page.locator("textarea").fill("Surat suara di TPS sudah dicoblos untuk paslon nomor 2")
    page.get_by_label("Dibantah oleh").fill("Siaran pers KPU, 12 Februari 2029")
    page.get_by_role("button", name="Tambah").click()
    expect(page.get_by_test_id("claim")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "debunked-claims-phone.png"), full_page=True)

    page.goto(f"{live_server.url}/periksa/")
    page.get_by_label("Pemilu").select_option(label="Pilkada 2029")
    page.locator("textarea").fill("Kertas suara di tps udah tercoblos buat paslon no 2, sebarkan!")
    page.locator("button.primary").click()
    flag = page.locator('[data-rule="hoax.debunked_claim"]')
    expect(flag).to_contain_text("Siaran pers KPU")
    expect(flag.locator("mark").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
