"""Kiosk mode: a venue tablet where one signer follows another. The device carries a signed
cookie naming the campaign (by its opaque code) and the kiosk (a random id); each signer's
session ends when they finish or after `NETRAL_KIOSK_IDLE_SECONDS` without a request."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from netral.pacts.models import Campaign

KIOSK_COOKIE = "netral_kiosk"
KIOSK_SALT = "netral.kiosk"
# The last request of the signer using the kiosk (seconds since the epoch), in their session.
SESSION_KIOSK_SEEN = "kiosk_seen"
# A kiosk outlives its campaign by a day at most; the officer ends it before that.
KIOSK_COOKIE_SPARE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Kiosk:
    campaign_code: str
    kiosk_id: str


def kiosk_id_new() -> str:
    return secrets.token_urlsafe(12)


def kiosk_of(request: HttpRequest) -> Kiosk | None:
    """The kiosk this device is, from its signed cookie; None for an ordinary device or a
    cookie whose signature does not hold."""
    value = request.get_signed_cookie(KIOSK_COOKIE, default=None, salt=KIOSK_SALT)
    if not value or value.count(":") != 1:
        return None
    campaign_code, kiosk_id = value.split(":")
    if not campaign_code or not kiosk_id:
        return None
    return Kiosk(campaign_code=campaign_code, kiosk_id=kiosk_id)


def kiosk_cookie_set(response: HttpResponse, *, campaign: Campaign, kiosk_id: str) -> None:
    remaining = (campaign.closes_at - timezone.now()).total_seconds()
    response.set_signed_cookie(
        KIOSK_COOKIE,
        f"{campaign.code}:{kiosk_id}",
        salt=KIOSK_SALT,
        max_age=max(int(remaining), 0) + KIOSK_COOKIE_SPARE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def kiosk_cookie_delete(response: HttpResponse) -> None:
    response.delete_cookie(KIOSK_COOKIE, samesite="Lax")


def idle_seconds() -> int:
    return int(settings.NETRAL_KIOSK_IDLE_SECONDS)


def signer_session_expire(request: HttpRequest) -> None:
    """End the signer's session when its last request is older than the idle limit: checked on
    the server on every request, whatever the page's timer did."""
    seen = request.session.get(SESSION_KIOSK_SEEN)
    if seen is not None and time.time() - float(seen) > idle_seconds():
        request.session.flush()


def signer_session_touch(request: HttpRequest) -> None:
    """Mark the signer's session as used now; it lives no longer than the idle limit."""
    # A session is not iterable: keys() it is.
    if any(key != SESSION_KIOSK_SEEN for key in request.session.keys()):  # noqa: SIM118
        request.session[SESSION_KIOSK_SEEN] = time.time()
        request.session.set_expiry(idle_seconds())
