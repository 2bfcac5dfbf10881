"""Writes for officer accounts: two-factor enrolment and login throttling."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from netral.accounts import totp
from netral.accounts.actors import Actor
from netral.accounts.models import User
from netral.base.audit import audit_log
from netral.base.throttle import Throttle


def login_throttle() -> Throttle:
    """Failed logins and second-factor codes, counted per (account, browser) pair, per account
    from browsers it has never logged in from, and per address (an office behind NAT has room for
    many). A guesser slows only itself and the account's unknown browsers; the owner's own
    browser is never stopped by someone else's failures, and a new one waits at most a window."""
    limit = settings.NETRAL_LOGIN_MAX_FAILURES
    return Throttle(
        "login",
        limits={"pair": limit, "account": limit * 4, "address": limit * 20},
        window=settings.NETRAL_LOGIN_LOCKOUT_MINUTES * 60,
    )


def login_keys(*, username: str, ip: str | None, device: str, known: bool) -> dict[str, str | None]:
    # A guesser that drops its cookie gets a new pair each time, and meets the account's and
    # the address's limits instead.
    return {
        "pair": f"{username}|{device}",
        "account": None if known else username,
        "address": ip,
    }


def totp_confirm(*, actor: Actor, user: User, secret: str, code: str) -> bool:
    step = totp.matching_step(secret, code, after_step=0)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.totp_last_step = step
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    audit_log(actor=actor, action="core.user.totp_enabled", target=user)
    return True


def totp_verify(*, user: User, code: str) -> bool:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        step = totp.matching_step(locked.totp_secret, code, after_step=locked.totp_last_step)
        if step is None:
            return False
        locked.totp_last_step = step
        locked.save(update_fields=["totp_last_step"])
    return True
