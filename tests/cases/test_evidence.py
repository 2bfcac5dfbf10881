"""Evidence at rest: encrypted, typed by content, images cleaned of their metadata."""

import io
import struct
import zlib

import pytest
from PIL import Image

from netral.base.models import AuditEntry
from netral.base.storage import read_bytes
from netral.cases import services
from netral.cases.evidence import EvidenceError, evidence_prepare, evidence_read
from netral.cases.models import Case, ViolationType
from tests.conftest import Pacts
from tests.factories import SYSTEM, evidence_put
from tests.files import pdf_bytes, png_made, stored_files

pytestmark = pytest.mark.files


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 53.0, 0.0)}  # GPSInfo
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


@pytest.fixture
def case(pacts: Pacts) -> Case:
    return services.case_create(
        actor=SYSTEM,
        agency=pacts.world.agency,
        source=Case.Source.PUBLIC,
        election=pacts.election,
        violation_type=ViolationType.objects.get(number=5),
        description="Foto dengan gestur dua jari",
    )


def test_a_photo_is_kept_encrypted_and_shown_without_its_metadata(case: Case) -> None:
    original = photo_with_gps()
    assert b"KameraRahasia" in original
    evidence = evidence_put(
        actor=SYSTEM, case=case, file_name="../../foto.jpg", data=original, origin="reporter"
    )
    assert evidence.file_name == "foto.jpg"
    assert evidence.content_type == "image/jpeg" and evidence.has_clean_copy
    stored = stored_files(f"evidence/{case.code}")
    assert len(stored) == 2
    for name in stored:
        assert b"KameraRahasia" not in read_bytes(name)
        assert b"\xff\xd8\xff" not in read_bytes(name)[:16]
    shown = evidence_read(actor=SYSTEM, evidence=evidence)
    assert b"KameraRahasia" not in shown
    with Image.open(io.BytesIO(shown)) as image:
        assert not image.getexif()
        assert image.size == (40, 30)
    assert evidence_read(actor=SYSTEM, evidence=evidence, original=True) == original
    assert AuditEntry.objects.filter(action="cases.evidence.viewed").count() == 2


def test_a_disguised_or_oversized_file_is_refused(case: Case, settings: object) -> None:
    with pytest.raises(EvidenceError):
        evidence_put(
            actor=SYSTEM, case=case, file_name="foto.jpg", data=b"MZ\x90\x00exe", origin="reporter"
        )
    with pytest.raises(EvidenceError):
        evidence_put(actor=SYSTEM, case=case, file_name="kosong.pdf", data=b"", origin="reporter")
    settings.NETRAL_EVIDENCE_MAX_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(EvidenceError):
        evidence_put(
            actor=SYSTEM,
            case=case,
            file_name="a.pdf",
            data=b"%PDF-" + b"0" * 200,
            origin="reporter",
        )
    with pytest.raises(EvidenceError):  # claims to be a JPEG, is broken
        evidence_put(
            actor=SYSTEM,
            case=case,
            file_name="a.jpg",
            data=b"\xff\xd8\xff" + b"0" * 50,
            origin="reporter",
        )
    assert not case.evidence.exists()


def test_a_pdf_is_kept_as_it_is(case: Case) -> None:
    pdf = pdf_bytes("bukti")
    evidence = evidence_put(
        actor=SYSTEM, case=case, file_name="surat.pdf", data=pdf, origin="handler"
    )
    assert not evidence.has_clean_copy
    assert evidence_read(actor=SYSTEM, evidence=evidence) == pdf


def test_a_palette_with_more_transparency_than_colours_is_refused() -> None:
    """Found by an hour of fuzzing: it decodes, then Pillow's conversion raises ValueError."""
    png = png_made(
        (b"IHDR", struct.pack(">IIBBBBB", 1, 1, 1, 3, 0, 0, 0)),
        (b"PLTE", b"\0\0\0"),
        (b"tRNS", b"\0" * 260),
        (b"IDAT", zlib.compress(b"\0\0")),
        (b"IEND", b""),
    )
    with pytest.raises(EvidenceError, match="rusak"):
        evidence_prepare(file_name="bukti.png", data=png)
