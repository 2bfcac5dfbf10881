"""Who is told what about a case, through the messaging layer: the handlers (or the supervisors
before anyone is assigned) on a new report and on the reporter's message; a named reporter who
left a contact when the handlers answer or the stage changes. No message carries the case's
content: not the act, the description, the people, the agency or the messages' text."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from netral.accounts.models import Membership, User
from netral.base.messaging import outbox_read
from netral.base.models import AuditEntry
from netral.cases import handling, intake, notifications, services
from netral.cases.models import Case, ProcedureStage, ViolationType
from tests.conftest import Pacts
from tests.factories import SYSTEM

DESCRIPTION = "Kepala sekolah mengajak guru memilih pasangan nomor dua."
REPORTED = "Drs. Sutrisno Wibowo"
REPORTER = "Dewi Lestari"
PHONE = "0812-3456-7890"
ANSWER = "Apakah Ibu punya foto spanduknya?"
QUESTION = "Saya punya rekaman suaranya, di mana saya kirim?"

Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def channels(settings: Any, tmp_path: Any) -> None:
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    settings.NETRAL_SMS_BACKEND = "outbox"
    settings.NETRAL_MAIL_BACKEND = "outbox"


def emails(pacts: Pacts) -> None:
    world = pacts.world
    User.objects.filter(pk=world.supervisor.pk).update(email="pengawas@pekalongan.go.id")
    User.objects.filter(pk=world.decision_maker.pk).update(email="ppk@pekalongan.go.id")


def report(pacts: Pacts, *, contact: str = "") -> tuple[Case, str]:
    return intake.report_submit(
        agency=pacts.world.agency,
        election=pacts.election,
        violation_type=ViolationType.objects.get(number=3),
        reported_nip="",
        reported_name=REPORTED,
        description=DESCRIPTION,
        uploads=[],
        reporter_identity=f"{REPORTER}\n{contact}" if contact else "",
    )


def content_of(case: Case) -> list[str]:
    """What must never be in a message: the case's content and the people in it."""
    return [
        DESCRIPTION,
        REPORTED,
        REPORTER,
        ANSWER,
        QUESTION,
        case.violation_type.name,
        case.agency.name,
        "Sutrisno",
        "Dewi",
    ]


def assert_no_content(message: dict[str, Any], case: Case) -> None:
    text = f"{message['subject']}\n{message['text']}\n{message['parameters']}"
    for secret in content_of(case):
        assert secret not in text, secret


def test_a_new_report_tells_the_supervisors_with_no_content(
    pacts: Pacts, django_capture_on_commit_callbacks: Capture
) -> None:
    emails(pacts)
    with django_capture_on_commit_callbacks(execute=True):
        case, _receipt = report(pacts)
    [sent] = outbox_read()
    assert sent["to"] == "pengawas@pekalongan.go.id" and sent["purpose"] == "cases.new_report"
    assert case.number in sent["text"]
    assert reverse("cases:case", kwargs={"code": case.code}) in sent["text"]
    assert_no_content(sent, case)


def test_a_reporters_message_tells_the_assigned_handler_only(
    pacts: Pacts, django_capture_on_commit_callbacks: Capture
) -> None:
    world = pacts.world
    case, _receipt = report(pacts)
    emails(pacts)
    other = User.objects.create_user(username="pengawas2", email="pengawas2@pekalongan.go.id")
    Membership.objects.create(user=other, agency=world.agency, role=Membership.Role.SUPERVISOR)
    handling.case_assign(actor=SYSTEM, case=case, user=other)
    with django_capture_on_commit_callbacks(execute=True):
        intake.reporter_message_add(case=case, text=QUESTION)
    [sent] = outbox_read()
    assert sent["to"] == "pengawas2@pekalongan.go.id"
    assert sent["purpose"] == "cases.reporter_message"
    assert case.number in sent["text"]
    assert_no_content(sent, case)


def test_an_answer_tells_the_named_reporter_with_no_case_content(
    pacts: Pacts, django_capture_on_commit_callbacks: Capture
) -> None:
    case, _receipt = report(pacts, contact=PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        handling.case_message_send(actor=SYSTEM, case=case, text=ANSWER)
    [sent] = outbox_read()
    assert (sent["channel"], sent["to"]) == ("whatsapp", "6281234567890")
    assert sent["purpose"] == "cases.reporter_news"
    assert reverse("cases:receipt") in sent["text"]
    assert case.number not in sent["text"]
    assert_no_content(sent, case)


def test_a_stage_change_tells_the_named_reporter_by_email(
    pacts: Pacts, django_capture_on_commit_callbacks: Capture
) -> None:
    case, _receipt = report(pacts, contact="dewi@example.com")
    stage = ProcedureStage.objects.get(procedure__election=pacts.election, key="kajian-bawaslu")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_move(actor=SYSTEM, case=case, stage=stage)
    [sent] = outbox_read()
    assert (sent["channel"], sent["to"]) == ("email", "dewi@example.com")
    assert stage.name not in sent["text"]
    assert_no_content(sent, case)


def test_an_anonymous_reporter_is_never_messaged(
    pacts: Pacts, django_capture_on_commit_callbacks: Capture
) -> None:
    case, _receipt = report(pacts)
    with django_capture_on_commit_callbacks(execute=True):
        handling.case_message_send(actor=SYSTEM, case=case, text=ANSWER)
        services.case_close(actor=SYSTEM, case=case, outcome=Case.Outcome.NOT_PROVEN)
    assert outbox_read() == []


def test_the_message_texts_carry_no_case_content(pacts: Pacts) -> None:
    case, _receipt = report(pacts, contact=PHONE)
    subject, text = notifications.reporter_text()
    for secret in [*content_of(case), case.number]:
        assert secret not in subject + text
    for event in (
        notifications.Event.NEW_REPORT,
        notifications.Event.REPORTER_MESSAGE,
        notifications.Event.TRANSFERRED,
    ):
        subject, text = notifications._officer_text(event, case.number)
        filled = (subject + text) % {"number": case.number, "url": "https://netral.example/x/"}
        for secret in content_of(case):
            assert secret not in filled


def test_a_supervisor_without_email_is_told_on_whatsapp(
    pacts: Pacts, django_capture_on_commit_callbacks: Capture
) -> None:
    # Many officers read WhatsApp, not an official mailbox: the account's mobile number is used.
    User.objects.filter(pk=pacts.world.supervisor.pk).update(email="", phone="6281311112222")
    with django_capture_on_commit_callbacks(execute=True):
        case, _receipt = report(pacts)
    [sent] = outbox_read()
    assert (sent["channel"], sent["to"]) == ("whatsapp", "6281311112222")
    assert_no_content(sent, case)


def test_an_admin_sets_an_officers_mobile_number_and_a_bad_one_is_refused(
    client: Client, pacts: Pacts
) -> None:
    client.force_login(pacts.world.admin)
    membership = Membership.objects.get(user=pacts.world.supervisor, agency=pacts.world.agency)
    url = reverse("agencies:membership_edit", args=[membership.code])
    refused = client.post(url, {"role": membership.role, "phone": "12345"})
    assert refused.status_code == 200 and "0812 3456 7890" in refused.content.decode()
    client.post(url, {"role": membership.role, "phone": "0813-1111-2222"})
    pacts.world.supervisor.refresh_from_db()
    assert pacts.world.supervisor.phone == "6281311112222"
    entry = AuditEntry.objects.get(action="core.membership.role_changed")
    assert entry.data["after"]["phone"] == "6281311112222"
