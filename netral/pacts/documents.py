"""The sealed PDF of a signature: made from the record when first asked for, then kept."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone, translation

from netral.agencies.models import Agency
from netral.base.storage import folder_owner, read_bytes, save_bytes
from netral.pacts import revocation, timestamps
from netral.pacts.models import PactSeal, PactVersion, SealCertificate, Signature
from netral.pacts.pdf import Letterhead, PactDocument, PactRenderer
from netral.pacts.seal import (
    Sealer,
    SealKeyError,
    SealTooLarge,
    seal_chain,
    seal_found,
    validation_add,
)
from netral.pacts.timestamps import TimestampFailed, Token

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
    made = hashlib.sha256(sealed.pdf).hexdigest()
    name = _named(signature, made)
    save_bytes(name, sealed.pdf)
    if Signature.objects.filter(pk=signature.pk, pdf_sha256=recorded).update(pdf_sha256=made):
        signature.pdf_sha256 = made
        _seal_record(signature, made, sealed)
        return name, sealed.pdf
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


def _signature_pdf_make(*, signature: Signature, base_url: str) -> Sealed:
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
            ("Kegiatan penandatanganan", f"{campaign.title} ({campaign.code})"),
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
    return pdf_seal(pdf, agency=campaign.agency, location=place)


@dataclass(frozen=True)
class Sealed:
    pdf: bytes
    certificate: SealCertificate
    token: Token | None  # the embedded timestamp, None without one
    timestamp_pending: bool  # the authority failed: sealed without, to be timestamped later
    validation_embedded: bool = False  # B-LT: the chains' certificates and CRLs are in the file
    validation_pending: bool = False  # B-T now; the validation data is added later
    validation_problem: str = ""


def pdf_seal(
    pdf: bytes, *, agency: Agency, location: str, reason: str = "Pakta Integritas Netralitas"
) -> Sealed:
    """Seal with the agency's certificate and, when an authority is configured, its trusted
    time (PAdES B-T) and the kept validation data (B-LT). If the authority fails the seal is
    made without it, never lost: a pact is then marked for `netral timestamp_pacts`."""
    sealer = agency_sealer(agency.code)
    certificate = seal_certificate_register(agency=agency, der=sealer.certificate_der)
    authority = timestamps.configured_authority()
    if authority is None:
        return Sealed(sealer.seal(pdf, reason=reason, location=location), certificate, None, False)
    tokens: list[Token] = []

    def stamp(digest: bytes) -> bytes:
        tokens.append(authority.stamp(digest))
        return tokens[-1].der

    try:
        sealed = sealer.seal(pdf, reason=reason, location=location, timestamp=stamp)
    except (TimestampFailed, SealTooLarge) as error:
        logger.warning("Sealed without a timestamp, to be timestamped later: %s", error)
        return Sealed(sealer.seal(pdf, reason=reason, location=location), certificate, None, True)
    token = tokens[-1]
    if not settings.NETRAL_SEAL_LTV:
        return Sealed(sealed, certificate, token, False)
    # B-LT from the kept CRLs: no network here (`netral timestamp_pacts` fetches them).
    validation = revocation.validation_for(
        [*sealer.chain_der, *revocation.token_certificates(token.der)], now=timezone.now()
    )
    if not validation.needed:
        return Sealed(sealed, certificate, token, False)
    if not validation.ready:
        logger.warning("Sealed B-T, validation data to be added later: %s", validation.problem)
        return Sealed(
            sealed,
            certificate,
            token,
            False,
            validation_pending=True,
            validation_problem=validation.problem[:300],
        )
    with_data = validation_add(
        sealed, certificates_der=validation.certificates, crls_der=validation.crls
    )
    return Sealed(with_data, certificate, token, False, validation_embedded=True)


def _certificate_fields(der: bytes, *, first_used_at: datetime.datetime) -> dict[str, Any]:
    parsed = x509.load_der_x509_certificate(der)
    return {
        "der": der,
        # The common name reads well on a phone; the whole name has no spaces to wrap at.
        "subject": _common_name(parsed)[:300],
        "serial": f"{parsed.serial_number:X}",
        "not_before": parsed.not_valid_before_utc,
        "not_after": parsed.not_valid_after_utc,
        "first_used_at": first_used_at,
    }


def seal_certificate_register(*, agency: Agency, der: bytes) -> SealCertificate:
    """The history entry of the certificate the agency seals with; a new one retires the
    others from now on."""
    fingerprint = hashlib.sha256(der).hexdigest()
    known = SealCertificate.objects.filter(agency=agency, sha256=fingerprint).first()
    if known is not None:
        return known
    now = timezone.now()
    certificate, created = SealCertificate.objects.get_or_create(
        agency=agency, sha256=fingerprint, defaults=_certificate_fields(der, first_used_at=now)
    )
    if created:
        SealCertificate.objects.filter(agency=agency, retired_at__isnull=True).exclude(
            pk=certificate.pk
        ).update(retired_at=now)
        logger.info("Agency %s seals with a new certificate %s.", agency.code, fingerprint)
    return certificate


@dataclass
class Backfill:
    read: int = 0  # sealed pacts read
    missing: int = 0  # recorded, but their file is not in the storage
    unsealed: int = 0  # their file carries no readable seal
    certificates: int = 0  # certificates added to the history
    # Agencies whose configured PKCS#12 cannot be opened (wrong password, damaged).
    unreadable: list[str] = dataclasses.field(default_factory=list)


def seal_certificates_backfill(
    *, batch: int = 200, progress: Callable[[Backfill], None] | None = None
) -> Backfill:
    """Put in the history the certificates of the pacts sealed before it existed: each
    agency's configured certificate, then the one in every recorded pact that has no seal
    record yet, read through the storage a batch at a time (by id, so memory stays bounded
    whatever the count). Each such pact gets its seal record; a second run finds none left."""
    done = Backfill()
    for agency in Agency.objects.all():
        if not _certificate_file(agency.code).exists():
            continue
        try:
            current = agency_sealer(agency.code).certificate_der
        except SealKeyError as error:
            logger.error("The sealing certificate of agency %s: %s", agency.code, error)
            done.unreadable.append(agency.code)
            continue
        seal_certificate_register(agency=agency, der=current)
    recorded = PactSeal.objects.filter(signature=OuterRef("pk"), pdf_sha256=OuterRef("pdf_sha256"))
    waiting = (
        Signature.objects.exclude(pdf_sha256="")
        .exclude(Exists(recorded))
        .select_related("campaign", "agency")
        .only("code", "pdf_sha256", "signed_at", "campaign__code", "agency")
        .order_by("pk")
    )
    last = 0
    touched: set[int] = set()
    while page := list(waiting.filter(pk__gt=last)[:batch]):
        last = page[-1].pk
        for signature in page:
            done.read += 1
            found = _stored_pact(signature)
            if found is None:
                done.missing += 1
                continue
            seal = seal_found(found)
            if seal is None:
                done.unsealed += 1
                continue
            moment = seal.claimed_at or signature.signed_at
            certificate, created = _certificate_seen(signature.agency, seal.certificate_der, moment)
            done.certificates += created
            touched.add(signature.agency_id)
            PactSeal.objects.update_or_create(
                signature=signature,
                defaults={
                    "pdf_sha256": signature.pdf_sha256,
                    "certificate": certificate,
                    "sealed_at": moment,
                    "timestamped_at": None,
                    "timestamp_authority": "",
                    "timestamp_pending": False,
                    "later_token": None,
                },
            )
        if progress is not None:
            progress(done)
    for agency_id in touched:
        _retirements_order(agency_id)
    return done


def _stored_pact(signature: Signature) -> bytes | None:
    for name in (pdf_name(signature), _legacy_pdf_name(signature)):
        if default_storage.exists(name):
            return read_bytes(name)
    return None


def _certificate_seen(
    agency: Agency, der: bytes, moment: datetime.datetime
) -> tuple[SealCertificate, bool]:
    """The history entry of a certificate found in a pact sealed at `moment`: added as in use
    from then, or moved earlier if this pact is older than its first known use."""
    fingerprint = hashlib.sha256(der).hexdigest()
    certificate, created = SealCertificate.objects.get_or_create(
        agency=agency,
        sha256=fingerprint,
        defaults={
            **_certificate_fields(der, first_used_at=moment),
            # Until the next certificate's first use: set once all are known.
            "retired_at": moment,
        },
    )
    if moment < certificate.first_used_at:
        certificate.first_used_at = moment
        certificate.save(update_fields=["first_used_at"])
    return certificate, created


def _retirements_order(agency_id: int) -> None:
    """Each certificate of the agency was in use until the next one's first use; the last
    one in use stays as it is (the current one is never retired)."""
    history = list(SealCertificate.objects.filter(agency=agency_id).order_by("first_used_at"))
    for certificate, following in itertools.pairwise(history):
        if certificate.retired_at != following.first_used_at:
            certificate.retired_at = following.first_used_at
            certificate.save(update_fields=["retired_at"])
    newest = history[-1] if history else None
    if newest is not None and newest.retired_at == newest.first_used_at:
        # Found only in old pacts and no other after it: no renewal is known.
        newest.retired_at = None
        newest.save(update_fields=["retired_at"])


def _common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def _seal_record(signature: Signature, pdf_sha256: str, sealed: Sealed) -> None:
    PactSeal.objects.update_or_create(
        signature=signature,
        defaults={
            "pdf_sha256": pdf_sha256,
            "certificate": sealed.certificate,
            "sealed_at": timezone.now(),
            "timestamped_at": sealed.token.gen_time if sealed.token else None,
            "timestamp_authority": sealed.token.authority[:200] if sealed.token else "",
            "timestamp_pending": sealed.timestamp_pending,
            "later_token": None,
            "validation_embedded": sealed.validation_embedded,
            "validation_pending": sealed.validation_pending,
            "validation_problem": sealed.validation_problem,
            "earlier_pdf_sha256": "",
        },
    )


def pacts_timestamp_pending(*, limit: int = 500) -> tuple[int, int]:
    """Timestamp the files of pacts sealed while the authority failed: a token over each
    recorded file's SHA-256, kept beside it. Returns (timestamped, still pending)."""
    authority = timestamps.configured_authority()
    pending = list(PactSeal.objects.filter(timestamp_pending=True).order_by("sealed_at")[:limit])
    if authority is None:
        return 0, len(pending)
    done = 0
    for seal in pending:
        try:
            token = authority.stamp(bytes.fromhex(seal.pdf_sha256))
        except TimestampFailed as error:
            logger.warning("The authority still fails (%s): %d pacts wait.", error, len(pending))
            break
        # Only if the recorded file is still the one timestamped.
        done += PactSeal.objects.filter(
            pk=seal.pk, pdf_sha256=seal.pdf_sha256, timestamp_pending=True
        ).update(
            later_token=token.der,
            timestamped_at=token.gen_time,
            timestamp_authority=token.authority[:200],
            timestamp_pending=False,
        )
    return done, len(pending) - done


