"""No cache keeps a page or file with personal data (a shared tablet, a proxy, the back button)."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from netral.base.models import Job
from tests.conftest import Pacts
from tests.pacts.test_signing_pages import link_token
from tests.test_tenancy import home_decided_case

pytestmark = pytest.mark.files


def _no_store(response: object) -> bool:
    header = str(getattr(response, "headers", {}).get("Cache-Control", ""))
    return "no-store" in header and "private" in header


def test_officer_pages_and_files_are_never_stored(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    client.force_login(world.admin)
    pages = [
        reverse("monitoring:home"),
        reverse("agencies:employee_list"),
        reverse("agencies:employee_detail", args=[world.employee_a.code]),
        reverse("agencies:audit_list"),
        reverse("pacts:campaign_detail", args=[pacts.campaign.code]),
        reverse("accounts:totp_enrol"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    client.post(
        reverse("pacts:archive_create", args=[pacts.campaign.code]), {"unit": world.unit_a.code}
    )
    job = Job.objects.get(kind="pacts.archive")
    for url in (
        reverse("accounts:job", args=[job.code]),
        reverse("accounts:job_status", args=[job.code]),
    ):
        assert _no_store(client.get(url)), url


def test_a_signing_page_and_the_sealed_pact_are_never_stored(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    url = reverse("pacts:sign", args=[link_token(pacts)])
    assert _no_store(client.get(url))
    client.post(url, {"typed_name": pacts.world.employee_a.name, "consent": "on"})
    pdf = client.get(reverse("pacts:sign_pdf", args=[link_token(pacts)]))
    assert pdf.status_code == 200
    assert _no_store(pdf)
    b"".join(pdf.streaming_content)  # read to the end: the test client then closes the file


def test_the_sanctions_register_is_never_stored(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.supervisor)
    response = client.get(reverse("cases:sanction_export"))
    assert response.status_code == 200
    assert _no_store(response)


def test_every_file_with_personal_data_is_never_stored(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    world = pacts.world
    code = pacts.campaign.code
    unit = {"unit": world.unit_a.code}
    client.force_login(world.admin)
    files = {
        "attendance sheet PDF": client.get(reverse("pacts:attendance_sheet", args=[code]), unit),
    }
    case = home_decided_case(world)
    client.force_login(world.decision_maker)
    files["examination report PDF"] = client.get(
        reverse("cases:examination_report", args=[case.code])
    )
    evidence = case.evidence.get()
    files["evidence"] = client.get(reverse("cases:evidence", args=[case.code, evidence.code]))
    for what, response in files.items():
        assert response.status_code == 200, what
        assert response["Content-Disposition"].startswith("attachment"), what
        assert _no_store(response), what
