"""Each channel's adapter against a local server that checks the exact request and answers as
the provider documents: success, error, rate limit, timeout; then the status and the retries."""

import datetime
import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from netral.base.messaging import (
    Route,
    message_queue,
    message_send,
    messages_purge,
    messages_resume,
    outbox_read,
    phone_normalise,
)
from netral.base.models import Message
from tests.messaging.provider import Answer, Provider

pytestmark = pytest.mark.django_db

TOKEN = "EAAtest-token"
NUMBER_ID = "106540352242922"


@pytest.fixture
def provider() -> Iterator[Provider]:
    with Provider() as running:
        yield running


@pytest.fixture
def whatsapp(settings: Any, provider: Provider) -> Provider:
    settings.NETRAL_WHATSAPP_BACKEND = "cloud"
    settings.NETRAL_WHATSAPP_BASE_URL = provider.url
    settings.NETRAL_WHATSAPP_API_VERSION = "v23.0"
    settings.NETRAL_WHATSAPP_PHONE_NUMBER_ID = NUMBER_ID
    settings.NETRAL_WHATSAPP_TOKEN = TOKEN
    settings.NETRAL_WHATSAPP_TEMPLATE_CODE = "netral_kode"
    settings.NETRAL_WHATSAPP_LANGUAGE = "id"
    return provider


@pytest.fixture
def sms(settings: Any, provider: Provider) -> Provider:
    settings.NETRAL_SMS_BACKEND = "http"
    settings.NETRAL_SMS_URL = f"{provider.url}/api/send"
    settings.NETRAL_SMS_METHOD = "POST"
    settings.NETRAL_SMS_CONTENT_TYPE = "form"
    settings.NETRAL_SMS_TEMPLATE = "userkey=u1&to={to}&message={message}"
    settings.NETRAL_SMS_HEADERS = json.dumps({"X-Api-Key": "kunci-rahasia"})
    settings.NETRAL_SMS_NUMBER_FORMAT = "62"
    settings.NETRAL_SMS_SUCCESS_STATUS = [200]
    settings.NETRAL_SMS_SUCCESS_MATCH = r'"status"\s*:\s*"?(0|success)'
    settings.NETRAL_SMS_ID_MATCH = r'"messageId"\s*:\s*"([^"]+)"'
    return provider


def code_message(channel: str, recipient: str, *fallbacks: Route) -> Message:
    message = message_queue(
        routes=[Route(channel, recipient), *fallbacks],
        purpose="tests.code",
        subject="Kode Anda: 482913",
        text="Kode Anda untuk menandatangani pakta adalah 482913.",
        template=Message.Template.CODE,
        parameters=["482913"],
    )
    assert message is not None
    return message


def fresh(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)


def make_due(message: Message) -> None:
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


WHATSAPP_OK = Answer(
    200,
    {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "6281234567890", "wa_id": "6281234567890"}],
        "messages": [{"id": "wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjA="}],
    },
)


def whatsapp_error(status: int, code: int, message: str, subcode: int = 2494010) -> Answer:
    return Answer(
        status,
        {
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "error_subcode": subcode,
                "fbtrace_id": "Az8or2yhqkZfEZ-_4Qn_Bam",
            }
        },
    )


def test_whatsapp_sends_the_code_as_an_authentication_template(whatsapp: Provider) -> None:
    whatsapp.answer(WHATSAPP_OK)
    message = code_message(Message.Channel.WHATSAPP, "6281234567890")
    message_send.call(message.code)
    [request] = whatsapp.requests
    assert request.method == "POST"
    assert request.path == f"/v23.0/{NUMBER_ID}/messages"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "netral_kode",
            "language": {"code": "id"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": "482913"}]},
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": "0",
                    "parameters": [{"type": "text", "text": "482913"}],
                },
            ],
        },
    }
    sent = fresh(message)
    assert sent.status == Message.Status.SENT
    assert sent.provider_id == "wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjA="
    assert sent.attempts == 1
    # The code is not kept once the message is out.
    assert (sent.subject, sent.text, sent.parameters) == ("", "", [])


