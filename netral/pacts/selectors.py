"""Reads of elections, pacts, campaigns and signatures, scoped to the acting membership."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.agencies.models import Agency, Employee, Unit
from netral.base.models import Election
from netral.base.numbers import share_percent
from netral.pacts.models import Attendance, Campaign, CeremonyCode, PactVersion, Signature
from netral.pacts.services import CEREMONY_CODE_ATTEMPTS, campaign_employees, slip_recipients

PAPER = Signature.Channel.PAPER


def election_list(*, viewer: Membership) -> QuerySet[Election]:
    """The agency's own elections and those a national body defined for everyone."""
    return Election.objects.filter(
        Q(owner=viewer.agency) | Q(owner__kind=Agency.Kind.NATIONAL)
    ).select_related("owner")


def election_get(*, viewer: Membership, code: str) -> Election:
    election = election_list(viewer=viewer).filter(code=code).first()
    if election is None:
        raise Http404
    return election


def pact_version_list(*, viewer: Membership) -> QuerySet[PactVersion]:
    return PactVersion.objects.filter(agency=viewer.agency).select_related("election")


def pact_version_get(*, viewer: Membership, code: str) -> PactVersion:
    version = pact_version_list(viewer=viewer).filter(code=code).first()
    if version is None:
        raise Http404
    return version


def campaign_list(*, viewer: Membership) -> QuerySet[Campaign]:
    return Campaign.objects.filter(agency=viewer.agency).select_related(
        "agency", "election", "pact_version"
    )


def campaign_get(*, viewer: Membership, code: str) -> Campaign:
    campaign = campaign_list(viewer=viewer).filter(code=code).first()
    if campaign is None:
        raise Http404
    return campaign


def signature_list(*, viewer: Membership, campaign: Campaign) -> QuerySet[Signature]:
    signatures = Signature.objects.filter(campaign=campaign, agency=viewer.agency)
    if viewer.unit is not None:
        signatures = signatures.filter(unit__path__startswith=viewer.unit.path)
    return signatures.select_related("employee", "unit")


def signature_public_get(code: str) -> Signature:
    """For the public verification page: anyone with the code may see the masked record."""
    signature = (
        Signature.objects.filter(code=code)
        .select_related("campaign", "campaign__election", "agency", "unit", "employee")
        .first()
    )
    if signature is None:
        raise Http404
    return signature


# Completion counts. Every count starts from the campaign's eligible employees joined to their
# signature, so a page, an export and a rollup never disagree: a signature of an employee who has
# left the roster since is not counted, nor is the employee.


@dataclass
class Completion:
    eligible: int = 0
    signed: int = 0
    paper: int = 0

    @property
    def electronic(self) -> int:
        return self.signed - self.paper

    @property
    def unsigned(self) -> int:
        return self.eligible - self.signed

    @property
    def percent(self) -> float:
        return 100 * self.signed / self.eligible if self.eligible else 0.0

    @property
    def percent_shown(self) -> Decimal:
        """The percentage as every page, sheet and PDF shows it (one decimal, half up)."""
        return share_percent(self.signed, self.eligible)

    def add(self, other: Completion) -> None:
        self.eligible += other.eligible
        self.signed += other.signed
        self.paper += other.paper


def campaign_eligible(campaign: Campaign, root: Unit | None) -> QuerySet[Employee]:
    employees = campaign_employees(campaign)
    if root is not None:
        employees = employees.filter(unit__path__startswith=root.path)
    return employees


CountRow = tuple[int, str, str, str | None, int | None, str | None, int]


def campaign_units(
    campaign: Campaign, units: Iterable[Unit], *, root: Unit | None = None
) -> list[Unit]:
    """Of these units, those with someone the campaign asks to sign (within root): a picker
    offers no unit whose download would be empty."""
    paths = set(
        campaign_eligible(campaign, root).order_by().values_list("unit__path", flat=True).distinct()
    )
    return [unit for unit in units if any(path.startswith(unit.path) for path in paths)]


def _bucket(column: str, *, size: int, offset: int) -> str:
    """SQL for the number of the local hour or day (`size` seconds) a timestamp falls in; an
    integer is cheaper to fetch than a timestamp. Indonesia keeps no daylight saving time, so
    one offset holds for the whole campaign."""
    if connection.vendor == "postgresql":
        return f"floor((extract(epoch from {column}) + {offset}) / {size})::bigint"
    return f"(CAST(strftime('%%s', {column}) AS INTEGER) + {offset}) / {size}"


