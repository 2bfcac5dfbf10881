import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from netral.base.storage import save_bytes
from netral.pacts import documents, services
from netral.pacts.models import Signature, SigningLink
from netral.pacts.seal import Sealer
from tests.conftest import Pacts
from tests.files import stored_files

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
    assert result.count("✔") == 5


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


def downloaded(token: str) -> bytes:
    """The signer's first download, as a server answers it (signature_pdf_stored)."""
    return Client().get(reverse("pacts:sign_pdf", args=[token])).getvalue()


def archived(token: str) -> bytes:
    """The sealed pact as the archive job reads it (signature_pdf)."""
    signature = Signature.objects.select_related(
        "campaign__pact_version", "campaign__agency", "employee__unit"
    ).get()
    return documents.signature_pdf(signature=signature, base_url="http://testserver")


@pytest.mark.parametrize("make", [downloaded, archived], ids=["download", "archive"])
@pytest.mark.django_db(transaction=True)
def test_two_servers_making_the_same_pdf_at_once_keep_the_recorded_one(
    client: Client,
    pacts: Pacts,
    certificate: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[str], bytes],
) -> None:
    token, signature = signed(client, pacts)
    # The agency's certificate is in its history already (the first seal of a deployment puts
    # it there): SQLite's shared test database refuses two first writes of it at once.
    documents.seal_certificate_register(
        agency=pacts.world.agency,
        der=documents.agency_sealer(pacts.world.agency.code).certificate_der,
    )
    # Both seal before either stores (each found no PDF); then the one that sealed second
    # stores after the first has finished, the order in which the first's record is lost.
    sealed = threading.Barrier(2, timeout=30)
    first_done = threading.Event()
    order = threading.local()
    seal, store = Sealer.seal, documents.save_bytes

    def seal_together(self: Sealer, *args: Any, **kwargs: Any) -> bytes:
        pdf = seal(self, *args, **kwargs)
        order.index = sealed.wait()
        return pdf

    def save_after_the_first(name: str, data: bytes) -> None:
        if order.index == 1:
            assert first_done.wait(timeout=30)
        store(name, data)

    monkeypatch.setattr(Sealer, "seal", seal_together)
    monkeypatch.setattr(documents, "save_bytes", save_after_the_first)
    results: list[bytes] = []

    def first_download() -> None:
        try:
            results.append(make(token))
        finally:
            if getattr(order, "index", 1) == 0:
                first_done.set()
            connection.close()

    threads = [threading.Thread(target=first_download) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()

    signature.refresh_from_db()
    stored = downloaded(token)
    assert hashlib.sha256(stored).hexdigest() == signature.pdf_sha256
    assert results == [stored, stored]  # both servers answered with the recorded one
    assert stored_files(f"pacts/{pacts.campaign.code}") == [documents.pdf_name(signature)]
    assert "PDF ini asli: semua pemeriksaan lulus." in check(client, signature, stored)


def test_a_pact_stored_before_names_carried_its_hash_is_still_served(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    token, signature = signed(client, pacts)
    pdf = client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    signature.refresh_from_db()
    legacy = f"pacts/{pacts.campaign.code}/{signature.code}.pdf"
    save_bytes(legacy, pdf)
    default_storage.delete(documents.pdf_name(signature))
    assert client.get(reverse("pacts:sign_pdf", args=[token])).getvalue() == pdf
    assert stored_files(f"pacts/{pacts.campaign.code}") == [legacy]


def test_a_lost_pact_is_made_again_and_its_hash_recorded(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    token, signature = signed(client, pacts)
    lost = client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    signature.refresh_from_db()
    default_storage.delete(documents.pdf_name(signature))
    pdf = client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    assert pdf != lost
    signature.refresh_from_db()
    assert hashlib.sha256(pdf).hexdigest() == signature.pdf_sha256
    assert "PDF ini asli: semua pemeriksaan lulus." in check(client, signature, pdf)
