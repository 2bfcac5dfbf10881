"""Messages to people, one way: a caller queues a `Message` on the first usable route (a channel
and an address) with `message_queue`; the task worker sends it with the channel's backend,
retries what may pass later and, when a route fails for good, tries the next one.

Channels and their backends (settings NETRAL_MAIL_BACKEND, NETRAL_WHATSAPP_BACKEND,
NETRAL_SMS_BACKEND): e-mail through Django's mail, WhatsApp through the WhatsApp Business Cloud
API, SMS through an HTTP gateway configured by the operator; `console` prints a message (the
demo), `outbox` writes it as a JSON file (tests, benchmarks), `off` disables the channel."""

from __future__ import annotations

import json
import logging
import os
import re
import smtplib
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from netral.base.models import Message

logger = logging.getLogger(__name__)

Channel = Message.Channel

# --- addresses ---------------------------------------------------------------------------------

PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")


def phone_normalise(raw: str) -> str | None:
    """An Indonesian mobile number as 62…, from 0812…, +62 812…, 62812… or 812… with spaces,
    dashes or dots; None for anything that is not one."""
    text = PHONE_SEPARATORS.sub("", raw.strip().lstrip("'"))
    if text.startswith("+"):
        text = text[1:]
    if not text.isdigit() or not text.isascii():
        return None
    if text.startswith("0"):
        text = "62" + text[1:]
    elif text.startswith("8"):
        text = "62" + text
    # 62 8xx: a mobile number has 9 to 12 digits after the country code.
    if not text.startswith("628") or not 11 <= len(text) <= 14:
        return None
    return text


@dataclass(frozen=True)
class Route:
    channel: str
    recipient: str  # an e-mail address, or a number as 62…


def message_routes(*, email: str, phone: str, channels: Sequence[str]) -> list[Route]:
    """The routes to a person with this e-mail and phone, in the order of `channels`, leaving
    out channels that are off on this server and addresses that are not usable."""
    number = phone_normalise(phone) if phone else None
    address = email.strip() if email and "@" in email else ""
    routes: list[Route] = []
    for channel in channels:
        if not channel_enabled(channel):
            continue
        if channel == Channel.EMAIL and address:
            routes.append(Route(channel, address))
        elif channel in {Channel.WHATSAPP, Channel.SMS} and number:
            routes.append(Route(channel, number))
    return routes


# --- backends ----------------------------------------------------------------------------------


class DeliveryError(Exception):
    """The provider did not take the message; `retryable` when a later try may pass."""

    def __init__(self, message: str, *, retryable: bool, retry_after: int = 0) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class Backend(Protocol):
    def send(self, message: Message) -> str:
        """Hand the message over; returns the provider's id for it, or raises DeliveryError."""


class ConsoleBackend:
    """Prints the message: the demo shows its codes in its own output."""

    def send(self, message: Message) -> str:
        label = Message.Channel(message.channel).label
        sys.stdout.write(
            f"\n----- {label} → {message.recipient} ({message.purpose}) -----\n"
            f"{message.subject + chr(10) if message.subject else ''}{message.text}\n"
            f"-----\n"
        )
        sys.stdout.flush()
        return f"console-{message.code}"


class OutboxBackend:
    """One JSON file per message in NETRAL_MESSAGE_OUTBOX, for tests and benchmarks."""

    def send(self, message: Message) -> str:
        folder = Path(settings.NETRAL_MESSAGE_OUTBOX)
        folder.mkdir(parents=True, exist_ok=True)
        record = {
            "message": message.code,
            "purpose": message.purpose,
            "channel": message.channel,
            "to": message.recipient,
            "subject": message.subject,
            "text": message.text,
            "template": message.template,
            "parameters": message.parameters,
            "at": timezone.now().isoformat(),
        }
        # Written beside its name and renamed over it: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(record, file, ensure_ascii=False)
        os.replace(temporary, folder / f"{time.time_ns()}-{message.code}.json")
        return f"outbox-{message.code}"