def test_whatsapp_text_messages_use_the_text_template(whatsapp: Provider, settings: Any) -> None:
    settings.NETRAL_WHATSAPP_TEMPLATE_TEXT = "netral_pesan"
    whatsapp.answer(WHATSAPP_OK)
    message = message_queue(
        routes=[Route(Message.Channel.WHATSAPP, "6281234567890")],
        purpose="tests.text",
        subject="",
        text="Pengingat: tanda tangani pakta.",
    )
    assert message is not None
    message_send.call(message.code)
    template = whatsapp.requests[0].json()["template"]
    assert template["name"] == "netral_pesan"
    assert template["components"] == [
        {
            "type": "body",
            "parameters": [{"type": "text", "text": "Pengingat: tanda tangani pakta."}],
        }
    ]


def test_a_whatsapp_rate_limit_is_tried_again_later(whatsapp: Provider) -> None:
    whatsapp.answer(
        whatsapp_error(429, 130429, "Rate limit hit"),
        whatsapp_error(400, 131056, "(Business Account, Consumer Account) pair rate limit hit"),
        WHATSAPP_OK,
    )
    message = code_message(Message.Channel.WHATSAPP, "6281234567890")
    before = timezone.now()
    message_send.call(message.code)
    waiting = fresh(message)
    assert waiting.status == Message.Status.QUEUED
    assert waiting.attempts == 1
    assert "130429" in waiting.last_error and "Az8or2yhqkZfEZ" in waiting.last_error
    assert waiting.next_attempt_at >= before + datetime.timedelta(seconds=10)
    assert waiting.text  # kept for the next try
    message_send.call(message.code)  # not due yet: the worker leaves it alone
    assert len(whatsapp.requests) == 1
    make_due(message)
    message_send.call(message.code)
    again = fresh(message)
    assert again.status == Message.Status.QUEUED and again.attempts == 2
    assert again.next_attempt_at - again.last_attempt_at >= datetime.timedelta(seconds=40)
    make_due(message)
    message_send.call(message.code)
    assert fresh(message).status == Message.Status.SENT
    assert fresh(message).attempts == 3


def test_an_invalid_whatsapp_recipient_fails_at_once_and_falls_back_to_sms(
    whatsapp: Provider, settings: Any
) -> None:
    settings.NETRAL_SMS_BACKEND = "outbox"
    whatsapp.answer(whatsapp_error(400, 131026, "Message undeliverable"))
    message = code_message(
        Message.Channel.WHATSAPP, "6281234567890", Route(Message.Channel.SMS, "6281234567890")
    )
    message_send.call(message.code)
    failed = fresh(message)
    assert failed.status == Message.Status.FAILED
    assert failed.attempts == 1
    assert "131026" in failed.last_error
    assert (failed.subject, failed.text, failed.parameters) == ("", "", [])
    fallback = Message.objects.exclude(pk=message.pk).get()
    assert fallback.channel == Message.Channel.SMS
    assert fallback.fallbacks == []
    message_send.call(fallback.code)
    [sent] = outbox_read()
    assert sent["channel"] == "sms" and "482913" in sent["text"]


def test_a_whatsapp_server_error_is_retried_and_a_bad_token_is_not(whatsapp: Provider) -> None:
    whatsapp.answer(
        whatsapp_error(500, 131000, "Something went wrong"),
        whatsapp_error(401, 190, "Error validating access token"),
    )
    message = code_message(Message.Channel.WHATSAPP, "6281234567890")
    message_send.call(message.code)
    assert fresh(message).status == Message.Status.QUEUED
    make_due(message)
    message_send.call(message.code)
    assert fresh(message).status == Message.Status.FAILED
    assert "190" in fresh(message).last_error


def test_a_provider_that_does_not_answer_in_time_is_tried_again_then_given_up(
    whatsapp: Provider, settings: Any
) -> None:
    settings.NETRAL_MESSAGE_TIMEOUT = 0.3
    settings.NETRAL_MESSAGE_ATTEMPTS = 2
    whatsapp.answer(Answer(delay=1.0), Answer(delay=1.0))
    message = code_message(Message.Channel.WHATSAPP, "6281234567890")
    message_send.call(message.code)
    waiting = fresh(message)
    assert waiting.status == Message.Status.QUEUED
    assert waiting.last_error == "no answer in time"
    make_due(message)
    message_send.call(message.code)
    given_up = fresh(message)
    assert given_up.status == Message.Status.FAILED
    assert given_up.attempts == 2
    assert given_up.text == ""
    assert len(whatsapp.requests) == 2


