"""Kiosk mode: a venue tablet where employees sign one after another."""

import datetime
import re
import time
from typing import Any

import pytest
from django.core import mail
from django.core.signing import get_cookie_signer
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from netral.base.models import AuditEntry
from netral.pacts import kiosk, services
from netral.pacts.models import Campaign, Signature, SigningLink
from tests.conftest import Pacts, open_campaign
from tests.factories import SYSTEM


def url(name: str, campaign: Campaign) -> str:
    return reverse(name, args=[campaign.code])


def make_kiosk(client: Client, pacts: Pacts, officer: str = "admin") -> None:
    client.force_login(getattr(pacts.world, officer))
    response = client.post(url("pacts:kiosk_start", pacts.campaign))
    assert response["Location"] == url("pacts:ceremony", pacts.campaign)


def sign_at_the_kiosk(client: Client, pacts: Pacts) -> None:
    """Employee A gives the NIP, the mailed code and signs."""
    employee = pacts.world.employee_a
    employee.email = "siti.aminah@example.go.id"
    employee.save()
    # The code goes from the worker once the request's transaction commits (tasks run in place).
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url("pacts:ceremony", pacts.campaign), {"identifier": employee.nip})
    assert response["Location"] == url("pacts:ceremony_code", pacts.campaign)
    found = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert found is not None
    response = client.post(url("pacts:ceremony_code", pacts.campaign), {"code": found.group(1)})
    assert response["Location"] == url("pacts:ceremony_sign", pacts.campaign)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            url("pacts:ceremony_sign", pacts.campaign),
            {"typed_name": "Siti Aminah", "consent": "on"},
        )
    assert Signature.objects.filter(employee=employee).exists()


def test_an_admin_turns_a_tablet_into_a_kiosk_and_is_signed_out_on_it(
    client: Client, pacts: Pacts
) -> None:
    client.force_login(pacts.world.admin)
    detail = client.get(url("pacts:campaign_detail", pacts.campaign)).content.decode()
    assert url("pacts:kiosk_start", pacts.campaign) in detail
    confirm = client.get(url("pacts:kiosk_start", pacts.campaign))
    assert confirm.status_code == 200
    assert kiosk.KIOSK_COOKIE not in confirm.cookies  # nothing happens before the confirmation
    response = client.post(url("pacts:kiosk_start", pacts.campaign))
    cookie = response.cookies[kiosk.KIOSK_COOKIE]
    assert cookie["httponly"]
    # Opaque: the campaign's code and a random kiosk id, signed; no row id.
    assert cookie.value.startswith(f"{pacts.campaign.code}:")
    assert f":{pacts.campaign.pk}:" not in cookie.value
    entry = AuditEntry.objects.get(action="pacts.kiosk.started")
    assert entry.actor == pacts.world.admin
    # The officer's session on the tablet is over.
    assert client.get(url("pacts:campaign_detail", pacts.campaign))["Location"].startswith(
        reverse("accounts:login")
    )
    start = client.get(url("pacts:ceremony", pacts.campaign)).content.decode()
    assert 'data-testid="kiosk"' in start
    assert 'id="kiosk-reset"' in start


def test_a_coordinator_may_set_up_a_kiosk(client: Client, pacts: Pacts) -> None:
    make_kiosk(client, pacts, "coordinator_a")
    assert AuditEntry.objects.filter(action="pacts.kiosk.started").count() == 1


@pytest.mark.parametrize("officer", ["other_admin", "viewer", "supervisor"])
def test_others_cannot_set_up_a_kiosk(client: Client, pacts: Pacts, officer: str) -> None:
    client.force_login(getattr(pacts.world, officer))
    response = client.post(url("pacts:kiosk_start", pacts.campaign))
    assert response.status_code == (404 if officer == "other_admin" else 403)
    assert kiosk.KIOSK_COOKIE not in response.cookies
    assert not AuditEntry.objects.filter(action="pacts.kiosk.started").exists()


def test_a_closed_campaign_gets_no_kiosk(client: Client, pacts: Pacts) -> None:
    services.campaign_close(actor=SYSTEM, campaign=pacts.campaign)
    client.force_login(pacts.world.admin)
    response = client.post(url("pacts:kiosk_start", pacts.campaign))
    assert response["Location"] == url("pacts:campaign_detail", pacts.campaign)
    assert kiosk.KIOSK_COOKIE not in response.cookies


