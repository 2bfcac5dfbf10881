"""Trusted time and lasting verification: seals carry an RFC 3161 timestamp from a local
authority over HTTP, a failing authority never costs a seal, and a pact sealed before the
agency's certificate was renewed still verifies, naming the certificate that sealed it."""

import io
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from netral.pacts import documents, services, timestamps
from netral.pacts.certificates import demo_certificate_p12
from netral.pacts.models import PactSeal, SealCertificate, Signature, SigningLink
from netral.pacts.seal import Sealer, verify_seal
from netral.pacts.timestamps import TimestampAuthority, TimestampFailed
from tests.conftest import Pacts
from tests.pacts.test_pdf import pact_document, pact_renderer
from tests.pacts.test_pdf_download import check, signed
from tests.tsa_server import LocalAuthority


def rendered() -> bytes:
    return pact_renderer().render(pact_document())


def test_a_timestamped_seal_validates_with_pyhanko_including_the_timestamp() -> None:
    sealer = Sealer(p12=demo_certificate_p12(agency_name="Pemkab", password=b"x"), password=b"x")
    with LocalAuthority() as local:
        stamper = TimestampAuthority(url=local.url, timeout=2)
        sealed = sealer.seal(rendered(), timestamp=lambda digest: stamper.stamp(digest).der)
    (embedded,) = PdfFileReader(io.BytesIO(sealed)).embedded_signatures
    signer = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(sealer.certificate_der)], allow_fetching=False
    )
    authority = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(local.certificate_der)], allow_fetching=False
    )
    status = validate_pdf_signature(embedded, signer, authority)
    assert status.intact and status.valid and status.trusted
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    unsigned = [a["type"].dotted for a in embedded.signer_info["unsigned_attrs"]]
    assert unsigned == ["1.2.840.113549.1.9.16.2.14"]  # signature-time-stamp: PAdES B-T
    # Ours says the same, and an authority it does not trust is named untrusted.
    ours = verify_seal(
        sealed,
        trusted_certificate_der=sealer.certificate_der,
        timestamp_roots_der=[local.certificate_der],
    )
    assert ours.problem == "" and ours.timestamp_trusted
    assert ours.timestamped_at == stamp.timestamp
    stranger = verify_seal(sealed, trusted_certificate_der=sealer.certificate_der)
    assert stranger.timestamped_at is not None and not stranger.timestamp_trusted


@pytest.mark.parametrize("mode", ["error", "rejection", "slow"])
def test_the_authority_client_reports_each_failure(mode: str) -> None:
    with LocalAuthority(mode, delay=2.0) as local:  # type: ignore[arg-type]
        stamper = TimestampAuthority(url=local.url, timeout=1)
        with pytest.raises(TimestampFailed):
            stamper.stamp(b"\x00" * 32)


def test_a_token_over_another_digest_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with LocalAuthority() as local:
        stamper = TimestampAuthority(url=local.url, timeout=2)
        good = stamper.stamp(b"\x01" * 32)
        assert timestamps.token_digest(good.der) == b"\x01" * 32
        # An authority (or a man in the middle) answering for another digest.
        request_cms = stamper._requests.request_cms
        monkeypatch.setattr(
            stamper._requests,
            "request_cms",
            lambda digest, algorithm: request_cms(b"\x02" * 32, algorithm),
        )
        with pytest.raises(TimestampFailed, match="another digest"):
            stamper.stamp(b"\x01" * 32)


@pytest.mark.files
def test_a_downloaded_pact_carries_a_trusted_timestamp_and_the_page_says_so(
    client: Client, pacts: Pacts, certificate: Path, authority: LocalAuthority
) -> None:
    token, signature = signed(client, pacts)
    pdf = client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    seal = PactSeal.objects.get(signature=signature)
    assert seal.timestamped_at is not None and not seal.timestamp_pending
    assert seal.timestamp_authority == "Netral Test TSA"
    result = check(client, signature, pdf)
    assert "PDF ini asli: semua pemeriksaan lulus." in result
    assert "✔ Segel memuat penanda waktu tepercaya" in result
    assert "penanda waktu tepercaya)" in result
    page = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    assert "penanda waktu tepercaya oleh Netral Test TSA" in page


