"""Certified electronic signatures for officials through BSrE, the electronic certification body
of BSSN, by its signing service's HTTP API.

An official signs a PDF with their NIK and passphrase: Netral asks first whether the official's
certificate is active (GET NETRAL_BSRE_STATUS_PATH), then sends the PDF (POST
NETRAL_BSRE_SIGN_PATH, multipart: NIK, passphrase, file), then checks that what came back is
the same PDF with a signature over it. The service's account comes from the environment; the
passphrase is the official's, used for one request and never stored, logged or audited (a
service answer that echoes it has it blanked out). Without NETRAL_BSRE_URL officials sign as
staff do, and their document says so.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.base.audit import audit_log

logger = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 50 * 1024 * 1024


class CertifiedSigningError(Exception):
    """Why a certified signature was not made; `message` is for the official, in their words."""

    NOT_CONFIGURED = "not_configured"
    CERTIFICATE_INACTIVE = "certificate_inactive"
    WRONG_PASSPHRASE = "wrong_passphrase"  # noqa: S105 (a reason, not a secret)
    UNAVAILABLE = "unavailable"
    REFUSED = "refused"
    NOT_SIGNED = "not_signed"

    def __init__(self, reason: str, message: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class CertificateStatus:
    active: bool
    code: str  # the service's status value
    message: str  # the service's own words


@dataclass(frozen=True)
class CertifiedDocument:
    pdf: bytes
    sha256: str
    signer: str  # the signing certificate's subject CN


# What an official's document states under the signature (always in Indonesian, as the PDF is).
CERTIFIED_NOTE = (
    "Ditandatangani secara elektronik dengan sertifikat elektronik BSrE (tersertifikasi)."
)
UNCERTIFIED_NOTE = (
    "Ditandatangani secara elektronik tanpa sertifikat elektronik (tidak tersertifikasi)."
)


def bsre_configured() -> bool:
    return bool(settings.NETRAL_BSRE_URL)


def signature_note(*, certified: bool) -> str:
    """The line under an official's signature: whether it is a certified one (PP 71/2019)."""
    return CERTIFIED_NOTE if certified else UNCERTIFIED_NOTE


def certificate_status(*, nik: str) -> CertificateStatus:
    """The official's certificate status at the service."""
    _require_configured()
    path = settings.NETRAL_BSRE_STATUS_PATH.replace("{nik}", urllib.parse.quote(nik, safe=""))
    status, _kind, body = _request("GET", path, purpose="status")
    answer = _json(body)
    code = str(answer.get(settings.NETRAL_BSRE_STATUS_FIELD, ""))
    message = str(answer.get("message") or answer.get("error") or "")[:300]
    if status != 200:
        raise CertifiedSigningError(
            CertifiedSigningError.REFUSED,
            _("The signing service refused the request (HTTP %(status)s).") % {"status": status},
            message,
        )
    return CertificateStatus(
        active=status == 200 and code == settings.NETRAL_BSRE_ACTIVE_STATUS,
        code=code,
        message=message,
    )


def sign_certified(
    *, actor: Actor, nik: str, passphrase: str, pdf: bytes, filename: str = "dokumen.pdf"
) -> CertifiedDocument:
    """The PDF signed with the official's certified signature; CertifiedSigningError says why
    not. The passphrase goes to the service in this one request and nowhere else."""
    _require_configured()
    status = certificate_status(nik=nik)
    if not status.active:
        raise CertifiedSigningError(
            CertifiedSigningError.CERTIFICATE_INACTIVE,
            _(
                "Your electronic certificate is not active at BSrE (%(message)s). Contact the "
                "agency's certificate registration officer."
            )
            % {"message": status.message or status.code or "-"},
            status.code,
        )
    fields = [
        (settings.NETRAL_BSRE_FIELD_NIK, nik),
        (settings.NETRAL_BSRE_FIELD_PASSPHRASE, passphrase),
        *_extra_fields(),
    ]
    body, boundary = _multipart(fields, (settings.NETRAL_BSRE_FIELD_FILE, filename, pdf))
    code, kind, answer = _request(
        "POST",
        settings.NETRAL_BSRE_SIGN_PATH,
        body=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        secret=passphrase,
        purpose="sign",
    )
    if code != 200:
        said = _clean(_said(answer), passphrase)
        if code in (400, 401, 403) and "passphrase" in said.lower():
            raise CertifiedSigningError(
                CertifiedSigningError.WRONG_PASSPHRASE,
                _("The passphrase is wrong. Enter the passphrase of your BSrE certificate."),
                said,
            )
        raise CertifiedSigningError(
            CertifiedSigningError.REFUSED,
            _("The signing service refused the document (HTTP %(status)s): %(message)s")
            % {"status": code, "message": said or "-"},
            said,
        )
    signed = _signed_pdf_check(pdf, answer, kind)
    audit_log(
        actor=actor,
        action="pacts.certified.signed",
        data={
            "nik": f"{nik[:6]}…{nik[-2:]}" if len(nik) > 8 else "…",
            "document_sha256": hashlib.sha256(pdf).hexdigest(),
            "signed_sha256": signed.sha256,
            "signer": signed.signer,
        },
    )
    return signed


