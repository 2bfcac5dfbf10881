"""WhatsApp's status webhook: only Meta's signed calls count, and they mark what reached the
phone or failed after it was accepted."""

import hashlib
import hmac
import json
from typing import Any

import pytest
from django.test import Client

from netral.base.messaging import Route, message_queue
from netral.base.models import Message

pytestmark = pytest.mark.django_db

URL = "/pesan/whatsapp/"
SECRET = "app-secret-for-tests"


@pytest.fixture(autouse=True)
def webhook(settings: Any) -> None:
    settings.NETRAL_WHATSAPP_APP_SECRET = SECRET
    settings.NETRAL_WHATSAPP_VERIFY_TOKEN = "token-verifikasi"


def sent(provider_id: str) -> Message:
    message = message_queue(
        routes=[Route(Message.Channel.WHATSAPP, "6281234567890")],
        purpose="tests",
        subject="",
        text="",
    )
    assert message is not None
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, provider_id=provider_id
    )
    return message


def call(payload: dict[str, Any], *, secret: str = SECRET) -> Any:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return Client().post(
        URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
    )


def statuses(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"phone_number_id": "106540352242922"},
                            "statuses": list(items),
                        },
                    }
                ],
            }
        ],
    }


def test_meta_subscribes_with_the_verify_token() -> None:
    answer = Client().get(
        URL,
        {"hub.mode": "subscribe", "hub.verify_token": "token-verifikasi", "hub.challenge": "42"},
    )
    assert answer.status_code == 200 and answer.content == b"42"
    wrong = Client().get(
        URL, {"hub.mode": "subscribe", "hub.verify_token": "tebakan", "hub.challenge": "42"}
    )
    assert wrong.status_code == 403


def test_delivered_and_failed_statuses_are_recorded() -> None:
    delivered, failed, other = sent("wamid.A"), sent("wamid.B"), sent("wamid.C")
    answer = call(
        statuses(
            {"id": "wamid.A", "status": "delivered", "recipient_id": "6281234567890"},
            {
                "id": "wamid.B",
                "status": "failed",
                "errors": [
                    {
                        "code": 131026,
                        "title": "Message undeliverable",
                        "error_data": {"details": "Receiver is not a WhatsApp user"},
                    }
                ],
            },
            {"id": "wamid.unknown", "status": "read"},
        )
    )
    assert answer.status_code == 200
    delivered.refresh_from_db()
    failed.refresh_from_db()
    other.refresh_from_db()
    assert delivered.delivered_at is not None and delivered.status == Message.Status.SENT
    assert failed.status == Message.Status.FAILED
    assert "131026" in failed.last_error and "not a WhatsApp user" in failed.last_error
    assert other.delivered_at is None and other.status == Message.Status.SENT


def test_a_call_not_signed_with_the_app_secret_changes_nothing() -> None:
    message = sent("wamid.A")
    payload = statuses({"id": "wamid.A", "status": "failed", "errors": [{"code": 1}]})
    assert call(payload, secret="bukan-rahasianya").status_code == 403
    unsigned = Client().post(URL, json.dumps(payload), content_type="application/json")
    assert unsigned.status_code == 403
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_a_signed_call_that_is_not_json_is_refused() -> None:
    body = b"not json"
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = Client().post(
        URL, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
    )
    assert answer.status_code == 400


def test_without_an_app_secret_there_is_no_webhook(settings: Any) -> None:
    settings.NETRAL_WHATSAPP_APP_SECRET = ""
    assert Client().post(URL, b"{}", content_type="application/json").status_code == 404
