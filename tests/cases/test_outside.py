"""A case passed to another agency of the instance, and a case referred outward with its
evidence package (a PDF summary, the files, a manifest of SHA-256 hashes, the chain of custody)."""

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from netral.accounts.models import Membership, User
from netral.base.jobs import job_result_open
from netral.base.messaging import outbox_read
from netral.base.models import AuditEntry, Job
from netral.cases import handling, intake, outside, package
from netral.cases.models import Case, CaseTransfer, OutwardReferral, ViolationType
from tests.conftest import Pacts
from tests.factories import SYSTEM, evidence_put, officer_make
from tests.files import pdf_bytes

Capture = Callable[..., Any]
DESCRIPTION = "Membagikan uang Rp50.000 kepada warga sambil mengajak memilih calon."


def photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(output, format="PNG")
    return output.getvalue()


def member(user: User) -> Membership:
    return Membership.objects.select_related("agency").get(user=user)


def money_case(pacts: Pacts, **fields: object) -> Case:
    values: dict[str, object] = {
        "agency": pacts.world.agency,
        "election": pacts.election,
        "violation_type": ViolationType.objects.get(number=10),
        "reported_nip": "",
        "reported_name": "Pak Rahmat",
        "description": DESCRIPTION,
        "uploads": [],
        "reporter_identity": "Dewi Lestari\n0812-3456-7890",
    }
    values.update(fields)
    case, _receipt = intake.report_submit(**values)  # type: ignore[arg-type]
    return case


@pytest.fixture
def other_supervisor(pacts: Pacts) -> User:
    user = officer_make(
        pacts.world.other_agency, Membership.Role.SUPERVISOR, username="satgas_kota"
    )
    User.objects.filter(pk=user.pk).update(email="satgas@kota.go.id")
    user.refresh_from_db()
    return user


# Passing a case to another agency


def test_a_passed_case_reaches_the_other_agency_with_its_history(
    client: Client,
    pacts: Pacts,
    other_supervisor: User,
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
    settings.NETRAL_MAIL_BACKEND = "outbox"
    world = pacts.world
    case = money_case(pacts)
    handling.case_assign(actor=SYSTEM, case=case, user=world.supervisor)
    handling.case_note_add(actor=SYSTEM, case=case, text="Terlapor pindah ke Pemkot Pekalongan.")
    reported_at_home = case.number
    client.force_login(world.supervisor)
    url = reverse("cases:case_transfer", kwargs={"code": case.code})
    post = {"to_agency": world.other_agency.code, "reason": "Mutasi ke Pemkot sejak Maret."}
    review = client.post(url, post)
    assert b"transfer-confirm" in review.content
    assert Case.objects.get(pk=case.pk).agency == world.agency  # asking changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**post, "confirm": "1"})
    transfer = CaseTransfer.objects.get()
    assert done["Location"] == reverse("cases:transfer_record", kwargs={"code": transfer.code})

    case.refresh_from_db()
    assert case.agency == world.other_agency and case.number != "" and not case.assignments.exists()
    assert transfer.from_number == reported_at_home and transfer.to_number == case.number
    # The receiving supervisors are told, and find the case with its notes and stages.
    [sent] = outbox_read()
    assert sent["to"] == "satgas@kota.go.id" and DESCRIPTION not in sent["text"]
    client.force_login(other_supervisor)
    page = client.get(reverse("cases:case", kwargs={"code": case.code})).content.decode()
    assert "Terlapor pindah" in page and world.agency.name in page
    # The sending agency keeps a read-only record and nothing else.
    client.force_login(world.supervisor)
    assert client.get(reverse("cases:case", kwargs={"code": case.code})).status_code == 404
    record = client.get(reverse("cases:transfer_record", kwargs={"code": transfer.code}))
    assert record.status_code == 200 and reported_at_home in record.content.decode()
    assert "Pak Rahmat" in record.content.decode()
    assert transfer.code in client.get(reverse("cases:transfers")).content.decode()
    assert AuditEntry.objects.filter(
        action="cases.case.transferred_out", agency=world.agency
    ).exists()
    assert AuditEntry.objects.filter(
        action="cases.case.transferred_in", agency=world.other_agency
    ).exists()


def test_a_linked_employee_of_the_sender_becomes_a_description(
    pacts: Pacts, other_supervisor: User
) -> None:
    world = pacts.world
    case = money_case(pacts, reported_nip=world.employee_b.nip)
    assert case.employee == world.employee_b
    outside.case_transfer(
        actor=SYSTEM,
        viewer=member(world.supervisor),
        case=case,
        to_agency=world.other_agency,
        reason="Mutasi",
    )
    case.refresh_from_db()
    assert case.employee is None and case.reported_name == world.employee_b.name
    assert case.reported_nip == world.employee_b.nip and case.reported_unit == world.unit_b.name


def test_the_receiving_agency_cannot_see_the_record_and_others_cannot_pass(
    client: Client, pacts: Pacts, other_supervisor: User
) -> None:
    world = pacts.world
    case = money_case(pacts)
    client.force_login(other_supervisor)
    url = reverse("cases:case_transfer", kwargs={"code": case.code})
    post = {"to_agency": world.other_agency.code, "reason": "x", "confirm": "1"}
    assert client.post(url, post).status_code == 404
    client.force_login(world.decision_maker)
    assert client.post(url, post).status_code == 403
    assert not CaseTransfer.objects.exists()
    transfer = outside.case_transfer(
        actor=SYSTEM,
        viewer=member(world.supervisor),
        case=case,
        to_agency=world.other_agency,
        reason="Mutasi",
    )
    client.force_login(other_supervisor)
    record = reverse("cases:transfer_record", kwargs={"code": transfer.code})
    assert client.get(record).status_code == 404


def test_a_case_goes_only_to_an_agency_with_a_supervisor(pacts: Pacts) -> None:
    world = pacts.world
    case = money_case(pacts)
    with pytest.raises(outside.OutsideError):
        outside.case_transfer(
            actor=SYSTEM,
            viewer=member(world.supervisor),
            case=case,
            to_agency=world.province,
            reason="Mutasi",
        )
    assert Case.objects.get(pk=case.pk).agency == world.agency


# Referring a case outward


def package_of(referral: OutwardReferral) -> zipfile.ZipFile:
    referral.refresh_from_db()
    assert referral.job is not None
    result = job_result_open(referral.job)
    assert result is not None
    with result:
        return zipfile.ZipFile(io.BytesIO(result.read()))


@pytest.mark.files
def test_a_referral_package_verifies_against_its_files(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Capture
) -> None:
    world = pacts.world
    case = money_case(pacts)
    handling.case_assign(actor=SYSTEM, case=case, user=world.supervisor)
    evidence_put(actor=SYSTEM, case=case, file_name="amplop.png", data=photo(), origin="reporter")
    evidence_put(
        actor=SYSTEM,
        case=case,
        file_name="../../kronologi.pdf",
        data=pdf_bytes("Kronologi"),
        origin="handler",
    )
    client.force_login(world.supervisor)
    client.get(
        reverse(
            "cases:evidence",
            kwargs={"code": case.code, "evidence_code": case.evidence.first().code},
        )
    )  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:case_referral", kwargs={"code": case.code}),
            {"body": "Sentra Gakkumdu Kabupaten Pekalongan", "reason": "Politik uang"},
        )
    job = Job.objects.get(kind=package.PACKAGE_JOB)
    assert response["Location"] == reverse("accounts:job", kwargs={"code": job.code})
    assert job.status == Job.Status.DONE, job.message
    referral = OutwardReferral.objects.get()
    archive = package_of(referral)
    assert package.manifest_check(archive) == []
    manifest = json.loads(archive.read(package.MANIFEST))
    paths = [entry["path"] for entry in manifest["files"]]
    assert paths[0] == package.SUMMARY and paths[-1] == package.CUSTODY
    assert "bukti/02-kronologi.pdf" in paths and len(paths) == 4
    assert archive.read(package.SUMMARY).startswith(b"%PDF")
    for line in archive.read(package.CHECKSUMS).decode().splitlines():
        digest, path = line.split("  ", 1)
        assert hashlib.sha256(archive.read(path)).hexdigest() == digest
    custody = list(csv.reader(io.StringIO(archive.read(package.CUSTODY).decode())))
    assert ["pengawas", "cases.evidence.viewed"] in [row[1:3] for row in custody]
    # The reporter and the messages stay out of every file.
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Dewi" not in everything and b"0812" not in everything
    result = job_result_open(job)
    assert result is not None
    with result:
        assert referral.package_sha256 == hashlib.sha256(result.read()).hexdigest()

    # A changed file no longer verifies.
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as copy:
        for name in archive.namelist():
            data = archive.read(name)
            copy.writestr(name, data + b"x" if name == "bukti/02-kronologi.pdf" else data)
    assert package.manifest_check(zipfile.ZipFile(tampered)) == ["bukti/02-kronologi.pdf"]


