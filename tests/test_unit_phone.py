"""The coordinator's phone: the unit view's cards with one tap to WhatsApp, SMS or call each
non-signer with their personal link, the group message, and the employee page."""

import re
import urllib.parse
from typing import Any

from django.test import Client
from django.urls import reverse

from netral.base.messaging import messages_resume, outbox_read
from netral.base.models import AuditEntry
from netral.monitoring.models import ReminderDelivery, ReminderRound
from netral.pacts import services
from netral.pacts.models import Signature, SigningLink
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make


def unit_page(client: Client, pacts: Pacts, **query: str) -> str:
    url = reverse(
        "monitoring:unit",
        kwargs={"code": pacts.campaign.code, "unit_code": pacts.world.unit_a.code},
    )
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def personal_url(pacts: Pacts, employee: Any) -> str:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=employee)
    return f"/t/{services.signing_link_url_token(link)}/"


def test_each_card_opens_whatsapp_to_the_62_number_with_the_personal_link(
    client: Client, pacts: Pacts
) -> None:
    employee = pacts.world.employee_a
    employee.phone = "0812-3456-7890"
    employee.save()
    client.force_login(pacts.world.coordinator_a)
    page = unit_page(client, pacts)
    found = re.search(
        r'data-testid="whatsapp" href="https://wa.me/6281234567890\?text=([^"]+)"', page
    )
    assert found is not None
    text = urllib.parse.unquote(found.group(1).replace("&amp;", "&"))
    assert personal_url(pacts, employee) in text
    assert employee.name in text and "belum menandatangani" in text
    assert 'href="sms:+6281234567890?body=' in page and 'href="tel:+6281234567890"' in page
    assert 'data-copy="http://testserver' + personal_url(pacts, employee) in page


def test_an_employee_without_phone_or_email_is_flagged_as_unreachable(
    client: Client, pacts: Pacts
) -> None:
    employee_make(pacts.world.unit_a, "Tanpa Kontak")
    services.campaign_open(actor=SYSTEM, campaign=pacts.campaign)
    client.force_login(pacts.world.coordinator_a)
    page = unit_page(client, pacts)
    card = page.split("Tanpa Kontak")[1].split("</li>")[0]
    assert 'data-testid="unreachable"' in card and "wa.me" not in card


def test_the_card_shows_the_last_reminder(client: Client, pacts: Pacts) -> None:
    employee = pacts.world.employee_a
    reminder = ReminderRound.objects.create(
        campaign=pacts.campaign,
        kind="manual",
        unit=pacts.world.unit_a,
        due_at=pacts.campaign.opens_at,
    )
    ReminderDelivery.objects.create(
        round=reminder,
        recipient=employee.code,
        address="x@example.go.id",
        kind="employee",
        status="sent",
        sent_at=pacts.campaign.opens_at,
    )
    client.force_login(pacts.world.coordinator_a)
    page = unit_page(client, pacts)
    card = page.split(employee.name)[1].split("</li>")[0]
    assert "Terakhir diingatkan" in card


def test_the_group_message_lists_names_only_and_the_ceremony_link(
    client: Client, pacts: Pacts
) -> None:
    world = pacts.world
    world.employee_a.phone = "081234567890"
    world.employee_a.save()
    client.force_login(world.coordinator_a)
    page = unit_page(client, pacts)
    message = page.split('data-testid="group-message">')[1].split("</textarea>")[0]
    assert world.employee_a.name in message
    assert f"/k/{pacts.campaign.code}/" in message
    assert "812" not in message and str(world.employee_a.nip) not in message  # names only
    assert world.employee_b.name not in message  # another unit
    assert 'data-testid="group-whatsapp" href="https://wa.me/?text=' in page


def test_a_search_keeps_its_place_on_the_list(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    page = unit_page(client, pacts, q="zzz-nobody")
    assert 'action="#belum"' in page and 'id="belum"' in page
    assert "Tidak ada pegawai belum menandatangani yang cocok" in page


def test_the_list_comes_before_the_sub_units(client: Client, pacts: Pacts) -> None:
    client.force_login(pacts.world.coordinator_a)
    page = unit_page(client, pacts)
    assert page.index('data-testid="unsigned"') < page.index("<svg")


def test_the_employee_page_shows_status_link_and_reminders_and_refuses_outsiders(
    client: Client, pacts: Pacts
) -> None:
    world = pacts.world
    url = reverse("monitoring:employee", kwargs={"employee_code": world.employee_a.code})
    client.force_login(world.other_admin)
    assert client.get(url).status_code == 404
    client.force_login(world.coordinator_a)
    assert (
        client.get(
            reverse("monitoring:employee", kwargs={"employee_code": world.employee_b.code})
        ).status_code
        == 404
    )
    page = client.get(url).content.decode()
    assert "Belum menandatangani." in page
    assert personal_url(pacts, world.employee_a) not in page  # shown only when asked
    reveal = reverse(
        "monitoring:employee_link_reveal",
        kwargs={"employee_code": world.employee_a.code, "campaign_code": pacts.campaign.code},
    )
    shown = client.post(reveal).content.decode()
    assert personal_url(pacts, world.employee_a) in shown
    assert AuditEntry.objects.filter(action="pacts.signing_link.revealed").count() == 1


def test_resend_goes_through_messaging_and_an_unreachable_employee_is_told(
    client: Client, pacts: Pacts, settings: Any, tmp_path: Any
) -> None:
    settings.NETRAL_MESSAGE_OUTBOX = str(tmp_path / "outbox")
    settings.NETRAL_WHATSAPP_BACKEND = "outbox"
    world = pacts.world
    send = reverse(
        "monitoring:employee_link_send",
        kwargs={"employee_code": world.employee_a.code, "campaign_code": pacts.campaign.code},
    )
    client.force_login(world.coordinator_a)
    response = client.post(send, follow=True)
    assert "tidak dapat dikirim" in response.content.decode()
    world.employee_a.phone = "081234567890"
    world.employee_a.save()
    client.post(send)
    messages_resume()
    [sent] = outbox_read()
    assert (sent["channel"], sent["to"]) == ("whatsapp", "6281234567890")
    assert personal_url(pacts, world.employee_a) in sent["text"]


def test_replacing_a_link_asks_first_then_the_old_one_stops_working(
    client: Client, pacts: Pacts
) -> None:
    world = pacts.world
    old = personal_url(pacts, world.employee_a)
    revoke = reverse(
        "monitoring:employee_link_revoke",
        kwargs={"employee_code": world.employee_a.code, "campaign_code": pacts.campaign.code},
    )
    client.force_login(world.coordinator_a)
    confirm = client.get(revoke)
    assert 'data-testid="revoke-confirm"' in confirm.content.decode()
    assert personal_url(pacts, world.employee_a) == old  # nothing changed by asking
    client.post(revoke)
    assert personal_url(pacts, world.employee_a) != old
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=world.employee_a)
    assert link.generation == 1 and services.signing_link_find(old.split("/")[2]) is None


def test_a_signed_employee_shows_when_and_how(client: Client, pacts: Pacts) -> None:
    world = pacts.world
    services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=world.employee_a,
        channel=Signature.Channel.LINK,
        typed_name=world.employee_a.name,
    )
    client.force_login(world.coordinator_a)
    page = client.get(
        reverse("monitoring:employee", kwargs={"employee_code": world.employee_a.code})
    ).content.decode()
    assert "Ditandatangani pada" in page
