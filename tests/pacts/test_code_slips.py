import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from netral.accounts.actors import Actor
from netral.agencies.identifiers import mask_nik, mask_nip
from netral.agencies.models import Employee, Unit
from netral.base.jobs import JobFailed
from netral.base.models import AuditEntry, Job
from netral.pacts import code_slips, services
from netral.pacts.models import Campaign, CeremonyCode, Signature
from netral.pacts.slips import CodeSlip, code_slips_pdf
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make, nip_make
from tests.pacts.test_attendance_sheet import pdf_text


def slip_codes(pacts: Pacts, unit: Unit | None = None) -> dict[str, str]:
    """Print the code slips of a unit (B by default); the codes by employee code."""
    printed = services.ceremony_slips_print(
        actor=SYSTEM, campaign=pacts.campaign, unit=unit or pacts.world.unit_b
    )
    return {line.employee.code: line.code for line in printed}


def check(pacts: Pacts, employee: Employee, code: str) -> bool:
    return services.ceremony_code_check(campaign=pacts.campaign, employee=employee, code=code)


def print_through_the_job(client: Client, pacts: Pacts, unit: Unit, capture: Any) -> bytes:
    """Ask for the slips as an officer already logged in; the job runs; the PDF downloaded."""
    with capture(execute=True):
        response = client.post(
            reverse("pacts:printed_codes", args=[pacts.campaign.code]), {"unit": unit.code}
        )
    job = Job.objects.filter(kind=code_slips.SLIPS_JOB).latest("pk")
    assert response["Location"] == reverse("accounts:job", args=[job.code])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    download = client.get(reverse("accounts:job_download", args=[job.code]))
    assert download["Content-Type"] == "application/pdf"
    return b"".join(download.streaming_content)


def codes_page(client: Client, pacts: Pacts, **query: str) -> str:
    response = client.get(reverse("pacts:printed_codes", args=[pacts.campaign.code]), query)
    assert response.status_code == 200
    return response.content.decode()


def void(client: Client, pacts: Pacts, employee: Employee) -> Any:
    return client.post(
        reverse("pacts:printed_code_void", args=[pacts.campaign.code]),
        {"employee": employee.code},
    )


def test_slips_go_only_to_the_unreachable_who_have_not_signed(pacts: Pacts) -> None:
    unit = pacts.world.unit_b
    unreachable = employee_make(unit, "Dewi Lestari", kind=Employee.Kind.NON_ASN)
    employee_make(unit, "Eko Prasetyo", email="eko@example.go.id")
    employee_make(unit, "Fajar Nugroho", phone="081234567890")
    signed = employee_make(unit, "Gita Permata")
    services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=signed,
        channel=Signature.Channel.PAPER,
        typed_name=signed.name,
    )
    employee_make(unit, "Hadi Santoso", is_active=False)
    codes = slip_codes(pacts)
    assert sorted(codes) == sorted([pacts.world.employee_b.code, unreachable.code])
    assert all(re.fullmatch(r"\d{8}", code) for code in codes.values())
    assert set(CeremonyCode.objects.values_list("employee_id", flat=True)) == {
        pacts.world.employee_b.pk,
        unreachable.pk,
    }


