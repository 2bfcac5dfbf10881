"""The retention schedule (UU 27/2022) and `netral purge`: a dry run by default that changes
nothing, then exactly the records past their keeping time, kind by kind, audited, idempotent."""

import datetime
import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from netral.accounts.actors import Actor
from netral.base.models import AuditEntry, Job, Message, ThrottleCount
from netral.cases import services as case_services
from netral.cases.models import (
    Case,
    CaseMessage,
    CaseTransfer,
    Evidence,
    Sanction,
    SanctionType,
    ViolationType,
)
from netral.pacts import services as pact_services
from netral.pacts.models import Signature
from netral.screening.models import ScreenedPost, ScreeningBatch
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make, evidence_put
from tests.files import pdf_bytes, stored_files

pytestmark = pytest.mark.files

SIGNER = Actor(user=None, label="anonymous", ip="203.0.113.5", user_agent="Android 9")
MINUTE = datetime.timedelta(minutes=1)


def days_ago(days: int, *, inside: bool) -> datetime.datetime:
    """A moment just inside the window (kept) or just outside it (due)."""
    moment = timezone.now() - datetime.timedelta(days=days)
    return moment + MINUTE if inside else moment - MINUTE


def closed_case(pacts: Pacts, closed_at: datetime.datetime, text: str) -> Case:
    case = case_services.case_create(
        actor=SYSTEM,
        agency=pacts.world.agency,
        source=Case.Source.PUBLIC,
        election=pacts.election,
        violation_type=ViolationType.objects.get(number=5),
        description=text,
    )
    evidence_put(actor=SYSTEM, case=case, file_name="a.pdf", data=pdf_bytes(text), origin="handler")
    CaseMessage.objects.create(case=case, kind="note", body=b"x")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=closed_at)
    return case


def signed(pacts: Pacts, name: str, signed_at: datetime.datetime) -> Signature:
    employee = employee_make(pacts.world.unit_b, name)
    signature, _ = pact_services.signature_create(
        actor=SIGNER,
        campaign=pacts.campaign,
        employee=employee,
        channel=Signature.Channel.LINK,
        typed_name=name,
    )
    Signature.objects.filter(pk=signature.pk).update(signed_at=signed_at)
    return signature


def purge(*options: str) -> str:
    out = io.StringIO()
    call_command("purge", *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def records(pacts: Pacts, settings: Any) -> dict[str, Any]:
    """One record of every kind just outside its window and one just inside."""
    settings.NETRAL_KEEP_ADDRESSES_DAYS = 90
    settings.NETRAL_KEEP_CASE_EVIDENCE_DAYS = 400
    settings.NETRAL_KEEP_CLOSED_CASES_DAYS = 700
    settings.NETRAL_KEEP_SCREENING_BATCHES_DAYS = 365
    settings.NETRAL_JOB_KEEP_DAYS = 7
    settings.NETRAL_MESSAGE_KEEP_DAYS = 30
    settings.NETRAL_KEEP_LOGIN_FAILURES_DAYS = 1
    made: dict[str, Any] = {}
    # Addresses: in the audit log and on signatures.
    for key, inside in (("entry_due", False), ("entry_kept", True)):
        entry = AuditEntry.objects.create(
            actor_label="x", action="tests.x", ip="198.51.100.1", user_agent="Firefox"
        )
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=days_ago(90, inside=inside))
        made[key] = entry
    made["signature_due"] = signed(pacts, "Pegawai Lama", days_ago(90, inside=False))
    made["signature_kept"] = signed(pacts, "Pegawai Baru", days_ago(90, inside=True))
    # Cases: evidence at 400 days, cases at 700; a sanctioned case stays.
    made["case_gone"] = closed_case(pacts, days_ago(700, inside=False), "lama sekali")
    made["case_evidence_gone"] = closed_case(pacts, days_ago(400, inside=False), "lama")
    made["case_kept"] = closed_case(pacts, days_ago(400, inside=True), "baru")
    made["case_sanctioned"] = closed_case(pacts, days_ago(700, inside=False), "sanksi")
    Sanction.objects.create(
        case=made["case_sanctioned"],
        sanction_type=SanctionType.objects.first(),
        decree_number="800/1",
        decree_date=datetime.date(2020, 1, 1),
    )
    # Screening batches, jobs, messages, throttle counts.
    for key, inside in (("batch_due", False), ("batch_kept", True)):
        batch = ScreeningBatch.objects.create(
            agency=pacts.world.agency, file_name=f"{key}.csv", status="ready"
        )
        ScreenedPost.objects.create(batch=batch, row_number=1, author="Akun", text="Pos")
        ScreeningBatch.objects.filter(pk=batch.pk).update(created_at=days_ago(365, inside=inside))
        made[key] = batch
    for key, inside in (("job_due", False), ("job_kept", True)):
        job = Job.objects.create(
            kind="tests.echo",
            title=key,
            status=Job.Status.DONE,
            expires_at=days_ago(0, inside=inside),
            result_name=default_storage.save(f"jobs/{key}/hasil.txt", io.BytesIO(b"x")),
        )
        made[key] = job
    for key, inside in (("message_due", False), ("message_kept", True)):
        message = Message.objects.create(
            purpose="tests.retention",
            channel=Message.Channel.EMAIL,
            recipient="a@example.org",
            subject="s",
            text="",
            status=Message.Status.SENT,
            next_attempt_at=timezone.now(),
        )
        Message.objects.filter(pk=message.pk).update(created_at=days_ago(30, inside=inside))
        made[key] = message
    now = int(timezone.now().timestamp())
    for key, expires in (("count_due", now - 86400 - 60), ("count_kept", now - 86400 + 60)):
        made[key] = ThrottleCount.objects.create(
            purpose="login", key=key, period=1, count=3, expires=expires
        )
    return made


