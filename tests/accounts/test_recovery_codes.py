"""Recovery codes: ten single-use codes, shown once after the second factor is set up, kept only
as keyed hashes, each one good once in place of the authenticator's code."""

import re

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from netral.accounts import services, totp
from netral.accounts.models import RecoveryCode, User
from netral.base.models import AuditEntry
from tests.accounts.test_login import PASSWORD, enable_totp
from tests.conftest import World

CODE_PATTERN = re.compile(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>")


def shown_codes(page: str) -> list[str]:
    return CODE_PATTERN.findall(page)


def codes_in_force(client: Client, user: User) -> list[str]:
    """A confirmed set, made through the pages as the officer does."""
    client.force_login(user)
    user.refresh_from_db()
    step = max(totp.current_step(), user.totp_last_step + 1)  # a code not yet spent
    page = client.post(
        reverse("accounts:recovery_codes"),
        {"password": PASSWORD, "code": totp.code_at(user.totp_secret, step)},
    )
    codes = shown_codes(page.content.decode())
    saved = client.post(reverse("accounts:recovery_codes_saved"), {"saved": "on"})
    assert saved["Location"] == reverse("monitoring:home")
    client.logout()
    return codes


def sign_in_with(client: Client, code: str) -> int:
    client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    response = client.post(reverse("accounts:login_code"), {"recovery_code": code})
    return response.status_code


def signed_in(client: Client) -> bool:
    return client.get(reverse("monitoring:home")).status_code == 200


def test_setting_up_the_second_factor_shows_ten_codes_once(client: Client, world: World) -> None:
    client.force_login(world.admin)
    client.get(reverse("accounts:totp_enrol"))
    secret = client.session["enrol_totp"]
    page = client.post(
        reverse("accounts:totp_enrol"), {"code": totp.code_at(secret, totp.current_step())}
    )
    text = page.content.decode()
    codes = shown_codes(text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Kode pemulihan Anda" in text  # Indonesian
    assert "cetak" in text.lower()  # the hint to print or copy them
    assert "no-store" in page["Cache-Control"]
    # Not in force until the officer confirms saving them.
    assert RecoveryCode.objects.filter(user=world.admin, confirmed_at__isnull=False).count() == 0
    client.post(reverse("accounts:recovery_codes_saved"), {"saved": "on"})
    assert services.recovery_codes_left(user=world.admin) == 10
    assert AuditEntry.objects.filter(action="core.user.recovery_codes_created").count() == 1
    # No page shows them again.
    assert not shown_codes(client.get(reverse("accounts:recovery_codes")).content.decode())


def test_the_codes_are_not_stored_in_clear(client: Client, world: World) -> None:
    enable_totp(world.admin)
    codes = codes_in_force(client, world.admin)
    stored = list(RecoveryCode.objects.values_list("batch", "digest"))
    sessions = [session.session_data for session in Session.objects.all()]
    audited = [str(data) for data in AuditEntry.objects.values_list("data", flat=True)]
    for code in codes:
        for variant in (code, code.replace("-", "")):
            assert not any(variant in value for row in stored for value in row)
            assert not any(variant in data for data in sessions)
            assert not any(variant in data for data in audited)
    # Keyed with the user: the same code of another officer has another hash.
    assert services.recovery_code_digest(
        user=world.admin, code="abcdeabcde"
    ) != services.recovery_code_digest(user=world.supervisor, code="abcdeabcde")


def test_a_code_works_once_and_says_how_many_are_left(client: Client, world: World) -> None:
    enable_totp(world.admin)
    codes = codes_in_force(client, world.admin)

    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:login_code")
    # Typed as people type: upper case, without the dash, with spaces.
    typed = " " + codes[0].replace("-", "").upper() + " "
    response = client.post(reverse("accounts:login_code"), {"recovery_code": typed})
    assert response.status_code == 302
    home = client.get(reverse("monitoring:home"))
    assert home.status_code == 200
    assert "Tersisa 9 kode pemulihan" in home.content.decode()
    entry = AuditEntry.objects.get(action="core.user.recovery_code_used")
    assert entry.data == {"left": 9}
    assert entry.actor == world.admin

    again = Client()
    assert sign_in_with(again, codes[0]) == 200
    assert (
        "salah atau sudah dipakai"
        in again.post(reverse("accounts:login_code"), {"recovery_code": codes[0]}).content.decode()
    )
    assert not signed_in(again)
    assert sign_in_with(again, codes[1]) == 302
    assert services.recovery_codes_left(user=world.admin) == 8


def test_a_new_set_voids_the_old_one_once_it_is_confirmed(client: Client, world: World) -> None:
    enable_totp(world.admin)
    old = codes_in_force(client, world.admin)

    # A new set shown but never confirmed: the old one stays in force, the new one is not.
    client.force_login(world.admin)
    page = client.post(reverse("accounts:recovery_codes"), {"password": PASSWORD, "code": old[0]})
    unconfirmed = shown_codes(page.content.decode())
    assert len(unconfirmed) == 10
    client.logout()
    assert sign_in_with(Client(), unconfirmed[0]) == 200
    assert sign_in_with(Client(), old[1]) == 302

    new = codes_in_force(client, world.admin)
    for code in (old[2], unconfirmed[1]):
        visitor = Client()
        assert sign_in_with(visitor, code) == 200
        assert not signed_in(visitor)
    assert sign_in_with(Client(), new[0]) == 302
    assert RecoveryCode.objects.filter(user=world.admin).count() == 10


def test_a_new_set_needs_the_password_and_a_second_factor(client: Client, world: World) -> None:
    secret = enable_totp(world.admin)
    old = codes_in_force(client, world.admin)
    client.force_login(world.admin)
    url = reverse("accounts:recovery_codes")
    current = totp.code_at(secret, totp.current_step())
    for attempt in (
        {"password": PASSWORD, "code": ""},
        {"password": PASSWORD, "code": "000000"},
        {"password": PASSWORD, "code": "abcde-fghij"},
        {"password": "salah", "code": current},
        {"password": "salah", "code": old[0]},
    ):
        assert not shown_codes(client.post(url, attempt).content.decode())
    # A wrong password does not spend the recovery code sent with it.
    assert services.recovery_codes_left(user=world.admin) == 10
    assert RecoveryCode.objects.filter(confirmed_at__isnull=True).count() == 0

    # The next code of the app (the current one was spent making the first set).
    following = totp.code_at(secret, totp.current_step() + 1)
    page = client.post(url, {"password": PASSWORD, "code": following})
    assert len(shown_codes(page.content.decode())) == 10


def test_a_lost_phone_can_be_replaced_with_a_recovery_code(client: Client, world: World) -> None:
    secret = enable_totp(world.admin)
    codes = codes_in_force(client, world.admin)
    assert sign_in_with(client, codes[0]) == 302
    url = reverse("accounts:totp_enrol")
    response = client.post(url, {"password": PASSWORD, "code": codes[1]})
    assert response["Location"] == url
    new_secret = client.get(url) and client.session["enrol_totp"]
    assert new_secret != secret
    page = client.post(url, {"code": totp.code_at(new_secret, totp.current_step())})
    assert len(shown_codes(page.content.decode())) == 10


def test_wrong_recovery_codes_count_against_the_login_throttle(
    client: Client, world: World
) -> None:
    enable_totp(world.admin)
    codes = codes_in_force(client, world.admin)
    client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    for _attempt in range(5):
        client.post(reverse("accounts:login_code"), {"recovery_code": "abcde-fghij"})
    response = client.post(reverse("accounts:login_code"), {"recovery_code": codes[0]})
    assert response.status_code == 429
    assert not signed_in(client)
    assert services.recovery_codes_left(user=world.admin) == 10  # not spent while throttled


def test_a_code_of_another_officer_does_not_work(client: Client, world: World) -> None:
    enable_totp(world.admin)  # with no recovery codes of its own
    enable_totp(world.supervisor)
    theirs = codes_in_force(client, world.supervisor)
    assert sign_in_with(client, theirs[0]) == 200
    assert not signed_in(client)