@dataclass
class ValidationPending:
    added: int = 0  # pacts given their validation data
    waiting: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)  # why some still wait


def pacts_validation_earlier() -> int:
    """Mark for their validation data the pacts whose seal carries a timestamp but was made
    before the data was kept (one UPDATE; `pacts_validation_pending` works through them)."""
    return PactSeal.objects.filter(
        timestamped_at__isnull=False,
        later_token__isnull=True,
        validation_embedded=False,
        validation_pending=False,
    ).update(validation_pending=True)


def pacts_validation_pending(*, limit: int = 500) -> ValidationPending:
    """Fetch the CRLs due, then add the validation data (PAdES B-LT) to the pacts sealed while
    it could not be had: an incremental update of the stored file, kept under its new hash. The
    copy handed out before is the same seal; its hash is kept as the earlier one and verifies."""
    done = ValidationPending()
    fetched = revocation.revocation_lists_refresh()
    done.problems.extend(f"CRL not fetched: {failure}" for failure in fetched.failed)
    pending = list(
        PactSeal.objects.filter(validation_pending=True)
        .select_related("signature__campaign")
        .order_by("sealed_at")[:limit]
    )
    problems: dict[str, None] = {}
    now = timezone.now()
    for seal in pending:
        signature = seal.signature
        name = pdf_name(signature)
        if signature.pdf_sha256 != seal.pdf_sha256 or not default_storage.exists(name):
            done.waiting += 1
            continue
        pdf = read_bytes(name)
        validation = revocation.validation_for(seal_chain(pdf), now=now)
        if not validation.needed:
            PactSeal.objects.filter(pk=seal.pk).update(validation_pending=False)
            continue
        if not validation.ready:
            PactSeal.objects.filter(pk=seal.pk).update(validation_problem=validation.problem[:300])
            problems[validation.problem] = None
            done.waiting += 1
            continue
        with_data = validation_add(
            pdf, certificates_der=validation.certificates, crls_der=validation.crls
        )
        made = hashlib.sha256(with_data).hexdigest()
        save_bytes(_named(signature, made), with_data)
        with transaction.atomic():
            # Only if the recorded file is still the one read.
            moved = Signature.objects.filter(pk=signature.pk, pdf_sha256=seal.pdf_sha256).update(
                pdf_sha256=made
            )
            if moved:
                PactSeal.objects.filter(pk=seal.pk).update(
                    pdf_sha256=made,
                    earlier_pdf_sha256=seal.pdf_sha256,
                    validation_embedded=True,
                    validation_pending=False,
                    validation_problem="",
                )
        if moved:
            done.added += 1
        else:
            default_storage.delete(_named(signature, made))
            done.waiting += 1
    for problem in problems:
        logger.error("Pacts wait for their validation data: %s", problem)
    done.problems.extend(problems)
    return done


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
