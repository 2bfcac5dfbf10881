"""A body larger than its view takes is refused before anything reads it."""

import inspect

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from netral.pacts import services
from netral.pacts.models import Signature, SigningLink
from tests.conftest import Pacts

HUGE = str(200 * 1024 * 1024)


def signed_code(client: Client, pacts: Pacts) -> str:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    token = services.signing_link_url_token(link)
    client.post(reverse("pacts:sign", args=[token]), {"typed_name": "Siti Aminah", "consent": "on"})
    return Signature.objects.get().code


def test_a_huge_body_to_the_public_verification_page_is_refused_unread(
    client: Client, pacts: Pacts
) -> None:
    url = reverse("pacts:verify", args=[signed_code(client, pacts)])
    # The body is one byte while the header claims 200 MB: reading it would fail loudly.
    response = client.post(
        url, data=b"x", content_type="application/octet-stream", CONTENT_LENGTH=HUGE
    )
    assert response.status_code == 413
    assert response["Connection"] == "close"
    page = response.content.decode()
    assert "Berkas terlalu besar" in page and "5 MB" in page
    # A PDF within the limit is read and checked as before.
    assert client.get(url).status_code == 200


def test_a_view_without_uploads_takes_only_a_form(client: Client, pacts: Pacts) -> None:
    response = client.post(
        reverse("accounts:login"),
        data=b"x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(5 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_an_upload_view_takes_its_setting(client: Client, pacts: Pacts, settings: object) -> None:
    client.force_login(pacts.world.admin)
    url = reverse("pacts:paper_pact", args=[pacts.campaign.code])
    body = {"content_type": "multipart/form-data; boundary=x", "data": b"x"}
    settings.NETRAL_PAPER_MAX_BYTES = 1_000_000  # type: ignore[attr-defined]
    assert client.post(url, CONTENT_LENGTH="2000000", **body).status_code == 413
    settings.NETRAL_PAPER_MAX_BYTES = 10_000_000  # type: ignore[attr-defined]
    allowed = client.post(url, {"identifier": pacts.world.employee_a.nip})
    assert allowed.status_code == 200
    assert not Signature.objects.exists()


def views() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + (pattern.namespace or ""))
            else:
                found.append((f"{prefix}:{pattern.name}", pattern.callback))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.mark.parametrize(
    ("name", "view"),
    [
        (name, view)
        for name, view in views()
        if "request.FILES" in inspect.getsource(inspect.unwrap(view))  # type: ignore[arg-type]
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_view_that_takes_files_declares_its_limit(name: str, view: object) -> None:
    limit = getattr(view, "body_limit", None)
    assert limit is not None, f"{name} reads files without a body_limit"
    assert limit() > 0
