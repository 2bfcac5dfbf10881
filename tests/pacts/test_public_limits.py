"""The public pages that compute something are limited per address, and keep no address."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from netral.accounts.actors import Actor
from netral.base.models import ThrottleCount
from netral.pacts import services
from netral.pacts.models import Signature
from netral.pacts.transparency import log_sequence
from tests.conftest import Pacts

HALL = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


@pytest.fixture
def logged(pacts: Pacts) -> Signature:
    signature, _created = services.signature_create(
        actor=Actor.command("tests"),
        campaign=pacts.campaign,
        employee=pacts.world.employee_a,
        channel="link",
        typed_name=pacts.world.employee_a.name,
    )
    log_sequence(campaign=pacts.campaign)
    signature.refresh_from_db()
    return signature


def public_urls(pacts: Pacts, signature: Signature) -> list[str]:
    code = pacts.campaign.code
    return [
        reverse("pacts:tree_head", args=[code]),
        reverse("pacts:inclusion_proof", args=[code, signature.code]),
        reverse("pacts:consistency_proof", args=[code]) + "?dari=1&ke=1",
    ]


def test_the_limit_stops_one_address_and_not_another(
    client: Client, pacts: Pacts, logged: Signature, settings: Any
) -> None:
    settings.NETRAL_PUBLIC_REQUESTS_PER_MINUTE = 3
    urls = public_urls(pacts, logged)
    assert [client.get(url, REMOTE_ADDR=HALL).status_code for url in urls] == [200, 200, 200]
    for url in urls:
        refused = client.get(url, REMOTE_ADDR=HALL)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "60"
        assert "Terlalu banyak permintaan" in refused.json()["error"]
    assert [client.get(url, REMOTE_ADDR=ELSEWHERE).status_code for url in urls] == [200] * 3


def test_an_ipv6_client_is_counted_by_its_64(
    client: Client, pacts: Pacts, logged: Signature, settings: Any
) -> None:
    settings.NETRAL_PUBLIC_REQUESTS_PER_MINUTE = 2
    url = public_urls(pacts, logged)[0]
    codes = [client.get(url, REMOTE_ADDR=f"2001:db8:1:2::{host}").status_code for host in (1, 2, 3)]
    assert codes == [200, 200, 429]
    assert client.get(url, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


def test_no_address_is_stored(
    client: Client, pacts: Pacts, logged: Signature, settings: Any
) -> None:
    for url in public_urls(pacts, logged):
        client.get(url, REMOTE_ADDR=HALL)
        client.get(url, REMOTE_ADDR="2001:db8:1:2::1")
    rows = list(ThrottleCount.objects.values())
    assert rows
    stored = repr(rows)
    for fragment in (HALL, "198.51", "2001:db8", "2001:0db8", "c633:6407"):
        assert fragment not in stored


def test_pdf_checks_are_limited_before_the_pdf_is_read(
    client: Client, pacts: Pacts, logged: Signature, settings: Any
) -> None:
    settings.NETRAL_PUBLIC_PDF_CHECKS_PER_MINUTE = 2
    url = reverse("pacts:verify", args=[logged.code])

    def check(address: str) -> Any:
        pdf = SimpleUploadedFile("pakta.pdf", b"not a pdf", content_type="application/pdf")
        return client.post(url, {"document": pdf}, REMOTE_ADDR=address)

    assert [check(HALL).status_code for _ in range(2)] == [200, 200]
    refused = check(HALL)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Terlalu banyak permintaan" in page
    assert "bukan PDF" not in page  # the file was not checked
    assert check(ELSEWHERE).status_code == 200
    # Reading the page stays open to everyone.
    assert client.get(url, REMOTE_ADDR=HALL).status_code == 200
