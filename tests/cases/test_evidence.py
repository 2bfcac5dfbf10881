"""Evidence at rest: encrypted, typed by content, images cleaned of their metadata."""

import io
import pathlib
import shutil
import struct
import subprocess
import zlib

import pikepdf
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from netral.base.models import AuditEntry
from netral.base.storage import read_bytes
from netral.cases import handling, services
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


def test_a_pdf_keeps_its_pages_in_the_clean_copy(case: Case) -> None:
    pdf = pdf_bytes("bukti")
    evidence = evidence_put(
        actor=SYSTEM, case=case, file_name="surat.pdf", data=pdf, origin="handler"
    )
    assert evidence.has_clean_copy
    shown = evidence_read(actor=SYSTEM, evidence=evidence)
    with pikepdf.open(io.BytesIO(shown)) as clean:
        assert b"bukti" in clean.pages[0].Contents.read_bytes()


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


def pdf_with_author() -> bytes:
    """A PDF that names its author and device in its document information, in XMP in the
    catalogue and on a page, as office software and phone scanners write them."""
    source = pikepdf.open(io.BytesIO(pdf_bytes("bukti")))
    source.docinfo["/Author"] = "Pelapor Rahasia"
    source.docinfo["/Producer"] = "KameraRahasia Scanner"
    with source.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:creator"] = ["Pelapor Rahasia"]
        xmp["xmp:CreatorTool"] = "KameraRahasia Scanner"
    source.pages[0].obj["/Metadata"] = source.Root["/Metadata"]
    output = io.BytesIO()
    source.save(output)
    return output.getvalue()


def test_a_pdf_is_shown_without_its_author_and_xmp(case: Case) -> None:
    original = pdf_with_author()
    assert b"Pelapor Rahasia" in original and b"KameraRahasia" in original
    evidence = evidence_put(
        actor=SYSTEM, case=case, file_name="surat.pdf", data=original, origin="reporter"
    )
    assert evidence.has_clean_copy and not evidence.is_sealed
    shown = evidence_read(actor=SYSTEM, evidence=evidence)
    assert b"Pelapor Rahasia" not in shown and b"KameraRahasia" not in shown
    with pikepdf.open(io.BytesIO(shown)) as pdf:
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        assert "/Metadata" not in pdf.pages[0].obj
        assert len(pdf.pages) == 1
    assert evidence_read(actor=SYSTEM, evidence=evidence, original=True) == original


def phone_video(folder: pathlib.Path) -> bytes:
    """A real MP4 of one second carrying a phone's GPS position and device, written as an
    iPhone writes them (QuickTime `mdta` keys) and as a data track would not survive either."""
    target = folder / "video.mp4"
    subprocess.run(
        [
            *(FFMPEG or "ffmpeg", "-nostdin", "-loglevel", "error", "-y"),
            *("-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=10"),
            *("-c:v", "mpeg4", "-movflags", "use_metadata_tags"),
            *("-metadata", "com.apple.quicktime.location.ISO6709=-06.8833+109.1234+012.000/"),
            *("-metadata", "com.apple.quicktime.make=KameraRahasia"),
            *("-metadata", "location=-06.8833+109.1234/", "-metadata", "artist=KameraRahasia"),
            *("-metadata:s:v", "handler_name=KameraRahasia Core Media Video"),
            str(target),
        ],
        check=True,
        timeout=60,
    )
    return target.read_bytes()


FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed (CI has it)")


@needs_ffmpeg
def test_a_phone_video_is_shown_without_its_position_and_device(
    case: Case, tmp_path: pathlib.Path
) -> None:
    original = phone_video(tmp_path)
    assert b"KameraRahasia" in original and b"-06.8833+109.1234" in original
    evidence = evidence_put(
        actor=SYSTEM, case=case, file_name="rekaman.mp4", data=original, origin="reporter"
    )
    assert evidence.content_type == "video/mp4" and not evidence.is_sealed
    shown = evidence_read(actor=SYSTEM, evidence=evidence)
    assert b"KameraRahasia" not in shown and b"109.1234" not in shown
    assert b"Lavf" not in shown  # not even the muxer's own name
    probe = subprocess.run(
        [FFMPEG or "ffmpeg", "-nostdin", "-hide_banner", "-i", "-", "-f", "null", "-"],
        input=shown,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert b"Video: mpeg4" in probe.stderr  # still the same video, copied, not re-encoded
    assert evidence_read(actor=SYSTEM, evidence=evidence, original=True) == original


@needs_ffmpeg
def test_a_video_is_sealed_when_ffmpeg_is_missing(
    case: Case, tmp_path: pathlib.Path, settings: object, pacts: Pacts
) -> None:
    original = phone_video(tmp_path)
    settings.NETRAL_FFMPEG = "/nonexistent/ffmpeg"  # type: ignore[attr-defined]
    evidence = evidence_put(
        actor=SYSTEM, case=case, file_name="rekaman.mp4", data=original, origin="reporter"
    )
    assert evidence.is_sealed
    assert evidence_read(actor=SYSTEM, evidence=evidence) == original


def test_a_video_ffmpeg_cannot_read_is_sealed(case: Case) -> None:
    not_really = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500
    evidence = evidence_put(
        actor=SYSTEM, case=case, file_name="rekaman.mp4", data=not_really, origin="reporter"
    )
    assert evidence.content_type == "video/mp4" and evidence.is_sealed


def test_a_sealed_file_opens_only_as_the_original_after_a_warning(case: Case, pacts: Pacts) -> None:
    not_really = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500
    sealed = evidence_put(
        actor=SYSTEM, case=case, file_name="rekaman.mp4", data=not_really, origin="reporter"
    )
    handling.case_assign(actor=SYSTEM, case=case, user=pacts.world.supervisor)
    client = Client()
    client.force_login(pacts.world.supervisor)
    page = client.get(reverse("cases:case", args=[case.code])).content.decode()
    assert 'data-testid="sealed"' in page
    url = reverse("cases:evidence", args=[case.code, sealed.code])
    assert client.get(url).status_code == 302
    assert not AuditEntry.objects.filter(action="cases.evidence.viewed").exists()
    opened = client.get(url, {"asli": "1"})
    assert opened.status_code == 200 and opened.content == not_really
    assert opened["Content-Disposition"].startswith("attachment")
    viewed = AuditEntry.objects.get(action="cases.evidence.viewed")
    assert viewed.data["original"] is True
