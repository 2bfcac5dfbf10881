"""Public reports and the receipt portal: anonymity, encryption, one-time receipts, throttling,
all-or-nothing evidence, and one case per follow-up session."""

import datetime
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from netral.base.models import AuditEntry, Election, ThrottleCount
from netral.base.throttle import address_of_the_day
from netral.cases import crypto, intake, services
from netral.cases.intake_views import SESSION_FOLLOW_CASE
from netral.cases.models import Case, CaseMessage, Evidence, ViolationType
from tests.conftest import Pacts, World
from tests.factories import SYSTEM
from tests.files import stored_files


def t(message: str) -> str:
    """The interface text as the reporter sees it (Indonesian once translated)."""
    with translation.override("id"):
        return translation.gettext(message)


def photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(output, format="PNG")
    return output.getvalue()


def report_url(world: World) -> str:
    return reverse("cases:report", args=[world.agency.code])


def open_form(client: Client, world: World) -> str:
    page = client.get(report_url(world))
    assert page.status_code == 200
    found = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())
    assert found is not None
    return found.group(1)


def report_data(pacts: Pacts, token: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form_token": token,
        "election": pacts.election.pk,
        "reported_nip": "",
        "reported_name": "Pak Joko",
        "reported_position": "Kepala Seksi",
        "reported_unit": "Kecamatan Kajen",
        "reported_agency": "Pemkab Pekalongan",
        "violation_type": ViolationType.objects.get(number=4).pk,
        "phase": Case.Phase.UNKNOWN,
        "occurred_on": "",
        "place": "Grup WhatsApp RT",
        "description": "Membagikan poster pasangan calon ke grup kantor.",
        "links": "https://facebook.com/post/1\n\nhttp://x.com/abc",
        "identity": "anonymous",
        "reporter_name": "",
        "reporter_contact": "",
        "truth": "on",
    }
    data.update(changes)
    return data


def submit(client: Client, pacts: Pacts, **changes: Any) -> Any:
    token = open_form(client, pacts.world)
    return client.post(report_url(pacts.world), report_data(pacts, token, **changes))


def receipt_of(client: Client) -> str:
    page = client.get(reverse("cases:receipt")).content.decode()
    found = re.search(r'data-testid="receipt-code">(.*?)</p>', page)
    assert found is not None
    return "".join(ch for ch in found.group(1) if ch.isdigit())


def evidence_files() -> list[str]:
    return stored_files("evidence")


