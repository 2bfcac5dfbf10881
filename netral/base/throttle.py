"""Throttles that slow a guesser without locking out the people it imitates.

Each attempt is counted before it is checked, per scope: an account, an (account, device or
address) pair, a device (a cookie of its own), an address, a person being signed for. An attempt
passes only while every scope is within its limit for the current window; one that succeeds is
given back. The counts are atomic (one INSERT … ON CONFLICT … RETURNING per scope), so forty
attempts at once are checked exactly as many times as the limit allows, on every server. Nothing
is ever counted per campaign or per agency: in a hall of thousands behind a few addresses, one
person's mistakes must not stop the next."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from netral.base.models import ThrottleCount

DEVICE_COOKIE = "netral_device"
DEVICE_SALT = "netral.device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
DEVICE_META, NEW_DEVICE_META = "netral.device", "netral.new_device"


@dataclass(frozen=True)
class Throttle:
    purpose: str
    limits: Mapping[str, int]  # scope → attempts allowed in a window
    window: int  # seconds

    def attempt(self, **keys: str | None) -> bool:
        """Count one attempt for every scope given (a None value is skipped); True while every
        scope is within its limit over this window and the one before (so a guesser gains
        nothing when a window turns, and waits one quiet window). Call `succeeded` with the
        same keys when the attempt succeeds."""
        keyed = self._keys(keys)
        if not keyed:
            return True
        counts = _count(
            self.purpose, [key for key, _limit in keyed], self._period(), self.window, +1
        )
        return all(sum(counts[key]) <= limit for key, limit in keyed)

    def succeeded(self, **keys: str | None) -> None:
        """Give back a successful attempt: only failures (and refused tries) stay counted."""
        keyed = self._keys(keys)
        if keyed:
            _count(self.purpose, [key for key, _limit in keyed], self._period(), self.window, -1)

    def _period(self) -> int:
        return int(time.time()) // self.window

    def _keys(self, keys: Mapping[str, str | None]) -> list[tuple[str, int]]:
        unknown = set(keys) - set(self.limits)
        if unknown:
            raise ValueError(f"{self.purpose}: no limit for {sorted(unknown)}")
        return [
            (_hashed(self.purpose, scope, value), self.limits[scope])
            for scope, value in keys.items()
            if value
        ]


def _hashed(purpose: str, scope: str, value: str) -> str:
    # Keyed, so the table holds no address, account name or NIP that could be read back.
    message = f"{purpose}\x00{scope}\x00{value.lower()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def address_of_the_day(address: str | None, *, now: float | None = None) -> str | None:
    """A keyed hash (HMAC with SECRET_KEY) of an address that changes every day (UTC): enough
    to count a flood from one source today, never enough to read the address back or to tell
    that the same source returns tomorrow. Counted in place of the address where a reporter's
    anonymity matters; stored nowhere else."""
    if not address:
        return None
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    message = f"address-of-the-day\x00{day}\x00{address}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def _count(
    purpose: str, keys: list[str], period: int, window: int, step: int
) -> dict[str, tuple[int, int]]:
    """Add `step` to this window's count of each key (never below 0); per key, its count in
    this window and in the one before. On PostgreSQL one statement does it all; the rows are
    locked in the keys' order, the same in every request, so two requests never wait on each
    other in a circle."""
    keys = sorted(set(keys))
    table = connection.ops.quote_name(ThrottleCount._meta.db_table)
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in ("purpose", "key", "period", "count", "expires"))
    conflict = ", ".join(quote(name) for name in ("purpose", "key", "period"))
    key, count, period_column = quote("key"), quote("count"), quote("period")
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"  # SQLite's MAX(a, b)
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(keys))
    # Only table and column names are formatted in; every value is a parameter.
    upsert = (
        f"INSERT INTO {table} ({names}) VALUES {rows} "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {count} = {greatest}({table}.{count} + %s, 0) "
        f"RETURNING {key}, {count}"
    )
    # A window's count is read until the next one ends.
    expires = (period + 2) * window
    values: list[str | int] = []
    for value in keys:
        values += [purpose, value, period, max(step, 0), expires]
    values.append(step)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH counted AS ({upsert}) SELECT counted.{key}, counted.{count}, "  # noqa: S608
                f"COALESCE(previous.{count}, 0) FROM counted LEFT JOIN {table} previous "
                f"ON previous.{quote('purpose')} = %s AND previous.{key} = counted.{key} "
                f"AND previous.{period_column} = %s",
                [*values, purpose, period - 1],
            )
            return {row[0]: (int(row[1]), int(row[2])) for row in cursor.fetchall()}
        cursor.execute(upsert, values)
        now = {row[0]: int(row[1]) for row in cursor.fetchall()}
        before = dict(
            ThrottleCount.objects.filter(
                purpose=purpose, key__in=keys, period=period - 1
            ).values_list("key", "count")
        )
    return {value: (now.get(value, 0), before.get(value, 0)) for value in keys}


def throttle_counts_purge(*, now: float | None = None) -> int:
    """Remove the counts no throttle reads any more."""
    moment = int(now if now is not None else time.time())
    removed, _kinds = ThrottleCount.objects.filter(expires__lt=moment).delete()
    return removed


def device_id(request: HttpRequest) -> str:
    """This browser's own opaque id, from a signed cookie; a new one is made (and set by
    `DeviceCookieMiddleware`) for a browser that has none."""
    known = request.META.get(DEVICE_META)
    if known:
        return str(known)
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    if not value:
        value = secrets.token_urlsafe(16)
        request.META[NEW_DEVICE_META] = value
    request.META[DEVICE_META] = value
    return str(value)


class DeviceCookieMiddleware:
    """Sets the device cookie on the response when a view asked for a new one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        new = request.META.get(NEW_DEVICE_META)
        if new:
            response.set_signed_cookie(
                DEVICE_COOKIE,
                new,
                salt=DEVICE_SALT,
                max_age=DEVICE_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
