"""Unusual signing patterns, flagged for the agency admin (docs/legal.md says why they matter).

An employee's signature is bound to a link or a code, not to a certificate: whoever holds the
link or code can sign. A coordinator handing out links and printed codes could sign for others
unseen, so these patterns are shown, each a hint to look at, never a verdict:
- many signatures from one browser in a short time (a kiosk is meant for that: left out);
- many signatures from one address in a short time: away from the venue the limit is low, but
  at the venue a hall of hundreds shares one address behind NAT, so there the limit is the
  venue's (NETRAL_FLAG_VENUE_ADDRESS_SIGNATURES);
- printed codes used far from the ceremony's time;
- signatures made in a browser where an officer was signed in.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from netral.pacts.models import Campaign, CeremonyCode, Signature

EXAMPLES = 5


@dataclass(frozen=True)
class Flag:
    kind: str  # device, address, venue_address, printed_code, officer_session
    subject: str  # what the signatures share (an address, a device's hash, an officer)
    count: int
    first: datetime.datetime
    last: datetime.datetime
    signatures: list[str] = field(default_factory=list)  # a few signature codes, to look at


def campaign_flags(*, campaign: Campaign) -> list[Flag]:
    window = datetime.timedelta(minutes=settings.NETRAL_FLAG_WINDOW_MINUTES)
    rows = list(
        Signature.objects.filter(campaign=campaign)
        .exclude(channel=Signature.Channel.PAPER)
        .order_by("signed_at")
        .values_list("code", "signed_at", "ip", "device", "kiosk", "signer_details")
    )
    by_device: dict[str, list[tuple[datetime.datetime, str]]] = defaultdict(list)
    by_address: dict[str, list[tuple[datetime.datetime, str]]] = defaultdict(list)
    at_venue: dict[str, list[tuple[datetime.datetime, str]]] = defaultdict(list)
    for code, signed_at, ip, device, kiosk, details in rows:
        if device and not kiosk:
            by_device[device].append((signed_at, code))
        if ip:
            # Signed through the ceremony QR at the venue (not from an online meeting).
            venue = bool((details or {}).get("venue"))
            (at_venue if venue else by_address)[ip].append((signed_at, code))
    flags = [
        *_bursts("device", by_device, settings.NETRAL_FLAG_DEVICE_SIGNATURES, window),
        *_bursts("address", by_address, settings.NETRAL_FLAG_ADDRESS_SIGNATURES, window),
        *_bursts("venue_address", at_venue, settings.NETRAL_FLAG_VENUE_ADDRESS_SIGNATURES, window),
        *_printed_codes_off_time(campaign),
        *_officer_sessions(campaign),
    ]
    return flags


def _bursts(
    kind: str,
    groups: dict[str, list[tuple[datetime.datetime, str]]],
    limit: int,
    window: datetime.timedelta,
) -> Iterable[Flag]:
    """For each group, its largest run of signatures within one window, if it reaches limit."""
    for subject, times in groups.items():
        if len(times) < limit:
            continue
        best = (0, 0, 0)  # size, start, end (exclusive)
        start = 0
        for end in range(len(times)):
            while times[end][0] - times[start][0] > window:
                start += 1
            if end + 1 - start > best[0]:
                best = (end + 1 - start, start, end + 1)
        size, first, last = best
        if size >= limit:
            yield Flag(
                kind=kind,
                subject=subject,
                count=size,
                first=times[first][0],
                last=times[last - 1][0],
                signatures=[code for _, code in times[first:last][:EXAMPLES]],
            )


def ceremony_window(campaign: Campaign) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The ceremony's start, widened by NETRAL_FLAG_PRINTED_CODE_HOURS either side; None
    without a ceremony date."""
    if campaign.ceremony_date is None:
        return None
    start = timezone.make_aware(
        datetime.datetime.combine(
            campaign.ceremony_date, campaign.ceremony_time or datetime.time(8)
        )
    )
    margin = datetime.timedelta(hours=settings.NETRAL_FLAG_PRINTED_CODE_HOURS)
    return start - margin, start + margin


def _printed_codes_off_time(campaign: Campaign) -> Iterable[Flag]:
    window = ceremony_window(campaign)
    if window is None:
        return
    used = [
        (employee, moment)
        for employee, moment in CeremonyCode.objects.filter(
            campaign=campaign, printed=True, used_at__isnull=False
        )
        .exclude(used_at__range=window)
        .order_by("used_at")
        .values_list("employee_id", "used_at")
        if moment is not None
    ]
    if not used:
        return
    codes = dict(
        Signature.objects.filter(
            campaign=campaign, employee_id__in=[employee for employee, _ in used]
        ).values_list("employee_id", "code")
    )
    yield Flag(
        kind="printed_code",
        subject="",
        count=len(used),
        first=used[0][1],
        last=used[-1][1],
        signatures=[codes[employee] for employee, _ in used if employee in codes][:EXAMPLES],
    )


def _officer_sessions(campaign: Campaign) -> Iterable[Flag]:
    rows = (
        Signature.objects.filter(campaign=campaign, officer_session__isnull=False)
        .order_by("signed_at")
        .values_list("officer_session__username", "signed_at", "code")
    )
    by_officer: dict[str, list[tuple[datetime.datetime, str]]] = defaultdict(list)
    for officer, signed_at, code in rows:
        by_officer[officer].append((signed_at, code))
    for officer, times in by_officer.items():
        yield Flag(
            kind="officer_session",
            subject=officer,
            count=len(times),
            first=times[0][0],
            last=times[-1][0],
            signatures=[code for _, code in times[:EXAMPLES]],
        )