@pytest.mark.files
def test_the_pdf_holds_each_persons_name_masked_nip_unit_and_code(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    non_asn = employee_make(world.unit_a_child, "Rina Kartika", kind=Employee.Kind.NON_ASN)
    client.force_login(world.coordinator_a)
    pdf = print_through_the_job(client, pacts, world.unit_a, django_capture_on_commit_callbacks)
    codes = {code.employee_id: code for code in CeremonyCode.objects.all()}
    assert set(codes) == {world.employee_a.pk, non_asn.pk}  # unit B gets none
    text = pdf_text(pdf)
    slips = slip_codes(pacts, world.unit_a)  # the same codes again
    for employee in (world.employee_a, non_asn):
        code = slips[employee.code]
        assert f"({code[:4]} {code[4:]})" in text
        assert f"({employee.name})" in text
    assert world.employee_a.nip is not None and non_asn.nik is not None
    assert f"NIP {mask_nip(world.employee_a.nip)}" in text
    assert world.employee_a.nip not in text
    assert f"NIK {mask_nik(non_asn.nik)}" in text
    assert non_asn.nik not in text
    assert "Bidang Pembinaan SD" in text
    ceremony = settings.NETRAL_PUBLIC_URL + reverse("pacts:ceremony", args=[pacts.campaign.code])
    assert ceremony in text
    assert "Berlaku sampai" in text
    assert world.employee_b.name not in text
    entry = AuditEntry.objects.filter(action="pacts.ceremony_slips.printed").earliest("pk")
    assert entry.actor == world.coordinator_a
    assert entry.data == {"campaign": pacts.campaign.code, "slips": 2, "new_codes": 2}


def test_the_qr_code_is_drawn_once_so_many_slips_stay_small() -> None:
    slips = [
        CodeSlip(
            name=f"Pegawai {number}",
            identifier="NIP 1990**** ****** * *01",
            unit="Unit",
            code="12345678",
        )
        for number in range(240)
    ]
    pdf = code_slips_pdf(
        title="Ikrar",
        url="https://netral.example.go.id/k/AbCdEfGh1234/",
        valid_until="x",
        hints=["a"],
        slips=slips,
    )
    assert pdf.count(b"/Subtype /Form") == 1
    assert pdf.count(b"/Type /Page\n") == 20  # twelve to a page
    assert len(pdf) < 240 * 600


def test_a_second_print_gives_the_same_codes_which_still_work(pacts: Pacts) -> None:
    employee_make(pacts.world.unit_b, "Dewi Lestari")
    first = slip_codes(pacts)
    printed_at = dict(CeremonyCode.objects.values_list("employee_id", "printed_at"))
    assert slip_codes(pacts) == first
    assert CeremonyCode.objects.count() == 2
    later = dict(CeremonyCode.objects.values_list("employee_id", "printed_at"))
    assert all(later[key] >= printed_at[key] for key in printed_at)  # the latest print
    assert check(pacts, pacts.world.employee_b, first[pacts.world.employee_b.code])


def test_an_employee_without_email_or_phone_signs_with_the_code_on_the_slip(
    client: Client, pacts: Pacts
) -> None:
    employee = pacts.world.employee_b
    code = slip_codes(pacts)[employee.code]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("pacts:ceremony", args=[pacts.campaign.code]), {"identifier": employee.nip}
    )
    code_url = reverse("pacts:ceremony_code", args=[pacts.campaign.code])
    assert response["Location"] == code_url
    assert not mail.outbox
    assert "printed on the slip" in client.get(code_url).content.decode()
    response = client.post(code_url, {"code": f"{code[:4]} {code[4:]}"})
    sign_url = reverse("pacts:ceremony_sign", args=[pacts.campaign.code])
    assert response["Location"] == sign_url
    client.post(sign_url, {"typed_name": "Bambang Sutrisno", "consent": "on"})
    assert Signature.objects.get(employee=employee).channel == Signature.Channel.CEREMONY


