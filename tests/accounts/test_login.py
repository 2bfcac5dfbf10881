import base64
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netral.accounts import totp
from netral.accounts.models import User
from netral.base.models import AuditEntry, ThrottleCount
from tests.conftest import World

PASSWORD = "Rahasia-Netral-2029"


def enable_totp(user: User) -> str:
    secret = totp.new_secret()
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.save()
    return secret


def test_totp_matches_the_rfc_6238_test_vector() -> None:
    secret = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 appendix B: T=59 s gives 94287082; authenticator apps show the last six digits.
    assert totp.code_at(secret, 59 // 30) == "287082"
    assert totp.matching_step(secret, "287 082", after_step=0, now=59) == 1
    assert totp.matching_step(secret, "287082", after_step=1, now=59) is None
    assert totp.matching_step(secret, "28708", after_step=0, now=59) is None


def test_a_password_is_enough_when_no_second_factor_is_set_and_none_required(
    client: Client, world: World
) -> None:
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("monitoring:home")).status_code == 200


def test_an_officer_with_totp_needs_the_code(client: Client, world: World) -> None:
    secret = enable_totp(world.admin)
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:login_code")
    # The password alone opens nothing.
    assert client.get(reverse("monitoring:home")).status_code == 302

    wrong = client.post(reverse("accounts:login_code"), {"code": "000000"})
    assert "salah" in wrong.content.decode()
    code = totp.code_at(secret, totp.current_step())
    response = client.post(reverse("accounts:login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("monitoring:home")).status_code == 200

    # The same code cannot open a second session.
    other = Client()
    other.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    replay = other.post(reverse("accounts:login_code"), {"code": code})
    assert replay.status_code == 200
    assert other.get(reverse("monitoring:home")).status_code == 302


def test_failed_logins_are_throttled(client: Client, world: World) -> None:
    for _attempt in range(5):
        client.post(reverse("accounts:login"), {"username": "admin", "password": "salah"})
    # Counted under a keyed hash: neither the name nor the address is stored.
    assert ThrottleCount.objects.filter(purpose="login").exists()
    assert not ThrottleCount.objects.filter(key__icontains="admin").exists()

    response = client.post(reverse("accounts:login"), {"username": "ADMIN", "password": PASSWORD})

    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert client.get(reverse("monitoring:home")).status_code == 302


def test_failed_codes_count_towards_the_throttle(client: Client, world: World) -> None:
    enable_totp(world.admin)
    client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    for _attempt in range(5):
        client.post(reverse("accounts:login_code"), {"code": "123456"})
    response = client.post(reverse("accounts:login_code"), {"code": "123456"})
    assert response.status_code == 429


def test_a_login_never_redirects_to_another_site(client: Client, world: World) -> None:
    response = client.post(
        reverse("accounts:login") + "?next=https://jahat.example/",
        {"username": "admin", "password": PASSWORD, "next": "https://jahat.example/"},
    )
    assert response["Location"] == reverse("monitoring:home")


@pytest.mark.parametrize("follow_path", ["monitoring:home", "agencies:employee_list"])
def test_production_requires_enrolling_a_second_factor(
    client: Client, world: World, settings: Any, follow_path: str
) -> None:
    settings.NETRAL_REQUIRE_2FA = True
    response = client.post(reverse("accounts:login"), {"username": "admin", "password": PASSWORD})
    assert response["Location"] == reverse("accounts:totp_enrol")
    assert client.get(reverse(follow_path))["Location"] == reverse("accounts:totp_enrol")

    page = client.get(reverse("accounts:totp_enrol"))
    assert "<svg" in page.content.decode()
    secret = client.session["enrol_totp"]
    client.post(reverse("accounts:totp_enrol"), {"code": totp.code_at(secret, totp.current_step())})

    assert client.get(reverse(follow_path)).status_code == 200
    world.admin.refresh_from_db()
    assert world.admin.has_totp
    assert AuditEntry.objects.filter(action="core.user.totp_enabled").exists()


def _wrong(username: str, address: str, client: Client | None = None) -> int:
    client = client or Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": "salah"}, REMOTE_ADDR=address
    )
    return response.status_code


def test_a_flood_from_elsewhere_does_not_keep_the_owner_out_of_a_known_device(
    world: World,
) -> None:
    owner = Client()
    owner.post(
        reverse("accounts:login"),
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="10.1.1.1",
    )
    owner.post(reverse("accounts:logout"))
    # 30 wrong passwords for the account, from 30 addresses.
    codes = [_wrong("admin", f"198.51.100.{n}") for n in range(30)]
    assert codes.count(429) >= 5  # the account is closed to unknown devices
    stranger = Client()
    response = stranger.post(
        reverse("accounts:login"),
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 429
    response = owner.post(
        reverse("accounts:login"),
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 302
    assert owner.get(reverse("monitoring:home")).status_code == 200


def test_a_guessers_failures_never_stop_the_owner_on_another_browser_at_the_same_office(
    world: World,
) -> None:
    guesser = Client()
    codes = [_wrong("admin", "192.0.2.50", guesser) for _ in range(7)]
    assert codes[-1] == 429  # the guessing browser is slowed
    owner = Client()  # a new browser, behind the office's same address
    response = owner.post(
        reverse("accounts:login"),
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.50",
    )
    assert response.status_code == 302


def test_colleagues_behind_one_address_do_not_lock_each_other_out(world: World) -> None:
    for number in range(8):
        assert _wrong(f"pegawai{number}", "192.0.2.1") == 200
    response = Client().post(
        reverse("accounts:login"),
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.1",
    )
    assert response.status_code == 302


def test_receipt_and_ceremony_failures_do_not_count_against_a_login(
    world: World, pacts: Any
) -> None:
    guesser = Client()
    for _attempt in range(20):
        guesser.post(reverse("cases:follow"), {"receipt": "1234" * 4}, REMOTE_ADDR="192.0.2.9")
    response = Client().post(
        reverse("accounts:login"),
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.9",
    )
    assert response.status_code == 302


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises the writers")
@pytest.mark.django_db(transaction=True)
def test_forty_wrong_passwords_at_once_are_checked_exactly_as_often_as_allowed(
    world: World,
) -> None:
    start = threading.Barrier(40)
    codes: list[int] = []

    def attempt() -> None:
        start.wait()
        try:
            codes.append(_wrong("admin", "198.51.100.77"))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Forty fresh browsers: the account's limit for unknown browsers (4 x 5) decides.
    assert codes.count(200) == 20  # the password was checked, and found wrong
    assert codes.count(429) == 20


def test_replacing_the_second_factor_takes_the_password_and_the_current_code(
    client: Client, world: World
) -> None:
    secret = enable_totp(world.admin)
    client.force_login(world.admin)
    url = reverse("accounts:totp_enrol")
    page = client.get(url)
    assert "totp-secret" not in page.content.decode()  # no new key shown yet
    wrong = client.post(url, {"password": PASSWORD, "code": "000000"})
    assert "totp-secret" not in wrong.content.decode()
    no_password = client.post(
        url, {"password": "salah", "code": totp.code_at(secret, totp.current_step())}
    )
    assert "totp-secret" not in no_password.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.totp_secret == secret  # nothing replaced

    right = client.post(
        url, {"password": PASSWORD, "code": totp.code_at(secret, totp.current_step() + 1)}
    )
    assert right["Location"] == url
    new_key = client.get(url).content.decode()
    assert 'data-testid="totp-secret"' in new_key
    world.admin.refresh_from_db()
    assert world.admin.totp_secret == secret  # replaced only once the new code is confirmed


def test_a_first_second_factor_needs_no_reconfirmation(client: Client, world: World) -> None:
    client.force_login(world.admin)
    page = client.get(reverse("accounts:totp_enrol"))
    assert 'data-testid="totp-secret"' in page.content.decode()
