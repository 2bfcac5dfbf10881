"""Consistent decisions: the sanction's level follows the act's level in the catalogue unless the
decision maker records why not; a stage that ends with an outside body's recommendation (Bawaslu's
study) cannot be passed until its letter is recorded."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netral.accounts.models import Membership, User
from netral.base.models import AuditEntry
from netral.cases import decisions, outside, services
from netral.cases.models import Case, ProcedureStage, Sanction, SanctionType, ViolationType
from tests.conftest import Pacts
from tests.factories import SYSTEM, officer_make
from tests.files import pdf_bytes

LETTER = pdf_bytes("Kajian Bawaslu Kabupaten Pekalongan")


def member(user: User) -> Membership:
    return Membership.objects.select_related("agency").get(user=user)


def severe_case(pacts: Pacts) -> Case:
    """Act 1 (banners for a candidate) is a severe (berat) discipline matter."""
    return services.case_create(
        actor=SYSTEM,
        agency=pacts.world.agency,
        source=Case.Source.INTERNAL,
        election=pacts.election,
        employee=pacts.world.employee_b,
        violation_type=ViolationType.objects.get(number=1),
        phase=Case.Phase.AFTER,
        description="Memasang baliho calon di halaman kantor",
    )


def decision_post(**extra: str) -> dict[str, object]:
    today = timezone.localdate().isoformat()
    post: dict[str, object] = {
        "outcome": "proven",
        "reason": "",
        "sanction_type": SanctionType.objects.get(code="pp94-2021-teguran-lisan").pk,
        "decree_number": "800/5/BKPSDM/2029",
        "decree_date": today,
        "starts_on": today,
    }
    post.update(extra)
    return post


def test_a_light_sanction_on_a_severe_act_is_refused_without_a_reason(
    client: Client, pacts: Pacts
) -> None:
    case = severe_case(pacts)
    url = reverse("cases:decision", kwargs={"code": case.code})
    client.force_login(pacts.world.decision_maker)
    refused = client.post(url, decision_post())
    assert refused.status_code == 200
    assert b"decision-confirm" not in refused.content
    assert "Hukuman disiplin berat" in refused.content.decode()
    assert client.post(url, {**decision_post(), "confirm": "1"}).status_code == 200
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and not Sanction.objects.exists()

    reason = "Terlapor baru pertama kali dan segera menurunkan baliho."
    review = client.post(url, decision_post(departure_reason=reason))
    assert b"decision-confirm" in review.content and b"departure-warning" in review.content
    assert (
        client.post(url, {**decision_post(departure_reason=reason), "confirm": "1"}).status_code
        == 302
    )
    sanction = Sanction.objects.get(case=case)
    assert sanction.departure_reason == reason
    entry = AuditEntry.objects.get(action="cases.sanction.recorded", target_code=case.code)
    assert entry.data["departure_reason"] == reason
    [row] = decisions.sanction_register_rows(viewer=member(pacts.world.decision_maker))
    assert row.departure_reason == reason


def test_a_sanction_of_the_acts_level_needs_no_reason_and_keeps_none(pacts: Pacts) -> None:
    case = severe_case(pacts)
    decisions.decision_record(
        actor=SYSTEM,
        viewer=member(pacts.world.decision_maker),
        case=case,
        outcome=Case.Outcome.PROVEN,
        sanction_type=SanctionType.objects.get(code="pp94-2021-turun-jabatan"),
        decree_number="800/6/2029",
        decree_date=timezone.localdate(),
        departure_reason="tidak perlu",
    )
    assert Sanction.objects.get(case=case).departure_reason == ""


def test_an_act_without_a_level_takes_any_discipline_sanction(pacts: Pacts) -> None:
    case = severe_case(pacts)
    case.violation_type = ViolationType.objects.get(number=15)  # decided by the task force
    case.save()
    assert not decisions.sanction_departs(
        case, SanctionType.objects.get(code="pp94-2021-teguran-lisan")
    )


# The recommendation a stage needs


def stage(pacts: Pacts, key: str) -> ProcedureStage:
    return ProcedureStage.objects.get(procedure__election=pacts.election, key=key)


def test_the_bawaslu_stage_cannot_be_passed_without_its_letter(pacts: Pacts) -> None:
    case = severe_case(pacts)
    assert stage(pacts, "kajian-bawaslu").recommendation_from == "Bawaslu"
    with pytest.raises(services.RecommendationMissing):
        services.case_move(actor=SYSTEM, case=case, stage=stage(pacts, "pemeriksaan"))
    services.case_move(actor=SYSTEM, case=case, stage=stage(pacts, "kajian-bawaslu"))
    with pytest.raises(services.RecommendationMissing):
        services.case_move(actor=SYSTEM, case=case, stage=stage(pacts, "keputusan"))
    case.refresh_from_db()
    assert case.stage == stage(pacts, "kajian-bawaslu")
    # Back to the verification needs nothing.
    services.case_move(actor=SYSTEM, case=case, stage=stage(pacts, "verifikasi"))


@pytest.mark.files
def test_a_recorded_letter_lets_the_case_move_on(client: Client, pacts: Pacts) -> None:
    case = severe_case(pacts)
    client.force_login(pacts.world.supervisor)
    move = reverse("cases:case_move", kwargs={"code": case.code})
    response = client.post(move, {"stage": "pemeriksaan"})
    assert response.status_code == 302
    assert any("Bawaslu" in str(message) for message in get_messages(response.wsgi_request))
    case.refresh_from_db()
    assert case.stage == stage(pacts, "verifikasi")

    url = reverse("cases:case_recommendation", kwargs={"code": case.code})
    assert client.get(url).status_code == 200
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    refused = client.post(
        url,
        {
            "stage": "kajian-bawaslu",
            "letter_number": "123/PM.00.02/K.JT-19/2029",
            "letter_date": future,
            "file": _letter(),
        },
    )
    assert refused.status_code == 400 and not case.recommendations.exists()
    assert not case.evidence.exists()  # nothing half-written
    saved = client.post(
        url,
        {
            "stage": "kajian-bawaslu",
            "letter_number": "123/PM.00.02/K.JT-19/2029",
            "letter_date": timezone.localdate().isoformat(),
            "file": _letter(),
        },
    )
    assert saved.status_code == 302
    recommendation = case.recommendations.get()
    assert recommendation.letter.file_name == "kajian.pdf"
    assert AuditEntry.objects.filter(action="cases.recommendation.recorded").count() == 1
    client.post(move, {"stage": "pemeriksaan"})
    case.refresh_from_db()
    assert case.stage == stage(pacts, "pemeriksaan")


def _letter() -> SimpleUploadedFile:
    return SimpleUploadedFile("kajian.pdf", LETTER, content_type="application/pdf")


@pytest.mark.parametrize("persona", ["decision_maker", "viewer", "other"])
def test_only_the_agencys_supervisors_record_a_letter(
    client: Client, pacts: Pacts, persona: str
) -> None:
    world = pacts.world
    case = severe_case(pacts)
    user = (
        officer_make(world.other_agency, Membership.Role.SUPERVISOR)
        if persona == "other"
        else getattr(world, persona)
    )
    client.force_login(user)
    response = client.post(
        reverse("cases:case_recommendation", kwargs={"code": case.code}),
        {"stage": "kajian-bawaslu", "letter_number": "1", "letter_date": "2026-01-01"},
    )
    assert response.status_code == (404 if persona == "other" else 403)
    with pytest.raises(PermissionDenied):
        outside.recommendation_record(
            actor=SYSTEM,
            viewer=member(user),
            case=case,
            stage=stage(pacts, "kajian-bawaslu"),
            letter_number="1",
            letter_date=timezone.localdate(),
            file_name="a.pdf",
            data=LETTER,
        )


def test_the_admin_marks_which_stage_needs_a_recommendation(client: Client, pacts: Pacts) -> None:
    case = severe_case(pacts)
    stages = list(services.procedure_for(pacts.election).stages.order_by("order"))
    post: dict[str, object] = {
        "receiving_body": "BKN",
        "tahap-TOTAL_FORMS": len(stages),
        "tahap-INITIAL_FORMS": len(stages),
    }
    for index, each in enumerate(stages):
        for field in ("key", "name", "responsible", "days", "day_kind"):
            post[f"tahap-{index}-{field}"] = getattr(each, field)
        # The Bawaslu stage no longer needs a letter; the examination needs the inspectorate's.
        post[f"tahap-{index}-recommendation_from"] = (
            "Inspektorat" if each.key == "pemeriksaan" else ""
        )
    client.force_login(pacts.world.admin)
    url = reverse("cases:procedure", kwargs={"code": pacts.election.code})
    assert client.post(url, post).status_code == 302
    assert stage(pacts, "kajian-bawaslu").recommendation_from == ""
    services.case_move(actor=SYSTEM, case=case, stage=stage(pacts, "pemeriksaan"))
    with pytest.raises(services.RecommendationMissing) as missing:
        services.case_move(actor=SYSTEM, case=case, stage=stage(pacts, "keputusan"))
    assert missing.value.stage.recommendation_from == "Inspektorat"