def row_text(case: Case) -> str:
    """Every column of the case's row as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Case._meta.db_table} WHERE id = %s", [case.pk])  # noqa: S608
        row = cursor.fetchone()
    return " ".join(
        bytes(value).hex() + repr(bytes(value))
        if isinstance(value, bytes | memoryview)
        else str(value)
        for value in row
    )


@pytest.mark.files
def test_an_anonymous_report_opens_a_case_and_shows_the_receipt_once(
    client: Client, pacts: Pacts
) -> None:
    response = submit(client, pacts, evidence=SimpleUploadedFile("foto.png", photo()))
    assert response.status_code == 302 and response["Location"] == reverse("cases:receipt")
    case = Case.objects.get()
    assert case.source == Case.Source.PUBLIC and case.agency == pacts.world.agency
    assert case.is_anonymous and not case.reporter_identity
    assert case.employee is None and case.reported_name == "Pak Joko"
    assert case.links == ["https://facebook.com/post/1", "http://x.com/abc"]
    assert case.stage is not None and case.stage.key == "verifikasi"
    assert case.evidence.get().origin == Evidence.Origin.REPORTER
    page = client.get(reverse("cases:receipt")).content.decode()
    code = re.search(r'data-testid="receipt-code">(.*?)</p>', page)
    assert code is not None
    groups = re.findall(r"<span>(\d{4})</span>", code.group(1))
    assert len(groups) == 4
    assert case.number not in page
    # Reloading does not show it again.
    again = client.get(reverse("cases:receipt")).content.decode()
    assert 'data-testid="receipt-gone"' in again and groups[0] + groups[1] not in again
    entry = AuditEntry.objects.get(action="cases.case.created", target_code=case.code)
    assert entry.actor_label == "pelapor" and entry.ip is None


def test_a_named_reporters_identity_is_kept_encrypted(client: Client, pacts: Pacts) -> None:
    submit(
        client,
        pacts,
        identity="named",
        reporter_name="Dewi Lestari",
        reporter_contact="0812-3456-7890",
    )
    case = Case.objects.get()
    assert not case.is_anonymous
    assert "Dewi" not in row_text(case) and b"Dewi".hex() not in row_text(case)
    assert services.reporter_identity_read(case) == "Dewi Lestari\n0812-3456-7890"


def test_a_named_report_needs_the_name_and_the_contact(client: Client, pacts: Pacts) -> None:
    response = submit(client, pacts, identity="named", reporter_name="Dewi")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"reporter_contact"}
    assert not Case.objects.exists()


def test_the_receipt_is_stored_only_as_its_slow_hash(client: Client, pacts: Pacts) -> None:
    submit(client, pacts)
    code = receipt_of(client)
    case = Case.objects.get()
    assert case.receipt_hash == services.receipt_hash(code)
    assert code not in row_text(case)
    for entry in AuditEntry.objects.all():
        assert code not in str(entry.data)


def test_the_follow_up_opens_with_the_code_only(client: Client, pacts: Pacts) -> None:
    submit(client, pacts)
    code = receipt_of(client)
    reporter = Client()
    spaced = " ".join(code[i : i + 4] for i in range(0, 16, 4))
    response = reporter.post(reverse("cases:follow"), {"receipt": spaced})
    assert response["Location"] == reverse("cases:follow_case")
    assert reporter.session.get_expiry_age() <= 30 * 60
    page = reporter.get(reverse("cases:follow_case")).content.decode()
    assert "Verifikasi Satgas Netralitas" in page
    reporter.post(reverse("cases:follow_logout"))
    assert reporter.get(reverse("cases:follow_case"))["Location"] == reverse("cases:follow")


def test_a_wrong_code_says_only_not_found_and_is_throttled(
    client: Client, pacts: Pacts, settings: Any
) -> None:
    settings.NETRAL_LOGIN_MAX_FAILURES = 3
    submit(client, pacts)
    code = receipt_of(client)
    guesser = Client()
    url = reverse("cases:follow")
    wrong = code[:4] + ("0" * 12 if code[4:] != "0" * 12 else "1" * 12)
    for _attempt in range(3):
        page = guesser.post(url, {"receipt": wrong}).content.decode()
        assert t("Code not found.") in page
    page = guesser.post(url, {"receipt": code}).content.decode()
    assert t("Too many attempts. Wait a few minutes and try again.") in page
    assert SESSION_FOLLOW_CASE not in guesser.session


def test_a_guesser_never_stops_the_reporter_on_another_device(
    client: Client, pacts: Pacts, settings: Any
) -> None:
    settings.NETRAL_LOGIN_MAX_FAILURES = 3
    submit(client, pacts)
    code = receipt_of(client)
    guesser = Client()
    for _attempt in range(10):
        guesser.post(reverse("cases:follow"), {"receipt": code[:4] + "0" * 12})
    reporter = Client()  # another phone, behind the same address
    reporter.post(reverse("cases:follow"), {"receipt": code})
    assert SESSION_FOLLOW_CASE in reporter.session


def test_one_address_guessing_from_fresh_browsers_is_throttled(
    client: Client, pacts: Pacts, settings: Any
) -> None:
    settings.NETRAL_LOGIN_MAX_FAILURES = 1  # one per browser, ten per address
    submit(client, pacts)
    code = receipt_of(client)
    for prefix in range(10):
        Client().post(reverse("cases:follow"), {"receipt": f"{prefix:04d}" + "0" * 12})
    page = Client().post(reverse("cases:follow"), {"receipt": code}).content.decode()
    assert t("Too many attempts. Wait a few minutes and try again.") in page


def _follow(pacts: Pacts) -> tuple[Client, Case]:
    client = Client()
    submit(client, pacts)
    code = receipt_of(client)
    case = Case.objects.order_by("-created_at", "-id").first()
    assert case is not None
    reporter = Client()
    reporter.post(reverse("cases:follow"), {"receipt": code})
    return reporter, case


def _message(case: Case, kind: str, text: str) -> CaseMessage:
    return CaseMessage.objects.create(
        case=case, kind=kind, body=crypto.seal_text(text, context=f"case/{case.code}/message")
    )


def test_the_reporter_reads_the_handlers_questions_but_never_the_notes(pacts: Pacts) -> None:
    reporter, case = _follow(pacts)
    _message(case, CaseMessage.Kind.TO_REPORTER, "Kapan foto itu diambil?")
    _message(case, CaseMessage.Kind.NOTE, "Catatan internal: pelapor mungkin staf sendiri")
    page = reporter.get(reverse("cases:follow_case")).content.decode()
    assert "Kapan foto itu diambil?" in page
    assert "Catatan internal" not in page
    assert "pengawas" not in page  # no handler's name

    response = reporter.post(
        reverse("cases:follow_case"), {"action": "message", "text": "Tanggal 3 Januari."}
    )
    assert response.status_code == 302
    answer = case.messages.get(kind=CaseMessage.Kind.FROM_REPORTER)
    assert b"Tanggal" not in bytes(answer.body)
    assert intake.message_text(answer) == "Tanggal 3 Januari."
    entry = AuditEntry.objects.get(action="cases.message.added", target_code=answer.code)
    assert entry.actor_label == "pelapor" and entry.actor is None and entry.ip is None
    assert "Tanggal 3 Januari." in reporter.get(reverse("cases:follow_case")).content.decode()


@pytest.mark.files
def test_the_reporter_adds_evidence_within_the_limit(pacts: Pacts, settings: Any) -> None:
    settings.NETRAL_EVIDENCE_MAX_FILES = 2
    reporter, case = _follow(pacts)
    url = reverse("cases:follow_case")
    response = reporter.post(
        url, {"action": "evidence", "evidence": [SimpleUploadedFile("a.png", photo())]}
    )
    assert response.status_code == 302
    assert case.evidence.count() == 1
    too_many = [SimpleUploadedFile(f"{n}.png", photo()) for n in range(2)]
    response = reporter.post(url, {"action": "evidence", "evidence": too_many})
    assert response.status_code == 200 and case.evidence.count() == 1
    assert AuditEntry.objects.filter(action="cases.evidence.added", actor_label="pelapor").count()


def test_a_follow_up_session_reads_only_its_own_case(pacts: Pacts) -> None:
    _first_reporter, first = _follow(pacts)
    second_reporter, second = _follow(pacts)
    _message(first, CaseMessage.Kind.TO_REPORTER, "Pertanyaan untuk pelapor pertama")
    _message(second, CaseMessage.Kind.TO_REPORTER, "Pertanyaan untuk pelapor kedua")
    page = second_reporter.get(reverse("cases:follow_case")).content.decode()
    assert "pelapor kedua" in page and "pelapor pertama" not in page
    # Nothing in a request chooses the case: a planted code is ignored.
    second_reporter.post(
        reverse("cases:follow_case"), {"action": "message", "text": "Halo", "case": first.code}
    )
    assert not first.messages.filter(kind=CaseMessage.Kind.FROM_REPORTER).exists()
    assert second.messages.filter(kind=CaseMessage.Kind.FROM_REPORTER).exists()


def test_a_closed_case_takes_no_more_messages(pacts: Pacts) -> None:
    reporter, case = _follow(pacts)
    services.case_close(actor=SYSTEM, case=case, outcome=Case.Outcome.NOT_PROVEN)
    page = reporter.get(reverse("cases:follow_case")).content.decode()
    assert 'data-testid="message-form"' not in page
    reporter.post(reverse("cases:follow_case"), {"action": "message", "text": "Halo"})
    assert not case.messages.exists()


@pytest.mark.files
@pytest.mark.parametrize(
    "files",
    [
        pytest.param([("foto.jpg", b"MZ\x90\x00this is a program")], id="disguised"),
        pytest.param([("ok.png", None), ("rusak.jpg", b"\xff\xd8\xff" + b"0" * 64)], id="broken"),
        pytest.param([("besar.pdf", b"%PDF-" + b"0" * 300)], id="oversized"),
        pytest.param([(f"{n}.png", None) for n in range(3)], id="too-many"),
    ],
)
def test_a_refused_file_names_itself_and_nothing_is_created(
    client: Client, pacts: Pacts, settings: Any, files: list[tuple[str, bytes | None]]
) -> None:
    settings.NETRAL_EVIDENCE_MAX_BYTES = 200
    settings.NETRAL_EVIDENCE_MAX_FILES = 2
    uploads = [SimpleUploadedFile(name, data or photo()) for name, data in files]
    before = evidence_files()
    response = submit(client, pacts, evidence=uploads)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["evidence"])
    if len(files) <= 2:
        assert files[-1][0] in errors
    assert not Case.objects.exists()
    assert not Evidence.objects.exists()
    assert evidence_files() == before
    # The form can be sent again, corrected, at once.
    token = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    assert token is not None
    client.post(report_url(pacts.world), report_data(pacts, token.group(1)))
    assert Case.objects.count() == 1


def test_the_nip_links_only_an_employee_of_this_agency(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    own = submit(client, pacts, reported_nip=world.employee_b.nip, reported_name="")
    assert Case.objects.get().employee == world.employee_b
    other = submit(client, pacts, reported_nip=world.other_employee.nip, reported_name="")
    case = Case.objects.exclude(employee=world.employee_b).get()
    assert case.employee is None and case.reported_nip == world.other_employee.nip
    # Whether the NIP matched is never shown.
    assert own.status_code == other.status_code == 302
    assert client.get(reverse("cases:receipt")).status_code == 200


def test_a_malformed_nip_is_explained_and_a_name_is_needed_without_one(
    client: Client, pacts: Pacts
) -> None:
    response = submit(client, pacts, reported_nip="1985", reported_name="")
    assert set(response.context["form"].errors) == {"reported_nip", "reported_name"}
    response = submit(client, pacts, reported_name=" ")
    assert set(response.context["form"].errors) == {"reported_name"}
    assert not Case.objects.exists()


def test_links_dates_and_consent_are_checked(client: Client, pacts: Pacts) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = submit(
        client,
        pacts,
        links="javascript:alert(1)",
        occurred_on=tomorrow.isoformat(),
        truth="",
    )
    assert set(response.context["form"].errors) == {"links", "occurred_on", "truth"}
    many = "\n".join(f"https://example.com/{n}" for n in range(11))
    assert "links" in submit(client, pacts, links=many).context["form"].errors
    assert not Case.objects.exists()


def test_the_phase_follows_from_the_election_dates_when_not_given(
    client: Client, pacts: Pacts
) -> None:
    election = pacts.election
    today = timezone.localdate()
    election.candidate_determination_date = today - datetime.timedelta(days=60)
    election.save()
    before, after = today - datetime.timedelta(days=90), today - datetime.timedelta(days=5)
    submit(client, pacts, occurred_on=before.isoformat())
    submit(client, pacts, occurred_on=after.isoformat())
    submit(client, pacts, occurred_on=after.isoformat(), phase=Case.Phase.BEFORE)
    phases = list(Case.objects.order_by("created_at", "id").values_list("phase", flat=True))
    assert phases == [Case.Phase.BEFORE, Case.Phase.AFTER, Case.Phase.BEFORE]


def test_the_form_offers_own_and_national_elections_only(
    client: Client, pacts: Pacts, world: World
) -> None:
    from tests.factories import agency_make

    national = agency_make("33")
    national.kind = "national"
    national.save()
    Election.objects.create(
        owner=national, name="Pemilu Nasional", kind="pemilu", voting_day=datetime.date(2029, 2, 14)
    )
    Election.objects.create(
        owner=world.other_agency,
        name="Pilkada Kota Pekalongan",
        kind="pemilihan",
        voting_day=datetime.date(2029, 11, 27),
    )
    page = client.get(report_url(world)).content.decode()
    assert "Pemilu Nasional" in page and "Pemilu 2029" in page
    assert "Pilkada Kota Pekalongan" not in page


def test_an_unknown_agency_is_404(client: Client, world: World) -> None:
    assert client.get(reverse("cases:report", args=["99.99"])).status_code == 404


def test_the_form_works_on_a_phone_without_javascript(client: Client, pacts: Pacts) -> None:
    page = client.get(report_url(pacts.world)).content.decode()
    assert 'name="viewport"' in page
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page
    assert 'type="file"' in page and "multiple" in page
    assert 'inputmode="numeric"' in page
    # Every choice is a plain control: radios for the act, a select for the election.
    assert page.count('type="radio" name="violation_type"') == 15
    assert client.get(report_url(pacts.world))["Cache-Control"].startswith("max-age=0")


def test_csrf_is_required(pacts: Pacts) -> None:
    strict = Client(enforce_csrf_checks=True)
    token = open_form(strict, pacts.world)
    response = strict.post(report_url(pacts.world), report_data(pacts, token))
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_second_post_of_the_same_form_creates_no_second_case(
    client: Client, pacts: Pacts
) -> None:
    token = open_form(client, pacts.world)
    data = report_data(pacts, token)
    assert client.post(report_url(pacts.world), data).status_code == 302
    # The browser showed only the second answer: the receipt of the first is not lost.
    second = client.post(report_url(pacts.world), data)
    assert second["Location"] == reverse("cases:receipt")
    assert len(receipt_of(client)) == 16
    third = client.post(report_url(pacts.world), data)
    assert third.status_code == 200
    assert 'data-testid="already-sent"' in third.content.decode()
    assert Case.objects.count() == 1


def test_a_post_without_a_token_from_this_session_is_not_taken(
    client: Client, pacts: Pacts
) -> None:
    response = client.post(report_url(pacts.world), report_data(pacts, "forged"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Case.objects.exists()


def test_a_flood_from_one_address_is_slowed_while_another_address_passes(
    pacts: Pacts, settings: Any
) -> None:
    settings.NETRAL_REPORTS_PER_ADDRESS_PER_HOUR = 3
    flooder = "203.0.113.9"
    for _ in range(3):
        assert submit(Client(REMOTE_ADDR=flooder), pacts).status_code == 302
    slowed = submit(Client(REMOTE_ADDR=flooder), pacts)
    assert slowed.status_code == 429
    assert t("Too many reports from your network") in slowed.content.decode()
    assert Case.objects.count() == 3
    assert submit(Client(REMOTE_ADDR="198.51.100.20"), pacts).status_code == 302
    assert Case.objects.count() == 4


def test_no_address_is_stored_with_a_report_or_its_counter(
    client: Client, pacts: Pacts, settings: Any
) -> None:
    address = "203.0.113.77"
    assert submit(Client(REMOTE_ADDR=address), pacts).status_code == 302
    case = Case.objects.get()
    assert address not in row_text(case)
    counted = ThrottleCount.objects.filter(purpose="report")
    assert counted.count() == 1 and address not in counted.get().key
    entries = AuditEntry.objects.filter(data__case=case.code)
    assert not any(address in str(vars(entry)) for entry in entries)


def test_the_address_counter_key_changes_every_day(settings: Any) -> None:
    address = "203.0.113.77"
    today = address_of_the_day(address)
    assert today == address_of_the_day(address) and address not in (today or "")
    late = datetime.datetime(2031, 1, 2, 23, 59, tzinfo=datetime.UTC).timestamp()
    assert address_of_the_day(address, now=late) == address_of_the_day(address, now=late - 3600)
    assert address_of_the_day(address, now=late) != address_of_the_day(address, now=late + 120)


def test_the_form_names_the_acts_plainly_and_explains_the_determination(
    client: Client, pacts: Pacts
) -> None:
    page = client.get(report_url(pacts.world)).content.decode()
    labels = re.findall(r"<label[^>]*>\s*<input[^>]*name=\"violation_type\".*?</label>", page, re.S)
    assert len(labels) == ViolationType.objects.filter(is_active=True).count()
    for label in labels:
        text = re.sub(r"<[^>]+>", "", label)
        assert "/" not in text and "(bakal)" not in text and "matriks" not in text, text
    assert "Memasang spanduk, baliho, atau alat peraga" in page
    assert "KPU" in page  # what the determination of the candidates is
