"""UU 27/2022: the public privacy notice, the register of data subjects' requests with their
deadlines, and the export of what an agency holds about one employee."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from netral.accounts.actors import Actor
from netral.base.models import AuditEntry, Job
from netral.pacts import services as pact_services
from netral.pacts.models import Signature
from netral.privacy.models import DataSubjectRequest, PrivacyOfficer
from tests.conftest import Pacts, World

SIGNER = Actor(user=None, label="anonymous", ip="203.0.113.5", user_agent="Android 9")


def test_the_notice_names_the_agency_its_officer_and_the_retention(
    client: Client, world: World, settings: Any
) -> None:
    settings.NETRAL_KEEP_ADDRESSES_DAYS = 91
    PrivacyOfficer.objects.create(
        agency=world.agency, name="Kepala Dinas Kominfo", contact="ppdp@example.go.id"
    )
    page = client.get(reverse("privacy:notice"), {"instansi": world.agency.code})
    text = page.content.decode()
    assert page.status_code == 200
    assert world.agency.name in text and "ppdp@example.go.id" in text
    assert world.other_agency.name not in text
    assert "91" in text
    assert "72" in text  # the legal 3 x 24 hours


@pytest.mark.parametrize(
    "url",
    [
        lambda world: reverse("cases:report", args=[world.agency.code]),
        lambda world: reverse("cases:follow"),
        lambda world: reverse("screening:selfcheck"),
        lambda world: reverse("accounts:login"),
    ],
)
def test_every_public_page_links_the_notice(client: Client, pacts: Pacts, url: Any) -> None:
    page = client.get(url(pacts.world))
    assert page.status_code == 200
    assert reverse("privacy:notice").encode() in page.content


def test_the_report_form_links_the_agencys_notice(client: Client, pacts: Pacts) -> None:
    page = client.get(reverse("cases:report", args=[pacts.world.agency.code])).content.decode()
    assert f"{reverse('privacy:notice')}?instansi={pacts.world.agency.code}" in page
    assert 'data-testid="report-privacy-link"' in page


def register(client: Client, world: World, **changes: str) -> Any:
    data = {
        "requester_name": "Budi",
        "requester_contact": "081234567890",
        "identifier": world.employee_a.nip or "",
        "right": "access",
        "details": "",
        **changes,
    }
    return client.post(reverse("privacy:requests"), data)


def test_a_request_is_registered_with_its_legal_deadline(
    client: Client, world: World, settings: Any
) -> None:
    settings.NETRAL_PRIVACY_REQUEST_HOURS = {**settings.NETRAL_PRIVACY_REQUEST_HOURS, "access": 72}
    client.force_login(world.admin)
    response = register(client, world)
    request = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    assert request.employee == world.employee_a
    assert request.due_at - request.received_at == datetime.timedelta(hours=72)
    assert AuditEntry.objects.filter(action="privacy.request.created").count() == 1
    unknown = register(client, world, identifier="199001012020121999")
    assert unknown.status_code == 200 and DataSubjectRequest.objects.count() == 1


def test_requests_are_hidden_from_other_agencies_and_other_roles(
    client: Client, world: World
) -> None:
    client.force_login(world.admin)
    register(client, world)
    request = DataSubjectRequest.objects.get()
    url = reverse("privacy:request", args=[request.code])
    assert client.get(url).status_code == 200
    other = Client()
    other.force_login(world.other_admin)
    assert other.get(url).status_code == 404
    assert other.post(reverse("privacy:request_export", args=[request.code])).status_code == 404
    coordinator = Client()
    coordinator.force_login(world.coordinator_a)
    assert coordinator.get(reverse("privacy:requests")).status_code == 403


def sign(pacts: Pacts, employee: Any) -> Signature:
    signature, _ = pact_services.signature_create(
        actor=SIGNER,
        campaign=pacts.campaign,
        employee=employee,
        channel=Signature.Channel.LINK,
        typed_name=employee.name,
    )
    return signature


def test_the_export_holds_the_employees_pacts_and_nothing_of_another(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    world = pacts.world
    own = sign(pacts, world.employee_a)
    others = sign(pacts, world.employee_b)
    client.force_login(world.admin)
    register(client, world)
    request = DataSubjectRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:request_export", args=[request.code]))
    job = Job.objects.get(kind="privacy.employee_export")
    assert response.status_code == 302 and job.status == Job.Status.DONE
    download = client.get(reverse("accounts:job_download", args=[job.code]))
    raw = b"".join(download.streaming_content).decode()
    data = json.loads(raw)
    assert data["employee"]["nip"] == world.employee_a.nip
    assert [pact["code"] for pact in data["pacts"]] == [own.code]
    assert data["pacts"][0]["ip"] == "203.0.113.5"
    assert others.code not in raw and world.employee_b.name not in raw
    assert world.employee_b.code not in raw
    other = Client()
    other.force_login(world.other_admin)
    assert other.get(reverse("accounts:job_download", args=[job.code])).status_code in {403, 404}