def test_a_used_code_shows_as_used_with_its_time(client: Client, pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    other = employee_make(pacts.world.unit_b, "Dewi Lestari")
    codes = slip_codes(pacts)
    assert check(pacts, employee, codes[employee.code])
    used_at = CeremonyCode.objects.get(employee=employee).used_at
    assert used_at is not None
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(pacts.world.admin)
    page = codes_page(client, pacts, unit=pacts.world.unit_b.code)
    with translation.override("en"):
        when = dateformat.format(timezone.localtime(used_at), "j M Y H.i")
    assert f"Used at {when}" in page
    status = re.search(rf'data-testid="status-{other.code}">(.*?)<', page, re.DOTALL)
    assert status is not None and status.group(1).strip() == "Printed, not used"
    # A used code is not accepted again, and the next print gives a new one.
    assert not check(pacts, employee, codes[employee.code])
    new_code = slip_codes(pacts)[employee.code]
    assert new_code != codes[employee.code]
    assert check(pacts, employee, new_code)


def test_a_voided_code_is_refused_and_the_next_print_gives_a_new_one(
    client: Client, pacts: Pacts
) -> None:
    employee = pacts.world.employee_b
    code = slip_codes(pacts)[employee.code]
    client.force_login(pacts.world.admin)
    url = reverse("pacts:printed_code_void", args=[pacts.campaign.code])
    confirmation = client.get(url, {"employee": employee.code})
    assert b'data-testid="void-confirm"' in confirmation.content
    assert CeremonyCode.objects.get().voided_at is None  # the question changes nothing
    response = void(client, pacts, employee)
    assert response["Location"].startswith(
        reverse("pacts:printed_codes", args=[pacts.campaign.code])
    )
    voided = CeremonyCode.objects.get()
    assert voided.voided_at is not None and voided.voided_by == pacts.world.admin
    entry = AuditEntry.objects.get(action="pacts.ceremony_code.voided")
    assert entry.target_code == employee.code and entry.actor == pacts.world.admin
    assert entry.data == {"campaign": pacts.campaign.code, "generation": 0}
    assert "Batal sejak" in codes_page(client, pacts, unit=pacts.world.unit_b.code)
    # At the ceremony: the NIP leads nowhere, and the voided code is refused.
    assert not services.ceremony_code_printed_exists(campaign=pacts.campaign, employee=employee)
    response = client.post(
        reverse("pacts:ceremony", args=[pacts.campaign.code]), {"identifier": employee.nip}
    )
    assert response.status_code == 200  # not on to the code page
    assert not check(pacts, employee, code)
    new_code = slip_codes(pacts)[employee.code]
    assert new_code != code
    assert CeremonyCode.objects.get(voided_at__isnull=True).generation == 1
    assert not check(pacts, employee, code)
    assert check(pacts, employee, new_code)


def test_a_void_twice_or_of_a_used_code_changes_nothing(client: Client, pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    code = slip_codes(pacts)[employee.code]
    client.force_login(pacts.world.admin)
    assert check(pacts, employee, code)
    void(client, pacts, employee)
    assert CeremonyCode.objects.get().voided_at is None
    slip_codes(pacts)  # generation 1
    void(client, pacts, employee)
    void(client, pacts, employee)
    assert AuditEntry.objects.filter(action="pacts.ceremony_code.voided").count() == 1


def test_five_wrong_tries_block_the_code_and_the_page_says_so(client: Client, pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    code = slip_codes(pacts)[employee.code]
    wrong = "00000000" if code != "00000000" else "11111111"
    for _attempt in range(services.CEREMONY_CODE_ATTEMPTS):
        assert not check(pacts, employee, wrong)
    assert not check(pacts, employee, code)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(pacts.world.admin)
    page = codes_page(client, pacts, unit=pacts.world.unit_b.code)
    assert "Blocked after too many wrong tries" in page
    new_code = slip_codes(pacts)[employee.code]
    assert new_code != code
    assert check(pacts, employee, new_code)


def test_the_code_of_one_employee_does_not_work_for_another(pacts: Pacts) -> None:
    other = employee_make(pacts.world.unit_b, "Dewi Lestari")
    codes = slip_codes(pacts)
    assert not check(pacts, other, codes[pacts.world.employee_b.code])
    assert check(pacts, other, codes[other.code])


def test_a_code_past_the_campaigns_end_is_refused(pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    code = slip_codes(pacts)[employee.code]
    Campaign.objects.filter(pk=pacts.campaign.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    pacts.campaign.refresh_from_db()
    assert not check(pacts, employee, code)
    with pytest.raises(services.CampaignStateError):
        slip_codes(pacts)


def test_a_moved_campaign_end_keeps_the_printed_code_valid(pacts: Pacts) -> None:
    employee = pacts.world.employee_b
    code = slip_codes(pacts)[employee.code]
    Campaign.objects.filter(pk=pacts.campaign.pk).update(
        closes_at=pacts.campaign.closes_at + datetime.timedelta(days=30)
    )
    CeremonyCode.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    pacts.campaign.refresh_from_db()
    assert check(pacts, employee, code)


def test_a_closed_campaign_prints_no_slips(client: Client, pacts: Pacts) -> None:
    services.campaign_close(actor=SYSTEM, campaign=pacts.campaign)
    client.force_login(pacts.world.admin)
    response = client.post(
        reverse("pacts:printed_codes", args=[pacts.campaign.code]),
        {"unit": pacts.world.unit_b.code},
    )
    assert response.status_code == 302
    assert not Job.objects.exists() and not CeremonyCode.objects.exists()


def test_a_unit_where_everyone_can_be_reached_starts_no_job(client: Client, pacts: Pacts) -> None:
    pacts.world.employee_b.phone = "081234567890"
    pacts.world.employee_b.save()
    client.force_login(pacts.world.admin)
    response = client.post(
        reverse("pacts:printed_codes", args=[pacts.campaign.code]),
        {"unit": pacts.world.unit_b.code},
    )
    assert response.status_code == 302
    assert not Job.objects.exists()


def test_another_agency_and_a_coordinator_of_another_unit_are_refused(
    client: Client, pacts: Pacts
) -> None:
    world = pacts.world
    slip_codes(pacts)
    page = reverse("pacts:printed_codes", args=[pacts.campaign.code])
    void_url = reverse("pacts:printed_code_void", args=[pacts.campaign.code])
    for user in (world.other_admin, world.coordinator_a):
        client.force_login(user)
        assert client.get(page, {"unit": world.unit_b.code}).status_code == 404
        assert client.post(page, {"unit": world.unit_b.code}).status_code == 404
        assert client.get(void_url, {"employee": world.employee_b.code}).status_code == 404
        assert void(client, pacts, world.employee_b).status_code == 404
    client.force_login(world.coordinator_a)
    own = codes_page(client, pacts)  # the coordinator's own unit
    assert world.employee_b.name not in own
    client.force_login(world.viewer)
    assert client.get(page).status_code == 403
    assert CeremonyCode.objects.get().voided_at is None
    assert not Job.objects.exists()


def test_a_coordinator_voids_within_the_unit(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    codes = slip_codes(pacts, world.unit_a)
    client.force_login(world.coordinator_a)
    page = codes_page(client, pacts, unit=world.unit_a.code)
    assert world.employee_a.name in page
    void(client, pacts, world.employee_a)
    assert not check(pacts, world.employee_a, codes[world.employee_a.code])


def test_the_page_finds_by_name_or_nip_and_pages_by_fifty(client: Client, pacts: Pacts) -> None:
    unit = pacts.world.unit_b
    Employee.objects.bulk_create(
        Employee(
            agency=unit.agency,
            unit=unit,
            name=f"Pegawai {number:03d}",
            kind=Employee.Kind.PNS,
            position_type=Employee.PositionType.PELAKSANA,
            nip=nip_make(),
        )
        for number in range(60)
    )
    slip_codes(pacts)
    client.force_login(pacts.world.admin)
    first = codes_page(client, pacts, unit=unit.code)
    assert first.count('data-testid="code-') == 50
    assert "page=2" in first
    second = codes_page(client, pacts, unit=unit.code, page="2")
    assert second.count('data-testid="code-') == 11
    by_name = codes_page(client, pacts, unit=unit.code, q="bambang")
    assert by_name.count('data-testid="code-') == 1 and "Bambang Sutrisno" in by_name
    nip = pacts.world.employee_b.nip or ""
    by_nip = codes_page(client, pacts, unit=unit.code, q=f"{nip[:8]} {nip[8:]}")
    assert by_nip.count('data-testid="code-') == 1


@pytest.mark.files
def test_the_job_reports_its_progress_for_a_big_unit(pacts: Pacts) -> None:
    unit = pacts.world.unit_b
    Employee.objects.bulk_create(
        Employee(
            agency=unit.agency,
            unit=unit,
            name=f"Pegawai {number:04d}",
            kind=Employee.Kind.PNS,
            position_type=Employee.PositionType.PELAKSANA,
            nip=nip_make(),
        )
        for number in range(1_100)
    )
    job = code_slips.code_slips_start(
        actor=Actor(user=pacts.world.admin, label="admin"),
        campaign=pacts.campaign,
        unit=unit,
        next_url="",
    )
    reported: list[int] = []
    code_slips.code_slips_build(job, reported.append)
    assert len(reported) >= 10
    assert reported == sorted(reported)
    assert reported[0] < 20 and reported[-1] >= 95
    assert CeremonyCode.objects.count() == 1_101
    job.refresh_from_db()
    assert job.result_file_name == f"slip-kode-{unit.code}.pdf"


def test_the_job_fails_with_a_message_when_the_campaign_closed_meanwhile(pacts: Pacts) -> None:
    job = code_slips.code_slips_start(
        actor=SYSTEM, campaign=pacts.campaign, unit=pacts.world.unit_b, next_url=""
    )
    services.campaign_close(actor=SYSTEM, campaign=pacts.campaign)
    with pytest.raises(JobFailed):
        code_slips.code_slips_build(job, lambda percent: None)
    assert not CeremonyCode.objects.exists()