def snapshot() -> dict[str, Any]:
    return {
        "entries": sorted(AuditEntry.objects.values_list("pk", "ip", "user_agent")),
        "signatures": sorted(Signature.objects.values_list("pk", "ip", "user_agent")),
        "cases": sorted(Case.objects.values_list("pk", flat=True)),
        "evidence": sorted(Evidence.objects.values_list("pk", flat=True)),
        "messages": sorted(CaseMessage.objects.values_list("pk", flat=True)),
        "batches": sorted(ScreeningBatch.objects.values_list("pk", flat=True)),
        "posts": ScreenedPost.objects.count(),
        "jobs": sorted(Job.objects.values_list("pk", flat=True)),
        "sent": sorted(Message.objects.values_list("pk", flat=True)),
        "counts": sorted(ThrottleCount.objects.values_list("pk", flat=True)),
        "files": stored_files("evidence") + stored_files("jobs"),
    }


def test_the_dry_run_counts_what_is_due_and_changes_nothing(records: dict[str, Any]) -> None:
    before = snapshot()
    output = purge()
    assert "Dry run" in output
    lines = dict(line.split(": ", 1) for line in output.splitlines()[1:])
    assert lines["addresses"].startswith("1 due")
    assert lines["signature_addresses"].startswith("1 due")
    assert lines["case_evidence"].startswith("3 due")  # the old, the older, the sanctioned
    assert lines["closed_cases"].startswith("1 due")
    assert lines["screening_batches"].startswith("1 due")
    assert lines["job_results"].startswith("1 due")
    assert lines["messages"].startswith("1 due")
    assert lines["login_failures"].startswith("1 due")
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="base.retention.purged").exists()


def test_purge_removes_exactly_what_the_schedule_says(records: dict[str, Any]) -> None:
    kept_files = {
        name for name in stored_files("evidence") if f"/{records['case_kept'].code}/" in name
    } | {records["job_kept"].result_name}
    purge("--apply")
    entry_due, entry_kept = (
        AuditEntry.objects.get(pk=records[key].pk) for key in ("entry_due", "entry_kept")
    )
    assert (entry_due.ip, entry_due.user_agent) == (None, "")
    assert (entry_kept.ip, entry_kept.user_agent) == ("198.51.100.1", "Firefox")
    due, kept = (
        Signature.objects.get(pk=records[key].pk) for key in ("signature_due", "signature_kept")
    )
    assert (due.ip, due.user_agent) == (None, "")
    assert (kept.ip, kept.user_agent) == ("203.0.113.5", "Android 9")
    assert due.record_sha256  # the log's record never held the address
    assert not Case.objects.filter(pk=records["case_gone"].pk).exists()
    evidence_gone, kept_case, sanctioned = (
        Case.objects.get(pk=records[key].pk)
        for key in ("case_evidence_gone", "case_kept", "case_sanctioned")
    )
    assert not evidence_gone.evidence.exists() and evidence_gone.messages.exists()
    assert kept_case.evidence.count() == 1
    assert not sanctioned.evidence.exists() and sanctioned.sanctions.exists()
    assert set(ScreeningBatch.objects.values_list("pk", flat=True)) == {records["batch_kept"].pk}
    assert ScreenedPost.objects.count() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {records["job_kept"].pk}
    assert set(Message.objects.values_list("pk", flat=True)) == {records["message_kept"].pk}
    assert set(ThrottleCount.objects.values_list("key", flat=True)) == {"count_kept"}
    # The storage is shared by the tests: only this test's cases and jobs are compared.
    ours = [records[key].code for key in records if key.startswith("case_")]
    left = {
        name
        for name in stored_files("evidence") + stored_files("jobs")
        if any(f"/{code}/" in name for code in ours)
        or name in {records["job_due"].result_name, records["job_kept"].result_name}
    }
    assert left == kept_files
    entry = AuditEntry.objects.get(action="base.retention.purged")
    assert entry.data["removed"]["closed_cases"] == 1
    assert entry.data["removed"]["case_evidence"] == 3


def test_a_second_run_finds_nothing_more(records: dict[str, Any]) -> None:
    purge("--apply")
    after = snapshot()
    output = purge("--apply")
    kinds = [line for line in output.splitlines() if ": " in line]
    assert kinds and all(line.endswith(": 0 removed") for line in kinds)
    after_again = snapshot()
    # The second run's own audit entry is the only new row.
    assert len(after_again["entries"]) == len(after["entries"]) + 1
    assert {k: v for k, v in after_again.items() if k != "entries"} == {
        k: v for k, v in after.items() if k != "entries"
    }


def test_a_case_passed_from_another_agency_stays(pacts: Pacts, settings: Any) -> None:
    # The sending agency keeps a record of it: the purge must neither remove it nor fail.
    settings.NETRAL_KEEP_CASE_EVIDENCE_DAYS = 400
    settings.NETRAL_KEEP_CLOSED_CASES_DAYS = 700
    case = closed_case(pacts, days_ago(700, inside=False), "diteruskan")
    CaseTransfer.objects.create(
        case=case,
        from_agency=pacts.world.other_agency,
        to_agency=pacts.world.agency,
        from_number="X/1",
        to_number="Y/1",
        reason="Pegawai pindah tugas",
    )
    purge("--apply")
    assert Case.objects.filter(pk=case.pk).exists()
    assert not case.evidence.exists()  # its evidence follows the evidence schedule
