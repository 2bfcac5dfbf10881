"""Writes for officer accounts: two-factor enrolment, recovery codes and login throttling."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from netral.accounts import totp
from netral.accounts.actors import Actor
from netral.accounts.models import RecoveryCode, User
from netral.base.audit import audit_log
from netral.base.codes import ALPHABET, new_code, new_codes
from netral.base.throttle import Throttle

RECOVERY_CODES = 10
RECOVERY_CODE_LENGTH = 10  # 50 bits each, typed in two groups of five


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


def recovery_code_digest(*, user: User, code: str, secret: str | bytes | None = None) -> str:
    """The code's keyed hash: a copy of the database alone gives nothing to try offline."""
    return salted_hmac(
        "netral.accounts.recovery_code", f"{user.code}:{code}", secret=secret, algorithm="sha256"
    ).hexdigest()


def recovery_code_normalise(code: str) -> str:
    """As typed: any case, with or without spaces and the dash."""
    return re.sub(r"[\s-]", "", code.lower())


def recovery_codes_create(*, user: User) -> tuple[str, list[str]]:
    """A new set, not yet in force: the batch to confirm and the codes to show once. An earlier
    set that was never confirmed is dropped; the set in force stays until this one is confirmed."""
    batch = new_code()
    codes = new_codes(RECOVERY_CODES, RECOVERY_CODE_LENGTH)
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user, confirmed_at__isnull=True).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, batch=batch, digest=recovery_code_digest(user=user, code=code))
            for code in codes
        )
    return batch, [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_confirm(*, actor: Actor, user: User, batch: str) -> bool:
    """Put a set in force once the officer has saved it, voiding the set before it."""
    with transaction.atomic():
        confirmed = RecoveryCode.objects.filter(
            user=user, batch=batch, confirmed_at__isnull=True
        ).update(confirmed_at=timezone.now())
        if not confirmed:
            return False
        RecoveryCode.objects.filter(user=user).exclude(batch=batch).delete()
        audit_log(
            actor=actor,
            action="core.user.recovery_codes_created",
            target=user,
            data={"count": confirmed},
        )
    return True


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(
        user=user, confirmed_at__isnull=False, used_at__isnull=True
    ).count()


def recovery_code_use(*, actor: Actor, user: User, code: str) -> int | None:
    """Spend a recovery code: the number of codes left, or None if it is not one in force."""
    code = recovery_code_normalise(code)
    if len(code) != RECOVERY_CODE_LENGTH or set(code) - set(ALPHABET):
        return None
    # Codes made before a SECRET_KEY rotation still work while the old key is a fallback.
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    digests = [recovery_code_digest(user=user, code=code, secret=secret) for secret in secrets]
    with transaction.atomic():
        # One UPDATE: of two logins racing with the same code, one wins.
        used = RecoveryCode.objects.filter(
            user=user, digest__in=digests, confirmed_at__isnull=False, used_at__isnull=True
        ).update(used_at=timezone.now())
        if not used:
            return None
        left = recovery_codes_left(user=user)
        audit_log(
            actor=actor, action="core.user.recovery_code_used", target=user, data={"left": left}
        )
    return left


@dataclass(frozen=True)
class SecondFactor:
    """A second factor that passed: the authenticator's code, or a recovery code (and then how
    many are left)."""

    recovery_codes_left: int | None = None


def second_factor_check(*, actor: Actor, user: User, code: str) -> SecondFactor | None:
    """The code of the authenticator app, or else a recovery code (spent if it matches)."""
    digits = "".join(code.split())
    if len(digits) == totp.DIGITS and digits.isdigit():
        return SecondFactor() if totp_verify(user=user, code=digits) else None
    left = recovery_code_use(actor=actor, user=user, code=code)
    return None if left is None else SecondFactor(recovery_codes_left=left)
