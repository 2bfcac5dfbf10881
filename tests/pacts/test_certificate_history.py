"""The certificate history filled in for pacts sealed before it existed: `netral
register_seal_certificates` reads the stored pacts in batches, registers each certificate with
the time it was first used, and a second run adds nothing."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from netral.pacts import documents
from netral.pacts.certificates import demo_certificate_p12
from netral.pacts.models import PactSeal, SealCertificate, Signature
from tests.conftest import Pacts
from tests.pacts.test_pdf_download import check, signed
from tests.pacts.test_trusted_time import signed_b


@pytest.mark.files
def test_a_pact_sealed_before_the_history_is_registered_once(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    token, signature = signed(client, pacts)
    old_pdf = client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    old = SealCertificate.objects.get()
    serial, sealed_at = old.serial, PactSeal.objects.get().sealed_at
    # As before the history existed: the pact is stored and recorded, its certificate unknown.
    PactSeal.objects.all().delete()
    SealCertificate.objects.all().delete()
    # Then the agency's certificate was renewed.
    certificate.write_bytes(
        demo_certificate_p12(
            agency_name=pacts.world.agency.name, password=settings.NETRAL_SEAL_PASSWORD.encode()
        )
    )
    documents.agency_sealer.cache_clear()
    # Another pact whose file is lost is counted, not fatal.
    Signature.objects.filter(pk=signed_b(client, pacts)[1].pk).update(pdf_sha256="ab" * 32)

    out = io.StringIO()
    call_command("register_seal_certificates", "--batch", "1", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "1 pacts read, 1 certificates added"  # a progress line per batch
    assert lines[-1] == (
        "Done: 2 pacts read, 1 certificates added, 1 files missing, 0 without a readable seal"
    )
    current = SealCertificate.objects.get(retired_at__isnull=True)
    registered = SealCertificate.objects.get(serial=serial)
    assert current.serial != serial
    # In use from the old pact's seal until the current one took over.
    assert abs((registered.first_used_at - sealed_at).total_seconds()) < 2
    assert registered.retired_at == current.first_used_at
    assert PactSeal.objects.get(signature=signature).certificate == registered

    result = check(client, signature, old_pdf)
    assert "PDF ini asli: semua pemeriksaan lulus." in result
    assert f"nomor seri {serial}" in result
    assert "✔ Sertifikat berlaku saat menyegel" in result

    again = io.StringIO()
    call_command("register_seal_certificates", stdout=again)
    assert again.getvalue().splitlines()[-1].startswith("Done: 1 pacts read, 0 certificates added")
    assert SealCertificate.objects.count() == 2
    assert PactSeal.objects.count() == 1


def test_an_unreadable_configured_certificate_is_reported_not_fatal(
    pacts: Pacts, certificate: Path
) -> None:
    certificate.write_bytes(b"not a PKCS#12 file")
    documents.agency_sealer.cache_clear()
    out = io.StringIO()
    call_command("register_seal_certificates", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        f"Problem: the sealing certificate of agency {pacts.world.agency.code} cannot be opened"
    )
    assert not SealCertificate.objects.exists()
