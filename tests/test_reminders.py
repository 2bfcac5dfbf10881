import datetime
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from netral.accounts.actors import Actor
from netral.accounts.models import User
from netral.agencies.models import Employee
from netral.base.jobs import job_run
from netral.base.messaging import messages_resume, outbox_read
from netral.base.models import AuditEntry, Job
from netral.monitoring import reminders
from netral.monitoring.models import ReminderDelivery, ReminderRound
from netral.pacts import services
from netral.pacts.models import Campaign, Signature, SigningLink
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make

Kind = ReminderRound.Kind


def with_email(employee: Employee, email: str) -> Employee:
    employee.email = email
    employee.save(update_fields=["email"])
    return employee


def sign(campaign: Campaign, employee: Employee) -> None:
    services.signature_create(
        actor=SYSTEM,
        campaign=campaign,
        employee=employee,
        channel=Signature.Channel.LINK,
        typed_name=employee.name,
    )


def due_round(campaign: Campaign, *, include_digest: bool = False) -> ReminderRound:
    return ReminderRound.objects.create(
        campaign=campaign,
        kind=Kind.OPENING,
        due_at=campaign.opens_at,
        include_digest=include_digest,
    )


def outbox() -> list[Any]:
    """The mails sent: the messages queued in the test's transaction go out first, as the
    worker would send them once it commits."""
    messages_resume()
    return mail.outbox


def recipients() -> list[str]:
    return sorted(address for message in outbox() for address in message.to)


def schedule_post(client: Client, campaign: Campaign, **data: str) -> object:
    url = reverse("monitoring:reminder_schedule", kwargs={"code": campaign.code})
    return client.post(url, data)


# Scheduling


@pytest.mark.parametrize("days", ["0", "61", "3, x", "-1", "2.5"])
def test_days_before_closing_must_be_whole_numbers_from_1_to_60(
    client: Client, pacts: Pacts, days: str
) -> None:
    client.force_login(pacts.world.admin)
    response = schedule_post(client, pacts.campaign, days_before=days)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "days_before" in response.context["form"].errors  # type: ignore[attr-defined]
    assert not ReminderRound.objects.exists()


def test_a_reminder_before_the_campaign_opens_is_refused(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.admin)
    response = schedule_post(client, pacts.campaign, days_before="10")  # it lasts about 7 days
    assert "days_before" in response.context["form"].errors  # type: ignore[attr-defined]


def test_saving_a_schedule_creates_moves_and_cancels_rounds_but_never_touches_sent_ones(
    client: Client, pacts: Pacts
) -> None:
    campaign = pacts.campaign
    client.force_login(pacts.world.admin)
    schedule_post(client, campaign, at_opening="on", days_before="3, 1", include_digest="on")
    rounds = {(r.kind, r.days_before): r for r in ReminderRound.objects.all()}
    assert set(rounds) == {(Kind.OPENING, None), (Kind.BEFORE_CLOSE, 3), (Kind.BEFORE_CLOSE, 1)}
    assert rounds[(Kind.BEFORE_CLOSE, 3)].due_at == campaign.closes_at - datetime.timedelta(days=3)
    assert rounds[(Kind.OPENING, None)].due_at == campaign.opens_at
    assert all(r.include_digest for r in rounds.values())

    ReminderRound.objects.filter(kind=Kind.OPENING).update(status=ReminderRound.Status.DONE)
    schedule_post(client, campaign, days_before="2, 1")
    status = {(r.kind, r.days_before): r.status for r in ReminderRound.objects.all()}
    assert status == {
        (Kind.OPENING, None): ReminderRound.Status.DONE,
        (Kind.BEFORE_CLOSE, 3): ReminderRound.Status.CANCELLED,
        (Kind.BEFORE_CLOSE, 2): ReminderRound.Status.PENDING,
        (Kind.BEFORE_CLOSE, 1): ReminderRound.Status.PENDING,
    }
    assert not ReminderRound.objects.filter(include_digest=True, status="pending").exists()
    assert reminders.reminder_schedule_get(campaign=campaign) == reminders.Schedule(
        at_opening=True, days_before=(2, 1), include_digest=False
    )
    assert AuditEntry.objects.filter(action="monitoring.reminder_schedule.saved").count() == 2


