"""What every uploaded image and PDF must pass before anything keeps it: images are judged by
the size their header declares before a pixel is decoded (a small file may declare a huge
canvas), PDFs are parsed and refused when they carry scripts, launch actions or files."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

# Names that make a PDF do something when opened, or carry other files or forms.
PDF_ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
        "/GoToR",
    }
)
# Pillow keeps a pointer per row, so 1 x 40,000,000 pixels costs 320 MB more than its pixels;
# JPEG itself stops at 65,535, which leaves room for a long screenshot of a chat.
MAX_IMAGE_SIDE = 65_535
PDF_MAX_OBJECTS = 100_000  # a scanned page is a few objects; more is someone's experiment
# Markup a browser would run if it ever took the file for a page (a PDF/HTML polyglot).
MARKUP = (b"<html", b"<script", b"<svg", b"<iframe", b"<body")


class UploadRefused(Exception):
    """The file is refused; the message is for the user (in their language)."""


def image_decoded(data: bytes, *, formats: tuple[str, ...], max_pixels: int = 0) -> Image.Image:
    """The image wholly decoded, or UploadRefused: not one of `formats`, damaged, or declaring
    more pixels than the budget (NETRAL_IMAGE_MAX_PIXELS unless given), judged before decoding."""
    budget = max_pixels or settings.NETRAL_IMAGE_MAX_PIXELS
    too_large = UploadRefused(
        _("The image is too large: at most %(limit)s megapixels.")
        % {"limit": f"{budget / 1_000_000:g}"}
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; here it is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=list(formats))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadRefused(_("The image cannot be read; it may be damaged.")) from None
    width, height = opened.size
    frames = getattr(opened, "n_frames", 1)
    if not width or not height or width * height * frames > budget:
        raise too_large
    if max(width, height) > MAX_IMAGE_SIDE:
        raise UploadRefused(
            _("The image is too long: at most %(limit)s pixels on a side.")
            % {"limit": f"{MAX_IMAGE_SIDE:,}".replace(",", ".")}
        )
    try:
        opened.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(_("The image cannot be read; it may be damaged.")) from None
    return opened


def image_converted(image: Image.Image, mode: str) -> Image.Image:
    """The image in another mode, or UploadRefused: a palette with more transparency entries
    than colours decodes, then fails here (found by fuzzing)."""
    try:
        return image.convert(mode)
    except (OSError, ValueError):
        raise UploadRefused(_("The image cannot be read; it may be damaged.")) from None


def pdf_check(data: bytes) -> None:
    """Refuse (UploadRefused) a PDF that does not parse, or that carries scripts, actions,
    attached files or forms, or markup a browser could run."""
    lowered = data.lower()
    if any(marker in lowered for marker in MARKUP):
        raise UploadRefused(_("The PDF contains web page code and is refused."))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        objects = _pdf_objects(reader)
        for count, obj in enumerate(objects, start=1):
            if count > PDF_MAX_OBJECTS:
                raise UploadRefused(_("The PDF has too many parts to be a scan."))
            if _active(obj):
                raise UploadRefused(
                    _("The PDF contains scripts, actions or attached files and is refused.")
                )
    except UploadRefused:
        raise
    except Exception:  # pyHanko's reader raises PdfError, but also AssertionError and others
        raise UploadRefused(_("The PDF cannot be read; it may be damaged.")) from None


def _pdf_objects(reader: PdfFileReader) -> Iterator[generic.PdfObject]:
    yield reader.trailer_view
    xrefs = reader.xrefs
    for revision in range(xrefs.total_revisions):
        for ref in xrefs.explicit_refs_in_revision(revision):
            yield reader.get_object(ref)


def _active(obj: generic.PdfObject, depth: int = 0) -> bool:
    """Whether an object names an active feature, as a key or a value, in itself or in the
    dictionaries and arrays written inside it (objects it refers to are checked on their own)."""
    if depth > 32:
        raise ValueError("too deeply nested")
    if isinstance(obj, generic.NameObject):
        return obj in PDF_ACTIVE_NAMES
    if isinstance(obj, generic.DictionaryObject):
        return any(key in PDF_ACTIVE_NAMES or _active(obj.raw_get(key), depth + 1) for key in obj)
    if isinstance(obj, generic.ArrayObject):
        return any(_active(item, depth + 1) for item in obj)
    return False
