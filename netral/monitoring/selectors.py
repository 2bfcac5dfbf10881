"""Completion numbers of a campaign, scoped to the acting membership; the counts themselves come
from `pacts.selectors.campaign_count_rows`, so no two pages count differently."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from netral.accounts.models import Membership
from netral.agencies import selectors as agency_selectors
from netral.agencies.models import Agency, Employee, Unit
from netral.base.models import Election
from netral.monitoring.models import CampaignTally
from netral.pacts.models import Attendance, Campaign, Signature
from netral.pacts.selectors import (
    Completion,
    campaign_count_rows,
    campaign_eligible,
)

PAPER = Signature.Channel.PAPER


@dataclass
class UnitRow:
    unit: Unit
    completion: Completion
    # The row counts only the unit's own employees, not its sub-units'.
    own_only: bool = False


@dataclass
class Dashboard:
    campaign: Campaign
    root: Unit | None
    total: Completion
    by_kind: dict[str, Completion]
    by_position: dict[str, Completion]
    units: list[UnitRow]
    timeline: list[tuple[datetime.datetime | datetime.date, int]] = field(default_factory=list)
    attendance: dict[str, int] = field(default_factory=dict)
    hourly: bool = False


def _scope_root(viewer: Membership, unit: Unit | None) -> Unit | None:
    """The unit a page is about: the asked one, else a coordinator's own, else the agency."""
    return unit if unit is not None else viewer.unit


def _bucket_start(
    number: int, *, size: int, offset: int, hourly: bool
) -> datetime.datetime | datetime.date:
    start = timezone.localtime(
        datetime.datetime.fromtimestamp(number * size - offset, tz=datetime.UTC)
    )
    return start if hourly else start.date()


def _display_units(viewer: Membership, root: Unit | None) -> list[Unit]:
    """The rows of the unit table: the root's children (the OPD for the whole agency)."""
    units = agency_selectors.unit_list(viewer=viewer)
    if root is None:
        top = units.filter(parent__isnull=True).first()
        if top is None:
            return []
        root = top
    return [*units.filter(parent=root).order_by("name"), root]


def campaign_dashboard(
    *, viewer: Membership, campaign: Campaign, unit: Unit | None = None, timeline: bool = True
) -> Dashboard:
    """Completion of the campaign within the viewer's scope (or a unit of it), with a row per
    sub-unit; the last row is the root unit's own employees."""
    root = _scope_root(viewer, unit)
    display = _display_units(viewer, root)
    root_index = len(display) - 1
    # Longest path first, so each unit finds the display row it falls under.
    paths = sorted(((u.path, i) for i, u in enumerate(display[:-1])), key=lambda p: -len(p[0]))
    row_of: dict[int, int] = {}
    for unit_id, unit_path in (
        agency_selectors.unit_list(viewer=viewer)
        .filter(path__startswith=root.path if root else "")
        .values_list("id", "path")
    ):
        row_of[unit_id] = next((i for path, i in paths if unit_path.startswith(path)), root_index)
    total = Completion()
    by_kind = {kind: Completion() for kind in Employee.Kind.values}
    by_position = {kind: Completion() for kind in Employee.PositionType.values}
    rows = [Completion() for _unit in display]
    hourly = campaign.closes_at - campaign.opens_at <= datetime.timedelta(days=2)
    size = 3600 if hourly else 86400
    local_offset = timezone.localtime(campaign.opens_at).utcoffset() or datetime.timedelta()
    offset = int(local_offset.total_seconds())
    buckets: dict[int, int] = {}
    attendance = {mode: 0 for mode in Attendance.Mode.values}
    for unit_id, kind, position_type, channel, number, mode, count in campaign_count_rows(
        campaign, root, bucket=(size, offset) if timeline else None
    ):
        signed = count if channel is not None else 0
        paper = count if channel == PAPER else 0
        for completion in (
            total,
            by_kind.setdefault(kind, Completion()),
            by_position.setdefault(position_type, Completion()),
            rows[row_of.get(unit_id, root_index)],
        ):
            completion.eligible += count
            completion.signed += signed
            completion.paper += paper
        if number is not None:
            buckets[number] = buckets.get(number, 0) + count
        if mode is not None:
            attendance[mode] = attendance.get(mode, 0) + count
    unit_rows = [
        UnitRow(u, c, own_only=(i == root_index))
        for i, (u, c) in enumerate(zip(display, rows, strict=True))
    ]
    if unit_rows and unit_rows[-1].completion.eligible == 0:
        unit_rows.pop()
    dashboard = Dashboard(
        campaign=campaign,
        root=root,
        total=total,
        by_kind=by_kind,
        by_position=by_position,
        units=unit_rows,
    )
    if timeline:
        dashboard.hourly = hourly
        dashboard.timeline = [
            (_bucket_start(number, size=size, offset=offset, hourly=hourly), count)
            for number, count in sorted(buckets.items())
        ]
        dashboard.attendance = attendance
    return dashboard