def test_only_admins_open_the_schedule(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    url = reverse("monitoring:reminder_schedule", kwargs={"code": pacts.campaign.code})
    assert client.get(url).status_code == 403
    client.force_login(pacts.world.admin)
    assert client.get(url).status_code == 200


# Sending


def test_a_due_round_mails_each_non_signer_with_an_email_once(pacts: Pacts) -> None:
    world, campaign = pacts.world, pacts.campaign
    with_email(world.employee_a, "siti@example.go.id")
    with_email(world.employee_b, "bambang@example.go.id")
    signer = with_email(employee_make(world.unit_b, "Dewi Lestari"), "dewi@example.go.id")
    employee_make(world.unit_b, "Tanpa Surel")
    with_email(world.other_employee, "rahmat@example.go.id")
    services.campaign_open(actor=SYSTEM, campaign=campaign)  # links for the new employees
    sign(campaign, signer)
    due_round(campaign)

    call_command("send_reminders", stdout=io.StringIO())
    assert recipients() == ["bambang@example.go.id", "siti@example.go.id"]
    message = next(m for m in outbox() if m.to == ["siti@example.go.id"])
    link = SigningLink.objects.get(campaign=campaign, employee=world.employee_a)
    token = services.signing_link_url_token(link)
    assert f"/t/{token}/" in message.body
    assert campaign.title in message.body and campaign.title in message.subject
    assert "Bambang" not in message.body and world.unit_b.name not in message.body
    assert ReminderRound.objects.get().status == ReminderRound.Status.DONE

    call_command("send_reminders", stdout=io.StringIO())
    assert len(outbox()) == 2


def test_the_mail_is_written_in_indonesian_whatever_the_language_of_the_run(
    pacts: Pacts,
) -> None:
    with_email(pacts.world.employee_a, "siti@example.go.id")
    closes_at = datetime.datetime(2099, 3, 14, 16, 0, tzinfo=datetime.UTC)
    Campaign.objects.filter(pk=pacts.campaign.pk).update(closes_at=closes_at)
    due_round(pacts.campaign)
    with translation.override("en"):
        reminders.reminders_send_due()
    assert "14 Maret 2099, 23:00 WIB" in outbox()[0].body


def test_an_employee_who_signed_in_the_meantime_is_skipped(pacts: Pacts) -> None:
    employee = with_email(pacts.world.employee_a, "siti@example.go.id")
    reminder = due_round(pacts.campaign)
    ReminderDelivery.objects.create(
        round=reminder, recipient=employee.code, address=employee.email, kind="employee"
    )
    sign(pacts.campaign, employee)
    result = reminders.reminder_round_run(reminder)
    assert (result.sent, result.skipped, result.finished) == (0, 1, True)
    assert outbox() == []


def test_nothing_due_sends_nothing_and_exits_quietly(pacts: Pacts) -> None:
    with_email(pacts.world.employee_a, "siti@example.go.id")
    ReminderRound.objects.create(
        campaign=pacts.campaign,
        kind=Kind.BEFORE_CLOSE,
        days_before=1,
        due_at=pacts.campaign.closes_at - datetime.timedelta(days=1),
    )
    call_command("send_reminders")
    assert outbox() == []
    assert ReminderRound.objects.get().status == ReminderRound.Status.PENDING


def test_of_several_missed_rounds_only_the_latest_is_sent(pacts: Pacts) -> None:
    with_email(pacts.world.employee_a, "siti@example.go.id")
    campaign = pacts.campaign
    early = due_round(campaign)
    late = ReminderRound.objects.create(
        campaign=campaign,
        kind=Kind.BEFORE_CLOSE,
        days_before=7,
        due_at=campaign.opens_at + datetime.timedelta(minutes=5),
    )
    reminders.reminders_send_due()
    assert len(outbox()) == 1
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.status, late.status) == ("cancelled", "done")


