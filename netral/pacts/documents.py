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
from django.utils import formats, timezone, translation

from netral.agencies.models import Agency
from netral.base.storage import folder_owner, read_bytes, save_bytes
from netral.pacts.models import PactVersion, Signature
from netral.pacts.pdf import Letterhead, PactDocument, PactRenderer
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


def _renderer(pact_version_id: int, agency: Agency) -> PactRenderer:
    lines = tuple(line.strip() for line in agency.letterhead_lines.splitlines() if line.strip())
    return _renderer_made(pact_version_id, lines, agency.address, agency.logo_name)


@lru_cache(maxsize=16)
def _renderer_made(
    pact_version_id: int, lines: tuple[str, ...], address: str, logo_name: str
) -> PactRenderer:
    """One per pact version and letterhead: the logo's name carries its hash, so a new logo
    is a new renderer."""
    pact = PactVersion.objects.get(pk=pact_version_id)
    letterhead = None
    if lines or logo_name:
        logo = read_bytes(logo_name) if logo_name else None
        letterhead = Letterhead(lines=lines, address=address, logo_png=logo)
    return PactRenderer(
        title=pact.title,
        intro=pact.intro,
        statement=pact.statement,
        points=list(pact.points),
        closing=pact.closing,
        legal_basis=list(pact.legal_basis),
        letterhead=letterhead,
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


def _signer_details(signature: Signature) -> dict[str, str]:
    """The employee as at signing; for a pact signed before that was kept, as now."""
    if signature.signer_details:
        return signature.signer_details
    employee = signature.employee
    identifier = {"nip": employee.nip} if employee.nip else {"nik": employee.nik or ""}
    venue = signature.campaign.place if signature.channel == Signature.Channel.CEREMONY else ""
    return {
        "name": employee.name,
        **identifier,
        "rank": employee.rank,
        "position": employee.position,
        "unit": employee.unit.name,
        "venue": venue,
    }


def agency_seat(agency: Agency) -> str:
    """Where the agency sits, for a pact signed away from the venue."""
    region = agency.region.name if agency.region is not None else ""
    return agency.seat or region or agency.name


def _signature_pdf_make(*, signature: Signature, base_url: str) -> bytes:
    campaign = signature.campaign
    details = _signer_details(signature)
    local_time = timezone.localtime(signature.signed_at)
    # The place that is true: the venue only when signed there (or on paper there).
    venue = details.get("venue", "")
    place = venue or agency_seat(campaign.agency)
    electronic = signature.channel != Signature.Channel.PAPER and not venue
    with translation.override("id"):
        date = formats.date_format(local_time, "j F Y")
        time = f"{date} pukul {local_time:%H.%M.%S} {local_time:%Z}"
        channel = signature.get_channel_display()
    document = PactDocument(
        title=campaign.pact_version.title,
        intro=campaign.pact_version.intro,
        fields=[
            ("Nama", details["name"]),
            ("NIP", details["nip"]) if details.get("nip") else ("NIK", details.get("nik", "")),
            ("Pangkat/Golongan", details.get("rank") or "-"),
            ("Jabatan", details.get("position") or "-"),
            ("Unit Kerja", details.get("unit") or "-"),
        ],
        statement=campaign.pact_version.statement,
        points=list(campaign.pact_version.points),
        closing=campaign.pact_version.closing,
        legal_basis=list(campaign.pact_version.legal_basis),
        place_date=f"{place}, {date}",
        place_note="(ditandatangani secara elektronik)" if electronic else "",
        signer_name=signature.typed_name,
        signature_png=bytes(signature.drawn_signature) if signature.drawn_signature else None,
        verify_url=base_url + reverse("pacts:verify", kwargs={"code": signature.code}),
        audit=[
            ("Kampanye", f"{campaign.title} ({campaign.code})"),
            ("Kanal", channel),
            ("Tempat", venue or f"{place} (secara elektronik)"),
            ("Waktu", time),
            ("Alamat IP", signature.ip or "-"),
            ("Hash pakta", signature.pact_sha256),
            ("Hash rekaman", signature.record_sha256),
            # The PDF is made once and kept (its hash is what verification compares), so it never
            # states a log position that may come later: the verification page shows it live.
            ("Log publik", "Posisi dan bukti pencatatan: lihat tautan verifikasi di bawah."),
        ],
    )
    pdf = _renderer(campaign.pact_version_id, campaign.agency).render(document)
    sealed = agency_sealer(campaign.agency.code).seal(
        pdf, reason="Pakta Integritas Netralitas", location=place
    )
    return sealed


@folder_owner("pacts")
def _pacts_kept(names: list[str]) -> set[str]:
    """The sealed pacts a signature records: `<signature>-<sha256>.pdf` while that is its hash,
    or the name of before (`<signature>.pdf`) while it has one."""
    parsed = {name: name.rsplit("/", 1)[-1].removesuffix(".pdf").partition("-") for name in names}
    recorded = dict(
        Signature.objects.filter(code__in={code for code, _, _ in parsed.values()}).values_list(
            "code", "pdf_sha256"
        )
    )
    return {
        name
        for name, (code, _, sha256) in parsed.items()
        if recorded.get(code) and recorded[code] == (sha256 or recorded[code])
    }


@folder_owner("paper")
def _scans_kept(names: list[str]) -> set[str]:
    """The scans of recorded paper pacts (`paper/<campaign>/<signature>.<type>`)."""
    parsed = {name: name.rsplit("/", 1)[-1].partition(".") for name in names}
    types = dict(
        Signature.objects.filter(code__in={code for code, _, _ in parsed.values()}).values_list(
            "code", "scan_type"
        )
    )
    return {name for name, (code, _, kind) in parsed.items() if kind and types.get(code) == kind}
