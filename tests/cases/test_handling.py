"""Handling by the supervisors: the queue, the case page, assignment and the reporter's privacy,
evidence, notes and messages, duplicates, stages, the procedure, cases opened from inside."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from netral.accounts.models import Membership, User
from netral.agencies.models import Agency
from netral.base.models import AuditEntry, Election
from netral.base.uploads import pdf_without_metadata
from netral.cases import handling, intake, services
from netral.cases.handling import HandlingError, QueueFilter
from netral.cases.models import Case, CaseMessage, Evidence, ProcedureStage, ViolationType
from netral.pacts import services as pacts_services
from netral.pacts.models import Signature
from tests.conftest import Pacts
from tests.factories import SYSTEM, agency_make, evidence_put, officer_make
from tests.files import pdf_bytes

PDF = pdf_bytes("Surat")

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=JAKARTA)  # type: ignore[misc]


def case_make(pacts: Pacts, act: int = 4, **fields: object) -> Case:
    values: dict[str, object] = {
        "actor": SYSTEM,
        "agency": pacts.world.agency,
        "source": Case.Source.PUBLIC,
        "election": pacts.election,
        "violation_type": ViolationType.objects.get(number=act),
        "description": "Membagikan unggahan pasangan calon",
    }
    values.update(fields)
    return services.case_create(**values)  # type: ignore[arg-type]


def membership(user: User) -> Membership:
    return Membership.objects.select_related("agency").get(user=user)


def case_url(name: str, case: Case, **extra: str) -> str:
    return reverse(f"cases:{name}", kwargs={"code": case.code, **extra})


@pytest.fixture
def second_supervisor(pacts: Pacts) -> User:
    return officer_make(pacts.world.agency, Membership.Role.SUPERVISOR, username="pengawas2")


# The queue


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("supervisor", 200),
        ("decision_maker", 200),
        ("admin", 403),
        ("coordinator_a", 403),
        ("viewer", 403),
        ("other_admin", 403),
    ],
)
def test_the_queue_is_for_supervisors_and_decision_makers(
    client: Client, pacts: Pacts, persona: str, status: int
) -> None:
    case_make(pacts, reported_name="Pak Rahasia")
    client.force_login(getattr(pacts.world, persona))
    response = client.get(reverse("cases:queue"))
    assert response.status_code == status
    if status == 200:
        assert b"Pak Rahasia" in response.content
        assert reverse("cases:queue").encode() in response.content  # the nav link


def test_another_agencys_supervisor_finds_no_case_url(client: Client, pacts: Pacts) -> None:
    case = case_make(pacts)
    other = case_make(pacts, description="Kasus kedua")
    evidence = evidence_put(actor=SYSTEM, case=case, file_name="a.pdf", data=PDF, origin="reporter")
    foreign = officer_make(pacts.world.other_agency, Membership.Role.SUPERVISOR)
    client.force_login(foreign)
    names = [
        "case",
        "case_move",
        "case_close",
        "case_assign",
        "case_unassign",
        "case_note",
        "case_message",
        "case_evidence_add",
    ]
    urls = [case_url(name, case) for name in names] + [
        case_url("case_duplicate", case, duplicate_code=other.code),
        case_url("evidence", case, evidence_code=evidence.code),
    ]
    for url in urls:
        assert client.get(url).status_code in {404, 405}, url
        assert client.post(url, {"text": "x", "stage": "verifikasi"}).status_code == 404, url
    assert not case.messages.exists()


def test_the_queue_puts_overdue_cases_first(pacts: Pacts) -> None:
    # Verification lasts 7 calendar days: the first case is overdue on 20 January, the other not.
    overdue = case_make(pacts, now=at(2029, 1, 2, 9))
    recent = case_make(pacts, now=at(2029, 1, 16, 9))
    older_recent = case_make(pacts, now=at(2029, 1, 15, 9))
    closed = case_make(pacts, now=at(2029, 1, 1, 9))
    services.case_close(actor=SYSTEM, case=closed, outcome=Case.Outcome.REJECTED)
    viewer = membership(pacts.world.supervisor)
    queue = list(handling.case_queue(viewer=viewer, now=at(2029, 1, 20, 8)))
    assert queue == [overdue, older_recent, recent]
    assert [case.overdue for case in queue] == [True, False, False]
    only_overdue = handling.case_queue(
        viewer=viewer, filters=QueueFilter(overdue_only=True), now=at(2029, 1, 20, 8)
    )
    assert list(only_overdue) == [overdue]
    every = handling.case_queue(viewer=viewer, filters=QueueFilter(status=""), now=at(2029, 1, 20))
    assert closed in every


def test_the_queue_flags_overdue_cases_and_filters(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    late = case_make(pacts, now=timezone.now() - datetime.timedelta(days=30), reported_name="Ani")
    fresh = case_make(pacts, employee=world.employee_b)
    handling.case_assign(actor=SYSTEM, case=fresh, user=world.supervisor)
    client.force_login(world.supervisor)
    page = client.get(reverse("cases:queue")).content.decode()
    assert page.index(late.number) < page.index(fresh.number)
    late_row = page.split(f'data-testid="case-{late.code}"')[1].split("</tr>")[0]
    assert 'class="overdue"' in page and 'data-testid="overdue"' in late_row
    fresh_row = page.split(f'data-testid="case-{fresh.code}"')[1].split("</tr>")[0]
    assert 'data-testid="overdue"' not in fresh_row
    assert world.employee_b.name in fresh_row and "pengawas" in fresh_row
    mine = client.get(reverse("cases:queue"), {"mine": "on"}).content.decode()
    assert fresh.number in mine and late.number not in mine
    late_only = client.get(reverse("cases:queue"), {"overdue": "on"}).content.decode()
    assert late.number in late_only and fresh.number not in late_only
    by_name = client.get(reverse("cases:queue"), {"q": "Bambang"}).content.decode()
    assert fresh.number in by_name and late.number not in by_name
    by_number = client.get(reverse("cases:queue"), {"q": late.number}).content.decode()
    assert late.number in by_number and fresh.number not in by_number
    services.case_close(actor=SYSTEM, case=late, outcome=Case.Outcome.CANCELLED)
    assert late.number not in client.get(reverse("cases:queue")).content.decode()
    closed = client.get(reverse("cases:queue"), {"status": "closed"}).content.decode()
    assert late.number in closed and fresh.number not in closed


# The case page and the reporter's privacy


def test_only_an_assigned_supervisor_reads_the_reporters_identity(
    client: Client, pacts: Pacts, second_supervisor: User
) -> None:
    world = pacts.world
    case = case_make(pacts, reporter_identity="Budi Santoso\nbudi@example.id")
    handling.case_assign(actor=SYSTEM, case=case, user=world.supervisor)
    for user in (second_supervisor, world.decision_maker):
        client.force_login(user)
        response = client.get(case_url("case", case))
        assert response.status_code == 200
        assert b"Budi" not in response.content and b"budi@example.id" not in response.content
    client.force_login(world.admin)
    assert client.get(case_url("case", case)).status_code == 403
    assert not AuditEntry.objects.filter(action="cases.reporter_identity.viewed").exists()
    client.force_login(world.supervisor)
    response = client.get(case_url("case", case))
    assert b"Budi Santoso" in response.content and b"budi@example.id" in response.content
    assert AuditEntry.objects.filter(
        action="cases.reporter_identity.viewed", actor=world.supervisor
    ).exists()


def test_only_the_agencys_supervisors_can_be_assigned(pacts: Pacts) -> None:
    world = pacts.world
    case = case_make(pacts)
    for user in (world.decision_maker, world.admin, world.other_admin):
        with pytest.raises(HandlingError):
            handling.case_assign(actor=SYSTEM, case=case, user=user)
    handling.case_assign(actor=SYSTEM, case=case, user=world.supervisor)
    handling.case_assign(actor=SYSTEM, case=case, user=world.supervisor)
    assert AuditEntry.objects.filter(action="cases.case.assigned").count() == 1
    handling.case_unassign(actor=SYSTEM, case=case, user=world.supervisor)
    assert not case.assignments.exists()
    assert AuditEntry.objects.filter(action="cases.case.unassigned").count() == 1


def test_assigning_through_the_page(client: Client, pacts: Pacts, second_supervisor: User) -> None:
    case = case_make(pacts)
    client.force_login(pacts.world.supervisor)
    response = client.post(case_url("case_assign", case), {"handler": second_supervisor.code})
    assert response.status_code == 302
    assert list(case.assignments.values_list("user", flat=True)) == [second_supervisor.pk]
    client.post(case_url("case_assign", case), {"handler": pacts.world.decision_maker.code})
    assert case.assignments.count() == 1
    client.post(case_url("case_unassign", case), {"handler": second_supervisor.code})
    assert not case.assignments.exists()


def test_the_page_shows_the_employees_unit_and_pact(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    case = case_make(pacts, employee=world.employee_b)
    client.force_login(world.decision_maker)
    page = client.get(case_url("case", case)).content.decode()
    block = page.split('data-testid="pact-status"')[1].split("</ul>")[0]
    assert world.unit_b.name in page and pacts.campaign.title in block
    assert "<strong>" in block and "Link" not in block
    pacts_services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=world.employee_b,
        channel=Signature.Channel.LINK,
        typed_name=world.employee_b.name,
    )
    signature = Signature.objects.get(employee=world.employee_b)
    page = client.get(case_url("case", case)).content.decode()
    block = page.split('data-testid="pact-status"')[1].split("</ul>")[0]
    assert str(signature.get_channel_display()) in block


# Evidence


def jpeg() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 10)).save(output, format="JPEG")
    return output.getvalue()


@pytest.mark.files
def test_evidence_opens_to_the_assigned_handlers_and_the_decision_maker_only(
    client: Client, pacts: Pacts, second_supervisor: User
) -> None:
    world = pacts.world
    case = case_make(pacts)
    handling.case_assign(actor=SYSTEM, case=case, user=world.supervisor)
    pdf = evidence_put(actor=SYSTEM, case=case, file_name="surat.pdf", data=PDF, origin="reporter")
    photo = evidence_put(
        actor=SYSTEM, case=case, file_name="foto.jpg", data=jpeg(), origin="reporter"
    )
    pdf_url = case_url("evidence", case, evidence_code=pdf.code)
    photo_url = case_url("evidence", case, evidence_code=photo.code)
    for user in (second_supervisor, world.admin, world.viewer):
        client.force_login(user)
        assert client.get(pdf_url).status_code == 403
    client.force_login(second_supervisor)
    assert b"surat.pdf" not in client.get(case_url("case", case)).content
    assert not AuditEntry.objects.filter(action="cases.evidence.viewed").exists()

    client.force_login(world.supervisor)
    assert b"surat.pdf" in client.get(case_url("case", case)).content
    response = client.get(pdf_url)
    assert response.status_code == 200 and response.content == pdf_without_metadata(PDF)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    shown = client.get(photo_url)
    assert shown["Content-Type"] == "image/jpeg"
    assert shown["Content-Disposition"].startswith("inline")
    # A hostile file shown in the browser runs nothing, loads nothing and is framed by nobody.
    policy = shown["Content-Security-Policy"]
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "sandbox"):
        assert directive in policy
    original = client.get(photo_url, {"asli": "1"})
    assert original["Content-Disposition"].startswith("attachment")

    client.force_login(world.decision_maker)
    assert client.get(pdf_url).status_code == 200
    reads = AuditEntry.objects.filter(action="cases.evidence.viewed")
    assert reads.count() == 4
    assert reads.filter(target_code=photo.code, data__original=True).count() == 1
    assert reads.filter(actor=world.decision_maker).count() == 1


@pytest.mark.files
def test_a_handler_adds_evidence(client: Client, pacts: Pacts) -> None:
    case = case_make(pacts)
    handling.case_assign(actor=SYSTEM, case=case, user=pacts.world.supervisor)
    client.force_login(pacts.world.supervisor)
    upload = SimpleUploadedFile("bukti.pdf", PDF)
    assert client.post(case_url("case_evidence_add", case), {"file": upload}).status_code == 302
    assert case.evidence.get().origin == Evidence.Origin.HANDLER
    refused = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00")
    assert client.post(case_url("case_evidence_add", case), {"file": refused}).status_code == 400
    assert case.evidence.count() == 1


# Notes and messages


def test_notes_never_reach_the_reporter(client: Client, pacts: Pacts) -> None:
    case = case_make(pacts, receipt=services.receipt_new())
    client.force_login(pacts.world.decision_maker)
    client.post(case_url("case_note", case), {"text": "Saksi utama: Pak Joko"})
    note = CaseMessage.objects.get(case=case)
    assert note.kind == CaseMessage.Kind.NOTE and b"Joko" not in bytes(note.body)
    assert AuditEntry.objects.filter(action="cases.note.added").exists()
    assert "Joko" not in str(AuditEntry.objects.get(action="cases.note.added").data)
    handling.case_assign(actor=SYSTEM, case=case, user=pacts.world.supervisor)
    handling.case_message_send(
        actor=SYSTEM, case=case, text="Terima kasih, laporan sedang diverifikasi."
    )
    seen = list(intake.reporter_messages(case))
    assert [message.kind for message in seen] == [CaseMessage.Kind.TO_REPORTER]
    assert all("Joko" not in intake.message_text(message) for message in seen)
    client.force_login(pacts.world.supervisor)
    page = client.get(case_url("case", case)).content.decode()
    assert "Saksi utama: Pak Joko" in page.split('data-testid="notes"')[1]
    assert "Joko" not in page.split('data-testid="conversation"')[1].split("</ul>")[0]


def test_messages_go_only_to_a_public_reporter_and_only_from_an_assigned_handler(
    client: Client, pacts: Pacts, second_supervisor: User
) -> None:
    internal = case_make(pacts, source=Case.Source.INTERNAL)
    with pytest.raises(HandlingError):
        handling.case_message_send(actor=SYSTEM, case=internal, text="Halo")
    public = case_make(pacts, receipt=services.receipt_new())
    handling.case_assign(actor=SYSTEM, case=public, user=pacts.world.supervisor)
    client.force_login(second_supervisor)
    assert client.post(case_url("case_message", public), {"text": "Halo"}).status_code == 403
    client.force_login(pacts.world.supervisor)
    assert client.post(case_url("case_message", public), {"text": "Halo"}).status_code == 302
    message = CaseMessage.objects.get(case=public)
    assert message.kind == CaseMessage.Kind.TO_REPORTER and intake.message_text(message) == "Halo"
    assert AuditEntry.objects.filter(action="cases.message.sent", target_code=public.code).exists()


# Duplicates


def test_likely_duplicates_are_the_same_person_and_act_or_a_shared_link(pacts: Pacts) -> None:
    world = pacts.world
    case = case_make(pacts, employee=world.employee_b, links=["https://www.instagram.com/p/AbC/"])
    same_person = case_make(pacts, reported_name=world.employee_b.name.upper())
    same_nip = case_make(pacts, reported_name="B. Sutrisno", reported_nip=world.employee_b.nip)
    other_act = case_make(pacts, act=1, employee=world.employee_b)
    shared_link = case_make(
        pacts, act=9, reported_name="Orang lain", links=["http://instagram.com/p/AbC?igsh=xyz"]
    )
    unrelated = case_make(pacts, reported_name="Orang lain", links=["https://x.com/a/1"])
    closed = case_make(pacts, employee=world.employee_b)
    services.case_close(actor=SYSTEM, case=closed, outcome=Case.Outcome.REJECTED)
    found = handling.duplicate_candidates(case=case)
    assert set(found) == {same_person, same_nip, shared_link}
    assert other_act not in found and unrelated not in found


def test_joining_a_duplicate_closes_it_and_logs(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    case = case_make(pacts, employee=world.employee_b)
    duplicate = case_make(pacts, employee=world.employee_b)
    client.force_login(world.supervisor)
    page = client.get(case_url("case", case)).content.decode()
    link = case_url("case_duplicate", case, duplicate_code=duplicate.code)
    assert link in page.split('data-testid="duplicates"')[1]
    assert client.get(link).status_code == 200  # asks first
    duplicate.refresh_from_db()
    assert duplicate.status == Case.Status.OPEN
    client.force_login(world.decision_maker)
    assert client.post(link).status_code == 403
    client.force_login(world.supervisor)
    assert client.post(link).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Case.Status.CLOSED
    assert duplicate.outcome == Case.Outcome.DUPLICATE and duplicate.duplicate_of == case
    assert AuditEntry.objects.filter(
        action="cases.case.duplicate_linked", target_code=duplicate.code
    ).exists()
    assert AuditEntry.objects.filter(
        action="cases.case.closed", target_code=duplicate.code
    ).exists()
    with pytest.raises(HandlingError):
        handling.case_duplicate_link(actor=SYSTEM, case=duplicate, duplicate=case)
    with pytest.raises(HandlingError):
        handling.case_duplicate_link(actor=SYSTEM, case=case, duplicate=case)


# Stages and closing


def test_a_move_counts_working_days_across_a_holiday(pacts: Pacts) -> None:
    case = case_make(pacts, now=at(2029, 8, 13, 9))
    review = ProcedureStage.objects.get(procedure__election=pacts.election, key="kajian-bawaslu")
    # Three working days from Wednesday 15 August 2029: 17 August is Independence Day.
    moved = services.case_move(actor=SYSTEM, case=case, stage=review, now=at(2029, 8, 15, 10))
    assert timezone.localtime(moved.stage_due_at).date() == datetime.date(2029, 8, 21)
    assert not handling.case_queue(
        viewer=membership(pacts.world.supervisor), now=at(2029, 8, 21, 23)
    )[0].overdue
    assert handling.case_queue(
        viewer=membership(pacts.world.supervisor), now=at(2029, 8, 22, 0, 1)
    )[0].overdue


def test_moving_and_closing_through_the_page(client: Client, pacts: Pacts) -> None:
    case = case_make(pacts)
    client.force_login(pacts.world.decision_maker)
    assert client.post(case_url("case_move", case), {"stage": "pemeriksaan"}).status_code == 403
    client.force_login(pacts.world.supervisor)
    assert client.post(case_url("case_move", case), {"stage": "nope"}).status_code == 400
    assert client.post(case_url("case_move", case), {"stage": "kajian-bawaslu"}).status_code == 302
    case.refresh_from_db()
    assert case.stage is not None and case.stage.key == "kajian-bawaslu"
    assert AuditEntry.objects.filter(action="cases.case.stage_changed").count() == 1

    url = case_url("case_close", case)
    data = {"outcome": Case.Outcome.REJECTED, "reason": "Bukan ASN"}
    # Decisions are the decision maker's: the form refuses them.
    for decision in (Case.Outcome.DUPLICATE, Case.Outcome.PROVEN, Case.Outcome.NOT_PROVEN):
        assert client.post(url, {**data, "outcome": decision, "confirm": "1"}).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 200 and b'name="confirm"' in response.content
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == Case.Outcome.REJECTED
    assert case.outcome_reason == "Bukan ASN"


# The procedure


def stage_post(stages: list[ProcedureStage], body: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "receiving_body": body,
        "tahap-TOTAL_FORMS": len(stages),
        "tahap-INITIAL_FORMS": len(stages),
    }
    for index, stage in enumerate(stages):
        data.update(
            {
                f"tahap-{index}-key": stage.key,
                f"tahap-{index}-name": stage.name,
                f"tahap-{index}-responsible": stage.responsible,
                f"tahap-{index}-days": stage.days,
                f"tahap-{index}-day_kind": stage.day_kind,
                f"tahap-{index}-recommendation_from": stage.recommendation_from,
            }
        )
    data.update({f"tahap-0-{field}": value for field, value in changes.items()})
    return data


def test_an_admin_edits_the_procedure_within_limits(client: Client, pacts: Pacts) -> None:
    url = reverse("cases:procedure", kwargs={"code": pacts.election.code})
    procedure = services.procedure_for(pacts.election)
    stages = list(procedure.stages.order_by("order"))
    client.force_login(pacts.world.supervisor)
    assert client.get(url).status_code == 403
    client.force_login(pacts.world.admin)
    page = client.get(url)
    assert page.status_code == 200
    # The stage inputs sit in table cells without <label>: each names itself for screen readers.
    assert 'aria-label="Hari (1)"' in page.content.decode()
    election_page = client.get(
        reverse("pacts:election_detail", kwargs={"code": pacts.election.code})
    )
    assert url.encode() in election_page.content
    for days in (0, 400):
        assert client.post(url, stage_post(stages, "BKN", days=days)).status_code == 400
    assert procedure.stages.get(key="verifikasi").days == 7
    response = client.post(
        url, stage_post(stages, "Lembaga independen", days=5, day_kind="working")
    )
    assert response.status_code == 302
    first = procedure.stages.get(key="verifikasi")
    assert (first.days, first.day_kind) == (5, "working")
    procedure.refresh_from_db()
    assert procedure.receiving_body == "Lembaga independen"
    entry = AuditEntry.objects.get(action="cases.procedure.changed")
    assert entry.data["changes"][1]["days"] == [7, 5]


def test_a_stage_is_added_at_the_end_and_only_an_unused_one_removed(
    client: Client, pacts: Pacts
) -> None:
    case_make(pacts)  # in the first stage
    code = pacts.election.code
    client.force_login(pacts.world.admin)
    add = reverse("cases:procedure_stage_add", kwargs={"code": code})
    remove = reverse("cases:procedure_stage_remove", kwargs={"code": code})
    client.post(add, {"baru-name": "Banding", "baru-days": 400, "baru-day_kind": "working"})
    assert not ProcedureStage.objects.filter(name="Banding").exists()
    client.post(add, {"baru-name": "Banding", "baru-days": 21, "baru-day_kind": "working"})
    added = ProcedureStage.objects.get(name="Banding")
    assert (added.order, added.key) == (5, "banding")
    client.post(remove, {"key": "verifikasi"})
    assert ProcedureStage.objects.filter(key="verifikasi").exists()
    client.post(remove, {"key": "banding"})
    assert not ProcedureStage.objects.filter(key="banding").exists()
    assert AuditEntry.objects.filter(action="cases.procedure.stage_added").count() == 1
    assert AuditEntry.objects.filter(action="cases.procedure.stage_removed").count() == 1


def test_a_national_elections_procedure_is_read_only_for_other_agencies(
    client: Client, pacts: Pacts
) -> None:
    national = Agency.objects.filter(kind=Agency.Kind.NATIONAL).first() or agency_make("33")
    Agency.objects.filter(pk=national.pk).update(kind=Agency.Kind.NATIONAL)
    election = Election.objects.create(
        owner=national, name="Pemilu Nasional", kind="pemilu", voting_day=datetime.date(2029, 2, 14)
    )
    url = reverse("cases:procedure", kwargs={"code": election.code})
    client.force_login(pacts.world.admin)
    response = client.get(url)
    assert response.status_code == 200 and b'name="receiving_body"' not in response.content
    stages = list(services.procedure_for(election).stages.order_by("order"))
    assert client.post(url, stage_post(stages, "Lain")).status_code == 403
    add = reverse("cases:procedure_stage_add", kwargs={"code": election.code})
    assert client.post(add, {"baru-name": "X", "baru-days": 3}).status_code == 403


def test_the_service_refuses_bad_stage_values(pacts: Pacts) -> None:
    procedure = services.procedure_for(pacts.election)
    for days in (0, 366):
        with pytest.raises(HandlingError):
            handling.procedure_stage_add(
                actor=SYSTEM,
                procedure=procedure,
                values=handling.StageValues("Banding", "", days, "working"),
            )
    only = services.procedure_for(
        Election.objects.create(
            owner=pacts.world.agency,
            name="Pilkada",
            kind="pemilihan",
            voting_day=pacts.election.voting_day,
        )
    )
    only.stages.exclude(order=1).delete()
    with pytest.raises(HandlingError):
        handling.procedure_stage_remove(actor=SYSTEM, stage=only.stages.get())


# Cases opened from inside


def finding_data(pacts: Pacts, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "election": pacts.election.code,
        "employee_identifier": pacts.world.employee_b.nip,
        "violation_type": ViolationType.objects.get(number=3).pk,
        "phase": Case.Phase.UNKNOWN,
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "place": "Lapangan Kajen",
        "description": "Hadir di kampanye dan berorasi",
        "links": "https://www.facebook.com/video/1",
    }
    data.update(extra)
    return data


def test_a_supervisor_records_an_internal_finding(client: Client, pacts: Pacts) -> None:
    url = reverse("cases:finding_create")
    client.force_login(pacts.world.decision_maker)
    assert client.get(url).status_code == 403
    client.force_login(pacts.world.supervisor)
    assert client.get(url).status_code == 200
    missing = finding_data(pacts, employee_identifier="", reported_name="")
    assert client.post(url, missing).status_code == 200
    unknown = finding_data(pacts, employee_identifier=pacts.world.other_employee.nip)
    assert client.post(url, unknown).status_code == 200
    assert not Case.objects.exists()
    response = client.post(url, finding_data(pacts))
    case = Case.objects.get()
    assert response["Location"] == case_url("case", case)
    assert case.source == Case.Source.INTERNAL and case.employee == pacts.world.employee_b
    assert case.reported_name == pacts.world.employee_b.name
    assert case.links == ["https://www.facebook.com/video/1"]
    assert case.stage is not None and case.stage.key == "verifikasi"
    assert (
        case.is_anonymous
        and not case.reporter_identity
        and case.created_by == pacts.world.supervisor
    )


@pytest.mark.files
def test_a_bawaslu_referral_needs_its_letter_and_study(client: Client, pacts: Pacts) -> None:
    url = reverse("cases:referral_create")
    client.force_login(pacts.world.supervisor)

    def study() -> SimpleUploadedFile:
        return SimpleUploadedFile("kajian.pdf", PDF)

    base = finding_data(pacts, employee_identifier="", reported_name="Camat Fulan")
    letter = {"referral_number": "123/PM.00/K.JT-14/01/2029", "referral_date": "2029-01-10"}
    assert client.post(url, {**base, **letter}).status_code == 200  # no study
    assert client.post(url, {**base, "study": study()}).status_code == 200  # no letter
    bad = SimpleUploadedFile("kajian.pdf", b"MZ\x90\x00")
    assert client.post(url, {**base, **letter, "study": bad}).status_code == 200
    assert not Case.objects.exists()
    assert client.post(url, {**base, **letter, "study": study()}).status_code == 302
    case = Case.objects.get()
    assert case.source == Case.Source.BAWASLU and case.employee is None
    assert case.referral_number == letter["referral_number"]
    assert case.referral_date == datetime.date(2029, 1, 10)
    evidence = case.evidence.get()
    assert evidence.origin == Evidence.Origin.HANDLER and evidence.file_name == "kajian.pdf"
    with pytest.raises(HandlingError):
        handling.referral_create(
            actor=SYSTEM,
            agency=pacts.world.agency,
            election=pacts.election,
            referral_number="",
            referral_date=None,
            study_name="a.pdf",
            study_data=b"%PDF-",
            violation_type=ViolationType.objects.get(number=3),
            description="x",
        )
