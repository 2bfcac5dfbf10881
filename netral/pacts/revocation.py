"""Validation data for long-term checks (PAdES B-LT): the certificates of a seal's chain and of
its timestamp's, with the CRLs their authorities publish (each certificate's CRL distribution
point).

Sealing never waits on the network for them: `netral timestamp_pacts` fetches the CRLs (over
urllib, as the time-stamping client does) and keeps them in RevocationList; a seal embeds the
kept ones while they are current. A CRL not yet fetched, or expired because its authority is
down, leaves the seal B-T and waiting; the command adds the data to it later. Certificates
without a distribution point (a self-signed demo certificate) need none: nothing is embedded.
OCSP is not asked: a CRL serves every seal until its next update, an OCSP answer one
certificate.
"""

from __future__ import annotations

import datetime
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from asn1crypto import cms, crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from netral.pacts.models import RevocationList

logger = logging.getLogger(__name__)

REVOKED = "Revoked: "  # how a problem of a revoked certificate starts
# A national CA's CRL can run to megabytes; beyond this it is refused rather than kept.
MAX_CRL_BYTES = 20 * 1024 * 1024


class RevocationFailed(Exception):
    """The distribution point did not answer in time, refused, or sent something not a CRL."""


@dataclass(frozen=True)
class Validation:
    """What a seal can embed now: the chains' certificates and their CRLs (DER). `ready` is
    False while a CRL is missing or a certificate is revoked; `needed` is False when no
    certificate names a distribution point (nothing to embed)."""

    certificates: tuple[bytes, ...] = ()
    crls: tuple[bytes, ...] = ()
    missing: tuple[str, ...] = ()  # CRL addresses not (or no longer) at hand
    revoked: tuple[str, ...] = ()  # "<name> (serial <hex>), revoked <date>"
    needed: bool = True

    @property
    def ready(self) -> bool:
        return self.needed and not self.missing and not self.revoked

    @property
    def problem(self) -> str:
        if self.revoked:
            return REVOKED + "; ".join(self.revoked)
        if self.missing:
            return "No current CRL from " + ", ".join(self.missing)
        return ""


def crl_address(certificate: asn1_x509.Certificate) -> str:
    """The first http(s) CRL distribution point of the certificate, or empty."""
    for point in certificate.crl_distribution_points:
        url = point.url
        if url and urllib.parse.urlsplit(url).scheme in {"http", "https"}:
            return str(url)
    return ""


def token_certificates(token_der: bytes) -> list[bytes]:
    """The certificates a timestamp token carries (its authority's, and maybe its chain)."""
    signed_data = cms.ContentInfo.load(token_der)["content"]
    return [
        choice.chosen.dump()
        for choice in signed_data["certificates"] or []
        if isinstance(choice.chosen, asn1_x509.Certificate)
    ]


def validation_for(chain_der: Iterable[bytes], *, now: datetime.datetime) -> Validation:
    """The validation data for these certificates from the kept CRLs: one query, no network.
    An address no row holds yet is added, empty, for the next fetch."""
    certificates: dict[bytes, asn1_x509.Certificate] = {}
    for der in chain_der:
        certificates.setdefault(der, asn1_x509.Certificate.load(der))
    wanted = {
        der: address
        for der, certificate in certificates.items()
        if not certificate.self_issued and (address := crl_address(certificate))
    }
    if not wanted:
        return Validation(certificates=tuple(certificates), needed=False)
    kept = {row.url: row for row in RevocationList.objects.filter(url__in=set(wanted.values()))}
    by_subject = {certificate.subject.dump(): der for der, certificate in certificates.items()}
    missing: set[str] = set()
    revoked = []
    for der, address in wanted.items():
        row = kept.get(address)
        if row is None:
            _wanted_add(address)
        current = row is not None and row.next_update is not None and row.next_update > now
        if row is None or row.der is None or row.fetched_at is None or not current:
            missing.add(address)
            continue
        # The CRL must be its issuer's: one a man in the middle made is not embedded.
        issuer = by_subject.get(certificates[der].issuer.dump(), b"")
        signed, serials = _crl_read(address, row.fetched_at.isoformat(), issuer)
        if not signed:
            missing.add(address)
            continue
        moment = serials.get(certificates[der].serial_number)
        if moment is not None:
            revoked.append(_described(certificates[der], moment))
    crls = (
        ()
        if missing or revoked
        else tuple(dict.fromkeys(bytes(kept[address].der or b"") for address in wanted.values()))
    )
    return Validation(
        certificates=tuple(certificates),
        crls=crls,
        missing=tuple(sorted(missing)),
        revoked=tuple(revoked),
    )


