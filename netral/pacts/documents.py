"""The sealed PDF of a signature: made from the record when first asked for, then kept."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone

from netral.agencies.models import Agency
from netral.base.storage import read_bytes, save_bytes
from netral.pacts.models import PactVersion, Signature
from netral.pacts.pdf import PactDocument, PactRenderer
from netral.pacts.seal import Sealer


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
    """The sealed pact's name in the file storage."""
    return f"pacts/{signature.campaign.code}/{signature.code}.pdf"


def signature_pdf_stored(*, signature: Signature, base_url: str) -> str:
    """The storage name of the sealed pact; rendered, sealed and stored on the first call."""
    name = pdf_name(signature)
    if not default_storage.exists(name):
        _signature_pdf_make(signature=signature, base_url=base_url)
    return name


def signature_pdf(*, signature: Signature, base_url: str) -> bytes:
    """The sealed pact's bytes; rendered and sealed on the first request, read afterwards."""
    name = pdf_name(signature)
    if default_storage.exists(name):
        return read_bytes(name)
    return _signature_pdf_make(signature=signature, base_url=base_url)


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
    save_bytes(pdf_name(signature), sealed)
    with transaction.atomic():
        Signature.objects.filter(pk=signature.pk, pdf_sha256="").update(
            pdf_sha256=hashlib.sha256(sealed).hexdigest()
        )
    return sealed