def test_whatsapp_without_credentials_fails_without_a_request(
    whatsapp: Provider, settings: Any
) -> None:
    settings.NETRAL_WHATSAPP_TOKEN = ""
    message = code_message(Message.Channel.WHATSAPP, "6281234567890")
    message_send.call(message.code)
    assert fresh(message).status == Message.Status.FAILED
    assert "NETRAL_WHATSAPP_TOKEN" in fresh(message).last_error
    assert not whatsapp.requests


def test_sms_posts_the_form_the_gateway_asks_for(sms: Provider) -> None:
    sms.answer(Answer(200, {"status": "0", "messageId": "SMS-77120", "text": "Success"}))
    message = code_message(Message.Channel.SMS, "6281234567890")
    message_send.call(message.code)
    [request] = sms.requests
    assert request.method == "POST"
    assert request.path == "/api/send"
    assert request.headers["x-api-key"] == "kunci-rahasia"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert urllib.parse.parse_qs(request.body.decode()) == {
        "userkey": ["u1"],
        "to": ["6281234567890"],
        "message": ["Kode Anda untuk menandatangani pakta adalah 482913."],
    }
    sent = fresh(message)
    assert sent.status == Message.Status.SENT
    assert sent.provider_id == "SMS-77120"
    assert sent.text == ""


def test_sms_posts_json_with_the_text_escaped(sms: Provider, settings: Any) -> None:
    settings.NETRAL_SMS_CONTENT_TYPE = "json"
    settings.NETRAL_SMS_TEMPLATE = (
        '{"destination": "{to}", "text": "{message}", "sender": "PEMKAB"}'
    )
    settings.NETRAL_SMS_NUMBER_FORMAT = "0"
    sms.answer(Answer(200, {"status": "success", "messageId": "ab-1"}))
    message = message_queue(
        routes=[Route(Message.Channel.SMS, "6281234567890")],
        purpose="tests.text",
        subject="",
        text='Kode "482913"\nJangan bagikan & {to}',
    )
    assert message is not None
    message_send.call(message.code)
    [request] = sms.requests
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "destination": "081234567890",
        "text": 'Kode "482913"\nJangan bagikan & {to}',
        "sender": "PEMKAB",
    }
    assert fresh(message).status == Message.Status.SENT


def test_sms_by_get_puts_the_values_in_the_query(sms: Provider, settings: Any) -> None:
    settings.NETRAL_SMS_METHOD = "GET"
    settings.NETRAL_SMS_URL = f"{sms.url}/sms.php?key=abc&nohp={{to}}"
    settings.NETRAL_SMS_TEMPLATE = "pesan={message}"
    settings.NETRAL_SMS_NUMBER_FORMAT = "+62"
    settings.NETRAL_SMS_SUCCESS_MATCH = r"^OK"
    settings.NETRAL_SMS_ID_MATCH = r"^OK (\d+)"
    sms.answer(Answer(200, "OK 5521"))
    message = code_message(Message.Channel.SMS, "6281234567890")
    message_send.call(message.code)
    [request] = sms.requests
    assert request.method == "GET"
    path, query = request.path.split("?")
    assert path == "/sms.php"
    assert urllib.parse.parse_qs(query) == {
        "key": ["abc"],
        "nohp": ["+6281234567890"],
        "pesan": ["Kode Anda untuk menandatangani pakta adalah 482913."],
    }
    assert fresh(message).provider_id == "5521"


def test_an_sms_gateway_refusal_in_a_200_answer_fails_for_good(sms: Provider) -> None:
    sms.answer(Answer(200, {"status": "1", "text": "Saldo tidak cukup"}))
    message = code_message(Message.Channel.SMS, "6281234567890")
    message_send.call(message.code)
    failed = fresh(message)
    assert failed.status == Message.Status.FAILED
    assert "Saldo tidak cukup" in failed.last_error


