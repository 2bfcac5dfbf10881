"""Small valid images of every kind a phone or a browser makes, for the fuzz tests to damage."""

import io

from hypothesis import strategies as st
from PIL import Image

# Modes and the bytes per pixel Image.frombytes takes for them.
MODES = {"1": None, "L": 1, "LA": 2, "P": 1, "RGB": 3, "RGBA": 4, "I;16": 2}
SAVES = {
    "PNG": ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"],
    "JPEG": ["L", "RGB"],
    "WEBP": ["RGB", "RGBA"],
}


@st.composite
def images(draw: st.DrawFn, image_format: str, max_side: int = 24) -> bytes:
    mode = draw(st.sampled_from(SAVES[image_format]))
    width, height = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    size = (width + 7) // 8 * height if mode == "1" else width * height * (MODES[mode] or 1)
    pixels = draw(st.binary(min_size=size, max_size=size))
    image = Image.frombytes(mode, (width, height), pixels)
    output = io.BytesIO()
    options: dict[str, object] = {}
    if image_format == "JPEG":
        options["quality"] = draw(st.integers(10, 95))
        options["progressive"] = draw(st.booleans())
    elif image_format == "WEBP":
        options["lossless"] = draw(st.booleans())
    elif mode in {"L", "P"} and draw(st.booleans()):
        options["transparency"] = 0  # a tRNS chunk
    image.save(output, format=image_format, **options)
    return output.getvalue()