def outbox_read(folder: str | Path | None = None) -> list[dict[str, Any]]:
    """The outbox's messages, oldest first."""
    path = Path(folder or settings.NETRAL_MESSAGE_OUTBOX)
    if not path.is_dir():
        return []
    return [
        json.loads(file.read_text(encoding="utf-8"))
        for file in sorted(path.glob("*.json"), key=lambda file: file.name)
    ]


class DjangoMailBackend:
    """E-mail through Django's mail (EMAIL_BACKEND: SMTP in production)."""

    def send(self, message: Message) -> str:
        message_id = make_msgid(domain="netral")
        mail = EmailMessage(
            subject=message.subject,
            body=message.text,
            to=[message.recipient],
            headers={"Message-ID": message_id},
        )
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"recipient refused: {error}", retryable=False) from error
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"mail server: {error}", retryable=True) from error
        return message_id


MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: bytes
    headers: Mapping[str, str]

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http_request(
    method: str, url: str, *, headers: Mapping[str, str], body: bytes | None = None
) -> HttpAnswer:
    """One HTTP request to a provider; a timeout or a connection failure is a retryable
    DeliveryError, any answer (errors included) is returned."""
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise DeliveryError(f"not an http(s) address: {url[:80]}", retryable=False)
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, data=body, headers=dict(headers), method=method
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 (the scheme is checked above)
            request, timeout=settings.NETRAL_MESSAGE_TIMEOUT
        ) as response:
            body = response.read(MAX_RESPONSE_BYTES)
            return HttpAnswer(response.status, body, dict(response.headers.items()))
    except urllib.error.HTTPError as error:
        refusal = error  # an answer all the same: the provider says why below
    except TimeoutError as error:
        raise DeliveryError("no answer in time", retryable=True) from error
    except urllib.error.URLError as error:
        raise DeliveryError(f"cannot connect: {error.reason}", retryable=True) from error
    except OSError as error:  # a connection reset while reading
        raise DeliveryError(f"connection failed: {error}", retryable=True) from error
    try:
        body = refusal.read(MAX_RESPONSE_BYTES)
    except OSError:
        body = b""
    return HttpAnswer(refusal.code, body, dict(refusal.headers.items()))


def _retry_after(answer: HttpAnswer) -> int:
    value = answer.headers.get("Retry-After", "") if answer.headers else ""
    return int(value) if value.isdigit() else 0


# Cloud API error codes: throttling (4, 80007, 130429, 131056) and temporary trouble (1, 2,
# 131000, 131016) pass later; the others (131026: not a WhatsApp user, 190: the token, 132001:
# the template) do not.
WHATSAPP_RETRYABLE_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056}


class WhatsAppCloudBackend:
    """Template messages through the WhatsApp Business Cloud API:
    POST {base}/{version}/{phone number id}/messages with a bearer token."""

    def send(self, message: Message) -> str:
        token, number_id = settings.NETRAL_WHATSAPP_TOKEN, settings.NETRAL_WHATSAPP_PHONE_NUMBER_ID
        if not token or not number_id:
            raise DeliveryError(
                "NETRAL_WHATSAPP_TOKEN and NETRAL_WHATSAPP_PHONE_NUMBER_ID are not set",
                retryable=False,
            )
        base = settings.NETRAL_WHATSAPP_BASE_URL.rstrip("/")
        url = f"{base}/{settings.NETRAL_WHATSAPP_API_VERSION}/{number_id}/messages"
        answer = http_request(
            "POST",
            url,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            body=json.dumps(whatsapp_payload(message)).encode(),
        )
        try:
            data = json.loads(answer.body or b"{}")
        except ValueError:
            data = {}
        if answer.status == 200 and isinstance(data, dict) and data.get("messages"):
            return str(data["messages"][0].get("id", ""))
        error = data.get("error", {}) if isinstance(data, dict) else {}
        if not isinstance(error, dict):
            error = {}
        code = error.get("code")
        described = (
            f"HTTP {answer.status}, code {code}/{error.get('error_subcode', '-')}: "
            f"{error.get('message', answer.text()[:200])} (fbtrace {error.get('fbtrace_id', '-')})"
        )
        retryable = answer.status == 429 or answer.status >= 500 or code in WHATSAPP_RETRYABLE_CODES
        raise DeliveryError(described, retryable=retryable, retry_after=_retry_after(answer))


