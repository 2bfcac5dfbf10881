"""The collective ikrar document: made when the admin closes the ceremony; its annex matches the
signatures, and the tree head in it verifies against the log."""

import re
import zlib
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netral.agencies.models import Employee
from netral.base import merkle
from netral.base.models import AuditEntry, Job
from netral.pacts import documents, officials, services, transparency
from netral.pacts.certificates import demo_certificate_p12
from netral.pacts.models import Campaign, LogNode, Signature
from netral.pacts.seal import verify_seal
from tests.conftest import Pacts
from tests.factories import SYSTEM, employee_make
from tests.tsa_server import LocalAuthority

pytestmark = pytest.mark.files

_STREAM = re.compile(rb"stream\n(.*?)\nendstream", re.DOTALL)
_SHOWN = re.compile(rb"\(((?:\\.|[^\\)])*)\) Tj")


def pdf_strings(pdf: bytes) -> list[str]:
    """Every string the content streams show, in order (the renderer's pages)."""
    shown = []
    for stream in _STREAM.findall(pdf):
        try:
            operators = zlib.decompress(stream)
        except zlib.error:
            continue
        for literal in _SHOWN.findall(operators):
            text = re.sub(rb"\\(.)", rb"\1", literal)
            shown.append(text.decode("cp1252"))
    return shown


def ceremony(pacts: Pacts, extra_signers: int = 0) -> None:
    regent = officials.signatory_add(
        actor=SYSTEM,
        campaign=pacts.campaign,
        role="official",
        name="H. Fadia Arafiq",
        office="Bupati",
    )
    witness = officials.signatory_add(
        actor=SYSTEM,
        campaign=pacts.campaign,
        role="witness",
        name="Hj. Ai Rohmah",
        office="Ketua",
        institution="Bawaslu Kabupaten Pekalongan",
    )
    officials.signatory_sign(actor=SYSTEM, signatory=regent, typed_name="Fadia Arafiq")
    officials.witness_record(actor=SYSTEM, signatory=witness)
    pacts.campaign.refresh_from_db()
    services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=pacts.world.employee_a,
        channel=Signature.Channel.LINK,
        typed_name="Siti Aminah",
    )
    services.signature_create(
        actor=SYSTEM,
        campaign=pacts.campaign,
        employee=pacts.world.employee_b,
        channel=Signature.Channel.CEREMONY,
        typed_name="Bambang Sutrisno",
    )
    for number in range(extra_signers):
        employee = employee_make(pacts.world.unit_b, f"Pegawai Nomor {number}")
        services.signature_create(
            actor=SYSTEM,
            campaign=pacts.campaign,
            employee=employee,
            channel=Signature.Channel.LINK,
            typed_name=employee.name,
        )
    # Part of the log is sequenced before closing, the rest by the job.
    transparency.log_sequence(campaign=pacts.campaign)
    if extra_signers:
        last = employee_make(pacts.world.unit_a, "Pegawai Terakhir")
        services.signature_create(
            actor=SYSTEM,
            campaign=pacts.campaign,
            employee=last,
            channel=Signature.Channel.LINK,
            typed_name=last.name,
        )


def close_and_download(client: Client, pacts: Pacts, capture: Any) -> bytes:
    client.force_login(pacts.world.admin)
    url = reverse("pacts:ceremony_close", args=[pacts.campaign.code])
    page = client.get(url).content.decode()
    assert "Tutup kegiatan dan buat dokumen" in page
    with capture(execute=True):
        response = client.post(url)
    job = Job.objects.get(kind="pacts.collective")
    assert response["Location"] == reverse("accounts:job", args=[job.code])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    pacts.campaign.refresh_from_db()
    assert pacts.campaign.status == Campaign.Status.CLOSED
    download = client.get(reverse("pacts:collective_download", args=[pacts.campaign.code]))
    return b"".join(download.streaming_content)