def test_rounds_of_a_closed_campaign_are_cancelled(pacts: Pacts) -> None:
    with_email(pacts.world.employee_a, "siti@example.go.id")
    reminder = due_round(pacts.campaign)
    services.campaign_close(actor=SYSTEM, campaign=pacts.campaign)
    assert reminders.reminders_send_due() == []
    reminder.refresh_from_db()
    assert reminder.status == ReminderRound.Status.CANCELLED
    assert outbox() == []


def test_digests_list_exactly_the_non_signers_of_the_coordinator_and_the_head(
    pacts: Pacts,
) -> None:
    world, campaign = pacts.world, pacts.campaign
    world.coordinator_a.email = "koordinator@example.go.id"
    world.coordinator_a.save()
    head = with_email(employee_make(world.unit_b, "Kepala Dinas Kesehatan"), "kadinkes@go.id")
    world.unit_b.head = head
    world.unit_b.save()
    signer = employee_make(world.unit_b, "Dewi Lestari")
    services.campaign_open(actor=SYSTEM, campaign=campaign)
    sign(campaign, signer)
    due_round(campaign, include_digest=True)

    reminders.reminders_send_due()
    coordinator = next(m.body for m in outbox() if m.to == ["koordinator@example.go.id"])
    assert world.employee_a.name in coordinator and str(world.employee_a.nip) in coordinator
    assert world.unit_a_child.name in coordinator
    assert world.employee_b.name not in coordinator and head.name not in coordinator
    head_mails = [m.body for m in outbox() if m.to == ["kadinkes@go.id"]]
    assert len(head_mails) == 2  # the head's own reminder and the digest
    digest = next(body for body in head_mails if world.employee_b.name in body)
    assert world.employee_a.name not in digest and "Dewi" not in digest


# Sending by hand


def send_url(campaign: Campaign) -> str:
    return reverse("monitoring:reminder_send", kwargs={"code": campaign.code})


def send_post(client: Client, campaign: Campaign, unit_code: str, capture: Any) -> Any:
    """The coordinator confirms; the job runs in place once the request's work commits."""
    with capture(execute=True):
        return client.post(send_url(campaign), {"unit": unit_code})


def reminder_jobs() -> list[Job]:
    return list(Job.objects.filter(kind=reminders.REMINDER_JOB).order_by("created_at", "pk"))


def test_the_confirmation_counts_each_channel_and_lists_who_cannot_be_reached(
    client: Client, pacts: Pacts, settings: Any
) -> None:
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    world, campaign = pacts.world, pacts.campaign
    with_email(world.employee_a, "siti@example.go.id")
    with_email(world.employee_b, "bambang@example.go.id")  # another unit
    for number in range(2):
        employee_make(world.unit_a_child, f"Guru Tanpa Kontak {number}")
    on_whatsapp = employee_make(world.unit_a_child, "Guru Ber-WA")
    on_whatsapp.phone = "0812 3456 7890"
    on_whatsapp.save()
    signer = with_email(employee_make(world.unit_a_child, "Dewi Lestari"), "dewi@example.go.id")
    services.campaign_open(actor=SYSTEM, campaign=campaign)  # links for the new employees
    sign(campaign, signer)
    client.force_login(world.coordinator_a)
    response = client.get(send_url(campaign), {"unit": world.unit_a.code})
    assert response.status_code == 200
    reach = response.context["reach"]
    assert reach.by_channel == {"whatsapp": 1, "email": 1}
    assert sorted(e.name for e in reach.unreachable) == [
        "Guru Tanpa Kontak 0",
        "Guru Tanpa Kontak 1",
    ]
    page = response.content.decode()
    recipients_line = page.split('data-testid="reminder-recipients"')[1].split("</p>")[0]
    assert "2 orang" in recipients_line
    channels = page.split('data-testid="reminder-channels"')[1].split("</ul>")[0]
    assert "1 melalui WhatsApp" in channels and "1 melalui Email" in channels
    unreachable = page.split('data-testid="unreachable-list"')[1].split("</ul>")[0]
    assert "Guru Tanpa Kontak 0" in unreachable and "Guru Tanpa Kontak 1" in unreachable
    assert "Guru Ber-WA" not in unreachable
    assert 'data-testid="reminder-confirm"' in page