def whatsapp_payload(message: Message) -> dict[str, Any]:
    """The Cloud API's request body for a message: an authentication template for a code (the
    code also fills the copy-code button), else the text template with the text as its body."""
    values = [str(value) for value in message.parameters] or [message.text]
    components: list[dict[str, Any]] = [
        {"type": "body", "parameters": [{"type": "text", "text": value} for value in values]}
    ]
    if message.template == Message.Template.CODE:
        name = settings.NETRAL_WHATSAPP_TEMPLATE_CODE
        components.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": values[0]}],
            }
        )
    else:
        name = settings.NETRAL_WHATSAPP_TEMPLATE_TEXT
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.recipient,
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": settings.NETRAL_WHATSAPP_LANGUAGE},
            "components": components,
        },
    }


class HttpSmsBackend:
    """SMS through a generic HTTP gateway, as Indonesian gateways work: the URL, method, body
    (or query) with {to} and {message}, content type, headers and success check all come from
    the NETRAL_SMS_* settings."""

    def send(self, message: Message) -> str:
        if not settings.NETRAL_SMS_URL:
            raise DeliveryError("NETRAL_SMS_URL is not set", retryable=False)
        method, url, headers, body = sms_request(message.recipient, message.text)
        answer = http_request(method, url, headers=headers, body=body)
        text = answer.text()
        success = settings.NETRAL_SMS_SUCCESS_MATCH
        if answer.status in settings.NETRAL_SMS_SUCCESS_STATUS and (
            not success or re.search(success, text)
        ):
            found = (
                re.search(settings.NETRAL_SMS_ID_MATCH, text)
                if settings.NETRAL_SMS_ID_MATCH
                else None
            )
            return found.group(1) if found and found.groups() else ""
        retryable = answer.status == 429 or answer.status >= 500
        raise DeliveryError(
            f"HTTP {answer.status}: {text[:300]}",
            retryable=retryable,
            retry_after=_retry_after(answer),
        )


def sms_number(number: str) -> str:
    """A 62… number in the gateway's format (NETRAL_SMS_NUMBER_FORMAT: 62, +62 or 0)."""
    style = settings.NETRAL_SMS_NUMBER_FORMAT
    if style == "0":
        return "0" + number[2:]
    if style == "+62":
        return "+" + number
    return number


def sms_request(number: str, text: str) -> tuple[str, str, dict[str, str], bytes | None]:
    """The gateway request for one SMS: method, URL, headers and body."""
    method = settings.NETRAL_SMS_METHOD
    if method not in {"GET", "POST"}:
        raise ImproperlyConfigured("NETRAL_SMS_METHOD must be GET or POST")
    values = {"{to}": sms_number(number), "{message}": text}

    def filled(template: str, escape: Any) -> str:
        for placeholder, value in values.items():
            template = template.replace(placeholder, escape(value))
        return template

    def as_query(value: str) -> str:
        return urllib.parse.quote(value, safe="")

    def as_json(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)[1:-1]

    headers = dict(_sms_headers())
    url = filled(settings.NETRAL_SMS_URL, as_query)
    template = settings.NETRAL_SMS_TEMPLATE
    if method == "GET":
        if template:
            url += ("&" if "?" in url else "?") + filled(template, as_query)
        return method, url, headers, None
    if settings.NETRAL_SMS_CONTENT_TYPE == "json":
        headers.setdefault("Content-Type", "application/json")
        return method, url, headers, filled(template, as_json).encode()
    headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    return method, url, headers, filled(template, as_query).encode()