def _require_configured() -> None:
    if not bsre_configured():
        raise CertifiedSigningError(
            CertifiedSigningError.NOT_CONFIGURED,
            _("Certified signatures through BSrE are not set up on this server."),
        )


def _extra_fields() -> list[tuple[str, str]]:
    pairs = []
    for item in settings.NETRAL_BSRE_SIGN_EXTRA.split(";"):
        name, separator, value = item.partition("=")
        if separator and name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def _multipart(fields: list[tuple[str, str]], file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = "netral" + os.urandom(12).hex()
    out = io.BytesIO()
    for name, value in fields:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    name, filename, content = file
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
    )
    out.write(content + f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), boundary


def _request(
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    content_type: str = "",
    secret: str = "",
    purpose: str,
) -> tuple[int, str, bytes]:
    url = settings.NETRAL_BSRE_URL.rstrip("/") + path
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise CertifiedSigningError(
            CertifiedSigningError.NOT_CONFIGURED,
            _("Certified signatures through BSrE are not set up on this server."),
        )
    credentials = f"{settings.NETRAL_BSRE_USERNAME}:{settings.NETRAL_BSRE_PASSWORD}"
    headers = {"Authorization": "Basic " + base64.b64encode(credentials.encode()).decode()}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, data=body, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 (the scheme is checked above)
            request, timeout=settings.NETRAL_BSRE_TIMEOUT
        ) as answer:
            return (
                answer.status,
                answer.headers.get("Content-Type", ""),
                answer.read(MAX_ANSWER_BYTES),
            )
    except urllib.error.HTTPError as error:
        try:
            said = error.read(64 * 1024)
        except OSError:
            said = b""
        return error.code, error.headers.get("Content-Type", ""), said
    except (TimeoutError, urllib.error.URLError, OSError) as error:
        # The reason only: never the request, whose body holds the passphrase.
        reason = _clean(str(error), secret)
        logger.warning("The BSrE service did not answer (%s): %s", purpose, reason)
        raise CertifiedSigningError(
            CertifiedSigningError.UNAVAILABLE,
            _("The signing service did not answer in time. Try again in a few minutes."),
            type(error).__name__,
        ) from None


def _json(body: bytes) -> dict[str, object]:
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _said(body: bytes) -> str:
    answer = _json(body)
    return str(answer.get("error") or answer.get("message") or "")[:300]


def _clean(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def _signed_pdf_check(original: bytes, answer: bytes, kind: str) -> CertifiedDocument:
    """The answer must be the original PDF with a signature appended over it (an incremental
    update) whose signature verifies; who the signer is comes from its certificate."""
    # pyHanko takes a while to import; only this check and the seal's verification need it.
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    def refused(detail: str) -> CertifiedSigningError:
        return CertifiedSigningError(
            CertifiedSigningError.NOT_SIGNED,
            _("The signing service returned a document that is not this one signed."),
            detail,
        )

    if "json" in kind:  # some gateways wrap the file: {"file": "<base64>"}
        wrapped = _json(answer).get("file") or _json(answer).get("data")
        try:
            answer = base64.b64decode(str(wrapped), validate=True) if wrapped else b""
        except ValueError:
            answer = b""
    if not answer.startswith(b"%PDF-") or not answer.startswith(original.rstrip(b"\r\n")):
        raise refused("not an incremental update of the document sent")
    if len(answer) <= len(original):
        raise refused("nothing added to the document")
    try:
        signatures = PdfFileReader(io.BytesIO(answer)).embedded_signatures
        if not signatures:
            raise refused("no signature in the document")
        embedded = signatures[-1]
        status = validate_pdf_signature(
            embedded, ValidationContext(trust_roots=[], allow_fetching=False)
        )
    except (PdfError, SignatureValidationError, ValueError, KeyError, TypeError) as error:
        raise refused(f"unreadable signature: {error}") from None
    covered = embedded.byte_range[-2] + embedded.byte_range[-1]
    if not (status.intact and status.valid) or covered < len(original.rstrip(b"\r\n")):
        raise refused("the signature does not verify over the document")
    signer = str(embedded.signer_cert.subject.native.get("common_name", ""))
    return CertifiedDocument(pdf=answer, sha256=hashlib.sha256(answer).hexdigest(), signer=signer)
