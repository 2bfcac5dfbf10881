"""The completion numbers against a hand-counted fixture: every page, export and rollup reads
them, so they are checked here once, exactly."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from netral.accounts.models import Membership
from netral.agencies.models import Employee
from netral.monitoring import selectors
from netral.monitoring.models import CampaignTally
from netral.pacts import services as pacts_services
from netral.pacts.models import Attendance, Signature
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make

PNS, PPPK, NON_ASN = Employee.Kind.PNS, Employee.Kind.PPPK, Employee.Kind.NON_ASN


@dataclass
class Counted:
    pacts: Pacts
    unsigned: set[str]  # names


def _sign(pacts: Pacts, employee: Employee, channel: str = Signature.Channel.LINK) -> None:
    scan = b"%PDF-1.4 scan" if channel == Signature.Channel.PAPER else None
    pacts_services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=employee,
        channel=channel,
        typed_name=employee.name,
        scan=scan,
        scan_type="pdf" if scan else "",
    )


@pytest.fixture
def counted(pacts: Pacts) -> Counted:
    """Dinas Pendidikan: 3 own + 2 in its Bidang; Dinas Kesehatan: 2 active + 1 who left."""
    world = pacts.world
    a1 = employee_make(world.unit_a, "A Satu", position_type=Employee.PositionType.JPT)
    a2 = employee_make(world.unit_a, "A Dua")
    employee_make(world.unit_a, "A Tiga", kind=PPPK, position_type="FUNGSIONAL")
    employee_make(world.unit_a_child, "A Empat", kind=NON_ASN)
    b1 = employee_make(world.unit_b, "B Satu", kind=PPPK)
    b2 = employee_make(world.unit_b, "B Dua")
    _sign(pacts, a1)
    _sign(pacts, a2, Signature.Channel.PAPER)
    _sign(pacts, world.employee_a, Signature.Channel.CEREMONY)
    _sign(pacts, b1)
    _sign(pacts, b2)
    b2.is_active = False  # left after signing: counted nowhere
    b2.save()
    employee_make(world.other_agency.units.get(parent=None), "Orang Lain")
    return Counted(pacts, unsigned={"A Tiga", "A Empat", world.employee_b.name})


def _membership(user: object) -> Membership:
    return Membership.objects.select_related("agency", "unit").get(user=user)


def test_the_agency_dashboard_counts_what_was_counted_by_hand(counted: Counted) -> None:
    world = counted.pacts.world
    board = selectors.campaign_dashboard(
        viewer=_membership(world.admin), campaign=counted.pacts.campaign
    )
    assert (board.total.eligible, board.total.signed, board.total.paper) == (7, 4, 1)
    assert board.total.electronic == 3
    assert round(board.total.percent, 1) == 57.1
    assert [(k, c.eligible, c.signed) for k, c in board.by_kind.items()] == [
        (PNS, 4, 3),
        (PPPK, 2, 1),
        (NON_ASN, 1, 0),
    ]
    assert board.by_position["JPT"].signed == 1
    assert board.by_position["FUNGSIONAL"].eligible == 1
    rows = {row.unit.name: (row.completion.eligible, row.completion.signed) for row in board.units}
    assert rows == {"Dinas Kesehatan": (2, 1), "Dinas Pendidikan dan Kebudayaan": (5, 3)}
    assert sum(count for _bucket, count in board.timeline) == 4


def test_a_coordinator_sees_only_the_own_subtree(counted: Counted) -> None:
    world = counted.pacts.world
    viewer = _membership(world.coordinator_a)
    board = selectors.campaign_dashboard(viewer=viewer, campaign=counted.pacts.campaign)
    assert (board.total.eligible, board.total.signed) == (5, 3)
    rows = [
        (r.unit.name, r.own_only, r.completion.eligible, r.completion.signed) for r in board.units
    ]
    assert rows == [
        ("Bidang Pembinaan SD", False, 2, 1),
        ("Dinas Pendidikan dan Kebudayaan", True, 3, 2),
    ]
    unsigned = selectors.unsigned_employees(viewer=viewer, campaign=counted.pacts.campaign)
    assert {e.name for e in unsigned} == {"A Tiga", "A Empat"}


def test_the_unsigned_list_of_the_agency_matches_the_totals(counted: Counted) -> None:
    viewer = _membership(counted.pacts.world.admin)
    unsigned = selectors.unsigned_employees(viewer=viewer, campaign=counted.pacts.campaign)
    assert {e.name for e in unsigned} == counted.unsigned
    found = selectors.unsigned_employees(
        viewer=viewer, campaign=counted.pacts.campaign, query="tiga"
    )
    assert [e.name for e in found] == ["A Tiga"]


def test_the_tally_follows_the_log_and_agrees_with_the_dashboard(counted: Counted) -> None:
    call_command("sequence_logs")
    tally = CampaignTally.objects.get(campaign=counted.pacts.campaign)
    assert (tally.eligible, tally.signed, tally.signed_paper) == (7, 4, 1)


def test_the_province_rollup_shows_its_regencies_only(counted: Counted) -> None:
    call_command("sequence_logs")
    world = counted.pacts.world
    viewer = _membership(world.province_viewer)
    assert list(selectors.rollup_elections(viewer=viewer)) == [counted.pacts.election]
    rows = selectors.rollup(viewer=viewer, election=counted.pacts.election)
    by_agency = {row.agency.code: (row.completion.eligible, row.completion.signed) for row in rows}
    assert by_agency[world.agency.code] == (7, 4)
    assert by_agency[world.other_agency.code] == (0, 0)  # no campaign yet
    assert world.province.code not in by_agency


def test_the_timeline_counts_local_days_and_the_attendance(counted: Counted) -> None:
    world = counted.pacts.world
    campaign = counted.pacts.campaign
    # 23:30 in Jakarta is 16:30 UTC: the signature belongs to the local day.
    late = datetime.datetime(2029, 1, 7, 16, 30, tzinfo=datetime.UTC)
    Signature.objects.filter(campaign=campaign, employee=world.employee_a).update(signed_at=late)
    Attendance.objects.create(
        campaign=campaign, employee=world.employee_a, mode="luring", source="check_in"
    )
    board = selectors.campaign_dashboard(viewer=_membership(world.admin), campaign=campaign)
    assert not board.hourly
    assert (datetime.date(2029, 1, 7), 1) in board.timeline
    assert sum(count for _day, count in board.timeline) == 4
    assert board.attendance == {"luring": 1, "daring": 0}
