"""The WhatsApp Cloud API's status webhook: Meta calls it when a message reaches the phone or
fails after it was accepted (a number not on WhatsApp often fails only here)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from netral.base.models import Message

logger = logging.getLogger(__name__)

MAX_WEBHOOK_BYTES = 1024 * 1024


def signature_valid(body: bytes, header: str) -> bool:
    """X-Hub-Signature-256: "sha256=" and the HMAC-SHA256 of the raw body with the app secret."""
    expected = hmac.new(
        settings.NETRAL_WHATSAPP_APP_SECRET.encode(), body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", header)


def whatsapp_statuses_record(payload: dict[str, Any]) -> int:
    """Record the delivery statuses of a webhook call; the count of messages changed."""
    changed = 0
    for entry in payload.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            for status in ((change or {}).get("value") or {}).get("statuses") or []:
                changed += _status_record(status or {})
    return changed


def _status_record(status: dict[str, Any]) -> int:
    provider_id = str(status.get("id") or "")
    if not provider_id:
        return 0
    sent = Message.objects.filter(channel=Message.Channel.WHATSAPP, provider_id=provider_id)
    if status.get("status") in {"delivered", "read"}:
        return sent.filter(delivered_at__isnull=True).update(delivered_at=timezone.now())
    if status.get("status") == "failed":
        error = (status.get("errors") or [{}])[0] or {}
        detail = (error.get("error_data") or {}).get("details") or error.get("message", "")
        described = f"code {error.get('code', '-')}: {error.get('title', '')} {detail}".strip()
        return sent.update(status=Message.Status.FAILED, last_error=described[:500])
    return 0


@csrf_exempt
def whatsapp_webhook_view(request: HttpRequest) -> HttpResponse:
    if not settings.NETRAL_WHATSAPP_APP_SECRET:
        raise Http404
    if request.method == "GET":
        # Meta's subscription check: echo the challenge when the token is ours.
        token = request.GET.get("hub.verify_token", "")
        if (
            request.GET.get("hub.mode") == "subscribe"
            and settings.NETRAL_WHATSAPP_VERIFY_TOKEN
            and hmac.compare_digest(token, settings.NETRAL_WHATSAPP_VERIFY_TOKEN)
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    if request.method != "POST":
        return HttpResponse(status=405)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_WEBHOOK_BYTES:
        return HttpResponse(status=413)
    body = request.body
    if not signature_valid(body, request.headers.get("X-Hub-Signature-256", "")):
        return HttpResponseForbidden()
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponse(status=400)
    if isinstance(payload, dict):
        whatsapp_statuses_record(payload)
    return HttpResponse("ok", content_type="text/plain")
