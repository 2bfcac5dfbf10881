"""Batch screening: a file of posts is kept in the storage, checked whole and screened by a job
into a ranked list, judged flag by flag, and a post opens one case with itself as evidence."""

import datetime
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook

from netral.base.jobs import job_run
from netral.base.models import AuditEntry, Election, Job
from netral.cases.evidence import evidence_read
from netral.cases.models import Case
from netral.screening import batch as batch_module
from netral.screening.batch import highlighted_html, parse_post_date
from netral.screening.models import Contestant, FlagReview, ScreenedPost, ScreeningBatch
from tests.conftest import World
from tests.factories import SYSTEM
from tests.files import stored_files

# Every upload goes through the file storage, so all of them run again on S3.
pytestmark = pytest.mark.files

PARTISAN = "Ayo coblos nomor 2! #MenangBersama02"
NEUTRAL = "Rapat koordinasi pelayanan puskesmas hari Senin."
CSV_HEADER = "penulis,nip,tautan,tanggal,teks\n"

Upload = Callable[..., Any]


@pytest.fixture
def election(world: World) -> Election:
    election = Election.objects.create(
        owner=world.agency,
        name="Pilkada 2029",
        kind="pilkada",
        voting_day=datetime.date(2029, 11, 27),
    )
    Contestant.objects.create(
        election=election,
        kind=Contestant.Kind.PAIR,
        name="Budi Santoso - Rina Wulandari",
        ballot_number=2,
        aliases=["Budi", "Rina", "BURINA"],
        slogans=["Menang Bersama"],
        hashtags=["#MenangBersama02"],
    )
    return election


@pytest.fixture
def upload(
    client: Client, world: World, election: Election, django_capture_on_commit_callbacks: Any
) -> Upload:
    def send(name: str, data: bytes, *, user: Any = None) -> Any:
        client.force_login(user or world.supervisor)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("screening:batch_list"),
                {"election": election.code, "file": SimpleUploadedFile(name, data)},
            )

    return send


def last_batch() -> ScreeningBatch:
    batch = ScreeningBatch.objects.order_by("-pk").first()
    assert batch is not None
    return batch


def csv_of(*rows: str) -> bytes:
    return (CSV_HEADER + "\n".join(rows) + "\n").encode()


