"""The agency's choice of message channels: edited by its administrators only, audited."""

from django.test import Client
from django.urls import reverse

from netral.agencies.models import Agency
from netral.base.messaging import Route, message_queue
from netral.base.models import AuditEntry
from tests.conftest import World

URL = reverse("agencies:message_settings")


def test_an_administrator_chooses_the_channels_and_it_is_audited(
    client: Client, world: World
) -> None:
    client.force_login(world.admin)
    page = client.get(URL).content.decode()
    assert "WhatsApp" in page and "SMS" in page
    response = client.post(URL, {"message_email": "on", "message_sms": "on"})
    assert response["Location"] == URL
    agency = Agency.objects.get(pk=world.agency.pk)
    assert (agency.message_email, agency.message_whatsapp, agency.message_sms) == (
        True,
        False,
        True,
    )
    assert agency.message_phone_first is False
    assert agency.message_channels() == ["email", "sms"]
    entry = AuditEntry.objects.get(action="agencies.agency.messaging_changed")
    assert entry.data == {
        "changes": {"message_whatsapp": [True, False], "message_phone_first": [True, False]}
    }
    assert entry.actor == world.admin
    # Saving the same again changes nothing and logs nothing.
    client.post(URL, {"message_email": "on", "message_sms": "on"})
    assert AuditEntry.objects.filter(action="agencies.agency.messaging_changed").count() == 1


def test_only_the_agencys_own_administrators_change_it(client: Client, world: World) -> None:
    client.force_login(world.coordinator_a)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {}).status_code == 403
    other = Client()
    other.force_login(world.other_admin)
    response = other.post(URL, {})  # everything off, for the other agency only
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Agency.objects.get(pk=world.other_agency.pk).message_channels() == []
    assert Agency.objects.get(pk=world.agency.pk).message_channels() == ["whatsapp", "sms", "email"]


def test_the_page_counts_the_agencys_messages_only(client: Client, world: World) -> None:
    message_queue(
        routes=[Route("sms", "6281234567890")],
        purpose="tests",
        subject="",
        text="x",
        agency=world.other_agency,
    )
    client.force_login(world.admin)
    page = client.get(URL)
    assert [row["queued"] for row in page.context["counts"]] == [0, 0, 0]
    client.force_login(world.other_admin)
    page = client.get(URL)
    assert sum(row["queued"] for row in page.context["counts"]) == 1
