"""Case statistics against a set of cases counted by hand, and what the page must never show."""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from netral.accounts.models import Membership, User
from netral.agencies.models import Employee
from netral.cases import decisions, services, statistics
from netral.cases.models import Case, ProcedureStage, SanctionType, ViolationType
from tests.conftest import Pacts
from tests.factories import SYSTEM, agency_make, employee_make, officer_make, unit_make

REPORTER = "Budi Pelapor, 0812-3456-7890"
DESCRIPTION = "Unggahan di grup WhatsApp dinas pada malam hari"


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, 0))


def member(user: User) -> Membership:
    return Membership.objects.select_related("agency").get(user=user)


def stage(pacts: Pacts, key: str) -> ProcedureStage:
    return ProcedureStage.objects.get(procedure__election=pacts.election, key=key)


@dataclass
class Cases:
    pacts: Pacts
    head: Employee  # a JPT in unit A's sub-unit


def open_case(pacts: Pacts, act: int, when: datetime.datetime, **extra: object) -> Case:
    return services.case_create(
        actor=SYSTEM,
        agency=pacts.world.agency,
        source=Case.Source.PUBLIC,
        election=pacts.election,
        violation_type=ViolationType.objects.get(number=act),
        phase=Case.Phase.AFTER,
        description=DESCRIPTION,
        reporter_identity=REPORTER,
        now=when,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def cases(pacts: Pacts) -> Cases:
    """Four cases:
    A: act 4, employee B (Dinas Kesehatan, pelaksana), March; verification 2 days, review 3
       days, still being examined.
    B: act 4, a JPT of Dinas Pendidikan, March; verification 4 days, review 6 days, proven and
       sanctioned.
    C: act 9, not on the roster, April; verification 1 day, not proven.
    D: act 2, employee B, April; verification 8 days, proven, no sanction yet."""
    world = pacts.world
    head = employee_make(
        world.unit_a_child, "Dr. Kepala Bidang", position_type=Employee.PositionType.JPT
    )
    decision_maker = member(world.decision_maker)

    a = open_case(pacts, 4, at(3, 2), employee=world.employee_b)
    # A procedure whose Bawaslu stage needs no written recommendation (tested in test_outside).
    ProcedureStage.objects.filter(procedure__election=pacts.election).update(recommendation_from="")
    services.case_move(actor=SYSTEM, case=a, stage=stage(pacts, "kajian-bawaslu"), now=at(3, 4))
    services.case_move(actor=SYSTEM, case=a, stage=stage(pacts, "pemeriksaan"), now=at(3, 7))

    b = open_case(pacts, 4, at(3, 10), employee=head)
    services.case_move(actor=SYSTEM, case=b, stage=stage(pacts, "kajian-bawaslu"), now=at(3, 14))
    services.case_close(actor=SYSTEM, case=b, outcome=Case.Outcome.PROVEN, now=at(3, 20))
    decisions.sanction_record(
        actor=SYSTEM,
        viewer=decision_maker,
        case=b,
        sanction_type=SanctionType.objects.get(code="pp94-2021-tukin-6"),
        decree_number="800/9/2026",
        decree_date=datetime.date(2026, 3, 25),
        departure_reason="Peran yang kecil",
    )

    c = open_case(pacts, 9, at(4, 1), reported_name="Orang Luar Roster")
    services.case_close(actor=SYSTEM, case=c, outcome=Case.Outcome.NOT_PROVEN, now=at(4, 2))

    d = open_case(pacts, 2, at(4, 5), employee=world.employee_b)
    services.case_close(actor=SYSTEM, case=d, outcome=Case.Outcome.PROVEN, now=at(4, 13))
    return Cases(pacts=pacts, head=head)


def act_label(number: int) -> str:
    act = ViolationType.objects.get(number=number)
    return f"{act.number}. {act.name}"


def as_dict(rows: list[statistics.Tally]) -> dict[str, int]:
    return {row.label: row.count for row in rows}


def test_the_numbers_match_a_count_by_hand(cases: Cases) -> None:
    world = cases.pacts.world
    numbers = statistics.case_statistics(viewer=member(world.supervisor))
    assert (numbers.total, numbers.open) == (4, 1)
    assert as_dict(numbers.by_act) == {act_label(4): 2, act_label(9): 1, act_label(2): 1}
    assert as_dict(numbers.by_stage) == {stage(cases.pacts, "pemeriksaan").name: 1}
    assert as_dict(numbers.by_outcome) == {
        str(Case.Outcome.PROVEN.label): 2,
        str(Case.Outcome.NOT_PROVEN.label): 1,
    }
    # Unit A's sub-unit counts under its OPD, unit A.
    assert as_dict(numbers.by_unit) == {
        world.unit_b.name: 2,
        world.unit_a.name: 1,
        gettext("not known"): 1,
    }
    assert as_dict(numbers.by_position) == {
        str(Employee.PositionType.PELAKSANA.label): 2,
        str(Employee.PositionType.JPT.label): 1,
        gettext("not known"): 1,
    }
    assert numbers.by_month == [(datetime.date(2026, 3, 1), 2), (datetime.date(2026, 4, 1), 2)]
    medians = {row.label: (row.median_days, row.count) for row in numbers.stage_medians}
    # Verification: 2, 4, 1 and 8 days; review: 3 and 6 days; the examination is still running.
    assert medians == {
        stage(cases.pacts, "verifikasi").name: (3.0, 4),
        stage(cases.pacts, "kajian-bawaslu").name: (4.5, 2),
    }
    assert (numbers.proven, numbers.proven_sanctioned) == (2, 1)
    assert numbers.sanctioned_percent == 50.0


def test_the_filters_narrow_the_period_and_the_election(cases: Cases) -> None:
    viewer = member(cases.pacts.world.decision_maker)
    april = statistics.case_statistics(viewer=viewer, date_from=datetime.date(2026, 4, 1))
    assert april.total == 2 and (april.proven, april.proven_sanctioned) == (1, 0)
    march = statistics.case_statistics(
        viewer=viewer, date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 10)
    )
    assert march.total == 2
    services.case_create(
        actor=SYSTEM,
        agency=cases.pacts.world.agency,
        source=Case.Source.INTERNAL,
        election=None,
        violation_type=ViolationType.objects.get(number=1),
        description="x",
    )
    assert statistics.case_statistics(viewer=viewer).total == 5
    only = statistics.case_statistics(viewer=viewer, election=cases.pacts.election)
    assert only.total == 4


