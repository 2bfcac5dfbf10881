"""The end of a case: the examination, the decision, the sanction and the register export."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from netral.accounts.models import Membership, User
from netral.base.models import AuditEntry
from netral.base.storage import read_bytes
from netral.cases import decisions, services
from netral.cases.decision_forms import DecisionForm
from netral.cases.models import (
    Case,
    CaseAssignment,
    Evidence,
    Examination,
    Sanction,
    SanctionType,
    ViolationType,
)
from tests.conftest import Pacts
from tests.factories import SYSTEM
from tests.files import pdf_bytes

REPORT_PDF = pdf_bytes("Berita acara pemeriksaan: terbukti")


def make_case(
    pacts: Pacts, *, phase: str = Case.Phase.AFTER, act: int = 8, **extra: object
) -> Case:
    """Act 8 is a moderate (sedang) discipline matter in the catalogue."""
    return services.case_create(
        actor=SYSTEM,
        agency=pacts.world.agency,
        source=Case.Source.INTERNAL,
        election=pacts.election,
        employee=pacts.world.employee_b,
        violation_type=ViolationType.objects.get(number=act),
        phase=phase,
        description="Membagikan unggahan pasangan calon",
        **extra,  # type: ignore[arg-type]
    )


def member(user: User) -> Membership:
    return Membership.objects.select_related("agency").get(user=user)


def sanction_type(code: str) -> SanctionType:
    return SanctionType.objects.get(code=code)


def close_proven(pacts: Pacts, case: Case) -> Case:
    return decisions.outcome_record(
        actor=SYSTEM,
        viewer=member(pacts.world.decision_maker),
        case=case,
        outcome=Case.Outcome.PROVEN,
    )


def record(pacts: Pacts, case: Case, code: str, **extra: object) -> Sanction:
    values: dict[str, object] = {
        "decree_number": "800/123/BKPSDM/2029",
        "decree_date": timezone.localdate(),
    }
    values.update(extra)
    return decisions.sanction_record(
        actor=SYSTEM,
        viewer=member(pacts.world.decision_maker),
        case=case,
        sanction_type=sanction_type(code),
        **values,  # type: ignore[arg-type]
    )


def examination_post(**extra: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "member_0_name": "Drs. Hadi Purnomo",
        "member_0_role": "atasan",
        "member_1_name": "Ir. Lestari",
        "member_1_role": "inspektorat",
        "member_2_name": "Agus Salim, S.H.",
        "member_2_role": "kepegawaian",
        "started_on": (today - datetime.timedelta(days=5)).isoformat(),
        "finished_on": today.isoformat(),
        "findings": "Terbukti membagikan unggahan kampanye.",
    }
    data.update(extra)
    return data


# The examination


def test_an_unassigned_supervisor_reads_the_examination_but_cannot_record_it(
    client: Client, pacts: Pacts
) -> None:
    case = make_case(pacts)
    url = reverse("cases:examination", kwargs={"code": case.code})
    client.force_login(pacts.world.supervisor)
    response = client.get(url)
    assert response.status_code == 200
    assert b"examination-form" not in response.content
    assert client.post(url, examination_post()).status_code == 403
    assert not Examination.objects.filter(case=case).exists()


@pytest.mark.files
def test_an_assigned_supervisor_records_the_examination_with_its_report(
    client: Client, pacts: Pacts
) -> None:
    case = make_case(pacts)
    CaseAssignment.objects.create(case=case, user=pacts.world.supervisor)
    url = reverse("cases:examination", kwargs={"code": case.code})
    client.force_login(pacts.world.supervisor)
    report = SimpleUploadedFile("bap.pdf", REPORT_PDF, content_type="application/pdf")
    response = client.post(url, {**examination_post(), "report": report})
    assert response.status_code == 302
    examination = Examination.objects.get(case=case)
    assert [m["role"] for m in examination.team] == ["atasan", "inspektorat", "kepegawaian"]
    assert examination.findings.startswith("Terbukti")
    assert examination.report is not None
    assert examination.report.origin == Evidence.Origin.EXAMINATION
    stored = f"evidence/{case.code}/{examination.report.code}.bin"
    assert b"Berita acara" not in read_bytes(stored)
    assert AuditEntry.objects.filter(action="cases.examination.saved", target_code=case.code)
    download = client.get(reverse("cases:examination_report", kwargs={"code": case.code}))
    assert download.content == REPORT_PDF
    assert AuditEntry.objects.filter(action="cases.evidence.viewed").count() == 1


def test_the_decision_maker_edits_the_examination_and_the_viewer_may_not_open_it(
    client: Client, pacts: Pacts
) -> None:
    case = make_case(pacts)
    url = reverse("cases:examination", kwargs={"code": case.code})
    client.force_login(pacts.world.decision_maker)
    assert client.post(url, examination_post()).status_code == 302
    client.force_login(pacts.world.viewer)
    assert client.get(url).status_code == 403
    client.force_login(pacts.world.other_admin)
    assert client.get(url).status_code == 404


def test_the_examination_cannot_finish_before_it_started(client: Client, pacts: Pacts) -> None:
    case = make_case(pacts)
    today = timezone.localdate()
    with pytest.raises(decisions.DecisionError):
        decisions.examination_save(
            actor=SYSTEM,
            viewer=member(pacts.world.decision_maker),
            case=case,
            team=[],
            started_on=today,
            finished_on=today - datetime.timedelta(days=1),
            findings="",
        )
    client.force_login(pacts.world.decision_maker)
    response = client.post(
        reverse("cases:examination", kwargs={"code": case.code}),
        examination_post(started_on=today.isoformat(), finished_on="2020-01-01"),
    )
    assert response.status_code == 200
    assert not Examination.objects.filter(case=case).exists()


def test_a_closed_case_keeps_its_examination(pacts: Pacts) -> None:
    case = close_proven(pacts, make_case(pacts))
    with pytest.raises(PermissionDenied):
        decisions.examination_save(
            actor=SYSTEM,
            viewer=member(pacts.world.decision_maker),
            case=case,
            team=[],
            started_on=None,
            finished_on=None,
            findings="later",
        )


# The outcome


def test_a_rejection_needs_a_reason(pacts: Pacts) -> None:
    case = make_case(pacts)
    viewer = member(pacts.world.decision_maker)
    with pytest.raises(decisions.DecisionError):
        decisions.outcome_record(
            actor=SYSTEM, viewer=viewer, case=case, outcome=Case.Outcome.REJECTED, reason="  "
        )
    closed = decisions.outcome_record(
        actor=SYSTEM,
        viewer=viewer,
        case=case,
        outcome=Case.Outcome.REJECTED,
        reason="Bukan pegawai instansi ini",
    )
    assert closed.outcome == Case.Outcome.REJECTED
    assert closed.outcome_reason == "Bukan pegawai instansi ini"
    form = DecisionForm({"outcome": "rejected", "reason": ""}, case=make_case(pacts))
    assert not form.is_valid() and "reason" in form.errors


def test_only_the_decision_maker_decides(client: Client, pacts: Pacts) -> None:
    case = make_case(pacts)
    CaseAssignment.objects.create(case=case, user=pacts.world.supervisor)
    with pytest.raises(PermissionDenied):
        decisions.outcome_record(
            actor=SYSTEM,
            viewer=member(pacts.world.supervisor),
            case=case,
            outcome=Case.Outcome.PROVEN,
        )
    url = reverse("cases:decision", kwargs={"code": case.code})
    client.force_login(pacts.world.supervisor)
    assert client.get(url).status_code == 200
    post = {
        "outcome": "proven",
        "sanction_type": sanction_type("pp94-2021-tukin-6").pk,
        "decree_number": "800/1/2029",
        "decree_date": timezone.localdate().isoformat(),
        "confirm": "1",
    }
    assert client.post(url, post).status_code == 403
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    closed = close_proven(pacts, case)
    with pytest.raises(PermissionDenied):
        decisions.sanction_record(
            actor=SYSTEM,
            viewer=member(pacts.world.supervisor),
            case=closed,
            sanction_type=sanction_type("pp94-2021-tukin-6"),
            decree_number="800/1/2029",
            decree_date=timezone.localdate(),
        )
    assert client.post(url, post).status_code == 403
    assert not Sanction.objects.exists()


def test_the_decision_maker_records_proven_and_a_sanction_after_a_confirmation(
    client: Client, pacts: Pacts
) -> None:
    case = make_case(pacts)
    url = reverse("cases:decision", kwargs={"code": case.code})
    client.force_login(pacts.world.decision_maker)
    today = timezone.localdate()
    post = {
        "outcome": "proven",
        "reason": "",
        "sanction_type": sanction_type("pp94-2021-tukin-6").pk,
        "decree_number": "800/77/BKPSDM/2029",
        "decree_date": today.isoformat(),
        "starts_on": today.isoformat(),
    }
    review = client.post(url, post)
    assert review.status_code == 200
    assert b"decision-confirm" in review.content
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and not Sanction.objects.exists()

    assert client.post(url, {**post, "confirm": "1"}).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Case.Status.CLOSED, Case.Outcome.PROVEN)
    sanction = Sanction.objects.get(case=case)
    assert sanction.decree_number == "800/77/BKPSDM/2029"
    assert sanction.decided_by == pacts.world.decision_maker
    assert sanction.ends_on == decisions.sanction_end(today, 6)
    actions = set(AuditEntry.objects.filter(target_code=case.code).values_list("action", flat=True))
    assert {"cases.case.closed", "cases.sanction.recorded"} <= actions


def test_a_failed_sanction_leaves_the_case_open(pacts: Pacts) -> None:
    case = make_case(pacts)
    with pytest.raises(decisions.DecisionError):
        decisions.decision_record(
            actor=SYSTEM,
            viewer=member(pacts.world.decision_maker),
            case=case,
            outcome=Case.Outcome.PROVEN,
            sanction_type=sanction_type("pp94-2021-tukin-6"),
            decree_number="",
            decree_date=timezone.localdate(),
        )
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


# The sanction


def test_only_a_case_closed_as_proven_is_sanctioned(pacts: Pacts) -> None:
    with pytest.raises(decisions.DecisionError):
        record(pacts, make_case(pacts), "pp94-2021-tukin-6")
    not_proven = decisions.outcome_record(
        actor=SYSTEM,
        viewer=member(pacts.world.decision_maker),
        case=make_case(pacts),
        outcome=Case.Outcome.NOT_PROVEN,
    )
    with pytest.raises(decisions.DecisionError):
        record(pacts, not_proven, "pp94-2021-tukin-6")


def test_the_track_decides_the_kind_of_sanction(pacts: Pacts) -> None:
    discipline = close_proven(pacts, make_case(pacts, phase=Case.Phase.AFTER))
    with pytest.raises(decisions.DecisionError):
        record(pacts, discipline, "pp42-2004-terbuka")
    assert record(pacts, discipline, "pp94-2021-tukin-9").pk

    ethics = close_proven(pacts, make_case(pacts, phase=Case.Phase.BEFORE))
    with pytest.raises(decisions.DecisionError):
        record(pacts, ethics, "pp94-2021-tukin-12")
    with pytest.raises(decisions.DecisionError):
        record(pacts, ethics, "uu20-2023-ptdh")
    assert record(pacts, ethics, "pp42-2004-tertutup").pk

    unknown = close_proven(pacts, make_case(pacts, phase=Case.Phase.UNKNOWN))
    assert record(pacts, unknown, "pp42-2004-terbuka").pk
    assert record(pacts, unknown, "pp94-2021-tukin-9").pk


def test_a_sanction_of_a_repealed_regulation_is_refused(pacts: Pacts) -> None:
    case = close_proven(pacts, make_case(pacts))
    assert not sanction_type("pp53-2010-tunda-kgb").is_active
    with pytest.raises(decisions.DecisionError):
        record(pacts, case, "pp53-2010-tunda-kgb")


def test_the_decree_needs_a_number_and_a_date_not_in_the_future(pacts: Pacts) -> None:
    case = close_proven(pacts, make_case(pacts))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(decisions.DecisionError):
        record(pacts, case, "pp94-2021-tukin-6", decree_date=tomorrow)
    with pytest.raises(decisions.DecisionError):
        record(pacts, case, "pp94-2021-tukin-6", decree_number="  ")
    with pytest.raises(decisions.DecisionError):
        record(
            pacts,
            case,
            "pp94-2021-tukin-6",
            starts_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert not Sanction.objects.exists()


def test_the_end_date_follows_from_the_duration(pacts: Pacts) -> None:
    case = close_proven(pacts, make_case(pacts))
    decreed = datetime.date(2024, 12, 20)
    six = record(
        pacts,
        case,
        "pp94-2021-tukin-6",
        decree_date=decreed,
        starts_on=datetime.date(2025, 1, 1),
    )
    assert six.ends_on == datetime.date(2025, 6, 30)
    twelve = record(
        pacts,
        case,
        "pp94-2021-turun-jabatan",
        decree_date=decreed,
        starts_on=datetime.date(2025, 8, 31),
        departure_reason="Pengulangan pelanggaran",
    )
    assert twelve.ends_on == datetime.date(2026, 8, 30)
    assert decisions.sanction_end(datetime.date(2029, 8, 31), 6) == datetime.date(2030, 2, 28)
    warning = record(
        pacts,
        case,
        "pp94-2021-teguran-tertulis",
        decree_date=decreed,
        starts_on=decreed,
        departure_reason="Peran yang sangat kecil",
    )
    assert warning.ends_on is None
    assert AuditEntry.objects.filter(action="cases.sanction.recorded").count() == 3


def test_party_membership_suggests_dismissal(pacts: Pacts) -> None:
    case = make_case(pacts, act=9)
    form = DecisionForm(case=case)
    assert form.fields["sanction_type"].initial == sanction_type("uu20-2023-ptdh").pk
    assert DecisionForm(case=make_case(pacts)).fields["sanction_type"].initial is None


# The register export


def test_the_export_lists_exactly_this_agencys_sanctions(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    case = close_proven(pacts, make_case(pacts, act=4))
    record(
        pacts,
        case,
        "pp94-2021-tukin-6",
        starts_on=timezone.localdate(),
        departure_reason="Peran yang kecil dalam kegiatan",
    )
    # Another agency's sanction, recorded by its own decision maker.
    other_case = services.case_create(
        actor=SYSTEM,
        agency=world.other_agency,
        source=Case.Source.INTERNAL,
        election=None,
        employee=world.other_employee,
        violation_type=ViolationType.objects.get(number=4),
        phase=Case.Phase.AFTER,
        description="x",
    )
    other_case.status, other_case.outcome = Case.Status.CLOSED, Case.Outcome.PROVEN
    other_case.save()
    Sanction.objects.create(
        case=other_case,
        sanction_type=sanction_type("pp94-2021-tukin-9"),
        decree_number="LAIN/1",
        decree_date=timezone.localdate(),
    )

    client.force_login(world.supervisor)
    response = client.get(reverse("cases:sanction_export"))
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0] == decisions.REGISTER_COLUMNS
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Nama"] == world.employee_b.name
    assert row["NIP"] == world.employee_b.nip
    assert row["Unit kerja"] == world.unit_b.name
    assert row["Instansi"] == world.agency.name
    assert str(row["Jenis pelanggaran"]).startswith("4. ")
    assert row["Jalur"] == "Disiplin"
    assert row["Peraturan"] == "PP 94/2021"
    assert row["Tingkat"] == "Sedang"
    assert row["Jenis hukuman"] == "Pemotongan tunjangan kinerja 25% selama 6 bulan"
    assert row["Nomor SK"] == "800/123/BKPSDM/2029"
    assert row["Tanggal SK"] == timezone.localdate()
    assert row["Selesai"] == decisions.sanction_end(timezone.localdate(), 6)
    assert row["Nomor kasus"] == case.number
    assert row["Alasan menyimpang dari katalog"] == "Peran yang kecil dalam kegiatan"
    assert AuditEntry.objects.filter(action="cases.sanction.exported").exists()

    client.force_login(world.decision_maker)
    text = client.get(reverse("cases:sanction_export"), {"format": "csv"}).content.decode()
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0] == decisions.REGISTER_COLUMNS
    assert [line[10] for line in lines[1:]] == ["800/123/BKPSDM/2029"]


@pytest.mark.parametrize("persona", ["admin", "viewer", "coordinator_a", "other_admin"])
def test_other_roles_cannot_export_sanctions(client: Client, pacts: Pacts, persona: str) -> None:
    client.force_login(getattr(pacts.world, persona))
    assert client.get(reverse("cases:sanction_export")).status_code == 403
