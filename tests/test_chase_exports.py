"""Downloads for chasing non-signers, as background jobs: an XLSX with a sheet per unit and a
WhatsApp link per person, QR slips as a ZIP with a PDF per unit, for the campaign's units only."""

import base64
import io
import re
import time
import zipfile
import zlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from netral.base.jobs import job_result_open
from netral.base.models import AuditEntry, Job
from netral.pacts import services
from netral.pacts.models import Signature
from netral.pacts.slips import Slip, slips_pdf
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make

pytestmark = pytest.mark.files


def export(client: Client, pacts: Pacts, capture: Any, **data: str) -> Any:
    with capture(execute=True):  # the job runs in place once the request commits
        return client.post(reverse("monitoring:export", args=[pacts.campaign.code]), data)


def result(response: Any) -> bytes:
    assert response.status_code == 302, response.content.decode()[:500]
    job = Job.objects.get(code=response["Location"].rstrip("/").split("/")[-1])
    assert job.status == Job.Status.DONE, job.message
    opened = job_result_open(job)
    assert opened is not None
    with opened:
        return opened.read()


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def sign(pacts: Pacts, employee: Any) -> None:
    services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=employee,
        channel=Signature.Channel.LINK,
        typed_name=employee.name,
    )


def test_all_units_at_once_give_a_sheet_per_unit_of_non_signers_with_whatsapp_links(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    world.employee_a.phone = "0812 3456 7890"
    world.employee_a.save()
    signer = employee_make(world.unit_b, "Sudah Tanda Tangan")
    services.campaign_open(actor=SYSTEM, campaign=pacts.campaign)
    sign(pacts, signer)
    client.force_login(world.admin)
    found = sheets(
        result(export(client, pacts, django_capture_on_commit_callbacks, unit="", kind="xlsx"))
    )
    assert set(found) == {world.unit_a.name, world.unit_b.name}
    header, *rows = found[world.unit_a.name]
    assert header[5] == "WhatsApp"
    siti = next(row for row in rows if row[0] == world.employee_a.name)
    assert siti[5].startswith("https://wa.me/6281234567890?text=")
    assert "/t/" in siti[6]
    names_b = [row[0] for row in found[world.unit_b.name][1:]]
    assert world.employee_b.name in names_b and "Sudah Tanda Tangan" not in names_b


def test_a_coordinator_exports_the_own_unit_only(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    client.force_login(world.coordinator_a)
    found = sheets(result(export(client, pacts, django_capture_on_commit_callbacks, kind="xlsx")))
    everyone = [row[0] for rows in found.values() for row in rows[1:]]
    assert world.employee_a.name in everyone and world.employee_b.name not in everyone
    refused = export(
        client, pacts, django_capture_on_commit_callbacks, unit=world.unit_b.code, kind="xlsx"
    )
    assert refused.status_code == 404


def test_an_officer_of_another_agency_is_refused(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.other_admin)
    url = reverse("monitoring:export", args=[pacts.campaign.code])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "xlsx"}).status_code == 404
    assert not Job.objects.exists()


def test_when_everyone_has_signed_nothing_is_started(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    for employee in world.agency.employees.filter(unit__path__startswith=world.unit_a.path):
        sign(pacts, employee)
    client.force_login(world.coordinator_a)
    page = client.get(reverse("monitoring:export", args=[pacts.campaign.code])).content.decode()
    assert 'data-testid="export-nothing"' in page and "export-form" not in page
    response = export(client, pacts, django_capture_on_commit_callbacks, kind="slips")
    assert response.status_code == 400 and not Job.objects.exists()


def test_qr_slips_come_as_a_pdf_per_unit_of_the_non_signers(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(pacts.world.admin)
    content = result(export(client, pacts, django_capture_on_commit_callbacks, kind="slips"))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
        assert all(archive.read(name).startswith(b"%PDF") for name in names)


def test_slips_for_500_people_stay_under_2_mb() -> None:
    slips = [
        Slip(
            name=f"Pegawai Nomor {number:04d}, S.Pd.",
            identifier="198609262015051001",
            unit="Dinas Pendidikan dan Kebudayaan",
            url=f"https://netral.example.go.id/t/{'a' * 28}{number:04d}/",
        )
        for number in range(500)
    ]
    started = time.process_time()
    pdf = slips_pdf(title="Ikrar Netralitas ASN Pemilu 2029", slips=slips)
    print(f"500 slips: {len(pdf):,} bytes, {time.process_time() - started:.2f} s of CPU")
    assert len(pdf) < 2_000_000


def test_the_campaign_page_offers_only_the_campaign_s_units(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    pacts.campaign.units.set([world.unit_a])
    client.force_login(world.admin)
    page = client.get(reverse("pacts:campaign_detail", args=[pacts.campaign.code])).content.decode()
    picker = page.split('id="links-unit"')[1].split("</select>")[0]
    assert world.unit_a.code in picker and world.unit_b.code not in picker


def pdf_text(pdf: bytes) -> bytes:
    """The PDF's content streams, as reportlab writes them compressed: ASCII85 over Flate."""
    return b"".join(
        zlib.decompress(base64.a85decode(stream.strip(), adobe=True))
        for stream in re.findall(rb"stream\r?\n(.*?~>)\s*endstream", pdf, re.DOTALL)
    )


def test_the_same_links_come_twice_they_work_and_each_request_is_audited(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    client.force_login(world.coordinator_a)
    first, second = (
        sheets(
            result(
                export(
                    client,
                    pacts,
                    django_capture_on_commit_callbacks,
                    unit=world.unit_a.code,
                    kind="xlsx",
                )
            )
        )
        for _ in range(2)
    )
    assert first == second
    rows = [row for sheet in first.values() for row in sheet[1:]]
    assert [row[0] for row in rows] == [world.employee_a.name]
    link = rows[0][6]
    assert client.get(link.removeprefix(settings_public_url())).status_code == 200
    entries = AuditEntry.objects.filter(action="monitoring.unsigned_export.requested")
    assert entries.count() == 2 and entries.first().actor == world.coordinator_a  # type: ignore[union-attr]


def test_the_slips_carry_the_names_of_the_unit_s_non_signers_only(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    client.force_login(world.coordinator_a)
    content = result(export(client, pacts, django_capture_on_commit_callbacks, kind="slips"))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        text = b"".join(pdf_text(archive.read(name)) for name in archive.namelist())
    assert b"Siti Aminah, S.Pd." in text
    assert world.employee_b.name.encode() not in text


def settings_public_url() -> str:
    from django.conf import settings

    return settings.NETRAL_PUBLIC_URL
