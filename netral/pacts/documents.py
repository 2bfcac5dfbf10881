"""The sealed PDF of a signature: made from the record when first asked for, then kept."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone

from netral.agencies.models import Agency
from netral.pacts.models import PactVersion, Signature
from netral.pacts.pdf import PactDocument, PactRenderer
from netral.pacts.seal import Sealer


def certificate_path(agency: Agency) -> Path:
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


def pdf_path(signature: Signature) -> Path:
    return Path(settings.PRIVATE_ROOT) / "pacts" / signature.campaign.code / f"{signature.code}.pdf"


def signature_pdf(*, signature: Signature, base_url: str) -> bytes:
    """The sealed pact; rendered and sealed on the first request, read from disk afterwards."""
    path = pdf_path(signature)
    if path.exists():
        return path.read_bytes()
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
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(sealed)
    temporary.replace(path)
    with transaction.atomic():
        Signature.objects.filter(pk=signature.pk, pdf_sha256="").update(
            pdf_sha256=hashlib.sha256(sealed).hexdigest()
        )
    return sealed