def campaign_count_rows(
    campaign: Campaign, root: Unit | None, *, bucket: tuple[int, int] | None = None
) -> list[CountRow]:
    """(unit id, kind, position type, channel, signing bucket, attendance mode, employees) for
    the eligible employees, in one pass over them. The channel, bucket and mode are None where
    there is none; the bucket and mode always, unless `bucket` gives (size, offset) seconds."""
    inner, params = (
        campaign_eligible(campaign, root)
        .order_by()
        .values("id", "unit_id", "kind", "position_type")
    ).query.sql_with_params()
    signatures, attendance = Signature._meta.db_table, Attendance._meta.db_table
    number, mode = "NULL", "NULL"
    if bucket is not None:
        number = _bucket("s.signed_at", size=int(bucket[0]), offset=int(bucket[1]))
        mode = "a.mode"
    # Only table names, integers and Django's own compiled SQL are formatted in; values are
    # parameters.
    sql = " ".join(
        [
            f"SELECT e.unit_id, e.kind, e.position_type, s.channel, {number}, {mode}, COUNT(*)",
            f"FROM ({inner}) e LEFT JOIN {signatures} s",
            "ON s.employee_id = e.id AND s.campaign_id = %s",
            f"LEFT JOIN {attendance} a ON a.employee_id = e.id AND a.campaign_id = %s"
            if bucket is not None
            else "",
            "GROUP BY 1, 2, 3, 4, 5, 6",
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, campaign.pk, *([campaign.pk] if bucket else [])])
        return cursor.fetchall()


def campaign_completion(campaign: Campaign, root: Unit | None = None) -> Completion:
    """The campaign's numbers (within a unit's subtree), counted now."""
    completion = Completion()
    for *_keys, channel, _bucket, _mode, count in campaign_count_rows(campaign, root):
        completion.eligible += count
        completion.signed += count if channel is not None else 0
        completion.paper += count if channel == PAPER else 0
    return completion


# Printed codes: each employee's latest slip and what became of it.

SLIP_USED, SLIP_VOID, SLIP_BLOCKED, SLIP_UNUSED = "used", "void", "blocked", "unused"


def slip_status(code: CeremonyCode) -> str:
    if code.used_at is not None:
        return SLIP_USED
    if code.voided_at is not None:
        return SLIP_VOID
    if code.attempts >= CEREMONY_CODE_ATTEMPTS:
        return SLIP_BLOCKED
    return SLIP_UNUSED


def _latest_printed(campaign: Campaign) -> QuerySet[CeremonyCode]:
    newer = CeremonyCode.objects.filter(
        campaign=OuterRef("campaign"),
        employee=OuterRef("employee"),
        printed=True,
        generation__gt=OuterRef("generation"),
    )
    return CeremonyCode.objects.filter(campaign=campaign, printed=True).exclude(Exists(newer))


def printed_code_list(
    *, viewer: Membership, campaign: Campaign, unit: Unit, query: str = ""
) -> QuerySet[CeremonyCode]:
    """The latest printed code of each employee of the unit (and its sub-units) in the viewer's
    scope, found by name or NIP."""
    employees = agency_selectors.employee_list(viewer=viewer, unit=unit, query=query)
    return (
        _latest_printed(campaign)
        .filter(employee__in=employees.values("id"))
        .select_related("employee", "employee__unit", "voided_by")
        .order_by("employee__unit__path", "employee__name", "employee_id")
    )


@dataclass(frozen=True)
class SlipSummary:
    unused: int
    used: int
    void: int
    blocked: int
    waiting: int  # who needs a slip and has no working one


def slip_summary(*, viewer: Membership, campaign: Campaign, unit: Unit) -> SlipSummary:
    codes = printed_code_list(viewer=viewer, campaign=campaign, unit=unit).order_by()
    blocked = Q(attempts__gte=CEREMONY_CODE_ATTEMPTS)
    counts = codes.aggregate(
        used=Count("id", filter=Q(used_at__isnull=False)),
        void=Count("id", filter=Q(used_at__isnull=True, voided_at__isnull=False)),
        blocked=Count("id", filter=Q(used_at__isnull=True, voided_at__isnull=True) & blocked),
        unused=Count("id", filter=Q(used_at__isnull=True, voided_at__isnull=True) & ~blocked),
    )
    working = codes.filter(used_at__isnull=True, voided_at__isnull=True).exclude(blocked)
    waiting = (
        slip_recipients(campaign=campaign, unit=unit)
        .exclude(pk__in=working.values("employee_id"))
        .count()
    )
    return SlipSummary(waiting=waiting, **counts)
