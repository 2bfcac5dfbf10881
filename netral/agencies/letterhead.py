"""The agency's logo for its letterhead: checked against a byte and pixel budget before it is
decoded, then kept re-encoded as a small PNG (no metadata, nothing of the upload's own bytes)."""

from __future__ import annotations

import hashlib
import io

from django.utils.translation import gettext as _

from netral.agencies.models import Agency
from netral.base.storage import folder_owner
from netral.base.uploads import UploadRefused, image_converted, image_decoded

LOGO_MAX_BYTES = 1_048_576
LOGO_MAX_PIXELS = 4_000_000  # judged from the header, before anything is decoded
LOGO_SIDE = 400  # the kept logo's largest side: sharp at the 62-point size it is printed


class LogoError(Exception):
    """The uploaded logo is refused; the message is for the user."""


def logo_size_check(size: int) -> None:
    """Refuse an upload by its size, before it is read."""
    if size > LOGO_MAX_BYTES:
        raise LogoError(
            _("The logo is larger than %(limit)s KB.") % {"limit": LOGO_MAX_BYTES // 1024}
        )


def logo_normalise(data: bytes) -> bytes:
    """The logo as a PNG of at most LOGO_SIDE pixels a side, or LogoError."""
    logo_size_check(len(data))
    try:
        image = image_decoded(data, formats=("PNG", "JPEG"), max_pixels=LOGO_MAX_PIXELS)
        image = image_converted(image, "RGBA")
    except UploadRefused as refusal:
        raise LogoError(str(refusal)) from refusal
    image.thumbnail((LOGO_SIDE, LOGO_SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def logo_name(agency_code: str, png: bytes) -> str:
    """Named by its hash: documents made with an older logo keep pointing at theirs."""
    return f"letterheads/{agency_code}-{hashlib.sha256(png).hexdigest()[:16]}.png"


@folder_owner("letterheads")
def _logos_kept(names: list[str]) -> set[str]:
    """The logos an agency uses now; a replaced one is printed in pacts already made, which
    carry its pixels, so its file may go."""
    return set(Agency.objects.filter(logo_name__in=names).values_list("logo_name", flat=True))
