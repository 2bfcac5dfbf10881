"""Writes for officer accounts: two-factor enrolment and login throttling."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from netral.accounts import totp
from netral.accounts.actors import Actor
from netral.accounts.models import LoginFailure, User
from netral.base.audit import audit_log


def login_is_throttled(*, username: str, ip: str | None) -> bool:
    since = timezone.now() - timedelta(minutes=settings.NETRAL_LOGIN_LOCKOUT_MINUTES)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    limit = settings.NETRAL_LOGIN_MAX_FAILURES
    by_name = recent.filter(username=username.lower()).count() >= limit
    # One address may serve a whole office behind NAT, so it gets more room than one account.
    by_ip = ip is not None and recent.filter(ip=ip).count() >= limit * 4
    return by_name or by_ip


def login_failure_record(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.lower(), ip=ip)


def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


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
