"""The client's address behind a proxy: taken from X-Forwarded-For only when a trusted proxy
sends it, so a phone behind nginx is seen as itself and nobody else can pick an address."""

from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings

from netral.base.audit import client_ip
from netral.pacts.models import Signature
from tests.conftest import Pacts
from tests.pacts.test_signing_pages import link_token
from tests.test_settings import run_netral

pytestmark = pytest.mark.django_db


def _ip(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_a_direct_client_is_its_connection_and_its_header_is_ignored() -> None:
    assert _ip("203.0.113.9") == "203.0.113.9"
    assert _ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_behind_the_local_proxy_the_client_is_the_forwarded_address() -> None:
    assert _ip("127.0.0.1", "198.51.100.7") == "198.51.100.7"
    assert _ip("::1", "2001:db8::5") == "2001:db8::5"


def test_an_address_the_client_made_up_is_not_taken() -> None:
    # nginx appends the real peer: the client's own "1.2.3.4" comes first and is passed over.
    assert _ip("127.0.0.1", "1.2.3.4, 198.51.100.7") == "198.51.100.7"


@override_settings(NETRAL_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/24"])
def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client() -> None:
    assert _ip("10.0.0.8", "198.51.100.7, 10.0.0.9") == "198.51.100.7"
    assert _ip("10.0.0.8", "10.0.0.9") == "10.0.0.8"  # nothing but proxies


def test_a_malformed_header_keeps_the_connections_address() -> None:
    assert _ip("127.0.0.1", "not-an-address") == "127.0.0.1"
    assert _ip("127.0.0.1", "") == "127.0.0.1"


def test_a_signature_behind_the_proxy_records_the_phones_address(
    client: Client, pacts: Pacts
) -> None:
    token = link_token(pacts)
    client.post(
        f"/t/{token}/",
        {"typed_name": pacts.world.employee_a.name, "consent": "on"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert Signature.objects.get(employee=pacts.world.employee_a).ip == "198.51.100.23"


def test_a_malformed_trusted_proxy_refuses_to_start(tmp_path: Path) -> None:
    result = run_netral("check", env={"NETRAL_TRUSTED_PROXIES": "10.0.0.300"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "NETRAL_TRUSTED_PROXIES" in result.stderr
