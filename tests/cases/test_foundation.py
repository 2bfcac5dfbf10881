"""The cases foundation: encryption at rest, receipts, working days, stages and deadlines."""

import datetime

import pytest
from django.utils import timezone

from netral.base.models import AuditEntry
from netral.cases import crypto, services
from netral.cases.models import Case, CaseStageRecord, NonWorkingDay, SanctionType, ViolationType
from netral.cases.workdays import add_working_days, is_working_day
from tests.conftest import Pacts
from tests.factories import SYSTEM


def test_a_sealed_field_opens_only_in_its_own_context() -> None:
    blob = crypto.seal_text("Budi, 0812", context="case/a/reporter")
    assert b"Budi" not in blob
    assert crypto.open_text(blob, context="case/a/reporter") == "Budi, 0812"
    with pytest.raises(crypto.DecryptionError):
        crypto.open_text(blob, context="case/b/reporter")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(crypto.DecryptionError):
        crypto.open_text(tampered, context="case/a/reporter")


def test_a_receipt_has_sixteen_digits_and_a_stable_slow_hash() -> None:
    receipt = services.receipt_new()
    assert len(receipt) == 16 and receipt.isdigit()
    spaced = " ".join(receipt[i : i + 4] for i in range(0, 16, 4))
    assert services.receipt_hash(receipt) == services.receipt_hash(spaced)
    assert services.receipt_hash(receipt) != services.receipt_hash(services.receipt_new())


def test_working_days_skip_weekends_national_holidays_and_extra_days_off(db: None) -> None:
    # 2029-08-17 (Independence Day) is a Friday.
    assert not is_working_day(datetime.date(2029, 8, 17))
    assert not is_working_day(datetime.date(2029, 8, 18))  # Saturday
    assert add_working_days(datetime.date(2029, 8, 15), 3) == datetime.date(2029, 8, 21)
    NonWorkingDay.objects.create(date=datetime.date(2029, 8, 20), name="Cuti bersama")
    assert add_working_days(datetime.date(2029, 8, 15), 3) == datetime.date(2029, 8, 22)


def test_the_catalogues_are_loaded(db: None) -> None:
    assert ViolationType.objects.count() == 15
    assert ViolationType.objects.get(number=9).discipline_level == "ptdh"
    assert not ViolationType.objects.get(number=10).confirmed
    active = SanctionType.objects.filter(is_active=True)
    assert set(active.values_list("regulation", flat=True)) == {
        "PP 42/2004",
        "PP 94/2021",
        "UU 20/2023",
    }


def _case(pacts: Pacts, **extra: object) -> Case:
    return services.case_create(
        actor=SYSTEM,
        agency=pacts.world.agency,
        source=Case.Source.PUBLIC,
        election=pacts.election,
        violation_type=ViolationType.objects.get(number=4),
        description="Membagikan unggahan pasangan calon",
        **extra,  # type: ignore[arg-type]
    )


def test_a_new_case_starts_at_the_first_stage_with_its_deadline(pacts: Pacts) -> None:
    opened = timezone.make_aware(datetime.datetime(2029, 1, 7, 10, 0))
    case = _case(pacts, now=opened, reporter_identity="Budi Santoso, budi@example.id")
    assert case.number == "NTR-2029-00001"
    assert case.stage is not None and case.stage.key == "verifikasi"
    assert timezone.localtime(case.stage_due_at).date() == datetime.date(2029, 1, 14)
    assert not case.is_anonymous
    assert services.reporter_identity_read(case) == "Budi Santoso, budi@example.id"
    assert AuditEntry.objects.filter(action="cases.case.created", target_code=case.code).exists()
    assert _case(pacts, now=opened).number == "NTR-2029-00002"


def test_moving_and_closing_keep_the_stage_history(pacts: Pacts) -> None:
    start = timezone.make_aware(datetime.datetime(2029, 1, 7, 10, 0))
    case = _case(pacts, now=start)
    review = case.stage.procedure.stages.get(key="kajian-bawaslu")  # type: ignore[union-attr]
    moved = services.case_move(
        actor=SYSTEM, case=case, stage=review, now=start + datetime.timedelta(days=2)
    )
    # Three working days from Tuesday 9 January 2029.
    assert timezone.localtime(moved.stage_due_at).date() == datetime.date(2029, 1, 12)
    closed = services.case_close(actor=SYSTEM, case=moved, outcome=Case.Outcome.NOT_PROVEN)
    assert closed.status == Case.Status.CLOSED
    records = CaseStageRecord.objects.filter(case=case)
    assert records.count() == 2 and not records.filter(ended_at__isnull=True).exists()
    with pytest.raises(services.CaseStateError):
        services.case_close(actor=SYSTEM, case=closed, outcome=Case.Outcome.PROVEN)
    with pytest.raises(services.CaseStateError):
        services.case_move(actor=SYSTEM, case=closed, stage=review)
