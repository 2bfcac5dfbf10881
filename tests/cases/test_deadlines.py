"""`netral check_deadlines`: one digest of overdue cases a day per agency, to its supervisors and
decision makers, without the reporter or the description."""

import datetime
import io
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from netral.accounts.models import Membership, User
from netral.base.messaging import outbox_read
from netral.base.models import AuditEntry
from netral.cases import handling, services
from netral.cases.models import Case, DeadlineDigest, DigestOversight, ViolationType
from tests.conftest import Pacts
from tests.factories import SYSTEM, officer_make

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def late_case(pacts: Pacts, agency: object = None, **fields: object) -> Case:
    values: dict[str, object] = {
        "actor": SYSTEM,
        "agency": agency or pacts.world.agency,
        "source": Case.Source.PUBLIC,
        "election": pacts.election,
        "violation_type": ViolationType.objects.get(number=2),
        "description": "Rahasia: unggahan kampanye",
        "reporter_identity": "Budi Santoso\n0812",
        # Verification (7 calendar days) ends on 9 January 2029.
        "now": datetime.datetime(2029, 1, 2, 9, tzinfo=JAKARTA),
    }
    values.update(fields)
    return services.case_create(**values)  # type: ignore[arg-type]


def with_emails(pacts: Pacts) -> None:
    world = pacts.world
    for user in (world.supervisor, world.decision_maker, world.admin, world.coordinator_a):
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.go.id")


def run(day: str) -> str:
    output = io.StringIO()
    call_command("check_deadlines", "--date", day, stdout=output)
    return output.getvalue()


@pytest.fixture
def sent_at_once(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the command with the messages it queues sent at once, as its commit would."""

    def run_and_send(day: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            return run(day)

    return run_and_send


def digests() -> list[Any]:
    return [message for message in mail.outbox if message.subject.startswith("Kasus terlambat")]


def test_it_sends_one_digest_a_day_to_supervisors_and_decision_makers(
    pacts: Pacts, sent_at_once: Any
) -> None:
    with_emails(pacts)
    late = late_case(pacts)
    late_case(pacts, now=datetime.datetime(2029, 1, 18, 9, tzinfo=JAKARTA))  # not yet due
    output = sent_at_once("2029-01-20")
    assert "1 overdue, sent to 2 officers" in output
    assert sorted(message.to[0] for message in digests()) == [
        "pengawas@example.go.id",
        "ppk@example.go.id",
    ]
    body = digests()[0].body
    assert late.number in body and "11" in body and late.stage.name in body  # type: ignore[union-attr]
    assert "Budi" not in body and "Rahasia" not in body
    assert "already sent today" in sent_at_once("2029-01-20")
    assert len(digests()) == 2
    assert DeadlineDigest.objects.get().overdue == 1
    assert AuditEntry.objects.filter(action="cases.deadline_digest.sent").count() == 1
    sent_at_once("2029-01-21")
    assert len(digests()) == 4


def test_each_agency_gets_its_own_digest(pacts: Pacts, sent_at_once: Any) -> None:
    with_emails(pacts)
    world = pacts.world
    other_supervisor = officer_make(world.other_agency, Membership.Role.SUPERVISOR)
    User.objects.filter(pk=other_supervisor.pk).update(email="lain@example.go.id")
    home = late_case(pacts)
    other = late_case(pacts, agency=world.other_agency)
    sent_at_once("2029-01-20")
    to_other = [message for message in digests() if message.to == ["lain@example.go.id"]]
    assert len(to_other) == 1 and other.number in to_other[0].body
    assert home.code not in to_other[0].body
    assert DeadlineDigest.objects.count() == 2


def test_closed_or_timely_cases_send_nothing(pacts: Pacts) -> None:
    with_emails(pacts)
    closed = late_case(pacts)
    services.case_close(actor=SYSTEM, case=closed, outcome=Case.Outcome.REJECTED)
    assert "No overdue cases." in run("2029-01-20")
    assert mail.outbox == [] and not DeadlineDigest.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises the writers of the two threads"
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_the_digest_once(pacts: Pacts) -> None:
    with_emails(pacts)
    late_case(pacts)
    mail.outbox.clear()  # the new report's message to the supervisors, sent at the commit
    now = datetime.datetime(2029, 1, 20, 7, tzinfo=JAKARTA)
    start = threading.Barrier(2)
    problems: list[BaseException] = []

    def send() -> None:
        try:
            start.wait()
            handling.deadline_digests_send(now=now)
        except BaseException as problem:  # reported below, in the test's thread
            problems.append(problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert len(digests()) == 2
    assert DeadlineDigest.objects.count() == 1


def test_an_oversight_agency_gets_the_count_only(
    client: Any, pacts: Pacts, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
    settings.NETRAL_MAIL_BACKEND = "outbox"
    with_emails(pacts)
    world = pacts.world
    inspector = officer_make(world.province, Membership.Role.DECISION_MAKER)
    User.objects.filter(pk=inspector.pk).update(email="inspektorat@jatengprov.go.id")
    late = late_case(pacts)
    with django_capture_on_commit_callbacks(execute=True):
        run("2029-01-20")
    assert oversight_sent() == []  # none named yet

    client.force_login(world.admin)
    client.post(reverse("cases:digest_oversight"), {"oversight": world.province.code})
    assert DigestOversight.objects.get(agency=world.agency).oversight == world.province
    with django_capture_on_commit_callbacks(execute=True):
        run("2029-01-21")
    [sent] = oversight_sent()
    assert sent["to"] == "inspektorat@jatengprov.go.id" and "1" in sent["text"]
    assert late.number not in sent["text"] and "Rahasia" not in sent["text"]
    assert "Budi" not in sent["text"] and late.violation_type.name not in sent["text"]


def oversight_sent() -> list[Any]:
    return [sent for sent in outbox_read() if sent["purpose"] == "cases.oversight_digest"]


def test_only_the_agencys_administrator_names_the_oversight_agency(
    client: Any, pacts: Pacts
) -> None:
    world = pacts.world
    for user in (world.supervisor, world.other_admin):
        client.force_login(user)
        client.post(reverse("cases:digest_oversight"), {"oversight": world.province.code})
    assert not DigestOversight.objects.filter(agency=world.agency).exists()


def test_a_supervisor_with_only_a_phone_gets_the_digest_on_whatsapp(
    pacts: Pacts, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    User.objects.filter(pk=pacts.world.supervisor.pk).update(email="", phone="6281311112222")
    late = late_case(pacts)
    with django_capture_on_commit_callbacks(execute=True):
        assert "sent to 1 officers" in run("2029-01-20")
    digests = [sent for sent in outbox_read() if sent["purpose"] == "cases.deadline_digest"]
    assert [(sent["channel"], sent["to"]) for sent in digests] == [("whatsapp", "6281311112222")]
    assert late.number in digests[0]["text"] and "Rahasia" not in digests[0]["text"]