def _wanted_add(address: str) -> None:
    try:
        with transaction.atomic():
            RevocationList.objects.get_or_create(url=address[:500])
    except IntegrityError:  # another server added it at the same moment
        pass


def _described(certificate: asn1_x509.Certificate, moment: datetime.datetime) -> str:
    name = certificate.subject.native.get("common_name", "")
    return f"{name} (serial {certificate.serial_number:X}), revoked {moment:%Y-%m-%d %H:%M} UTC"


@lru_cache(maxsize=16)
def _crl_read(
    address: str, fetched_at: str, issuer_der: bytes
) -> tuple[bool, dict[int, datetime.datetime]]:
    """Whether the kept CRL is signed by the issuer (when the chain holds it; the validator
    checks it again), and the serials it revokes. Read once per process and CRL: a large one
    lists many thousands, not parsed again for every seal."""
    row = RevocationList.objects.filter(url=address).first()
    if row is None or row.der is None:
        return False, {}
    der = bytes(row.der)
    if issuer_der:
        issuer_key = x509.load_der_x509_certificate(issuer_der).public_key()
        try:
            signed = x509.load_der_x509_crl(der).is_signature_valid(issuer_key)  # type: ignore[arg-type]
        except (ValueError, TypeError):
            signed = False
        if not signed:
            logger.error("The CRL kept from %s is not signed by its issuer.", address)
            return False, {}
    entries = crl.CertificateList.load(der)["tbs_cert_list"]["revoked_certificates"]
    return True, {
        entry["user_certificate"].native: entry["revocation_date"].native for entry in entries
    }


@dataclass
class Refresh:
    fetched: int = 0
    failed: list[str] = field(default_factory=list)  # "<address>: <reason>"


def revocation_lists_refresh(*, now: datetime.datetime | None = None) -> Refresh:
    """Fetch every kept CRL that is missing, expired or older than NETRAL_REVOCATION_REFRESH
    minutes. A failure keeps the CRL held before (still usable until its next update)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(minutes=settings.NETRAL_REVOCATION_REFRESH)
    done = Refresh()
    for row in RevocationList.objects.order_by("url"):
        due = (
            row.der is None
            or row.fetched_at is None
            or row.fetched_at <= stale
            or row.next_update is None
            or row.next_update <= now
        )
        if not due:
            continue
        try:
            der, this_update, next_update = crl_fetch(
                row.url, timeout=settings.NETRAL_REVOCATION_TIMEOUT
            )
        except RevocationFailed as error:
            logger.warning("The CRL at %s could not be fetched: %s", row.url, error)
            RevocationList.objects.filter(pk=row.pk).update(tried_at=now, failure=str(error)[:300])
            done.failed.append(f"{row.url}: {error}")
            continue
        RevocationList.objects.filter(pk=row.pk).update(
            der=der,
            this_update=this_update,
            next_update=next_update,
            fetched_at=now,
            tried_at=now,
            failure="",
        )
        done.fetched += 1
    return done


def crl_fetch(
    url: str, *, timeout: float
) -> tuple[bytes, datetime.datetime, datetime.datetime | None]:
    """A CRL (DER) from its distribution point, with its this and next update."""
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise RevocationFailed("not an http(s) address")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, headers={"Accept": "application/pkix-crl"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            body = answer.read(MAX_CRL_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise RevocationFailed(f"the distribution point answered HTTP {error.code}") from error
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        raise RevocationFailed(f"no answer from the distribution point: {error}") from error
    if len(body) > MAX_CRL_BYTES:
        raise RevocationFailed("the CRL is larger than this server keeps")
    try:
        tbs = crl.CertificateList.load(body)["tbs_cert_list"]
        this_update = tbs["this_update"].native
        next_update = tbs["next_update"].native
    except (ValueError, KeyError, TypeError) as error:
        raise RevocationFailed(f"the answer is not a CRL: {error}") from error
    if not isinstance(this_update, datetime.datetime):
        raise RevocationFailed("the answer is not a CRL: no update time")
    return body, this_update, next_update
