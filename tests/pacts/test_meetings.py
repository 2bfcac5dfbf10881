"""A meeting link per OPD: set by its coordinator, shown only to its own employees."""

import pytest
from django.test import Client
from django.urls import reverse

from netral.accounts.models import Membership
from netral.base.models import AuditEntry
from netral.pacts import services
from netral.pacts.models import Campaign, CampaignMeeting, SigningLink
from tests.conftest import Pacts, open_campaign
from tests.factories import officer_make

ZOOM = "https://us06web.zoom.us/j/81234567890?pwd=abc"


@pytest.fixture
def hybrid(pacts: Pacts) -> Campaign:
    return open_campaign(pacts.world, pacts.election, mode=Campaign.Mode.BOTH)


def edit_url(campaign: Campaign, unit_code: str) -> str:
    return reverse("pacts:meeting_edit", args=[campaign.code, unit_code])


def signing_page(client: Client, campaign: Campaign, employee_pk: int) -> str:
    link = SigningLink.objects.get(campaign=campaign, employee=employee_pk)
    token = services.signing_link_url_token(link)
    return client.get(reverse("pacts:sign", args=[token])).content.decode()


def test_the_coordinator_sets_the_opd_link_and_only_its_employees_see_it(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    world = pacts.world
    client.force_login(world.coordinator_a)
    detail = client.get(reverse("pacts:campaign_detail", args=[hybrid.code])).content.decode()
    assert edit_url(hybrid, world.unit_a.code) in detail
    assert edit_url(hybrid, world.unit_b.code) not in detail
    response = client.post(
        edit_url(hybrid, world.unit_a.code),
        {"url": ZOOM, "meeting_number": "812 3456 7890", "passcode": "ikrar29"},
    )
    assert response.status_code == 302
    meeting = CampaignMeeting.objects.get()
    assert (meeting.unit, meeting.updated_by) == (world.unit_a, world.coordinator_a)
    assert AuditEntry.objects.filter(action="pacts.meeting.created").count() == 1
    client.logout()

    # Employee A works in a sub-unit of unit A: the OPD's room is theirs.
    own = signing_page(client, hybrid, world.employee_a.pk)
    assert ZOOM.replace("&", "&amp;") in own and "ikrar29" in own
    other = signing_page(client, hybrid, world.employee_b.pk)
    assert "zoom.us" not in other and "ikrar29" not in other
    assert 'data-testid="meeting"' not in other


def test_the_link_stays_on_the_page_after_signing(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    CampaignMeeting.objects.create(campaign=hybrid, unit=pacts.world.unit_a, url=ZOOM)
    link = SigningLink.objects.get(campaign=hybrid, employee=pacts.world.employee_a)
    url = reverse("pacts:sign", args=[services.signing_link_url_token(link)])
    client.post(url, {"typed_name": "Siti Aminah", "consent": "on"})
    page = client.get(url).content.decode()
    assert 'data-testid="signed"' in page and "zoom.us" in page


@pytest.mark.parametrize(
    "url", ["http://zoom.us/j/1", "javascript:alert(1)", "ftp://meet.example/x", "bukan tautan"]
)
def test_only_an_https_link_is_accepted(
    client: Client, pacts: Pacts, hybrid: Campaign, url: str
) -> None:
    client.force_login(pacts.world.coordinator_a)
    response = client.post(edit_url(hybrid, pacts.world.unit_a.code), {"url": url})
    assert response.status_code == 200
    assert not CampaignMeeting.objects.exists()


def test_a_coordinator_cannot_set_another_opds_link(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    client.force_login(pacts.world.coordinator_a)
    assert client.post(edit_url(hybrid, pacts.world.unit_b.code), {"url": ZOOM}).status_code == 404
    # Nor a sub-unit's: the room is the OPD's.
    child = edit_url(hybrid, pacts.world.unit_a_child.code)
    assert client.post(child, {"url": ZOOM}).status_code == 404
    assert not CampaignMeeting.objects.exists()


def test_a_user_of_another_agency_is_refused(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    client.force_login(pacts.world.other_admin)
    url = edit_url(hybrid, pacts.world.unit_a.code)
    assert client.get(url).status_code == 404
    assert client.post(url, {"url": ZOOM}).status_code == 404
    assert not CampaignMeeting.objects.exists()


def test_the_admin_changes_and_removes_a_link_with_an_audit_trail(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    client.force_login(pacts.world.admin)
    url = edit_url(hybrid, pacts.world.unit_b.code)
    client.post(url, {"url": ZOOM})
    client.post(url, {"url": "https://meet.google.com/abc-defg-hij"})
    assert CampaignMeeting.objects.get().url == "https://meet.google.com/abc-defg-hij"
    changed = AuditEntry.objects.get(action="pacts.meeting.changed")
    assert changed.data["before"]["url"] == ZOOM
    client.post(url, {"action": "delete"})
    assert not CampaignMeeting.objects.exists()
    assert AuditEntry.objects.filter(action="pacts.meeting.removed").count() == 1


def test_a_sub_unit_coordinator_reads_the_opd_link_on_the_attendance_page(
    client: Client, pacts: Pacts, hybrid: Campaign
) -> None:
    CampaignMeeting.objects.create(campaign=hybrid, unit=pacts.world.unit_a, url=ZOOM)
    CampaignMeeting.objects.create(
        campaign=hybrid, unit=pacts.world.unit_b, url="https://meet.google.com/bbb-cccc-ddd"
    )
    sub = officer_make(
        pacts.world.agency, Membership.Role.COORDINATOR, unit=pacts.world.unit_a_child
    )
    client.force_login(sub)
    page = client.get(reverse("pacts:attendance", args=[hybrid.code])).content.decode()
    assert "zoom.us" in page and "bbb-cccc-ddd" not in page
    assert edit_url(hybrid, pacts.world.unit_a.code) not in page