def _sms_headers() -> dict[str, str]:
    try:
        headers = json.loads(settings.NETRAL_SMS_HEADERS or "{}")
    except ValueError as error:
        raise ImproperlyConfigured("NETRAL_SMS_HEADERS must be a JSON object") from error
    if not isinstance(headers, dict):
        raise ImproperlyConfigured("NETRAL_SMS_HEADERS must be a JSON object")
    return {str(name): str(value) for name, value in headers.items()}


BACKENDS: dict[str, dict[str, type[Backend]]] = {
    Channel.EMAIL: {
        "django": DjangoMailBackend,
        "console": ConsoleBackend,
        "outbox": OutboxBackend,
    },
    Channel.WHATSAPP: {
        "cloud": WhatsAppCloudBackend,
        "console": ConsoleBackend,
        "outbox": OutboxBackend,
    },
    Channel.SMS: {"http": HttpSmsBackend, "console": ConsoleBackend, "outbox": OutboxBackend},
}
BACKEND_SETTINGS = {
    Channel.EMAIL: "NETRAL_MAIL_BACKEND",
    Channel.WHATSAPP: "NETRAL_WHATSAPP_BACKEND",
    Channel.SMS: "NETRAL_SMS_BACKEND",
}


def channel_backend(channel: str) -> Backend | None:
    """The channel's backend as configured, or None when the channel is off."""
    setting = BACKEND_SETTINGS[Channel(channel)]
    name = getattr(settings, setting)
    if name == "off":
        return None
    backend = BACKENDS[Channel(channel)].get(name)
    if backend is None:
        choices = " | ".join([*BACKENDS[Channel(channel)], "off"])
        raise ImproperlyConfigured(f"{setting} must be {choices}, not {name!r}")
    return backend()


def channel_enabled(channel: str) -> bool:
    return channel_backend(channel) is not None


# --- queueing and sending ----------------------------------------------------------------------


def message_queue(
    *,
    routes: Sequence[Route],
    purpose: str,
    subject: str,
    text: str,
    template: str = Message.Template.TEXT,
    parameters: Sequence[str] = (),
    agency: Any = None,  # an agencies.Agency, a layer above
) -> Message | None:
    """Queue a message on the first route, keeping the others for when it fails for good; it
    goes once the caller's transaction commits. None when there is no route."""
    message = message_build(
        routes=routes,
        purpose=purpose,
        subject=subject,
        text=text,
        template=template,
        parameters=parameters,
        agency=agency,
    )
    if message is None:
        return None
    message.save()
    message_saved(message)
    return message


def message_build(
    *,
    routes: Sequence[Route],
    purpose: str,
    subject: str,
    text: str,
    template: str = Message.Template.TEXT,
    parameters: Sequence[str] = (),
    agency: Any = None,
) -> Message | None:
    """`message_queue`'s message, not saved yet, for a caller that writes it with other rows
    in one statement (`bulk.insert_together`), then calls `message_saved`."""
    if not routes:
        return None
    first, *rest = routes
    return Message(
        agency=agency,
        purpose=purpose,
        channel=first.channel,
        recipient=first.recipient,
        subject=subject[:200],
        text=text,
        template=template,
        parameters=list(parameters),
        fallbacks=[[route.channel, route.recipient] for route in rest],
        next_attempt_at=timezone.now(),
    )


def message_saved(message: Message) -> None:
    """Send a message once the transaction that saved it commits (at once outside one)."""
    transaction.on_commit(lambda: message_send.enqueue(message.code))


RETRY_BASE_SECONDS = 10  # then 40 s, 160 s…: a code lives 15 minutes


def retry_delay(attempts: int, retry_after: int = 0) -> int:
    return max(RETRY_BASE_SECONDS * 4 ** max(attempts - 1, 0), min(retry_after, 3600))


# Blanked once a message is final: the content may hold a one-time code.
BLANK_CONTENT: dict[str, Any] = {"subject": "", "text": "", "parameters": []}


