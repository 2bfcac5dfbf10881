"""The evidence intake and the upload checks on any bytes: a file is prepared or refused with a
message, never a crash; a valid photo keeps its size in its clean copy, which carries no
metadata; a damaged photo or PDF is refused cleanly or accepted."""

import io

from hypothesis import example, given
from hypothesis import strategies as st
from PIL import Image
from pyhanko.pdf_utils import generic

from netral.base.uploads import UploadRefused, image_decoded, pdf_check
from netral.cases.evidence import EvidenceError, PreparedFile, evidence_prepare
from tests.files import bomb_png, palette_png, pdf_bytes, pdf_with_root_entry
from tests.fuzz.images import images
from tests.fuzz.memory import outcome
from tests.fuzz.mutations import damaged, png_damaged

# What the intake tells a file by: each magic, so the bytes after it reach the decoders.
MAGICS = [
    b"",
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"RIFF\x00\x00\x00\x00WEBPVP8L",
    b"%PDF-",
    b"\x00\x00\x00\x18ftyp",
    b"\x1a\x45\xdf\xa3",
]
PDF = pdf_bytes()


def prepare(data: bytes) -> PreparedFile | Exception:
    return outcome(lambda: evidence_prepare(file_name="bukti.jpg", data=data), EvidenceError)


@given(st.sampled_from(MAGICS), st.binary(max_size=2048))
@example(b"\x89PNG\r\n\x1a\n", palette_png(13_000, 13_000)[8:])
@example(b"\x89PNG\r\n\x1a\n", bomb_png(100_000, 100_000)[8:])
def test_any_bytes_are_prepared_or_refused(magic: bytes, data: bytes) -> None:
    prepare(magic + data)


@given(st.sampled_from(["PNG", "JPEG", "WEBP"]).flatmap(lambda kind: images(kind, max_side=48)))
def test_a_valid_photo_keeps_its_size_and_loses_its_metadata(data: bytes) -> None:
    original = Image.open(io.BytesIO(data))
    prepared = prepare(data)
    assert isinstance(prepared, PreparedFile)
    assert prepared.data == data
    assert prepared.clean is not None
    clean = Image.open(io.BytesIO(prepared.clean))
    assert (clean.format, clean.size) == (original.format, original.size)
    assert not clean.getexif()
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(clean.info)


@given(
    st.sampled_from(["PNG", "JPEG", "WEBP"]).flatmap(
        lambda kind: images(kind).flatmap(png_damaged if kind == "PNG" else damaged)
    )
)
def test_a_damaged_photo_is_prepared_or_refused(data: bytes) -> None:
    prepare(data)


@given(
    st.sampled_from(["PNG", "JPEG", "WEBP"]).flatmap(
        lambda kind: st.tuples(st.just(kind), images(kind).flatmap(damaged))
    ),
    st.integers(1, 100_000),
)
def test_the_image_check_decodes_or_refuses_within_its_budget(
    damaged_image: tuple[str, bytes], max_pixels: int
) -> None:
    image_format, data = damaged_image
    image = outcome(
        lambda: image_decoded(data, formats=(image_format,), max_pixels=max_pixels),
        UploadRefused,
    )
    if isinstance(image, Image.Image):
        assert image.width * image.height <= max_pixels


# A plain scan, and one with an incremental update: a second cross-reference section to damage.
PDFS = [PDF, pdf_with_root_entry("/PageMode", generic.NameObject("/UseNone"))]


@given(st.sampled_from(PDFS).flatmap(damaged))
def test_a_damaged_pdf_is_accepted_or_refused(data: bytes) -> None:
    outcome(lambda: pdf_check(data), UploadRefused)
    prepare(data)


@given(st.binary(max_size=2048))
def test_any_bytes_after_the_pdf_header_are_accepted_or_refused(data: bytes) -> None:
    outcome(lambda: pdf_check(b"%PDF-1.7\n" + data), UploadRefused)