@pytest.mark.files
@pytest.mark.parametrize("mode", ["error", "slow"])
def test_a_failing_authority_costs_no_seal_and_the_pact_is_timestamped_later(
    client: Client, pacts: Pacts, certificate: Path, authority: LocalAuthority, mode: str
) -> None:
    authority.mode = mode  # type: ignore[assignment]
    token, signature = signed(client, pacts)
    pdf = client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    seal = PactSeal.objects.get(signature=signature)
    assert seal.timestamp_pending and seal.timestamped_at is None
    assert "✔ Segel masih utuh" in check(client, signature, pdf)
    page = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    assert "penanda waktu tepercaya sedang dimintakan" in page

    call_command("timestamp_pacts", stdout=io.StringIO())  # still failing: still waiting
    assert PactSeal.objects.get(pk=seal.pk).timestamp_pending
    authority.mode = "ok"
    out = io.StringIO()
    call_command("timestamp_pacts", stdout=out)
    assert out.getvalue().startswith("1 pacts timestamped, 0 still waiting")
    seal.refresh_from_db()
    assert not seal.timestamp_pending and seal.later_token and seal.timestamped_at
    # The file handed out is unchanged: the token covers its hash, and the check shows it.
    signature.refresh_from_db()
    assert client.get(reverse("pacts:sign_pdf", args=[token])).getvalue() == pdf
    result = check(client, signature, pdf)
    assert "PDF ini asli: semua pemeriksaan lulus." in result
    assert "penanda waktu tepercaya yang diperoleh setelah penyegelan" in result


@pytest.mark.files
def test_after_a_renewal_an_old_pact_still_verifies_and_names_the_old_certificate(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    token, signature = signed(client, pacts)
    old_pdf = client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    old = SealCertificate.objects.get()
    # The agency's certificate is renewed: a new key and certificate in the same place.
    certificate.write_bytes(
        demo_certificate_p12(
            agency_name=pacts.world.agency.name, password=settings.NETRAL_SEAL_PASSWORD.encode()
        )
    )
    documents.agency_sealer.cache_clear()

    result = check(client, signature, old_pdf)
    assert "PDF ini asli: semua pemeriksaan lulus." in result
    assert f"nomor seri {old.serial}" in result
    assert "✔ Sertifikat berlaku saat menyegel" in result
    page = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    assert f"nomor seri {old.serial}" in page
    assert "Sertifikat berlaku saat menyegel." in page

    new, retired = (
        SealCertificate.objects.filter(retired_at__isnull=True).get(),
        SealCertificate.objects.get(pk=old.pk),
    )
    assert new.pk != old.pk and retired.retired_at is not None
    # A pact sealed after the renewal is the new certificate's.
    token_b, signature_b = signed_b(client, pacts)
    new_pdf = client.get(reverse("pacts:sign_pdf", args=[token_b])).getvalue()
    assert f"nomor seri {new.serial}" in check(client, signature_b, new_pdf)
    assert PactSeal.objects.get(signature=signature_b).certificate == new


@pytest.mark.files
def test_a_pact_sealed_by_a_certificate_the_agency_never_held_fails(
    client: Client, pacts: Pacts, certificate: Path
) -> None:
    token, signature = signed(client, pacts)
    client.get(reverse("pacts:sign_pdf", args=[token])).getvalue()
    stranger = Sealer(
        p12=demo_certificate_p12(agency_name=pacts.world.agency.name, password=b"x"),
        password=b"x",
    )
    forged = stranger.seal(rendered())
    result = check(client, signature, forged)
    assert "PDF ini gagal dalam pemeriksaan." in result
    assert f"✘ Disegel oleh {pacts.world.agency.name}" in result


def signed_b(client: Client, pacts: Pacts) -> tuple[str, Signature]:
    link = SigningLink.objects.get(campaign=pacts.campaign, employee=pacts.world.employee_b)
    token = services.signing_link_url_token(link)
    Client().post(
        reverse("pacts:sign", args=[token]), {"typed_name": "Bambang Sutrisno", "consent": "on"}
    )
    return token, Signature.objects.get(employee=pacts.world.employee_b)