def test_the_outside_bodys_number_and_answer_are_recorded(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    case = money_case(pacts)
    referral = outside.referral_out_create(
        actor=SYSTEM, viewer=member(world.supervisor), case=case, body="Bawaslu", reason=""
    )
    client.force_login(world.supervisor)
    url = reverse(
        "cases:case_referral_answer", kwargs={"code": case.code, "referral_code": referral.code}
    )
    prefix = referral.code
    client.post(
        url,
        {
            f"{prefix}-reference_number": "",
            f"{prefix}-answer": "Diteruskan",
            f"{prefix}-answered_on": "",
        },
    )
    referral.refresh_from_db()
    assert referral.answer == ""  # an answer needs its date
    client.post(
        url,
        {
            f"{prefix}-reference_number": "045/LP/PB/Kab/14.06/2029",
            f"{prefix}-answer": "Terbukti politik uang; diteruskan ke penyidik.",
            f"{prefix}-answered_on": "2026-01-05",
        },
    )
    referral.refresh_from_db()
    assert referral.reference_number == "045/LP/PB/Kab/14.06/2029"
    assert referral.answer.startswith("Terbukti")
    page = client.get(reverse("cases:case", kwargs={"code": case.code})).content.decode()
    assert "045/LP/PB/Kab/14.06/2029" in page


@pytest.mark.parametrize("persona", ["decision_maker", "other"])
def test_others_cannot_refer_a_case(client: Client, pacts: Pacts, persona: str) -> None:
    world = pacts.world
    case = money_case(pacts)
    user = (
        officer_make(world.other_agency, Membership.Role.SUPERVISOR)
        if persona == "other"
        else getattr(world, persona)
    )
    client.force_login(user)
    response = client.post(
        reverse("cases:case_referral", kwargs={"code": case.code}), {"body": "Bawaslu"}
    )
    assert response.status_code == (404 if persona == "other" else 403)
    assert not OutwardReferral.objects.exists() and not Job.objects.exists()
