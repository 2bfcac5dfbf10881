"""What every uploaded image and PDF must pass before anything keeps it: images are judged by
the size their header declares before a pixel is decoded (a small file may declare a huge
canvas), PDFs are parsed and refused when they carry scripts, launch actions or files. PDFs and
videos can also be written again without the metadata that names a device, an author or a place."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pikepdf
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
# Keys under which a PDF keeps XMP or an application's private data (which may name its user).
PDF_METADATA_KEYS = ("/Metadata", "/PieceInfo")
# ffmpeg's demuxer and muxer for each accepted video type: the input format is never guessed,
# so a "video" that is really a playlist cannot make ffmpeg fetch anything.
VIDEO_FORMATS = {"video/mp4": ("mov", "mp4"), "video/webm": ("matroska", "webm")}
VIDEO_MEMORY_BYTES = 1024 * 1024 * 1024  # address space; a stream copy needs a small part
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


def pdf_without_metadata(data: bytes) -> bytes:
    """The PDF written again without its document information (author, producer, dates), its
    XMP and applications' private data, wherever they sit; or UploadRefused. Call after
    `pdf_check`: the file is known to parse and to be of a bounded size."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    for key in PDF_METADATA_KEYS:
                        if key in obj:
                            del obj[key]
            output = io.BytesIO()
            # Only what the trailer reaches is written, so the removed streams go with their keys;
            # the streams are kept as they were (compressed or not), and the file's ID is derived
            # from the content rather than from the time and the name.
            pdf.save(
                output, fix_metadata_version=False, deterministic_id=True, compress_streams=False
            )
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RuntimeError):
        raise UploadRefused(_("The PDF cannot be read; it may be damaged.")) from None
    return output.getvalue()


def video_without_metadata(data: bytes, *, content_type: str) -> bytes | None:
    """The video's picture and sound streams copied (not re-encoded) into a new file without
    global, stream or chapter metadata (GPS position, device, dates) and without data tracks;
    None when ffmpeg is not installed, fails or runs past NETRAL_VIDEO_TIMEOUT_SECONDS."""
    ffmpeg = shutil.which(settings.NETRAL_FFMPEG)
    if ffmpeg is None:
        return None
    demuxer, muxer = VIDEO_FORMATS[content_type]
    with tempfile.TemporaryDirectory(prefix="netral-video-") as folder:
        source, target = Path(folder) / "source", Path(folder) / f"clean.{muxer}"
        source.write_bytes(data)
        command = [
            *_video_limits(),
            ffmpeg,
            *("-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1"),
            *("-protocol_whitelist", "file", "-f", demuxer, "-i", str(source)),
            *("-map", "0:v?", "-map", "0:a?", "-map_metadata", "-1", "-map_chapters", "-1"),
            *("-c", "copy", "-fflags", "+bitexact", "-flags:v", "+bitexact"),
            *("-flags:a", "+bitexact", "-f", muxer, str(target)),
        ]
        try:
            subprocess.run(  # noqa: S603 (a fixed command; the file names are ours)
                command,
                check=True,
                capture_output=True,
                timeout=settings.NETRAL_VIDEO_TIMEOUT_SECONDS,
            )
        except (subprocess.SubprocessError, OSError):
            return None
        clean = target.read_bytes() if target.exists() else b""
    return clean or None


def _video_limits() -> list[str]:
    """A bounded address space and output size for the ffmpeg child, whatever the input says,
    set by util-linux's prlimit (a preexec function is unsafe in a threaded server)."""
    prlimit = shutil.which("prlimit")
    if prlimit is None:
        return []
    output = 2 * settings.NETRAL_EVIDENCE_MAX_BYTES
    return [prlimit, f"--as={VIDEO_MEMORY_BYTES}", f"--fsize={output}", "--"]