def xlsx_of(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def good_csv(world: World) -> bytes:
    return csv_of(
        f"Budi,{world.employee_b.nip},https://x.com/budi/status/1,31/01/2025,{NEUTRAL}",
        f"Bambang,{world.employee_b.nip},https://x.com/bambang/status/7,2025-02-01,{PARTISAN}",
        ",,,,Semoga cuaca cerah besok.",
    )


def screened(upload: Upload, world: World) -> ScreeningBatch:
    response = upload("pos.csv", good_csv(world))
    assert response.status_code == 302
    batch = last_batch()
    assert batch.status == ScreeningBatch.Status.READY, batch.errors
    return batch


def job_of(batch: ScreeningBatch) -> Job:
    assert batch.job is not None
    return batch.job


def partisan_post(batch: ScreeningBatch) -> ScreenedPost:
    return batch.posts.get(row_number=3)


# Reading and screening


def test_a_csv_is_screened_into_posts_ranked_by_score(
    client: Client, world: World, upload: Upload
) -> None:
    batch = screened(upload, world)
    assert batch.post_count == 3
    assert batch.flagged_count == 1
    job = job_of(batch)
    assert (job.kind, job.status, job.progress) == ("screening.batch", "done", 100)
    first = batch.posts.order_by("-score", "row_number").first()
    assert first is not None and first.text == PARTISAN
    assert first.categories == ["partisan"] or "partisan" in first.categories
    assert first.nip == world.employee_b.nip
    assert first.posted_on == datetime.date(2025, 2, 1)
    flag = first.flags[0]
    assert flag["title"] and flag["advice"] and flag["spans"]
    assert batch.posts.get(row_number=2).posted_on == datetime.date(2025, 1, 31)
    assert batch.posts.get(row_number=2).categories == []
    assert AuditEntry.objects.filter(action="screening.batch.uploaded", target_code=batch.code)
    response = client.get(reverse("screening:batch", kwargs={"code": batch.code}))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("MenangBersama02") < content.index("Rapat koordinasi")
    assert "<mark>" in content
    assert 'rel="noopener noreferrer nofollow"' in content


def test_an_xlsx_with_english_headers_and_real_dates_is_screened(
    world: World, upload: Upload
) -> None:
    data = xlsx_of(
        [
            ["Author", "NIP", "URL", "Date", "Text"],
            [
                "Bambang",
                world.employee_b.nip,
                "https://fb.com/p/1",
                datetime.date(2025, 2, 3),
                PARTISAN,
            ],
            ["Siti", None, None, datetime.datetime(2025, 2, 4, 9, 30), NEUTRAL],
        ]
    )
    upload("pos.xlsx", data)
    batch = last_batch()
    assert batch.status == ScreeningBatch.Status.READY, batch.errors
    assert batch.post_count == 2 and batch.flagged_count == 1
    assert batch.posts.get(row_number=2).posted_on == datetime.date(2025, 2, 3)
    assert batch.posts.get(row_number=3).posted_on == datetime.date(2025, 2, 4)


def test_a_semicolon_csv_in_windows_encoding_is_read(world: World, upload: Upload) -> None:
    data = "Penulis;Teks;Tanggal\nJosé;Café di kantor buka pagi;5 Januari 2025\n".encode("cp1252")
    upload("pos.csv", data)
    batch = last_batch()
    assert batch.status == ScreeningBatch.Status.READY, batch.errors
    post = batch.posts.get()
    assert post.author == "José" and post.posted_on == datetime.date(2025, 1, 5)


def test_the_upload_leads_to_the_jobs_page_and_on_to_the_results(
    client: Client, world: World, upload: Upload
) -> None:
    response = upload("pos.csv", good_csv(world))
    batch = last_batch()
    job = job_of(batch)
    assert response["Location"] == reverse("accounts:job", kwargs={"code": job.code})
    batch_url = reverse("screening:batch", kwargs={"code": batch.code})
    assert job.next_url == batch_url
    assert job.created_by == world.supervisor and job.agency == world.agency
    assert "pos.csv" in job.title
    page = client.get(response["Location"])
    assert (page.status_code, page["Location"]) == (302, batch_url)
    assert AuditEntry.objects.filter(action="screening.batch.requested", target_code=job.code)
    assert AuditEntry.objects.filter(action="screening.batch.screened", target_code=batch.code)


def test_a_batch_waiting_for_its_job_links_its_starter_to_the_jobs_page(
    client: Client, world: World, election: Election, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.supervisor)
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run it yet
        client.post(
            reverse("screening:batch_list"),
            {"election": election.code, "file": SimpleUploadedFile("pos.csv", good_csv(world))},
        )
    batch = last_batch()
    job = job_of(batch)
    assert (batch.status, job.status) == (ScreeningBatch.Status.RUNNING, Job.Status.QUEUED)
    job_page = reverse("accounts:job", kwargs={"code": job.code})
    url = reverse("screening:batch", kwargs={"code": batch.code})
    assert job_page in client.get(url).content.decode()
    assert "<progress" in client.get(job_page).content.decode()
    # Another supervisor sees the status, without a link to a job page they cannot open.
    other = client.__class__()
    other.force_login(world.decision_maker)
    page = other.get(url).content.decode()
    assert str(ScreeningBatch.Status.RUNNING.label) in page and job_page not in page

    job_run.call(job.code)
    batch.refresh_from_db()
    assert batch.status == ScreeningBatch.Status.READY and batch.post_count == 3
    assert job_page not in client.get(url).content.decode()


def test_the_list_filters_by_category_flag_and_search(
    client: Client, world: World, upload: Upload
) -> None:
    batch = screened(upload, world)
    url = reverse("screening:batch", kwargs={"code": batch.code})
    flagged = client.get(url, {"flagged": "on"}).content.decode()
    assert "MenangBersama02" in flagged and "Rapat koordinasi" not in flagged
    hate = client.get(url, {"category": "hate"}).content.decode()
    assert "MenangBersama02" not in hate and "Rapat koordinasi" not in hate
    partisan = client.get(url, {"category": "partisan"}).content.decode()
    assert "MenangBersama02" in partisan
    searched = client.get(url, {"q": "cuaca"}).content.decode()
    assert "Semoga cuaca" in searched and "Rapat koordinasi" not in searched


def test_the_template_has_the_headers(client: Client, world: World) -> None:
    client.force_login(world.decision_maker)
    response = client.get(reverse("screening:batch_template"))
    assert response.content.decode("utf-8-sig").strip() == "penulis,nip,tautan,tanggal,teks"


# Bad files: nothing is screened, and the user is told why


def refused(upload: Upload, name: str, data: bytes) -> list[dict[str, Any]]:
    upload(name, data)
    batch = last_batch()
    assert batch.status == ScreeningBatch.Status.FAILED
    assert not ScreenedPost.objects.exists()
    assert batch.errors
    job = job_of(batch)
    assert job.status == Job.Status.FAILED and job.message.startswith("Berkas ditolak")
    assert stored_files(f"screening/{batch.code}") == []
    return list(batch.errors)


def test_a_refused_file_fails_its_job_in_indonesian_and_leads_to_the_error_list(
    client: Client, world: World, upload: Upload
) -> None:
    upload("pos.csv", csv_of(",,,,satu", "Budi,12345,,,NIP salah", "Budi,,,kemarin,"))
    batch = last_batch()
    job = job_of(batch)
    assert job.status == Job.Status.FAILED
    assert job.message == (
        "Berkas ditolak dan tidak ada unggahan yang disaring: 2 baris berisi kesalahan. "
        "Perbaiki berkas lalu unggah kembali."
    )
    page = client.get(reverse("accounts:job", kwargs={"code": job.code}))
    content = page.content.decode()
    assert page.status_code == 200 and job.message in content
    batch_url = reverse("screening:batch", kwargs={"code": batch.code})
    assert f'href="{batch_url}"' in content
    assert [(error["row"], error["column"]) for error in batch.errors] == [
        (3, "nip"),
        (4, "teks"),
        (4, "tanggal"),
    ]
    errors = client.get(batch_url).content.decode()
    assert "Berkas mengandung kesalahan" in errors
    for error in batch.errors:
        assert escape(error["message"]) in errors
    assert not ScreenedPost.objects.exists()
    assert AuditEntry.objects.filter(action="screening.batch.failed", target_code=batch.code)


def test_a_file_refused_whole_says_why_on_the_jobs_page(world: World, upload: Upload) -> None:
    upload("pos.csv", b"nama,isi\nBudi,halo\n")
    job = job_of(last_batch())
    assert job.message.startswith("Berkas ditolak dan tidak ada unggahan yang disaring: ")
    assert "teks" in job.message


def test_a_job_stopped_by_an_error_leaves_the_batch_failed_not_waiting(
    world: World, upload: Upload, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(batch_module.pipeline, "screen", broken)
    upload("pos.csv", good_csv(world))  # the worker logs the error
    batch = last_batch()
    assert batch.status == ScreeningBatch.Status.FAILED
    assert "a bug" not in str(batch.errors)
    assert job_of(batch).status == Job.Status.FAILED
    assert stored_files(f"screening/{batch.code}") == []


def test_an_empty_file_is_refused_at_upload(upload: Upload) -> None:
    response = upload("pos.csv", b"")
    assert response.status_code == 200
    assert not ScreeningBatch.objects.exists()


def test_wrong_headers_are_named(upload: Upload) -> None:
    errors = refused(upload, "pos.csv", b"nama,isi\nBudi,halo\n")
    assert "teks" in errors[0]["message"] and "nama, isi" in errors[0]["message"]


def test_a_file_with_headers_only_is_refused(upload: Upload) -> None:
    errors = refused(upload, "pos.csv", CSV_HEADER.encode())
    assert errors[0]["row"] == 0


def test_each_bad_row_is_listed_and_nothing_is_kept(world: World, upload: Upload) -> None:
    errors = refused(
        upload,
        "pos.csv",
        csv_of(
            f"Budi,,,2025-01-31,{NEUTRAL}",
            "Budi,,,31/02/2025,Tanggal salah",
            "Budi,,,kemarin,Tanggal bukan tanggal",
            "Budi,12345,,,NIP salah",
            "Budi,,javascript:alert(1),,Tautan salah",
            "Budi,,,,",
            "Budi,,,,{}".format("a" * 10_001),
            "Budi,,,2999-01-01,Tanggal masa depan",
        ),
    )
    assert [(error["row"], error["column"]) for error in errors] == [
        (3, "tanggal"),
        (4, "tanggal"),
        (5, "nip"),
        (6, "tautan"),
        (7, "teks"),
        (8, "teks"),
        (9, "tanggal"),
    ]
    assert "18" in errors[2]["message"]


def test_too_many_rows_are_refused(upload: Upload, settings: Any) -> None:
    settings.NETRAL_SCREENING_MAX_ROWS = 2
    errors = refused(upload, "pos.csv", csv_of(",,,,satu", ",,,,dua", ",,,,tiga"))
    assert "2" in errors[0]["message"]


def test_a_too_large_file_is_refused_at_upload(upload: Upload, settings: Any) -> None:
    settings.NETRAL_SCREENING_MAX_BYTES = 10
    response = upload("pos.csv", csv_of(",,,,satu"))
    assert response.status_code == 200
    assert "MB" in response.content.decode()
    assert not ScreeningBatch.objects.exists()


def test_a_picture_renamed_csv_is_refused(upload: Upload) -> None:
    errors = refused(upload, "pos.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert "XLSX" in errors[0]["message"]


def test_a_broken_xlsx_is_refused(upload: Upload) -> None:
    data = xlsx_of([["teks"], [NEUTRAL]])
    refused(upload, "pos.xlsx", data[: len(data) // 2])


def test_the_upload_waits_in_the_storage_and_never_under_the_private_folder(
    client: Client, world: World, election: Election, django_capture_on_commit_callbacks: Any
) -> None:
    private = Path(settings.PRIVATE_ROOT)
    on_disk_before = set(private.rglob("*")) if private.exists() else set()
    client.force_login(world.supervisor)
    data = good_csv(world)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("screening:batch_list"),
            {"election": election.code, "file": SimpleUploadedFile("Pos Januari.csv", data)},
        )
    batch = last_batch()
    name = f"screening/{batch.code}/Pos_Januari.csv"
    assert job_of(batch).params == {"batch": batch.code, "file": name}
    assert stored_files(f"screening/{batch.code}") == [name]
    with default_storage.open(name, "rb") as stored:
        assert stored.read() == data
    if settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
        on_disk = set(private.rglob("*")) if private.exists() else set()
        assert on_disk == on_disk_before  # in the bucket only


def test_the_file_and_its_local_copy_are_removed_after_screening(
    world: World, upload: Upload, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    batch = screened(upload, world)
    assert stored_files(f"screening/{batch.code}") == []
    assert list(tmp_path.iterdir()) == []


def test_the_stored_name_is_a_safe_short_one(world: World, election: Election) -> None:
    batch = ScreeningBatch(agency=world.agency, file_name="../Ünggah (1)" + "x" * 300 + ".CSV")
    name = batch_module.batch_file_name(batch)
    assert name.startswith(f"screening/{batch.code}/Ünggah_1xxx") and name.endswith("x.csv")
    assert len(name.rsplit("/", 1)[1]) == 42  # 40 characters of its stem
    assert batch_module.batch_file_name(ScreeningBatch(file_name="..")).endswith("/berkas")


def test_dates_are_read_as_people_write_them() -> None:
    assert parse_post_date("2029-01-31T08:30:00") == datetime.date(2029, 1, 31)
    assert parse_post_date("31.01.2029") == datetime.date(2029, 1, 31)
    assert parse_post_date("31 Jan 2029") == datetime.date(2029, 1, 31)
    with pytest.raises(ValueError):
        parse_post_date("01/31/2029")


def test_the_highlight_escapes_the_text() -> None:
    html = highlighted_html("<b>coblos</b> 02", [{"spans": [[3, 9], [4, 9], [14, 16]]}])
    assert html == "&lt;b&gt;<mark>coblos</mark>&lt;/b&gt; <mark>02</mark>"


# Reviews


def test_a_verdict_is_kept_once_per_post_and_category(
    client: Client, world: World, upload: Upload
) -> None:
    post = partisan_post(screened(upload, world))
    url = reverse("screening:post_review", kwargs={"code": post.code})
    response = client.post(url, {"category": "partisan", "verdict": "right"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#post-{post.code}")
    client.post(url, {"category": "partisan", "verdict": "wrong"})
    review = FlagReview.objects.get(post=post)
    assert review.is_correct is False and review.reviewer == world.supervisor
    client.post(url, {"category": "hate", "verdict": "right"})  # a missed category
    assert FlagReview.objects.filter(post=post).count() == 2
    entries = AuditEntry.objects.filter(action="screening.flag.reviewed", target_code=post.code)
    assert entries.count() == 3
    assert entries.order_by("pk").last().data["flagged"] is False  # type: ignore[union-attr]


def test_a_verdict_returns_to_the_filtered_page_only(
    client: Client, world: World, upload: Upload
) -> None:
    post = partisan_post(screened(upload, world))
    url = reverse("screening:post_review", kwargs={"code": post.code})
    page = reverse("screening:batch", kwargs={"code": post.batch.code}) + "?category=partisan"
    response = client.post(url, {"category": "partisan", "verdict": "right", "next": page})
    assert response["Location"] == f"{page}#post-{post.code}"
    response = client.post(
        url, {"category": "partisan", "verdict": "right", "next": "https://evil.example/"}
    )
    assert response["Location"].startswith(
        reverse("screening:batch", kwargs={"code": post.batch.code})
    )


# Cases


@pytest.mark.files
def test_a_post_opens_one_case_with_itself_as_evidence(
    client: Client, world: World, upload: Upload, election: Election
) -> None:
    post = partisan_post(screened(upload, world))
    url = reverse("screening:post_case", kwargs={"code": post.code})
    asked = client.post(url, {"violation_type": "skb2022-04"})
    # First a confirmation that says what opening the case does; nothing is opened yet.
    assert asked.status_code == 200 and not Case.objects.exists()
    page = asked.content.decode()
    assert "Buka kasus dari unggahan ini?" in page and "tenggat penanganannya" in page
    assert 'name="violation_type" value="skb2022-04"' in page
    response = client.post(url, {"violation_type": "skb2022-04", "confirmed": "1"})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case", kwargs={"code": case.code})
    assert case.source == Case.Source.SCREENING
    assert case.election == election
    assert case.employee == world.employee_b
    assert case.violation_type.code == "skb2022-04"
    assert case.links == [post.url]
    assert case.occurred_on == datetime.date(2025, 2, 1)
    assert PARTISAN in case.description
    evidence = case.evidence.get()
    assert evidence.origin == "screening" and evidence.content_type == "application/pdf"
    pdf = evidence_read(actor=SYSTEM, evidence=evidence)
    assert pdf.startswith(b"%PDF")
    assert b"x.com/bambang/status/7" in pdf
    post.refresh_from_db()
    assert post.case == case
    assert AuditEntry.objects.filter(action="screening.post.case_opened", target_code=post.code)

    again = client.post(url, {"violation_type": "skb2022-01", "confirmed": "1"})
    assert again["Location"] == reverse("cases:case", kwargs={"code": case.code})
    assert Case.objects.count() == 1


def test_an_unknown_author_is_reported_by_name(
    client: Client, world: World, upload: Upload
) -> None:
    upload("pos.csv", csv_of(f"Akun Anonim,,https://x.com/a/1,,{PARTISAN}"))
    post = last_batch().posts.get()
    client.post(
        reverse("screening:post_case", kwargs={"code": post.code}),
        {"violation_type": "skb2022-04", "confirmed": "1"},
    )
    case = Case.objects.get()
    assert case.employee is None and case.reported_name == "Akun Anonim"


def test_the_pdf_marks_the_flagged_words(world: World, upload: Upload) -> None:
    from django.utils import timezone

    from netral.screening.post_evidence import post_pdf

    post = partisan_post(screened(upload, world))
    pdf = post_pdf(post=post, generated_at=timezone.now())
    assert pdf.startswith(b"%PDF") and b"/Count 1" in pdf
    assert b"Bambang" in pdf  # the pages are not compressed


def test_a_decision_maker_reads_and_judges_but_opens_no_case(
    client: Client, world: World, upload: Upload
) -> None:
    post = partisan_post(screened(upload, world))
    client.force_login(world.decision_maker)
    assert (
        client.get(reverse("screening:batch", kwargs={"code": post.batch.code})).status_code == 200
    )
    review = client.post(
        reverse("screening:post_review", kwargs={"code": post.code}),
        {"category": "partisan", "verdict": "right"},
    )
    assert review.status_code == 302
    case = client.post(
        reverse("screening:post_case", kwargs={"code": post.code}),
        {"violation_type": "skb2022-04"},
    )
    assert case.status_code == 403
    assert not Case.objects.exists()


# Access


@pytest.mark.parametrize("persona", ["admin", "coordinator_a", "viewer"])
def test_other_roles_are_refused(
    client: Client, world: World, upload: Upload, persona: str
) -> None:
    post = partisan_post(screened(upload, world))
    client.force_login(getattr(world, persona))
    assert client.get(reverse("screening:batch_list")).status_code == 403
    assert (
        client.get(reverse("screening:batch", kwargs={"code": post.batch.code})).status_code == 403
    )
    for name in ("screening:post_review", "screening:post_case"):
        response = client.post(
            reverse(name, kwargs={"code": post.code}),
            {"category": "partisan", "verdict": "right", "violation_type": "skb2022-04"},
        )
        assert response.status_code == 403
    assert not FlagReview.objects.exists() and not Case.objects.exists()


def test_another_agency_finds_nothing(client: Client, world: World, upload: Upload) -> None:
    post = partisan_post(screened(upload, world))
    client.force_login(world.other_admin)
    for name, code in [
        ("screening:batch", post.batch.code),
        ("accounts:job", job_of(post.batch).code),
        ("accounts:job_status", job_of(post.batch).code),
        ("screening:post_review", post.code),
        ("screening:post_case", post.code),
    ]:
        assert client.post(reverse(name, kwargs={"code": code})).status_code == 404
    assert not FlagReview.objects.exists() and not Case.objects.exists()


def test_another_agencys_election_cannot_be_chosen(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    foreign = Election.objects.create(
        owner=world.other_agency,
        name="Pilkada Kota",
        kind="pilkada",
        voting_day=datetime.date(2029, 11, 27),
    )
    client.force_login(world.supervisor)
    response = client.post(
        reverse("screening:batch_list"),
        {"election": foreign.code, "file": SimpleUploadedFile("pos.csv", csv_of(",,,,halo"))},
    )
    assert response.status_code == 200
    assert not ScreeningBatch.objects.exists()