@task(queue_name="messages")
def message_send(code: str) -> None:
    """Send a queued message once it is due; a message taken by another worker is left alone."""
    message = _message_claim(code)
    if message is None:
        return
    try:
        backend = channel_backend(message.channel)
        if backend is None:
            raise DeliveryError("the channel is off on this server", retryable=False)
        provider_id = backend.send(message)
    except DeliveryError as error:
        _delivery_failed(message, error)
    except Exception as error:  # a bug or an outage of ours: tried again, never lost silently
        logger.exception("message %s (%s) could not be sent", message.code, message.channel)
        _delivery_failed(message, DeliveryError(f"{type(error).__name__}", retryable=True))
    else:
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.SENT,
            sent_at=timezone.now(),
            provider_id=provider_id[:200],
            last_error="",
            **BLANK_CONTENT,
        )


def _message_claim(code: str) -> Message | None:
    """Take a queued message that is due (now being sent, one attempt more) and read it, in one
    statement; None when it is not queued, not due, or another worker took it."""
    now = timezone.now()
    moment = connection.ops.adapt_datetimefield_value
    quote = connection.ops.quote_name
    column = {field.name: quote(field.column) for field in Message._meta.concrete_fields}
    taken = Message.objects.raw(
        # Names from _meta; every value is a parameter.
        f"UPDATE {quote(Message._meta.db_table)} SET {column['status']} = %s, "  # noqa: S608
        f"{column['attempts']} = {column['attempts']} + 1, {column['last_attempt_at']} = %s "
        f"WHERE {column['code']} = %s AND {column['status']} = %s "
        f"AND {column['next_attempt_at']} <= %s RETURNING *",
        [
            Message.Status.SENDING,
            moment(now),
            code,
            Message.Status.QUEUED,
            # A second of slack for a worker whose clock runs behind the one that deferred it.
            moment(now + timedelta(seconds=1)),
        ],
    )
    return next(iter(taken), None)


def _delivery_failed(message: Message, error: DeliveryError) -> None:
    logger.warning("message %s via %s: %s", message.code, message.channel, error)
    if error.retryable and message.attempts < settings.NETRAL_MESSAGE_ATTEMPTS:
        due = timezone.now() + timedelta(seconds=retry_delay(message.attempts, error.retry_after))
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.QUEUED, next_attempt_at=due, last_error=str(error)[:500]
        )
        _enqueue_at(message.code, due)
        return
    with transaction.atomic():
        if message.fallbacks:
            (channel, recipient), *rest = message.fallbacks
            message_queue(
                routes=[Route(channel, recipient)] + [Route(c, r) for c, r in rest],
                purpose=message.purpose,
                subject=message.subject,
                text=message.text,
                template=message.template,
                parameters=message.parameters,
                agency=message.agency,
            )
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.FAILED, last_error=str(error)[:500], **BLANK_CONTENT
        )


def _enqueue_at(code: str, due: datetime) -> None:
    """Queue the next try for when it is due; a task backend that cannot wait (tests run tasks
    in place) leaves it to `netral send_messages`."""
    if message_send.get_backend().supports_defer:
        transaction.on_commit(lambda: message_send.using(run_after=due).enqueue(code))


STALLED_MINUTES = 10


def messages_resume(*, now: datetime | None = None) -> int:
    """Queue again what is due and was not queued (a lost task, a worker stopped mid-send);
    the count queued. Sending stays once: each task claims its message first."""
    moment = now or timezone.now()
    Message.objects.filter(
        status=Message.Status.SENDING,
        last_attempt_at__lt=moment - timedelta(minutes=STALLED_MINUTES),
    ).update(status=Message.Status.QUEUED, next_attempt_at=moment)
    due = list(
        Message.objects.filter(
            status=Message.Status.QUEUED, next_attempt_at__lte=moment
        ).values_list("code", flat=True)[:10_000]
    )
    for code in due:
        message_send.enqueue(code)
    return len(due)


def messages_purge(*, now: datetime | None = None) -> int:
    """Remove messages past NETRAL_MESSAGE_KEEP_DAYS that are no longer on their way."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.NETRAL_MESSAGE_KEEP_DAYS)
    removed, _kinds = (
        Message.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=[Message.Status.QUEUED, Message.Status.SENDING])
        .delete()
    )
    return removed
