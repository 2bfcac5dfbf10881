"""The reported person: a public report without a NIP, linked later to the roster by a handler;
the pact status, the duplicates, the statistics and the register then use the employee."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netral.accounts.models import Membership, User
from netral.agencies.models import Employee
from netral.base.models import AuditEntry
from netral.cases import decisions, handling, intake, reported, statistics
from netral.cases.models import Case, SanctionType, ViolationType
from netral.pacts import services as pacts_services
from netral.pacts.models import Signature
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make, officer_make


def member(user: User) -> Membership:
    return Membership.objects.select_related("agency").get(user=user)


def public_report(pacts: Pacts, **fields: object) -> Case:
    """A report as a citizen sends it: a name as they know it, no NIP."""
    values: dict[str, object] = {
        "agency": pacts.world.agency,
        "election": pacts.election,
        "violation_type": ViolationType.objects.get(number=8),
        "reported_nip": "",
        "reported_name": "Pak Bambang dari Dinkes",
        "description": "Mengajak warga memilih calon pada acara posyandu.",
        "uploads": [],
        "phase": Case.Phase.AFTER,
    }
    values.update(fields)
    case, _receipt = intake.report_submit(**values)  # type: ignore[arg-type]
    return case


def link_url(case: Case, employee: Employee) -> str:
    return reverse(
        "cases:reported_link", kwargs={"code": case.code, "employee_code": employee.code}
    )


def test_a_report_without_nip_linked_later_shows_the_employee_everywhere(
    client: Client, pacts: Pacts
) -> None:
    world = pacts.world
    employee = world.employee_b
    employee.position = "Perawat Ahli Pertama"
    employee.position_type = Employee.PositionType.FUNGSIONAL
    employee.save()
    pacts_services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=employee,
        channel=Signature.Channel.LINK,
        typed_name=employee.name,
    )
    case = public_report(pacts)
    assert case.employee is None
    viewer = member(world.decision_maker)
    before = statistics.case_statistics(viewer=viewer)
    assert world.unit_b.name not in {tally.label for tally in before.by_unit}

    client.force_login(world.supervisor)
    found = client.get(
        reverse("cases:reported_search", kwargs={"code": case.code}), {"q": "bambang"}
    )
    assert found.status_code == 200 and employee.code in found.content.decode()
    by_unit = client.get(
        reverse("cases:reported_search", kwargs={"code": case.code}), {"q": "kesehatan bambang"}
    )
    assert employee.code in by_unit.content.decode()
    review = client.get(link_url(case, employee))
    assert review.status_code == 200 and b"link-confirm" in review.content
    case.refresh_from_db()
    assert case.employee is None  # asking changes nothing
    assert client.post(link_url(case, employee)).status_code == 302
    case.refresh_from_db()
    assert case.employee == employee
    entry = AuditEntry.objects.get(action="cases.case.employee_linked", target_code=case.code)
    assert entry.data["employee"] == employee.code and entry.data["previous"] is None

    page = client.get(reverse("cases:case", kwargs={"code": case.code})).content.decode()
    block = page.split('data-testid="pact-status"')[1].split("</ul>")[0]
    assert str(Signature.Channel.LINK.label) in block

    after = statistics.case_statistics(viewer=viewer)
    assert {tally.label: tally.count for tally in after.by_unit}[world.unit_b.name] == 1
    positions = {tally.label: tally.count for tally in after.by_position}
    assert positions[str(Employee.PositionType.FUNGSIONAL.label)] == 1

    decisions.decision_record(
        actor=SYSTEM,
        viewer=viewer,
        case=case,
        outcome=Case.Outcome.PROVEN,
        sanction_type=SanctionType.objects.get(code="pp94-2021-tukin-6"),
        decree_number="800/1/2029",
        decree_date=timezone.localdate(),
    )
    [row] = decisions.sanction_register_rows(viewer=viewer)
    assert (row.name, row.nip, row.unit, row.position) == (
        employee.name,
        employee.nip,
        world.unit_b.name,
        "Perawat Ahli Pertama",
    )


def test_a_link_finds_the_duplicates_of_the_employee(pacts: Pacts) -> None:
    world = pacts.world
    earlier = public_report(pacts, reported_nip=world.employee_b.nip or "", reported_name="")
    assert earlier.employee == world.employee_b
    case = public_report(pacts, reported_name="Mantri puskesmas")
    assert earlier not in handling.duplicate_candidates(case=case)
    reported.case_employee_link(
        actor=SYSTEM, viewer=member(world.supervisor), case=case, employee=world.employee_b
    )
    case.refresh_from_db()
    assert earlier in handling.duplicate_candidates(case=case)


def test_the_link_can_be_corrected_and_removed(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    case = public_report(pacts)
    client.force_login(world.supervisor)
    client.post(link_url(case, world.employee_a))
    client.post(link_url(case, world.employee_b))
    case.refresh_from_db()
    assert case.employee == world.employee_b
    corrected = AuditEntry.objects.filter(action="cases.case.employee_linked").latest("pk")
    assert corrected.data["previous"] == world.employee_a.code
    client.post(reverse("cases:reported_unlink", kwargs={"code": case.code}))
    case.refresh_from_db()
    assert case.employee is None
    assert AuditEntry.objects.filter(action="cases.case.employee_unlinked").count() == 1


def test_the_search_pages_twenty_at_a_time_and_wants_three_letters(
    client: Client, pacts: Pacts
) -> None:
    world = pacts.world
    for number in range(25):
        employee_make(world.unit_a, f"Guru Honorer {number:02d}")
    case = public_report(pacts)
    client.force_login(world.supervisor)
    url = reverse("cases:reported_search", kwargs={"code": case.code})
    first = client.get(url, {"q": "guru"}).content.decode()
    assert first.count('data-testid="roster-choose-') == 20 and "page=2" in first
    second = client.get(url, {"q": "guru", "page": 2}).content.decode()
    assert second.count('data-testid="roster-choose-') == 5
    short = client.get(url, {"q": "gu"}).content.decode()
    assert short.count('data-testid="roster-choose-') == 0


def test_another_agencys_employee_cannot_be_linked(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    case = public_report(pacts)
    client.force_login(world.supervisor)
    assert client.get(link_url(case, world.other_employee)).status_code == 404
    assert client.post(link_url(case, world.other_employee)).status_code == 404
    search = client.get(
        reverse("cases:reported_search", kwargs={"code": case.code}), {"q": "Rahmat"}
    ).content.decode()
    assert world.other_employee.code not in search
    with pytest.raises(reported.LinkError):
        reported.case_employee_link(
            actor=SYSTEM, viewer=member(world.supervisor), case=case, employee=world.other_employee
        )


@pytest.mark.parametrize(
    ("persona", "status"),
    [("decision_maker", 403), ("viewer", 403), ("coordinator_a", 403), ("other", 404)],
)
def test_only_the_agencys_supervisors_link(
    client: Client, pacts: Pacts, persona: str, status: int
) -> None:
    world = pacts.world
    case = public_report(pacts)
    user = (
        officer_make(world.other_agency, Membership.Role.SUPERVISOR)
        if persona == "other"
        else getattr(world, persona)
    )
    client.force_login(user)
    assert client.get(link_url(case, world.employee_b)).status_code == status
    assert client.post(link_url(case, world.employee_b)).status_code == status
    assert (
        client.get(
            reverse("cases:reported_search", kwargs={"code": case.code}), {"q": "bam"}
        ).status_code
        == status
    )
    case.refresh_from_db()
    assert case.employee is None


def test_the_receipt_page_never_tells_whether_the_nip_matched(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    matched, receipt = intake.report_submit(
        agency=world.agency,
        election=pacts.election,
        violation_type=ViolationType.objects.get(number=8),
        reported_nip=world.employee_b.nip or "",
        description="x",
        uploads=[],
    )
    assert matched.employee == world.employee_b
    page = client.post(reverse("cases:receipt"), {"receipt": receipt}, follow=True).content.decode()
    assert world.employee_b.name not in page and world.unit_b.name not in page
