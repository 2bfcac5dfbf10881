"""What the public verification page says about a pact's seal: which of the agency's
certificates sealed it, whether that certificate was in force then, and by whose clock."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from netral.pacts import documents, revocation, timestamps
from netral.pacts.models import CeremonyCode, PactSeal, SealCertificate, Signature
from netral.pacts.seal import SealCheck, verify_seal, verify_timestamp_token


@dataclass(frozen=True)
class Check:
    label: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class SealFacts:
    """The recorded seal of a pact's document, as the page shows it without an upload."""

    certificate: SealCertificate
    valid_then: bool
    sealed_at: datetime.datetime
    trusted_time: bool  # sealed_at comes from a time-stamping authority, not the server's clock
    authority: str
    timestamp_pending: bool
    validation_embedded: bool = False  # PAdES B-LT: certificates and CRLs in the file
    validation_pending: bool = False
    revoked: bool = False  # a certificate of its chains is on its authority's revocation list


def certificate_label(certificate: SealCertificate) -> str:
    return _("%(subject)s, serial %(serial)s, valid %(start)s to %(end)s") % {
        "subject": certificate.subject,
        "serial": certificate.serial,
        "start": _date(certificate.not_before),
        "end": _date(certificate.not_after),
    }


def _date(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")


def _moment(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i:s T")


def recorded_seal(signature: Signature) -> SealFacts | None:
    seal = (
        PactSeal.objects.filter(signature=signature, pdf_sha256=signature.pdf_sha256)
        .select_related("certificate")
        .first()
    )
    if seal is None:
        return None
    moment = seal.timestamped_at or seal.sealed_at
    return SealFacts(
        certificate=seal.certificate,
        valid_then=seal.certificate.valid_at(moment),
        sealed_at=moment,
        trusted_time=seal.timestamped_at is not None,
        authority=seal.timestamp_authority,
        timestamp_pending=seal.timestamp_pending,
        validation_embedded=seal.validation_embedded,
        validation_pending=seal.validation_pending,
        revoked=seal.validation_problem.startswith(revocation.REVOKED),
    )


def pdf_checks(signature: Signature, pdf: bytes) -> list[Check]:
    """Is the seal intact, over the whole file, by one of the agency's certificates (current or
    before a renewal), in force when it sealed, and is this the recorded document?"""
    if not pdf.startswith(b"%PDF-"):
        return [Check(_("The file is a PDF"), False, _("This file is not a PDF."))]
    agency = signature.agency
    current = documents.agency_sealer(agency.code).certificate_der
    documents.seal_certificate_register(agency=agency, der=current)
    certificates = list(SealCertificate.objects.filter(agency=agency))
    authorities = timestamps.trusted_authority_roots()
    seal = verify_seal(
        pdf,
        trusted_certificates_der=[bytes(certificate.der) for certificate in certificates],
        timestamp_roots_der=authorities,
    )
    digest = hashlib.sha256(pdf).digest()
    # The copy handed out before its validation data was added later is the same seal.
    earlier = (
        PactSeal.objects.filter(signature=signature, pdf_sha256=signature.pdf_sha256)
        .exclude(earlier_pdf_sha256="")
        .values_list("earlier_pdf_sha256", flat=True)
        .first()
    )
    matches = bool(signature.pdf_sha256) and digest.hex() in {signature.pdf_sha256, earlier}
    used = next((c for c in certificates if c.sha256 == seal.signer_certificate_sha256), None)
    checks = [
        Check(_("The seal is intact"), seal.intact, seal.problem if not seal.intact else ""),
        Check(_("Nothing was added after sealing"), seal.covers_whole_file),
        Check(
            _("Sealed by %(agency)s") % {"agency": agency.name},
            seal.signed_by_trusted and used is not None,
            _("Certificate: %(certificate)s") % {"certificate": certificate_label(used)}
            if used is not None
            else (_("Sealed by: %(signer)s") % {"signer": seal.signer} if seal.signer else ""),
        ),
    ]
    if used is not None and seal.intact:
        checks.extend(_time_checks(signature, seal, used, digest, matches, authorities))
    checks.append(
        Check(
            _("It is the document recorded for this signature"),
            matches,
            "" if matches else _("Its SHA-256 differs from the recorded document hash."),
        )
    )
    return checks


def _time_checks(
    signature: Signature,
    seal: SealCheck,
    certificate: SealCertificate,
    digest: bytes,
    matches: bool,
    authorities: tuple[bytes, ...],
) -> list[Check]:
    checks = []
    moment: datetime.datetime | None = None
    source = ""
    if seal.timestamped_at is not None:
        checks.append(
            Check(
                _("The seal carries a trusted timestamp"),
                seal.timestamp_trusted,
                "" if seal.timestamp_trusted else _("Its authority is not one trusted here."),
            )
        )
        if seal.timestamp_trusted:
            moment, source = seal.timestamped_at, _("trusted timestamp")
    if moment is None and matches:
        later = PactSeal.objects.filter(signature=signature, later_token__isnull=False).first()
        if later is not None and later.later_token is not None:
            token = verify_timestamp_token(
                bytes(later.later_token), digest=digest, timestamp_roots_der=authorities
            )
            if token.trusted and token.moment is not None:
                moment, source = token.moment, _("trusted timestamp obtained after sealing")
    if moment is None and seal.claimed_at is not None:
        moment, source = seal.claimed_at, _("the server's clock, no trusted timestamp")
    if moment is not None:
        checks.append(
            Check(
                _("The certificate was in force when it sealed"),
                certificate.valid_at(moment),
                _("Sealed at %(time)s (%(source)s)") % {"time": _moment(moment), "source": source},
            )
        )
    return checks


@dataclass(frozen=True)
class ChannelFacts:
    label: str
    proves: str  # what this way of signing shows, in a sentence


def signature_channel(signature: Signature) -> ChannelFacts:
    """The way the pact was signed, finer than the stored channel (docs/legal.md)."""
    uncertified = _(
        "An uncertified electronic signature (UU ITE art. 11, PP 71/2019 art. 60): it shows "
        "that someone holding %(holder)s signed at the recorded time; it does not prove who "
        "held it."
    )
    if signature.channel == Signature.Channel.PAPER:
        return ChannelFacts(
            _("Paper, scanned"),
            _(
                "A handwritten signature on paper, scanned and recorded by an officer: the "
                "paper original is the evidence; the record shows when the scan was received."
            ),
        )
    if signature.channel == Signature.Channel.OFFICIAL:
        return ChannelFacts(
            _("Officials' track"),
            uncertified % {"holder": _("the official's personal link on the officials' track")},
        )
    if signature.channel == Signature.Channel.LINK:
        return ChannelFacts(
            _("Personal link"), uncertified % {"holder": _("the employee's personal link")}
        )
    if signature.kiosk:
        return ChannelFacts(
            _("Kiosk at the venue"),
            uncertified % {"holder": _("the employee's one-time code, on the venue's kiosk")},
        )
    printed = CeremonyCode.objects.filter(
        campaign_id=signature.campaign_id,
        employee_id=signature.employee_id,
        printed=True,
        used_at__isnull=False,
    ).exists()
    if printed:
        return ChannelFacts(
            _("Printed code"),
            uncertified % {"holder": _("the printed slip with the employee's code")},
        )
    return ChannelFacts(
        _("Ceremony code"), uncertified % {"holder": _("the one-time code sent to the employee")}
    )
