"""The sealed PDF of a signature: made from the record when first asked for, then kept."""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import formats, timezone

from netral.agencies.models import Agency
from netral.base.storage import read_bytes, save_bytes
from netral.pacts.models import PactVersion, Signature
from netral.pacts.pdf import PactDocument, PactRenderer
from netral.pacts.seal import Sealer

logger = logging.getLogger(__name__)


def certificate_path(agency: Agency) -> Path:
    """The agency's sealing key (PKCS#12) on this server's disk, not in the file storage: a
    secret the operator installs on every server, like NETRAL_LOG_KEY_FILE, never user data."""
    return _certificate_file(agency.code)


def _certificate_file(agency_code: str) -> Path:
    return Path(settings.NETRAL_SEAL_DIR) / f"{agency_code}.p12"


@lru_cache(maxsize=64)
def agency_sealer(agency_code: str) -> Sealer:
    path = _certificate_file(agency_code)
    if not path.exists():
        raise ImproperlyConfigured(f"No sealing certificate for agency {agency_code} at {path}.")
    password = settings.NETRAL_SEAL_PASSWORD.encode() or None
    return Sealer(p12=path.read_bytes(), password=password)


@lru_cache(maxsize=16)
def _renderer(pact_version_id: int) -> PactRenderer:
    pact = PactVersion.objects.get(pk=pact_version_id)
    return PactRenderer(
        title=pact.title,
        intro=pact.intro,
        statement=pact.statement,
        points=list(pact.points),
        closing=pact.closing,
        legal_basis=list(pact.legal_basis),
    )


def pdf_name(signature: Signature) -> str:
    """The name in the file storage of the sealed pact recorded for the signature."""
    return _named(signature, signature.pdf_sha256)


def _named(signature: Signature, sha256: str) -> str:
    # Named by its hash: two servers making it at once write two files, never over each other.
    return f"pacts/{signature.campaign.code}/{signature.code}-{sha256}.pdf"


def _legacy_pdf_name(signature: Signature) -> str:
    """Where sealed pacts were kept before their names carried their hash."""
    return f"pacts/{signature.campaign.code}/{signature.code}.pdf"


def signature_pdf_stored(*, signature: Signature, base_url: str) -> str:
    """The storage name of the sealed pact; rendered, sealed and stored on the first call."""
    name, _made = _signature_pdf_keep(signature=signature, base_url=base_url)
    return name


def signature_pdf(*, signature: Signature, base_url: str) -> bytes:
    """The sealed pact's bytes; rendered and sealed on the first request, read afterwards."""
    name, made = _signature_pdf_keep(signature=signature, base_url=base_url)
    return made if made is not None else read_bytes(name)


def _signature_pdf_keep(*, signature: Signature, base_url: str) -> tuple[str, bytes | None]:
    """The storage name of the recorded pact, and its bytes when this call made it.

    Two servers asked for a signature's first PDF at once both make one (no two seals are the
    same): each stores its own under its hash, then records that hash only if the row still
    holds what it read. The winner's file was stored before its hash was recorded; the loser
    removes its own and serves the winner's. A crash in between leaves a file nobody recorded,
    never a recorded hash without its file."""
    recorded = signature.pdf_sha256
    if recorded:
        for name in (pdf_name(signature), _legacy_pdf_name(signature)):
            if default_storage.exists(name):
                return name, None
        logger.warning("The sealed pact of signature %s is lost: made again.", signature.code)
    sealed = _signature_pdf_make(signature=signature, base_url=base_url)
    made = hashlib.sha256(sealed).hexdigest()
    name = _named(signature, made)
    save_bytes(name, sealed)
    if Signature.objects.filter(pk=signature.pk, pdf_sha256=recorded).update(pdf_sha256=made):
        signature.pdf_sha256 = made
        return name, sealed
    signature.refresh_from_db(fields=["pdf_sha256"])
    if signature.pdf_sha256 != made:
        default_storage.delete(name)
    return pdf_name(signature), None


def _signature_pdf_make(*, signature: Signature, base_url: str) -> bytes:
    campaign, employee = signature.campaign, signature.employee
    local_time = timezone.localtime(signature.signed_at)
    place = campaign.place or campaign.agency.name
    document = PactDocument(
        title=campaign.pact_version.title,
        intro=campaign.pact_version.intro,
        fields=[
            ("Nama", employee.name),
            ("NIP" if employee.nip else "NIK", employee.nip or employee.nik or ""),
            ("Pangkat/Golongan", employee.rank or "-"),
            ("Jabatan", employee.position or "-"),
            ("Unit Kerja", employee.unit.name),
        ],
        statement=campaign.pact_version.statement,
        points=list(campaign.pact_version.points),
        closing=campaign.pact_version.closing,
        legal_basis=list(campaign.pact_version.legal_basis),
        place_date=f"{place}, {formats.date_format(local_time, 'j F Y')}",
        signer_name=signature.typed_name,
        signature_png=bytes(signature.drawn_signature) if signature.drawn_signature else None,
        verify_url=base_url + reverse("pacts:verify", kwargs={"code": signature.code}),
        audit=[
            ("Kampanye", f"{campaign.title} ({campaign.code})"),
            ("Kanal", signature.get_channel_display()),
            ("Waktu", local_time.strftime("%Y-%m-%d %H:%M:%S %Z")),
            ("Alamat IP", signature.ip or "-"),
            ("Hash pakta", signature.pact_sha256),
            ("Hash rekaman", signature.record_sha256),
            (
                "Indeks log",
                str(signature.log_index) if signature.log_index is not None else "dalam antrean",
            ),
        ],
    )
    pdf = _renderer(campaign.pact_version_id).render(document)
    sealed = agency_sealer(campaign.agency.code).seal(
        pdf, reason="Pakta Integritas Netralitas", location=place
    )
    return sealed