def test_an_employee_without_email_is_reminded_on_whatsapp_with_the_personal_link(
    pacts: Pacts, settings: Any, tmp_path: Any
) -> None:
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
    employee = pacts.world.employee_a
    employee.phone, employee.email = "+62 812-3456-7890", ""
    employee.save()
    due_round(pacts.campaign)
    reminders.reminders_send_due()
    messages_resume()
    [sent] = [m for m in outbox_read() if m["purpose"] == "monitoring.reminder"]
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=employee)
    assert (sent["channel"], sent["to"]) == ("whatsapp", "6281234567890")
    assert f"/t/{services.signing_link_url_token(link)}/" in sent["text"]
    delivery = ReminderDelivery.objects.get(recipient=employee.code)
    assert (delivery.status, delivery.channel, delivery.address) == (
        "sent",
        "whatsapp",
        "6281234567890",
    )
    assert delivery.message is not None and delivery.message.status == "sent"


def test_without_confirmation_nothing_is_sent(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(pacts.world.employee_a, "siti@example.go.id")
    client.force_login(pacts.world.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):  # a job started would run here
        response = client.get(send_url(pacts.campaign), {"unit": pacts.world.unit_a.code})
    assert response.status_code == 200
    assert outbox() == []
    assert not ReminderRound.objects.exists() and reminder_jobs() == []


def test_a_coordinator_reminds_only_within_the_own_unit_through_a_job(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    with_email(world.employee_a, "siti@example.go.id")
    with_email(world.employee_b, "bambang@example.go.id")
    client.force_login(world.coordinator_a)
    response = send_post(
        client, pacts.campaign, world.unit_a.code, django_capture_on_commit_callbacks
    )
    [job] = reminder_jobs()
    assert response["Location"] == reverse("accounts:job", args=[job.code])
    assert (job.status, job.progress, job.created_by) == ("done", 100, world.coordinator_a)
    assert recipients() == ["siti@example.go.id"]
    reminder = ReminderRound.objects.get()
    assert (reminder.kind, reminder.unit, reminder.status) == (Kind.MANUAL, world.unit_a, "done")
    assert AuditEntry.objects.filter(
        action="monitoring.reminder_round.created", actor=world.coordinator_a
    ).exists()
    assert AuditEntry.objects.filter(action="monitoring.reminders.requested").exists()

    # The job leads back to the unit, which shows the round's counts.
    unit_url = reverse(
        "monitoring:unit", kwargs={"code": pacts.campaign.code, "unit_code": world.unit_a.code}
    )
    page = client.get(reverse("accounts:job", args=[job.code]))
    assert page["Location"] == f"{unit_url}#pengingat"
    unit_page = client.get(unit_url).content.decode()
    line = unit_page.split('data-testid="last-reminder"')[1].split("</p>")[0]
    assert "1 terkirim, 0 tidak terkirim, 0 menunggu" in line


def test_a_coordinator_cannot_remind_another_unit(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    with_email(world.employee_b, "bambang@example.go.id")
    client.force_login(world.coordinator_a)
    assert client.get(send_url(pacts.campaign), {"unit": world.unit_b.code}).status_code == 404
    response = send_post(
        client, pacts.campaign, world.unit_b.code, django_capture_on_commit_callbacks
    )
    assert response.status_code == 404
    assert outbox() == [] and not ReminderRound.objects.exists() and reminder_jobs() == []


def test_an_officer_of_another_agency_gets_404(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(pacts.world.other_admin)
    unit = pacts.world.unit_a.code
    assert client.get(send_url(pacts.campaign), {"unit": unit}).status_code == 404
    assert (
        send_post(client, pacts.campaign, unit, django_capture_on_commit_callbacks).status_code
        == 404
    )
    assert not ReminderRound.objects.exists() and reminder_jobs() == []


def test_a_unit_is_reminded_by_hand_at_most_once_an_hour(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(pacts.world.employee_a, "siti@example.go.id")
    client.force_login(pacts.world.admin)
    unit = pacts.world.unit_a.code
    send_post(client, pacts.campaign, unit, django_capture_on_commit_callbacks)
    response = send_post(client, pacts.campaign, unit, django_capture_on_commit_callbacks)
    assert response.status_code == 200  # the confirmation again, saying why not
    refusal = response.content.decode().split('data-testid="reminder-refusal">')[1]
    assert "paling cepat berselang 1 jam" in refusal.split("</p>")[0]
    assert len(outbox()) == 1
    assert ReminderRound.objects.count() == 1 and len(reminder_jobs()) == 1
    page = client.get(send_url(pacts.campaign), {"unit": unit}).content.decode()
    assert "paling cepat berselang 1 jam" in page and "reminder-confirm" not in page

    ReminderRound.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    send_post(client, pacts.campaign, unit, django_capture_on_commit_callbacks)
    assert ReminderRound.objects.count() == 2 and len(outbox()) == 2


def test_the_job_checks_the_hour_again_when_two_were_started_before_either_ran(
    pacts: Pacts,
) -> None:
    world = pacts.world
    with_email(world.employee_a, "siti@example.go.id")
    actor = Actor(user=world.coordinator_a, label="koordinator")
    # Outside a committed transaction, the jobs are queued but not run yet.
    first, second = (
        reminders.reminder_send_start(
            actor=actor, campaign=pacts.campaign, unit=world.unit_a, next_url="/"
        )
        for _ in range(2)
    )
    job_run.call(first.code)
    job_run.call(second.code)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("done", "failed")
    assert "1 jam" in second.message
    assert recipients() == ["siti@example.go.id"]
    assert ReminderRound.objects.count() == 1


def test_a_closed_or_draft_campaign_sends_no_reminder(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(pacts.world.employee_a, "siti@example.go.id")
    client.force_login(pacts.world.admin)
    unit = pacts.world.unit_a.code
    services.campaign_close(actor=SYSTEM, campaign=pacts.campaign)
    response = send_post(client, pacts.campaign, unit, django_capture_on_commit_callbacks)
    assert "hanya dapat dikirim selama kegiatan penandatanganan dibuka" in response.content.decode()
    page = client.get(send_url(pacts.campaign), {"unit": unit}).content.decode()
    assert "hanya dapat dikirim selama kegiatan penandatanganan dibuka" in page
    assert "reminder-confirm" not in page
    Campaign.objects.filter(pk=pacts.campaign.pk).update(status=Campaign.Status.DRAFT)
    send_post(client, pacts.campaign, unit, django_capture_on_commit_callbacks)
    assert outbox() == [] and not ReminderRound.objects.exists() and reminder_jobs() == []


def test_a_round_reports_its_progress_as_it_sends(
    pacts: Pacts, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, campaign = pacts.world, pacts.campaign
    for number in range(25):
        with_email(employee_make(world.unit_b, f"Pegawai {number}"), f"p{number}@example.go.id")
    services.campaign_open(actor=SYSTEM, campaign=campaign)
    monkeypatch.setattr(reminders, "CLAIM_CHUNK", 10)
    monkeypatch.setattr(reminders, "PROGRESS_EVERY", 4)
    reported: list[int] = []
    result = reminders.reminder_round_run(due_round(campaign), progress=reported.append)
    assert result.sent == 25
    assert reported == sorted(reported) and reported[-1] == 100
    assert len({percent for percent in reported if 0 < percent < 100}) >= 3


# Two runs at once

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises the writers of the two threads"
)


def at_once(*calls: Callable[[], object]) -> None:
    """Run the calls in threads released together; raise what any of them raised."""
    start = threading.Barrier(len(calls))
    problems: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait()
            call()
        except BaseException as problem:  # reported below, in the test's thread
            problems.append(problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_exactly_once(
    pacts: Pacts, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, campaign = pacts.world, pacts.campaign
    for number in range(120):
        with_email(employee_make(world.unit_b, f"Pegawai {number}"), f"p{number}@example.go.id")
    services.campaign_open(actor=SYSTEM, campaign=campaign)
    due_round(campaign)
    monkeypatch.setattr(reminders, "CLAIM_CHUNK", 7)
    at_once(reminders.reminders_send_due, reminders.reminders_send_due)
    sent = recipients()
    assert len(sent) == len(set(sent)) == 120
    assert ReminderDelivery.objects.filter(status="sent").count() == 120
    assert ReminderRound.objects.get().status == ReminderRound.Status.DONE


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_jobs_started_at_once_for_a_unit_send_each_reminder_once(
    pacts: Pacts, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    world, campaign = pacts.world, pacts.campaign
    for number in range(120):
        with_email(
            employee_make(world.unit_a_child, f"Guru {number}"), f"guru{number}@example.go.id"
        )
    services.campaign_open(actor=SYSTEM, campaign=campaign)
    monkeypatch.setattr(reminders, "CLAIM_CHUNK", 7)
    queues = ["default", "messages"]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": queues}
    }
    actor = Actor(user=world.coordinator_a, label="koordinator")
    # Both pass the check at the start: neither has made its round yet.
    jobs = [
        reminders.reminder_send_start(
            actor=actor, campaign=campaign, unit=world.unit_a, next_url="/"
        )
        for _ in range(2)
    ]
    at_once(*(lambda code=job.code: job_run.call(code) for job in jobs))
    # The messages the jobs queued go out as the worker would send them.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": queues}
    }
    sent = recipients()
    assert len(sent) == len(set(sent)) == 120
    assert ReminderRound.objects.get().status == ReminderRound.Status.DONE
    assert sorted(
        Job.objects.filter(kind=reminders.REMINDER_JOB).values_list("status", flat=True)
    ) == [
        "done",
        "failed",
    ]


def test_the_schedule_page_lists_the_rounds_with_their_counts(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    with_email(pacts.world.employee_a, "siti@example.go.id")
    client.force_login(pacts.world.admin)
    send_post(client, pacts.campaign, pacts.world.unit_a.code, django_capture_on_commit_callbacks)
    response = client.get(
        reverse("monitoring:reminder_schedule", kwargs={"code": pacts.campaign.code})
    )
    reminder = ReminderRound.objects.get()
    row = response.content.decode().split(f'data-testid="round-{reminder.code}"')[1]
    assert pacts.world.unit_a.name in row.split("</tr>")[0]
    assert "<td>1</td><td>0</td><td>0</td>" in row.split("</tr>")[0]


def test_a_coordinator_with_only_a_phone_gets_the_digest_on_whatsapp(
    pacts: Pacts, settings: Any, tmp_path: Any
) -> None:
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    world, campaign = pacts.world, pacts.campaign
    User.objects.filter(pk=world.coordinator_a.pk).update(email="", phone="6281355556666")
    services.campaign_open(actor=SYSTEM, campaign=campaign)
    due_round(campaign, include_digest=True)
    reminders.reminders_send_due()
    messages_resume()  # what the worker sends once the round commits
    to_coordinator = [sent for sent in outbox_read() if sent["to"] == "6281355556666"]
    assert [sent["channel"] for sent in to_coordinator] == ["whatsapp"]
    assert world.employee_a.name in to_coordinator[0]["text"]