def test_the_page_shows_counts_and_never_a_reporter_a_description_or_a_name(
    client: Client, cases: Cases
) -> None:
    world = cases.pacts.world
    client.force_login(world.decision_maker)
    response = client.get(reverse("cases:statistics"), {"pemilu": cases.pacts.election.code})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="stat-sanctioned">1<' in content
    assert 'data-testid="stat-total">4<' in content
    assert "<svg" in content
    for secret in [
        "Budi Pelapor",
        "0812",
        DESCRIPTION,
        world.employee_b.name,
        str(world.employee_b.nip),
        cases.head.name,
        "Orang Luar",
    ]:
        assert secret not in content
    for case in Case.objects.all():
        assert case.code not in content and case.number not in content


def test_the_page_escapes_the_labels_of_its_charts(client: Client, cases: Cases) -> None:
    world = cases.pacts.world
    world.unit_b.name = "Dinas <b>Kesehatan</b> & KB"
    world.unit_b.save()
    client.force_login(world.decision_maker)
    content = client.get(reverse("cases:statistics")).content.decode()
    assert "<b>Kesehatan</b>" not in content
    assert 'class="chart-label">Dinas &lt;b&gt;Kesehatan&lt;/b&gt; &amp; KB<' in content


def test_an_oversight_agency_sees_its_regencies_only_by_agency(
    client: Client, cases: Cases
) -> None:
    world = cases.pacts.world
    # A case in the other regency of the province, and one in another province.
    services.case_create(
        actor=SYSTEM,
        agency=world.other_agency,
        source=Case.Source.INTERNAL,
        election=None,
        employee=world.other_employee,
        violation_type=ViolationType.objects.get(number=1),
        description=DESCRIPTION,
    )
    elsewhere = agency_make("34.71")
    services.case_create(
        actor=SYSTEM,
        agency=elsewhere,
        source=Case.Source.INTERNAL,
        election=None,
        employee=employee_make(unit_make(elsewhere, "Dinas Luar"), "Pegawai Luar"),
        violation_type=ViolationType.objects.get(number=1),
        description=DESCRIPTION,
    )
    viewer = member(world.province_viewer)
    own = statistics.case_statistics(viewer=viewer)
    assert own.total == 0
    overseen = statistics.case_statistics(viewer=viewer, scope=statistics.OVERSEEN)
    assert overseen.total == 5
    assert as_dict(overseen.by_unit) == {world.agency.name: 4, world.other_agency.name: 1}
    assert (overseen.proven, overseen.proven_sanctioned) == (2, 1)

    client.force_login(world.province_viewer)
    content = client.get(reverse("cases:statistics"), {"cakupan": "pengawasan"}).content.decode()
    assert world.agency.name in content and world.other_agency.name in content
    for secret in [
        world.unit_b.name,
        world.employee_b.name,
        world.other_employee.name,
        "Dinas Luar",
        elsewhere.name,
        DESCRIPTION,
    ]:
        assert secret not in content

    # A regency cannot widen its own scope.
    regency = member(world.supervisor)
    assert statistics.case_statistics(viewer=regency, scope=statistics.OVERSEEN).total == 0


def test_who_may_open_the_statistics(client: Client, cases: Cases) -> None:
    world = cases.pacts.world
    url = reverse("cases:statistics")
    for user in [world.supervisor, world.decision_maker, world.admin, world.viewer]:
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(world.coordinator_a)
    assert client.get(url).status_code == 403
    client.force_login(world.other_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="stat-total">0<' in response.content.decode()
    assert world.unit_b.name not in response.content.decode()


def test_an_officer_of_another_agency_gets_404_for_the_case_pages(
    client: Client, cases: Cases
) -> None:
    case = Case.objects.filter(agency=cases.pacts.world.agency).first()
    assert case is not None
    other_supervisor = officer_make(cases.pacts.world.other_agency, Membership.Role.DECISION_MAKER)
    client.force_login(other_supervisor)
    for name in ["cases:examination", "cases:decision", "cases:examination_report"]:
        url = reverse(name, kwargs={"code": case.code})
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "proven", "confirm": "1"}).status_code == 404
