"""The drawn signature's decoder on any bytes: accepted drawings are ones the pact's PDF can
show, anything else is a ValueError (the form's "draw it again"), never another exception."""

import base64

from hypothesis import example, given
from hypothesis import strategies as st

from netral.pacts.forms import PNG_MAGIC, SignForm
from netral.pacts.pdf import MAX_SIGNATURE_PIXELS, _png_image, drawn_signature_check
from tests.files import palette_png
from tests.fuzz.images import images
from tests.fuzz.memory import outcome
from tests.fuzz.mutations import png_chunks, png_damaged, png_from_chunks


def check(png: bytes) -> None:
    if outcome(lambda: drawn_signature_check(png), ValueError) is None:
        # Accepted at the door means the pact can be made with it.
        image = _png_image(png)
        assert 0 < image.width * image.height <= MAX_SIGNATURE_PIXELS


@given(st.binary(max_size=1024))
@example(PNG_MAGIC)
@example(PNG_MAGIC + b"\x00\x00\x00\x0dIHDR")
def test_any_bytes_after_the_png_signature_are_a_drawing_or_a_refusal(data: bytes) -> None:
    check(PNG_MAGIC + data)


@given(images("PNG", max_side=64))
def test_a_valid_png_is_accepted_and_keeps_its_size(png: bytes) -> None:
    drawn_signature_check(png)
    width, height = (int.from_bytes(png_chunks(png)[0][1][i : i + 4]) for i in (0, 4))
    image = _png_image(png)
    assert (image.width, image.height) == (width, height)


@given(images("PNG").flatmap(png_damaged))
@example(palette_png(13_000, 13_000))
def test_a_damaged_png_with_right_checksums_is_a_drawing_or_a_refusal(png: bytes) -> None:
    check(png)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([b"IHDR", b"IDAT", b"PLTE", b"tRNS", b"IEND", b"acTL", b"zTXt"]),
            st.binary(max_size=64),
        ),
        max_size=6,
    )
)
def test_any_chunks_with_right_checksums_are_a_drawing_or_a_refusal(
    chunks: list[tuple[bytes, bytes]],
) -> None:
    check(png_from_chunks(chunks))


DATA_URLS = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=300).map(lambda data: base64.b64encode(data).decode()),
    images("PNG").map(lambda png: base64.b64encode(png).decode()),
    images("PNG").flatmap(png_damaged).map(lambda png: base64.b64encode(png).decode()),
).map(lambda body: "data:image/png;base64," + body)


@given(st.one_of(DATA_URLS, st.text(max_size=100)))
def test_the_signing_form_takes_any_drawing_or_says_it_cannot_be_read(data_url: str) -> None:
    form = SignForm(
        data={"typed_name": "Siti Aminah", "consent": "on", "drawn_signature": data_url},
        registered_name="Siti Aminah, S.Pd.",
    )
    if not outcome(form.is_valid):
        assert list(form.errors) == ["drawn_signature"]
