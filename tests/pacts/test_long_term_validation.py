"""Long-term validation (PAdES B-LT): a timestamped seal carries the certificates of its chain and
of its timestamp's, with the CRLs their local authority publishes over HTTP, and validates
offline from them alone; a CRL that cannot be had leaves the seal B-T, waiting, and `netral
timestamp_pacts` adds the data later; a revoked certificate is reported."""

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from netral.pacts import documents, revocation, timestamps
from netral.pacts.models import PactSeal, RevocationList
from tests.conftest import Pacts
from tests.pacts.test_pdf_download import check, signed
from tests.pacts.test_trusted_time import signed_b
from tests.tsa_server import LocalAuthority, LocalCA


@dataclass
class Trust:
    ca: LocalCA
    authority: LocalAuthority
    seal_certificate_der: bytes


@pytest.fixture
def trust(settings: pytest.FixtureRequest, pacts: Pacts, tmp_path: Path) -> Iterator[Trust]:
    """The agency's sealing certificate and the time-stamping authority's, both from a local CA
    whose CRL is served over HTTP; the CA is the root trusted for timestamps."""
    with LocalCA(delay=3.0) as ca, LocalAuthority(ca=ca) as authority:
        p12 = ca.seal_p12(
            agency_name=pacts.world.agency.name, password=settings.NETRAL_SEAL_PASSWORD.encode()
        )
        path = documents.certificate_path(pacts.world.agency)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(p12)
        trust_file = tmp_path / "roots.pem"
        trust_file.write_bytes(ca.certificate.public_bytes(encoding=Encoding.PEM))
        settings.NETRAL_TSA_URL = authority.url  # type: ignore[attr-defined]
        settings.NETRAL_TSA_TIMEOUT = 3  # type: ignore[attr-defined]
        settings.NETRAL_TSA_TRUST_FILE = str(trust_file)  # type: ignore[attr-defined]
        settings.NETRAL_REVOCATION_TIMEOUT = 1  # type: ignore[attr-defined]
        settings.NETRAL_SEAL_LTV = True  # type: ignore[attr-defined]
        _caches_clear()
        loaded = pkcs12.load_key_and_certificates(p12, settings.NETRAL_SEAL_PASSWORD.encode())
        assert loaded[1] is not None
        yield Trust(ca, authority, loaded[1].public_bytes(Encoding.DER))
    _caches_clear()


def _caches_clear() -> None:
    documents.agency_sealer.cache_clear()
    timestamps.configured_authority.cache_clear()
    timestamps.trusted_authority_roots.cache_clear()
    revocation._crl_read.cache_clear()


def download(client: Client, token: str) -> bytes:
    response = client.get(reverse("pacts:sign_pdf", args=[token]))
    return response.getvalue()


def offline_status(pdf: bytes, ca: LocalCA) -> object:
    """pyHanko's validator, offline, with only the CA as root and what the file embeds: every
    certificate must have its revocation status from the embedded CRLs."""
    reader = PdfFileReader(io.BytesIO(pdf))
    root = asn1_x509.Certificate.load(ca.certificate_der)
    options = {"trust_roots": [root], "allow_fetching": False, "revocation_mode": "require"}
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        signer = stamp = ValidationContext(**options, crls=[], ocsps=[])
    else:
        signer, stamp = dss.as_validation_context(options), dss.as_validation_context(options)
    (embedded,) = reader.embedded_signatures
    return validate_pdf_signature(embedded, signer, stamp)


@pytest.mark.files
def test_a_seal_carries_its_validation_data_and_validates_offline_from_it(
    client: Client, pacts: Pacts, trust: Trust
) -> None:
    # The first seal finds no CRL kept: B-T, waiting, and the address is noted for cron.
    token, signature = signed(client, pacts)
    first = download(client, token)
    seal = PactSeal.objects.get(signature=signature)
    assert seal.validation_pending and not seal.validation_embedded
    assert seal.timestamped_at is not None
    assert RevocationList.objects.get().url == trust.ca.crl_url
    assert trust.ca.requests == 0  # the request never waited on the CRL
    assert b"/DSS" not in first

    out = io.StringIO()
    call_command("timestamp_pacts", stdout=out)
    assert out.getvalue().splitlines()[1] == "1 pacts given their validation data, 0 still waiting"
    seal.refresh_from_db()
    signature.refresh_from_db()
    assert seal.validation_embedded and not seal.validation_pending
    assert seal.earlier_pdf_sha256 == hashlib.sha256(first).hexdigest()
    assert signature.pdf_sha256 == seal.pdf_sha256 != seal.earlier_pdf_sha256
    later = download(client, token)
    assert later.startswith(first)  # an incremental update: the seal's bytes are untouched

    status = offline_status(later, trust.ca)
    assert status.intact and status.valid and status.trusted  # type: ignore[attr-defined]
    stamp = status.timestamp_validity  # type: ignore[attr-defined]
    assert stamp is not None and stamp.trusted
    # Without the embedded data the same check cannot establish the revocation status.
    assert not offline_status(first, trust.ca).trusted  # type: ignore[attr-defined]

    # Both copies are the recorded document; the page says the data is embedded.
    for copy in (first, later):
        assert "PDF ini asli: semua pemeriksaan lulus." in check(client, signature, copy)
    page = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    assert "dapat diperiksa tanpa koneksi" in page

    # Now the CRL is kept: the next pact carries the data from the start.
    token_b, signature_b = signed_b(client, pacts)
    pdf_b = download(client, token_b)
    seal_b = PactSeal.objects.get(signature=signature_b)
    assert seal_b.validation_embedded and not seal_b.validation_pending
    assert b"/DSS" in pdf_b
    assert offline_status(pdf_b, trust.ca).trusted  # type: ignore[attr-defined]
    assert "PDF ini asli: semua pemeriksaan lulus." in check(client, signature_b, pdf_b)


