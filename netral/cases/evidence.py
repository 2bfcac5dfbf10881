"""Evidence files: type told by content, hashed at intake, encrypted at rest under a key of
their own, and a copy without metadata, which is what people view: images re-encoded (EXIF,
GPS), PDFs without document information and XMP, videos re-muxed by ffmpeg. The original stays
sealed for the record; a file without a clean copy (a video when ffmpeg is missing) is sealed
whole, and handlers are warned before they open it. Every read writes an audit entry."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from netral.accounts.actors import Actor
from netral.base.audit import audit_log
from netral.base.storage import folder_owner, read_bytes, save_bytes
from netral.base.uploads import (
    VIDEO_FORMATS,
    UploadRefused,
    image_converted,
    image_decoded,
    pdf_check,
    pdf_without_metadata,
    video_without_metadata,
)
from netral.cases import crypto
from netral.cases.models import Case, Evidence

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class EvidenceError(Exception):
    """The file is refused; the message is for the user."""


def content_type_of(data: bytes) -> str | None:
    """The type the bytes really are (never the name or the browser's claim)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


def _name(evidence: Evidence, *, clean: bool) -> str:
    """The encrypted file in the file storage: one folder per case."""
    suffix = ".clean.bin" if clean else ".bin"
    return f"evidence/{evidence.case.code}/{evidence.code}{suffix}"


def evidence_files_delete(evidence: Evidence) -> None:
    """Remove the stored files of evidence whose row was not kept (a refused report)."""
    for clean in (False, True):
        default_storage.delete(_name(evidence, clean=clean))


def _context(evidence: Evidence, *, clean: bool) -> str:
    return f"evidence/{evidence.case.code}/{evidence.code}/{'clean' if clean else 'original'}"


def _without_metadata(data: bytes, content_type: str) -> bytes:
    """Decode and encode the pixels again: nothing of the original file's metadata survives."""
    image_format = IMAGE_TYPES[content_type]
    image = image_decoded(data, formats=(image_format,))
    pixels = image_converted(image, "RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
    del image
    if image_format == "JPEG" and pixels.mode == "RGBA":
        pixels = image_converted(pixels, "RGB")
    # Only the pixels are written: the converted image carries no info, EXIF, XMP, ICC or text
    # chunks into the encoder, which takes them from what it is given.
    pixels.info = {}
    output = io.BytesIO()
    pixels.save(output, format=image_format)
    return output.getvalue()


@dataclass(frozen=True)
class PreparedFile:
    """An upload checked and its clean copy made (None when it could not be: the file is kept
    sealed): the slow part of taking evidence, done before any transaction opens so no write
    lock is held across it."""

    file_name: str
    data: bytes
    content_type: str
    sha256: str
    clean: bytes | None


def evidence_prepare(*, file_name: str, data: bytes) -> PreparedFile:
    """Check an upload (EvidenceError): its size, its real type, an image's pixel budget and
    decoding, a PDF's structure and active content; and make its copy without metadata."""
    if len(data) > settings.NETRAL_EVIDENCE_MAX_BYTES:
        limit = settings.NETRAL_EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise EvidenceError(_("The file is larger than %(limit)s MB.") % {"limit": limit})
    if not data:
        raise EvidenceError(_("The file is empty."))
    content_type = content_type_of(data)
    if content_type is None:
        raise EvidenceError(_("Only photos (JPEG, PNG, WebP), PDF and short videos are accepted."))
    clean = None
    try:
        if content_type in IMAGE_TYPES:
            clean = _without_metadata(data, content_type)
        elif content_type == "application/pdf":
            pdf_check(data)
            clean = pdf_without_metadata(data)
        elif content_type in VIDEO_FORMATS:
            clean = video_without_metadata(data, content_type=content_type)
    except UploadRefused as refusal:
        raise EvidenceError(str(refusal)) from refusal
    return PreparedFile(
        file_name=Path(file_name).name[:255] or "berkas",
        data=data,
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        clean=clean,
    )


def evidence_add(*, actor: Actor, case: Case, file: PreparedFile, origin: str) -> Evidence:
    """Encrypt and keep one prepared file of a case."""
    key, wrapped = crypto.new_data_key()
    evidence = Evidence(
        case=case,
        origin=origin,
        file_name=file.file_name,
        content_type=file.content_type,
        size=len(file.data),
        sha256=file.sha256,
        wrapped_key=wrapped,
        uploaded_by=actor.user,
    )
    clean = file.clean
    evidence.has_clean_copy = clean is not None
    save_bytes(
        _name(evidence, clean=False),
        crypto.encrypt(key, file.data, context=_context(evidence, clean=False)),
    )
    if clean is not None:
        save_bytes(
            _name(evidence, clean=True),
            crypto.encrypt(key, clean, context=_context(evidence, clean=True)),
        )
    evidence.save()
    audit_log(
        actor=actor,
        action="cases.evidence.added",
        target=evidence,
        agency=case.agency,
        data={"case": case.code, "sha256": evidence.sha256, "type": file.content_type},
    )
    return evidence


def evidence_read(*, actor: Actor, evidence: Evidence, original: bool = False) -> bytes:
    """The file in clear: its clean copy unless the original is asked for (or there is none).
    Call only after the viewer passed `can_read_evidence`; the read is logged."""
    clean = evidence.has_clean_copy and not original
    key = crypto.unwrap(evidence.wrapped_key)
    data = crypto.decrypt(
        key, read_bytes(_name(evidence, clean=clean)), context=_context(evidence, clean=clean)
    )
    audit_log(
        actor=actor,
        action="cases.evidence.viewed",
        target=evidence,
        agency=evidence.case.agency,
        data={"case": evidence.case.code, "original": not clean},
    )
    return data


def _evidence_code(name: str) -> str:
    return name.rsplit("/", 1)[-1].split(".", 1)[0]


@folder_owner("evidence")
def _evidence_kept(names: list[str]) -> set[str]:
    """The evidence files whose row exists (`evidence/<case>/<evidence>[.clean].bin`)."""
    codes = {_evidence_code(name) for name in names}
    known = set(Evidence.objects.filter(code__in=codes).values_list("code", flat=True))
    return {name for name in names if _evidence_code(name) in known}
