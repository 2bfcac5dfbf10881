"""The ceremony code through the messaging layer: WhatsApp or SMS for staff without e-mail, sent
by the worker after the request, the channel named on the page but never the address, and a
limited "send again"."""

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from netral.base.messaging import outbox_read
from netral.base.models import AuditEntry, Message, ThrottleCount
from netral.pacts.models import Signature
from tests.conftest import Pacts

PHONE = "0812-3456-7890"


@pytest.fixture(autouse=True)
def channels(settings: Any, tmp_path: Any) -> None:
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    settings.NETRAL_SMS_BACKEND = "outbox"
    settings.NETRAL_MAIL_BACKEND = "outbox"


def phone_only(pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    employee.phone, employee.email = PHONE, ""
    employee.save()


def ask(client: Client, pacts: Pacts, *, run: bool = True) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=run):
        return client.post(
            reverse("pacts:ceremony", args=[pacts.campaign.code]),
            {"identifier": pacts.world.employee_b.nip},
        )


def code_from_outbox(index: int = -1) -> str:
    found = re.search(r"\b(\d{6})\b", outbox_read()[index]["text"])
    assert found is not None
    return found.group(1)


# Committed for real: the worker's loop drops a connection left inside a transaction.
@pytest.mark.django_db(transaction=True)
def test_an_employee_with_a_phone_and_no_email_gets_the_code_from_the_worker_and_signs(
    client: Client, pacts: Pacts, settings: Any
) -> None:
    phone_only(pacts)
    # The real worker: the database task backend and `netral db_worker` on the messages queue.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "messages"],
        }
    }
    response = ask(client, pacts)
    assert response["Location"] == reverse("pacts:ceremony_code", args=[pacts.campaign.code])
    # Nothing went inside the request: the message waits for the worker.
    message = Message.objects.get()
    assert (message.channel, message.recipient, message.status) == (
        Message.Channel.WHATSAPP,
        "6281234567890",
        Message.Status.QUEUED,
    )
    assert outbox_read() == []
    call_command(
        "db_worker", "--batch", "--queue-name", "messages", "--no-startup-delay", "--no-reload"
    )
    [sent] = outbox_read()
    assert sent["channel"] == "whatsapp" and sent["to"] == "6281234567890"
    assert sent["template"] == "code"
    code = code_from_outbox()
    assert sent["parameters"] == [code]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert code not in message.text + message.subject + str(message.parameters)
    code_url = reverse("pacts:ceremony_code", args=[pacts.campaign.code])
    response = client.post(code_url, {"code": code})
    sign_url = reverse("pacts:ceremony_sign", args=[pacts.campaign.code])
    assert response["Location"] == sign_url
    client.post(sign_url, {"typed_name": "Bambang Sutrisno, S.Kep.", "consent": "on"})
    signature = Signature.objects.get()
    assert signature.employee == pacts.world.employee_b
    assert signature.channel == Signature.Channel.CEREMONY
    entry = AuditEntry.objects.get(action="pacts.ceremony_code.sent")
    assert entry.data == {"campaign": pacts.campaign.code, "channel": "whatsapp"}


def test_the_code_page_names_the_channel_and_never_the_number_or_address(
    client: Client, pacts: Pacts
) -> None:
    phone_only(pacts)
    pacts.world.employee_b.email = "bambang.s@example.go.id"
    pacts.world.employee_b.save()
    ask(client, pacts)
    page = client.get(reverse("pacts:ceremony_code", args=[pacts.campaign.code]))
    text = page.content.decode()
    assert "lewat WhatsApp" in text
    for shown in ("6281234567890", "0812", "3456", "7890", "example.go.id", "bambang.s"):
        assert shown not in text


def test_the_agency_chooses_the_channels_and_their_order(client: Client, pacts: Pacts) -> None:
    phone_only(pacts)
    employee, agency = pacts.world.employee_b, pacts.world.agency
    employee.email = "bambang.s@example.go.id"
    employee.save()
    agency.message_phone_first = False
    agency.save()
    ask(client, pacts)
    assert outbox_read()[-1]["channel"] == "email"
    agency.message_phone_first, agency.message_whatsapp = True, False
    agency.save()
    ThrottleCount.objects.all().delete()
    second = Client()
    ask(second, pacts)
    assert outbox_read()[-1]["channel"] == "sms"
    assert outbox_read()[-1]["to"] == "6281234567890"
    page = second.get(reverse("pacts:ceremony_code", args=[pacts.campaign.code]))
    assert "lewat SMS" in page.content.decode()


def test_without_a_usable_channel_the_employee_is_sent_to_the_coordinator(
    client: Client, pacts: Pacts
) -> None:
    phone_only(pacts)
    agency = pacts.world.agency
    agency.message_whatsapp = agency.message_sms = False
    agency.save()
    response = ask(client, pacts)
    assert response.status_code == 200
    assert "kode cetak" in response.content.decode()
    assert not Message.objects.exists()


def test_send_again_is_limited_per_person(client: Client, pacts: Pacts) -> None:
    phone_only(pacts)
    ask(client, pacts)
    resend = reverse("pacts:ceremony_resend", args=[pacts.campaign.code])
    code_url = reverse("pacts:ceremony_code", args=[pacts.campaign.code])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(resend, follow=True)
    assert "sekali semenit" in response.content.decode()
    assert len(outbox_read()) == 1
    # A minute later it goes, and the newest code is the one that works.
    for sent in range(2, 6):
        ThrottleCount.objects.filter(purpose="ceremony-send-minute").delete()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(resend, follow=True)
        assert "Kode baru sudah dikirim" in response.content.decode()
        assert len(outbox_read()) == sent
    # Five in the hour: a sixth waits, whatever the minute.
    ThrottleCount.objects.filter(purpose="ceremony-send-minute").delete()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(resend, follow=True)
    assert "lima kali sejam" in response.content.decode()
    assert len(outbox_read()) == 5
    # The same NIP typed again on another phone sends nothing more, and still leads on.
    with TestCase.captureOnCommitCallbacks(execute=True):
        other = Client().post(
            reverse("pacts:ceremony", args=[pacts.campaign.code]),
            {"identifier": pacts.world.employee_b.nip},
        )
    assert other["Location"] == code_url
    assert len(outbox_read()) == 5
    response = client.post(code_url, {"code": code_from_outbox()})
    assert response["Location"] == reverse("pacts:ceremony_sign", args=[pacts.campaign.code])


def test_send_again_needs_a_pending_employee(client: Client, pacts: Pacts) -> None:
    response = client.post(reverse("pacts:ceremony_resend", args=[pacts.campaign.code]))
    assert response["Location"] == reverse("pacts:ceremony", args=[pacts.campaign.code])
    assert not Message.objects.exists()
    resend = reverse("pacts:ceremony_resend", args=[pacts.campaign.code])
    assert client.get(resend).status_code == 405
