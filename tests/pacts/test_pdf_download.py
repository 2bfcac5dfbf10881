from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from netral.pacts import services
from netral.pacts.models import Signature, SigningLink
from tests.conftest import Pacts

pytestmark = pytest.mark.files


def signed(client: Client, pacts: Pacts) -> tuple[str, Signature]:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    token = services.signing_link_url_token(link)
    client.post(reverse("pacts:sign", args=[token]), {"typed_name": "Siti Aminah", "consent": "on"})
    return token, Signature.objects.get()


def check(client: Client, signature: Signature, pdf: bytes) -> str:
    response = client.post(
        reverse("pacts:verify", args=[signature.code]),
        {"document": SimpleUploadedFile("pakta.pdf", pdf, content_type="application/pdf")},
    )
    return response.content.decode()


def test_the_signer_downloads_a_sealed_pdf_that_verifies(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    token, signature = signed(client, pacts)
    response = client.get(reverse("pacts:sign_pdf", args=[token]))
    assert response["Content-Type"] == "application/pdf"
    pdf = response.getvalue()
    assert pdf.startswith(b"%PDF-")
    signature.refresh_from_db()
    assert len(signature.pdf_sha256) == 64
    # Made once, then served from storage.
    assert client.get(reverse("pacts:sign_pdf", args=[token])).getvalue() == pdf
    result = check(client, signature, pdf)
    assert "PDF ini asli: semua pemeriksaan lulus." in result
    assert result.count("✔") == 4


def test_a_changed_or_foreign_pdf_fails_the_named_check(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    token, signature = signed(client, pacts)
    pdf = client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    appended = check(client, signature, pdf + b"\n% added later\n")
    assert "PDF ini gagal dalam pemeriksaan." in appended
    assert "✘ Tidak ada yang ditambahkan setelah disegel" in appended
    middle = len(pdf) // 3
    tampered = pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1 :]
    assert "✘ Segel masih utuh" in check(client, signature, tampered)
    assert "bukan PDF" in check(client, signature, b"GIF89a not a pdf")


def test_no_pdf_without_a_signature(client: Client, pacts: Pacts) -> None:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_a)
    token = services.signing_link_url_token(link)
    assert client.get(reverse("pacts:sign_pdf", args=[token])).status_code == 404
    assert client.get(reverse("pacts:sign_pdf", args=["x" * 32])).status_code == 404