def public_opd_completion(campaign: Campaign) -> list[tuple[Unit, Completion]]:
    """Completion per OPD (the children of the agency's top unit) for the public page: unit
    names and numbers only."""
    top = Unit.objects.filter(agency=campaign.agency_id, parent=None).first()
    if top is None:
        return []
    opds = list(Unit.objects.filter(parent=top).order_by("name"))
    paths = sorted(((u.path, i) for i, u in enumerate(opds)), key=lambda p: -len(p[0]))
    row_of = {
        unit_id: next((i for prefix, i in paths if unit_path.startswith(prefix)), None)
        for unit_id, unit_path in Unit.objects.filter(agency=campaign.agency_id).values_list(
            "id", "path"
        )
    }
    rows = [Completion() for _opd in opds]
    for unit_id, *_keys, channel, _bucket, _mode, count in campaign_count_rows(campaign, None):
        index = row_of.get(unit_id)
        if index is None:  # the top unit's own employees: counted in the total only
            continue
        rows[index].eligible += count
        rows[index].signed += count if channel is not None else 0
    return [(opd, row) for opd, row in zip(opds, rows, strict=True) if row.eligible]


def unsigned_employees(
    *, viewer: Membership, campaign: Campaign, unit: Unit | None = None, query: str = ""
) -> QuerySet[Employee]:
    """The eligible employees in the viewer's scope (or a unit of it) who have not signed."""
    root = _scope_root(viewer, unit)
    employees = campaign_eligible(campaign, root).exclude(
        pk__in=Signature.objects.filter(campaign=campaign).values("employee_id")
    )
    if query.strip():
        matching = agency_selectors.employee_list(viewer=viewer, query=query)
        employees = employees.filter(pk__in=matching.values("id"))
    return employees.select_related("unit").order_by("unit__path", "name")


@dataclass
class RollupRow:
    agency: Agency
    campaign: Campaign | None
    completion: Completion
    refreshed_at: datetime.datetime | None


def rollup_elections(*, viewer: Membership) -> QuerySet[Election]:
    """The elections with a campaign in an agency the viewer oversees."""
    overseen = agency_selectors.overseen_agencies(viewer=viewer, with_employee_counts=False)
    agencies = overseen.values("id")
    return (
        Election.objects.filter(campaigns__agency__in=agencies).distinct().order_by("-voting_day")
    )


def rollup(
    *, viewer: Membership, election: Election, province: str = "", sort: str = "name"
) -> list[RollupRow]:
    """Agency-level completion of each agency the viewer oversees, for one election. Agencies
    without a campaign are listed with no numbers: they have not started."""
    overseen = agency_selectors.overseen_agencies(viewer=viewer, with_employee_counts=False)
    agencies = Agency.objects.filter(pk__in=overseen.values("id")).select_related("region")
    if province:
        agencies = agencies.filter(Q(region__parent_id=province) | Q(region_id=province))
    tallies: dict[int, CampaignTally] = {}
    for tally in (
        CampaignTally.objects.filter(election=election, agency__in=agencies.values("id"))
        .select_related("campaign")
        .order_by("campaign__opens_at")
    ):
        tallies[tally.agency_id] = tally  # the latest campaign of an agency wins
    rows = []
    for agency in agencies:
        found = tallies.get(agency.pk)
        rows.append(
            RollupRow(
                agency=agency,
                campaign=found.campaign if found else None,
                completion=Completion(found.eligible, found.signed, found.signed_paper)
                if found
                else Completion(),
                refreshed_at=found.refreshed_at if found else None,
            )
        )
    if sort == "percent":
        rows.sort(key=lambda row: (row.completion.percent, row.agency.name))
    elif sort == "-percent":
        rows.sort(key=lambda row: (-row.completion.percent, row.agency.name))
    else:
        rows.sort(key=lambda row: row.agency.code)
    return rows