@pytest.mark.files
@pytest.mark.parametrize("mode", ["down", "slow"])
def test_a_crl_that_cannot_be_had_leaves_the_seal_b_t_and_it_is_retried(
    client: Client, pacts: Pacts, trust: Trust, mode: str
) -> None:
    trust.ca.mode = mode  # type: ignore[assignment]
    token, signature = signed(client, pacts)
    first = download(client, token)
    out = io.StringIO()
    call_command("timestamp_pacts", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1] == "0 pacts given their validation data, 1 still waiting"
    assert lines[2].startswith(f"Problem: CRL not fetched: {trust.ca.crl_url}")
    seal = PactSeal.objects.get(signature=signature)
    assert seal.validation_pending and seal.timestamped_at is not None
    assert "No current CRL" in seal.validation_problem
    # Still a good B-T pact in the meantime.
    assert "PDF ini asli: semua pemeriksaan lulus." in check(client, signature, first)
    page = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    assert "sedang ditambahkan" in page

    trust.ca.mode = "ok"
    out = io.StringIO()
    call_command("timestamp_pacts", stdout=out)
    assert out.getvalue().splitlines()[1] == "1 pacts given their validation data, 0 still waiting"
    signature.refresh_from_db()
    assert PactSeal.objects.get(signature=signature).validation_embedded
    later = download(client, token)
    assert offline_status(later, trust.ca).trusted  # type: ignore[attr-defined]


@pytest.mark.files
def test_a_revoked_sealing_certificate_is_reported_and_not_embedded(
    client: Client, pacts: Pacts, trust: Trust
) -> None:
    token, signature = signed(client, pacts)
    download(client, token)
    trust.ca.revoke(trust.seal_certificate_der)
    out = io.StringIO()
    call_command("timestamp_pacts", stdout=out)
    serial = f"{x509.load_der_x509_certificate(trust.seal_certificate_der).serial_number:X}"
    lines = out.getvalue().splitlines()
    assert lines[1] == "0 pacts given their validation data, 1 still waiting"
    assert lines[2].startswith(f"Problem: Revoked: {pacts.world.agency.name} (serial {serial})")
    seal = PactSeal.objects.get(signature=signature)
    assert seal.validation_pending and seal.validation_problem.startswith("Revoked:")
    page = client.get(reverse("pacts:verify", args=[signature.code])).content.decode()
    assert "ada dalam daftar pencabutan penerbitnya" in page
    # A pact sealed now is not given data that says its certificate is revoked either.
    token_b, signature_b = signed_b(client, pacts)
    download(client, token_b)
    assert PactSeal.objects.get(signature=signature_b).validation_problem.startswith("Revoked:")


@pytest.mark.files
def test_switched_off_no_crl_is_asked_for(
    client: Client, pacts: Pacts, trust: Trust, settings: pytest.FixtureRequest
) -> None:
    settings.NETRAL_SEAL_LTV = False  # type: ignore[attr-defined]
    token, signature = signed(client, pacts)
    download(client, token)
    seal = PactSeal.objects.get(signature=signature)
    assert not seal.validation_pending and not seal.validation_embedded
    out = io.StringIO()
    call_command("timestamp_pacts", stdout=out)
    assert out.getvalue().splitlines() == ["0 pacts timestamped, 0 still waiting"]
    assert not RevocationList.objects.exists() and trust.ca.requests == 0

    # Switched on later: the pacts timestamped before are given their data on request.
    settings.NETRAL_SEAL_LTV = True  # type: ignore[attr-defined]
    out = io.StringIO()
    call_command("timestamp_pacts", "--earlier", stdout=out)
    assert out.getvalue().splitlines()[1:3] == [
        "1 pacts timestamped before wait for their validation data",
        "0 pacts given their validation data, 1 still waiting",  # the CRL was not known yet
    ]
    out = io.StringIO()
    call_command("timestamp_pacts", stdout=out)
    assert out.getvalue().splitlines()[1] == "1 pacts given their validation data, 0 still waiting"
    assert offline_status(download(client, token), trust.ca).trusted  # type: ignore[attr-defined]


@pytest.mark.files
def test_a_crl_not_signed_by_the_issuer_is_not_embedded(
    client: Client, pacts: Pacts, trust: Trust
) -> None:
    token, signature = signed(client, pacts)
    download(client, token)
    call_command("timestamp_pacts", stdout=io.StringIO())
    assert PactSeal.objects.get(signature=signature).validation_embedded
    # Someone between the server and the distribution point answers with their own CRL.
    with LocalCA() as impostor:  # the same name, another key
        RevocationList.objects.update(der=impostor.crl_der(), fetched_at=timezone.now())
    token_b, signature_b = signed_b(client, pacts)
    download(client, token_b)
    seal_b = PactSeal.objects.get(signature=signature_b)
    assert seal_b.validation_pending and not seal_b.validation_embedded
    assert seal_b.validation_problem.startswith("No current CRL")