def test_the_kiosk_offers_no_pdf_and_hands_the_copy_to_the_signers_channel(
    client: Client, pacts: Pacts
) -> None:
    make_kiosk(client, pacts)
    sign_at_the_kiosk(client, pacts)
    signature = Signature.objects.get()
    copies = [m for m in mail.outbox if signature.code in m.body]
    assert len(copies) == 1 and copies[0].to == ["siti.aminah@example.go.id"]
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    token = services.signing_link_url_token(link)
    assert reverse("pacts:sign", args=[token]) in copies[0].body
    thanks = client.get(url("pacts:ceremony_sign", pacts.campaign)).content.decode()
    assert 'data-testid="pact-copy"' in thanks
    assert url("pacts:ceremony_pdf", pacts.campaign) not in thanks
    assert reverse("pacts:verify", args=[signature.code]) not in thanks
    assert 'data-testid="finish"' in thanks
    # Even asked for directly, while the signer's session still runs.
    assert client.get(url("pacts:ceremony_pdf", pacts.campaign)).status_code == 404
    # A second submit records nothing and sends nothing again.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            url("pacts:ceremony_sign", pacts.campaign),
            {"typed_name": "Siti Aminah", "consent": "on"},
        )
    assert len([m for m in mail.outbox if signature.code in m.body]) == 1
    # From the personal link the signer downloads the pact later.
    assert "pakta.pdf" in Client().get(reverse("pacts:sign", args=[token])).content.decode()


def test_after_finish_nothing_of_the_signer_is_reachable(client: Client, pacts: Pacts) -> None:
    make_kiosk(client, pacts)
    sign_at_the_kiosk(client, pacts)
    client.post(url("pacts:ceremony_finish", pacts.campaign))
    start = url("pacts:ceremony", pacts.campaign)
    assert client.get(url("pacts:ceremony_sign", pacts.campaign))["Location"] == start
    assert client.get(url("pacts:ceremony_code", pacts.campaign))["Location"] == start
    assert client.get(url("pacts:ceremony_pdf", pacts.campaign)).status_code == 404


def test_the_start_page_ends_the_previous_signers_session(client: Client, pacts: Pacts) -> None:
    make_kiosk(client, pacts)
    sign_at_the_kiosk(client, pacts)
    client.get(url("pacts:ceremony", pacts.campaign))  # the next person walks up
    start = url("pacts:ceremony", pacts.campaign)
    assert client.get(url("pacts:ceremony_sign", pacts.campaign))["Location"] == start


def test_a_signer_idle_for_longer_than_the_limit_is_gone(client: Client, pacts: Pacts) -> None:
    make_kiosk(client, pacts)
    sign_at_the_kiosk(client, pacts)
    assert client.session.get_expiry_age() <= kiosk.idle_seconds()
    session = client.session
    session[kiosk.SESSION_KIOSK_SEEN] = time.time() - kiosk.idle_seconds() - 1
    session.save()
    start = url("pacts:ceremony", pacts.campaign)
    assert client.get(url("pacts:ceremony_sign", pacts.campaign))["Location"] == start


def test_a_signer_still_busy_keeps_the_session(client: Client, pacts: Pacts) -> None:
    make_kiosk(client, pacts)
    sign_at_the_kiosk(client, pacts)
    session = client.session
    session[kiosk.SESSION_KIOSK_SEEN] = time.time() - kiosk.idle_seconds() + 5
    session.save()
    assert client.get(url("pacts:ceremony_sign", pacts.campaign)).status_code == 200


def test_the_idle_limit_is_a_setting(client: Client, pacts: Pacts, settings: Any) -> None:
    settings.NETRAL_KIOSK_IDLE_SECONDS = 7
    make_kiosk(client, pacts)
    sign_at_the_kiosk(client, pacts)
    assert client.session.get_expiry_age() == 7
    page = client.get(url("pacts:ceremony_sign", pacts.campaign)).content.decode()
    assert 'data-idle-seconds="7"' in page


def test_personal_links_are_not_opened_on_a_kiosk(client: Client, pacts: Pacts) -> None:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    token = services.signing_link_url_token(link)
    make_kiosk(client, pacts)
    response = client.get(reverse("pacts:sign", args=[token]))
    assert response["Location"] == url("pacts:ceremony", pacts.campaign)
    assert client.get(reverse("pacts:sign_pdf", args=[token])).status_code == 404