def test_the_collective_document_annex_matches_the_signatures_and_the_log(
    client: Client, pacts: Pacts, certificate: Path, django_capture_on_commit_callbacks: Any
) -> None:
    ceremony(pacts, extra_signers=120)
    pdf = close_and_download(client, pacts, django_capture_on_commit_callbacks)

    # Sealed with the agency's certificate, over the whole file.
    sealer = documents.agency_sealer(pacts.world.agency.code)
    check = verify_seal(pdf, trusted_certificate_der=sealer.certificate_der)
    assert check.problem == ""
    assert pacts.campaign.collective_sha256 in pacts.campaign.collective_name

    shown = pdf_strings(pdf)
    text = "\n".join(shown)
    assert "IKRAR BERSAMA" in text
    assert "H. Fadia Arafiq" in text and "Bawaslu Kabupaten Pekalongan" in text
    assert "Dicatat telah menyaksikan oleh admin" in text
    assert "Tautan pribadi: 122" in text and "Kode QR ikrar: 1" in text
    assert "Menolak politik uang" in text  # the pact text itself

    # The annex: one row per signature, in log order, with the log's leaf hash.
    signatures = list(Signature.objects.filter(campaign=pacts.campaign).order_by("log_index"))
    assert len(signatures) == 123 and all(s.log_index is not None for s in signatures)
    annex_at = shown.index("LAMPIRAN: DAFTAR SELURUH PENANDA TANGAN MENURUT URUTAN LOG")
    annex_hashes = [value for value in shown[annex_at:] if re.fullmatch(r"[0-9a-f]{64}", value)]
    stored = [
        bytes(leaf).hex()
        for leaf in LogNode.objects.filter(campaign=pacts.campaign, level=0)
        .order_by("position")
        .values_list("hash", flat=True)
    ]
    assert annex_hashes == stored
    for signature, leaf in zip(signatures, annex_hashes, strict=True):
        record = transparency.canonical_record(
            signature, campaign_code=pacts.campaign.code, employee_code=signature.employee.code
        )
        assert merkle.leaf_hash(record).hex() == leaf
    # Names and masked NIPs, never the whole NIP.
    employee_a: Employee = pacts.world.employee_a
    assert employee_a.nip is not None
    assert employee_a.nip not in text and employee_a.nip[:4] + "****" in text
    assert "Siti Aminah, S.Pd." in text

    # The tree head printed in the document covers exactly the annex and is the log's signature.
    head = pacts.campaign.collective_tree_head
    assert head is not None and head.size == 123
    root_line = next(value for value in shown if value.startswith("Akar"))
    root = root_line.split()[-1]
    assert root == merkle.root([bytes.fromhex(h) for h in annex_hashes]).hex() == head.root
    message = next(value for value in shown if value.startswith("Pesan")).split(maxsplit=1)[1]
    # The Ed25519 signature: 128 hex digits on two lines.
    signature_at = next(
        index
        for index, value in enumerate(shown)
        if re.fullmatch(r"Tanda tangan +[0-9a-f]{64}", value)
    )
    signature_hex = shown[signature_at].split()[-1] + shown[signature_at + 1].strip()
    public_key = load_pem_public_key(transparency.log_public_key_pem().encode())
    public_key.verify(bytes.fromhex(signature_hex), message.encode())  # type: ignore[union-attr]
    assert message == f"netral-sth/v1 {pacts.campaign.code} 123 {root} " + str(
        int(head.signed_at.timestamp() * 1000)
    )


def test_the_collective_document_carries_the_authority_s_trusted_time(
    client: Client,
    pacts: Pacts,
    certificate: Path,
    authority: LocalAuthority,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Sealed as the pacts are: PAdES B-T when a time-stamping authority is configured."""
    ceremony(pacts)
    pdf = close_and_download(client, pacts, django_capture_on_commit_callbacks)
    sealer = documents.agency_sealer(pacts.world.agency.code)
    check = verify_seal(
        pdf,
        trusted_certificate_der=sealer.certificate_der,
        timestamp_roots_der=[authority.certificate_der],
    )
    assert check.problem == "" and check.timestamp_trusted
    assert check.timestamped_at is not None


def test_the_collective_document_names_officials_who_did_not_sign(
    client: Client, pacts: Pacts, certificate: Path, django_capture_on_commit_callbacks: Any
) -> None:
    officials.signatory_add(
        actor=SYSTEM, campaign=pacts.campaign, role="official", name="Absent Official", office="X"
    )
    pdf = close_and_download(client, pacts, django_capture_on_commit_callbacks)
    text = "\n".join(pdf_strings(pdf))
    assert "Absent Official" in text and "Belum menandatangani" in text
    # An empty log still has a signed head at closing.
    assert pacts.campaign.collective_tree_head is not None
    assert pacts.campaign.collective_tree_head.size == 0


def test_another_agencys_admin_can_neither_close_nor_download(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(pacts.world.other_admin)
    url = reverse("pacts:ceremony_close", args=[pacts.campaign.code])
    assert client.post(url).status_code == 404
    pacts.campaign.refresh_from_db()
    assert pacts.campaign.status == Campaign.Status.OPEN
    download = reverse("pacts:collective_download", args=[pacts.campaign.code])
    assert client.get(download).status_code == 404
    # Not public: nobody gets it without signing in either.
    client.logout()
    public = reverse("pacts:collective_public", args=[pacts.campaign.code])
    assert client.get(public).status_code == 404
    assert timezone.now()


def test_without_a_certificate_the_job_says_so_and_the_admin_makes_it_again(
    client: Client,
    pacts: Pacts,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.NETRAL_SEAL_DIR = str(tmp_path / "no-certificates")
    documents.agency_sealer.cache_clear()
    client.force_login(pacts.world.admin)
    url = reverse("pacts:ceremony_close", args=[pacts.campaign.code])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    job = Job.objects.get(kind="pacts.collective")
    assert job.status == Job.Status.FAILED
    assert "sertifikat" in job.message
    detail = client.get(reverse("pacts:campaign_detail", args=[pacts.campaign.code]))
    assert 'data-testid="collective-again"' in detail.content.decode()

    path = documents.certificate_path(pacts.world.agency)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        demo_certificate_p12(
            agency_name=pacts.world.agency.name, password=settings.NETRAL_SEAL_PASSWORD.encode()
        )
    )
    documents.agency_sealer.cache_clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    pacts.campaign.refresh_from_db()
    assert pacts.campaign.collective_name
    # Once made, a further POST makes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert Job.objects.filter(kind="pacts.collective").count() == 2


def test_closing_publishes_the_document_only_when_asked(
    client: Client, pacts: Pacts, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(pacts.world.admin)
    url = reverse("pacts:ceremony_close", args=[pacts.campaign.code])
    assert "close-publish" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"publish": "1"})
    pacts.campaign.refresh_from_db()
    assert pacts.campaign.collective_published
    assert AuditEntry.objects.filter(action="pacts.collective.published").count() == 1
