"""Counts of cases for supervisors, decision makers and oversight: by act, stage, outcome, unit,
position type and month, the median days per stage and the share of proven cases sanctioned.

Only aggregates leave this module: no reporter, no description, no name of a reported person.
An oversight agency (province, national) sees the agencies it oversees, one row per agency."""

from __future__ import annotations

import datetime
import statistics as stats
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from netral.accounts.models import Membership
from netral.agencies.models import Agency, Employee, Unit
from netral.agencies.selectors import overseen_agencies
from netral.base.models import Election
from netral.cases.models import Case, CaseStageRecord, Sanction
from netral.cases.selectors import can_see_statistics

OWN = "instansi"
OVERSEEN = "pengawasan"


@dataclass(frozen=True)
class Tally:
    label: str
    count: int


@dataclass(frozen=True)
class StageMedian:
    label: str
    median_days: float
    count: int


@dataclass
class CaseStatistics:
    total: int = 0
    open: int = 0
    by_act: list[Tally] = field(default_factory=list)
    by_stage: list[Tally] = field(default_factory=list)
    by_outcome: list[Tally] = field(default_factory=list)
    # By the reported employee's OPD, or by agency for an oversight scope.
    by_unit: list[Tally] = field(default_factory=list)
    by_position: list[Tally] = field(default_factory=list)
    by_month: list[tuple[datetime.date, int]] = field(default_factory=list)
    stage_medians: list[StageMedian] = field(default_factory=list)
    proven: int = 0
    proven_sanctioned: int = 0

    @property
    def sanctioned_percent(self) -> float:
        return 100 * self.proven_sanctioned / self.proven if self.proven else 0.0


def oversees_others(viewer: Membership) -> bool:
    return viewer.agency.kind in {Agency.Kind.PROVINCE, Agency.Kind.NATIONAL}


def statistics_cases(*, viewer: Membership, scope: str = OWN) -> QuerySet[Case]:
    """The cases the viewer may count: the own agency's, or those of the overseen agencies."""
    if not can_see_statistics(viewer):
        return Case.objects.none()
    if scope == OVERSEEN:
        if not oversees_others(viewer):
            return Case.objects.none()
        agencies = overseen_agencies(viewer=viewer).values("pk")
        return Case.objects.filter(agency__in=agencies)
    return Case.objects.filter(agency=viewer.agency)


def statistics_elections(cases: QuerySet[Case]) -> QuerySet[Election]:
    return Election.objects.filter(pk__in=cases.values("election_id")).order_by("-voting_day")


def _counts(cases: QuerySet[Case], key: str) -> list[tuple[object, int]]:
    return list(cases.order_by().values_list(key).annotate(total=Count("id")).order_by(key))


def _sorted(counter: Counter[str]) -> list[Tally]:
    return [Tally(label, count) for label, count in counter.most_common()]


def _by_opd(cases: QuerySet[Case]) -> list[Tally]:
    """The OPD is the depth-1 ancestor of the employee's unit: the second code of its path."""
    unknown = _("not known")
    counter: Counter[str] = Counter()
    codes: dict[str, str] = {}
    for path, total in _counts(cases, "employee__unit__path"):
        if not path:
            counter[unknown] += total
            continue
        parts = str(path).split(Unit.PATH_SEPARATOR)
        codes[parts[1] or parts[0]] = ""
        counter[parts[1] or parts[0]] += total
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    named: Counter[str] = Counter()
    for key, total in counter.items():
        named[names.get(key, key)] += total
    return _sorted(named)


def case_statistics(
    *,
    viewer: Membership,
    scope: str = OWN,
    election: Election | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> CaseStatistics:
    """The counts of the viewer's cases (reported between the dates, for the election)."""
    cases = statistics_cases(viewer=viewer, scope=scope)
    if election is not None:
        cases = cases.filter(election=election)
    tz = timezone.get_current_timezone()
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
        cases = cases.filter(created_at__gte=start)
    if date_to:
        end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min)
        cases = cases.filter(created_at__lt=end.replace(tzinfo=tz))
    result = CaseStatistics(total=cases.count())
    if not result.total:
        return result

    acts = (
        cases.order_by()
        .values_list("violation_type__number", "violation_type__name")
        .annotate(total=Count("id"))
    )
    result.by_act = _sorted(Counter({f"{number}. {name}": total for number, name, total in acts}))

    open_cases = cases.filter(status=Case.Status.OPEN)
    result.open = open_cases.count()
    stages: Counter[str] = Counter()
    for name, total in _counts(open_cases, "stage__name"):
        stages[str(name) if name else _("No stage")] += total
    result.by_stage = _sorted(stages)

    outcomes = dict(Case.Outcome.choices)
    result.by_outcome = _sorted(
        Counter(
            {
                str(outcomes.get(str(outcome), outcome)): total
                for outcome, total in _counts(cases.filter(status=Case.Status.CLOSED), "outcome")
            }
        )
    )

    if scope == OVERSEEN:
        agencies: Counter[str] = Counter()
        for name, total in _counts(cases, "agency__name"):
            agencies[str(name)] += total
        result.by_unit = _sorted(agencies)
    else:
        result.by_unit = _by_opd(cases)

    positions = dict(Employee.PositionType.choices)
    by_position: Counter[str] = Counter()
    for position, total in _counts(cases, "employee__position_type"):
        label = positions.get(str(position)) if position else None
        by_position[str(label) if label else _("not known")] += total
    result.by_position = _sorted(by_position)

    months = (
        cases.order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values_list("month")
        .annotate(total=Count("id"))
        .order_by("month")
    )
    result.by_month = [
        (month.date() if isinstance(month, datetime.datetime) else month, total)
        for month, total in months
    ]

    result.stage_medians = _stage_medians(cases)

    proven = cases.filter(status=Case.Status.CLOSED, outcome=Case.Outcome.PROVEN)
    result.proven = proven.count()
    result.proven_sanctioned = proven.filter(
        Exists(Sanction.objects.filter(case=OuterRef("pk")))
    ).count()
    return result


def _stage_medians(cases: QuerySet[Case]) -> list[StageMedian]:
    """Days from entering a stage to leaving it, per stage key, over the finished stays."""
    records = (
        CaseStageRecord.objects.filter(case__in=cases.values("pk"), ended_at__isnull=False)
        .order_by("stage__order")
        .values_list("stage__key", "stage__name", "started_at", "ended_at")
    )
    days: dict[str, list[float]] = {}
    labels: dict[str, str] = {}
    for key, name, started_at, ended_at in records:
        assert ended_at is not None
        labels.setdefault(key, name)
        days.setdefault(key, []).append((ended_at - started_at).total_seconds() / 86400)
    return [
        StageMedian(labels[key], stats.median(values), len(values)) for key, values in days.items()
    ]