def test_an_sms_gateway_that_is_busy_is_tried_again(sms: Provider) -> None:
    sms.answer(Answer(503, "Service Unavailable", headers={"Retry-After": "120"}))
    message = code_message(Message.Channel.SMS, "6281234567890")
    message_send.call(message.code)
    waiting = fresh(message)
    assert waiting.status == Message.Status.QUEUED
    assert waiting.next_attempt_at - waiting.last_attempt_at >= datetime.timedelta(seconds=120)


def test_email_goes_through_django_mail(settings: Any) -> None:
    settings.NETRAL_MAIL_BACKEND = "django"
    message = code_message(Message.Channel.EMAIL, "siti@example.go.id")
    message_send.call(message.code)
    [sent] = mail.outbox
    assert sent.to == ["siti@example.go.id"]
    assert sent.subject == "Kode Anda: 482913"
    assert "482913" in sent.body
    assert fresh(message).status == Message.Status.SENT
    assert fresh(message).provider_id == sent.extra_headers["Message-ID"]


def test_the_console_backend_prints_the_message(settings: Any, capsys: Any) -> None:
    settings.NETRAL_WHATSAPP_BACKEND = "console"
    message = code_message(Message.Channel.WHATSAPP, "6281234567890")
    message_send.call(message.code)
    printed = capsys.readouterr().out
    assert "WhatsApp → 6281234567890" in printed
    assert "482913" in printed
    assert fresh(message).status == Message.Status.SENT


def test_a_channel_turned_off_fails_its_messages(settings: Any) -> None:
    settings.NETRAL_SMS_BACKEND = "off"
    message = code_message(Message.Channel.SMS, "6281234567890")
    message_send.call(message.code)
    assert fresh(message).status == Message.Status.FAILED


def test_a_message_is_sent_once_whoever_runs_the_task(settings: Any) -> None:
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    message = code_message(Message.Channel.WHATSAPP, "6281234567890")
    message_send.call(message.code)
    message_send.call(message.code)
    assert len(outbox_read()) == 1


def test_stalled_and_lost_messages_are_queued_again(settings: Any) -> None:
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    stalled = code_message(Message.Channel.WHATSAPP, "6281234567890")
    Message.objects.filter(pk=stalled.pk).update(
        status=Message.Status.SENDING,
        last_attempt_at=timezone.now() - datetime.timedelta(minutes=30),
    )
    code_message(Message.Channel.WHATSAPP, "6281234567891")  # its task was lost
    # Tasks run in place here: resuming sends both.
    assert messages_resume() == 2
    assert {record["to"] for record in outbox_read()} == {"6281234567890", "6281234567891"}


def test_old_messages_are_purged_but_not_those_on_their_way(settings: Any) -> None:
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    done = code_message(Message.Channel.WHATSAPP, "6281234567890")
    message_send.call(done.code)
    waiting = code_message(Message.Channel.WHATSAPP, "6281234567891")
    old = timezone.now() - datetime.timedelta(days=settings.NETRAL_MESSAGE_KEEP_DAYS + 1)
    Message.objects.update(created_at=old)
    assert messages_purge() == 1
    assert list(Message.objects.values_list("pk", flat=True)) == [waiting.pk]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("62812.3456.789", "628123456789"),
        ("'081234567890", "6281234567890"),
        ("(0812) 345 678", "62812345678"),
        ("81234567890", "6281234567890"),
        ("021 5551234", None),  # a landline: neither WhatsApp nor SMS
        ("0812", None),
        ("08123456789012345", None),
        ("tidak ada", None),
        ("0812abc4567", None),
        ("", None),
        ("".join(chr(0xFF10 + int(d)) for d in "081234567890"), None),  # full-width digits
    ],
)
def test_phone_numbers_are_normalised_to_62(raw: str, expected: str | None) -> None:
    assert phone_normalise(raw) == expected


@pytest.fixture(autouse=True)
def outbox_folder(settings: Any, tmp_path: Any) -> None:
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