def test_typos_of_one_signer_never_lock_the_kiosk_for_the_next(
    client: Client, pacts: Pacts
) -> None:
    make_kiosk(client, pacts)
    for number in range(25):
        client.post(
            url("pacts:ceremony", pacts.campaign), {"identifier": f"1990010120150119{number:02d}"}
        )
    sign_at_the_kiosk(client, pacts)


def test_a_kiosk_of_another_campaign_stays_on_its_own(client: Client, pacts: Pacts) -> None:
    other = open_campaign(pacts.world, pacts.election, title="Ikrar kedua")
    make_kiosk(client, pacts)
    for name in ("pacts:ceremony", "pacts:ceremony_code", "pacts:ceremony_sign"):
        assert client.get(url(name, other))["Location"] == url("pacts:ceremony", pacts.campaign)
    assert client.get(url("pacts:ceremony_pdf", other)).status_code == 404
    # Its cookie does not end kiosk mode for another campaign either.
    client.force_login(pacts.world.admin)
    response = client.post(url("pacts:kiosk_end", other))
    assert response.status_code == 200
    assert kiosk.KIOSK_COOKIE not in response.cookies
    assert not AuditEntry.objects.filter(action="pacts.kiosk.ended").exists()


def test_a_forged_kiosk_cookie_is_an_ordinary_device(client: Client, pacts: Pacts) -> None:
    other = open_campaign(pacts.world, pacts.election, title="Ikrar kedua")
    make_kiosk(client, pacts)
    genuine = client.cookies[kiosk.KIOSK_COOKIE].value
    # The campaign's code swapped in a genuine cookie: its signature no longer holds.
    client.cookies[kiosk.KIOSK_COOKIE] = genuine.replace(pacts.campaign.code, other.code, 1)
    page = client.get(url("pacts:ceremony", other))
    assert page.status_code == 200
    assert 'data-testid="kiosk"' not in page.content.decode()
    # Signed with another purpose's key (the device cookie's salt): not a kiosk either.
    value = f"{pacts.campaign.code}:abc"
    client.cookies[kiosk.KIOSK_COOKIE] = get_cookie_signer(
        salt=kiosk.KIOSK_COOKIE + "netral.device"
    ).sign(value)
    page = client.get(url("pacts:ceremony", pacts.campaign))
    assert 'data-testid="kiosk"' not in page.content.decode()
    client.force_login(pacts.world.admin)
    client.post(url("pacts:kiosk_end", pacts.campaign))
    assert not AuditEntry.objects.filter(action="pacts.kiosk.ended").exists()


def test_an_officer_signs_in_on_the_kiosk_to_end_it(client: Client, pacts: Pacts) -> None:
    make_kiosk(client, pacts)
    start = client.get(url("pacts:ceremony", pacts.campaign)).content.decode()
    end = url("pacts:kiosk_end", pacts.campaign)
    assert end in start
    assert client.get(end)["Location"].startswith(reverse("accounts:login"))
    client.force_login(pacts.world.other_admin)
    assert client.post(end).status_code == 404
    client.force_login(pacts.world.coordinator_a)
    assert 'data-testid="kiosk-end"' in client.get(end).content.decode()
    response = client.post(end)
    assert response["Location"] == url("pacts:campaign_detail", pacts.campaign)
    assert response.cookies[kiosk.KIOSK_COOKIE].value == ""  # removed
    entry = AuditEntry.objects.get(action="pacts.kiosk.ended")
    assert entry.actor == pacts.world.coordinator_a
    started = AuditEntry.objects.get(action="pacts.kiosk.started")
    assert entry.data["kiosk"] == started.data["kiosk"]
    page = client.get(url("pacts:ceremony", pacts.campaign)).content.decode()
    assert 'data-testid="kiosk"' not in page


def test_a_kiosk_cookie_lasts_as_long_as_its_campaign(client: Client, pacts: Pacts) -> None:
    pacts.campaign.closes_at = timezone.now() + datetime.timedelta(days=2)
    pacts.campaign.save()
    client.force_login(pacts.world.admin)
    response = client.post(url("pacts:kiosk_start", pacts.campaign))
    age = int(response.cookies[kiosk.KIOSK_COOKIE]["max-age"])
    assert 2 * 86400 <= age <= 3 * 86400
