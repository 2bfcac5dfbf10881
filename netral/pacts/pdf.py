"""The signed pact as a two-page A4 PDF (the pact, then its audit trail), written by hand.

A PactRenderer lays out and compresses the campaign's unchanging text once; each render then
writes only the person's fields, the signature block, the QR code and the audit page. The file
uses the built-in Helvetica with WinAnsi encoding, so no font is embedded.
"""

import functools
import hashlib
import io
import re
import struct
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import quote

import segno
from reportlab.pdfbase import pdfmetrics

PAGE_WIDTH = 595.28  # A4 in points
PAGE_HEIGHT = 841.89
LEFT = 62.0
RIGHT = PAGE_WIDTH - 62.0
TOP = PAGE_HEIGHT - 58.0
BOTTOM = 40.0
TEXT_WIDTH = RIGHT - LEFT

BODY_SIZE = 10.5
BODY_LEADING = 14.0
TITLE_SIZE = 13.0
SMALL_SIZE = 7.5
SMALL_LEADING = 9.5
PARAGRAPH_GAP = 6.0
POINT_INDENT = 20.0
FIELD_LABEL_X = LEFT + POINT_INDENT
FIELD_COLON_X = LEFT + 150.0
FIELD_VALUE_X = FIELD_COLON_X + 8.0
SIGNER_COLUMN_WIDTH = 210.0
SIGNER_COLUMN_X = RIGHT - SIGNER_COLUMN_WIDTH
SIGNATURE_BOX = (170.0, 58.0)  # width, height of the drawn signature's box
QR_SIZE = 82.0
CAP_HEIGHT = 0.718  # Helvetica's capitals, as a fraction of the font size
QR_CAPTION_WIDTH = 170.0

# Canvas signatures are small; a larger image is refused before it is decoded.
MAX_SIGNATURE_PIXELS = 4_000_000

# Fixed object numbers: every pact has the same objects; only their contents differ.
CATALOG, PAGES, PAGE_ONE, PAGE_TWO, RESOURCES, FONT_REGULAR, FONT_BOLD = range(1, 8)
HEAD, BODY, FOOT, CONTENT_ONE, CONTENT_TWO, QR_LINK, INFO, IMAGE, IMAGE_MASK = range(8, 17)
LOGO, LOGO_MASK = 17, 18  # the letterhead's logo; a number left unused holds a null object

LETTERHEAD_SIZES = (13.0, 12.0)  # the first line (the government), then the office
ADDRESS_SIZE = 8.5
LOGO_BOX = 62.0  # the logo's largest side, in points

PDF_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@dataclass(frozen=True)
class PactDocument:
    """What the page shows for one person."""

    title: str
    intro: str
    fields: list[tuple[str, str]]
    statement: str
    points: list[str]
    closing: str
    legal_basis: list[str]
    place_date: str
    # A line under the place and date, e.g. that it was signed electronically.
    place_note: str
    signer_name: str
    signature_png: bytes | None
    verify_url: str
    audit: list[tuple[str, str]]


@dataclass(frozen=True)
class Letterhead:
    """The agency's kop surat above the title: the logo on the left, the lines centred (the
    first larger), the address in small print, then a double rule."""

    lines: tuple[str, ...]
    address: str = ""
    logo_png: bytes | None = None


@dataclass(frozen=True)
class PactLabels:
    """The few words the layout adds around the caller's text."""

    signer: str = "Yang membuat pernyataan,"
    nip_prefix: str = "NIP. "
    audit_title: str = "JEJAK AUDIT"
    audit_intro: str = (
        "Halaman ini mencatat penandatanganan elektronik pakta pada halaman pertama. "
        "Keaslian dokumen dapat diperiksa dengan memindai kode QR atau membuka tautan verifikasi."
    )
    verify_link: str = "Tautan verifikasi"


@dataclass(frozen=True)
class _Font:
    resource: bytes
    widths: tuple[int, ...]  # per WinAnsi code, in thousandths of the font size

    def width(self, text: bytes, size: float) -> float:
        widths = self.widths
        return sum(widths[code] for code in text) * size / 1000.0


REGULAR = _Font(b"/F1", tuple(pdfmetrics.getFont("Helvetica").widths))
BOLD = _Font(b"/F2", tuple(pdfmetrics.getFont("Helvetica-Bold").widths))


def winansi(text: str) -> bytes:
    """Text in the built-in fonts' WinAnsi encoding (cp1252); whitespace runs become one space."""
    text = " ".join(text.split())
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return "".join(_winansi_letter(char) for char in text).encode("cp1252", errors="replace")


def _winansi_letter(char: str) -> str:
    # A letter WinAnsi lacks loses its accents ("ā" becomes "a"); anything else becomes "?".
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        decomposed = unicodedata.normalize("NFKD", char)
        return "".join(part for part in decomposed if not unicodedata.combining(part))
    return char


def _literal(text: bytes) -> bytes:
    return b"(" + re.sub(rb"([\\()])", rb"\\\1", text).replace(b"\r", b"\\r") + b")"


def _text_string(text: str) -> bytes:
    """A PDF text string outside content streams (document info): UTF-16 in hex."""
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def _number(value: float) -> bytes:
    return (b"%.2f" % value).rstrip(b"0").rstrip(b".") or b"0"


def wrap(text: bytes, *, font: _Font, size: float, width: float) -> list[bytes]:
    """Greedy line breaking at spaces; a word wider than the line is cut where it overflows."""
    lines: list[bytes] = []
    current: list[bytes] = []
    current_width = 0.0
    space = font.widths[32] * size / 1000.0
    for word in text.split():
        word_width = font.width(word, size)
        if word_width > width:
            if current:
                lines.append(b" ".join(current))
            pieces = _cut(word, font=font, size=size, width=width)
            lines.extend(pieces[:-1])
            current = [pieces[-1]]
            current_width = font.width(pieces[-1], size)
        elif current and current_width + space + word_width > width:
            lines.append(b" ".join(current))
            current = [word]
            current_width = word_width
        else:
            current_width += word_width + (space if current else 0.0)
            current.append(word)
    if current:
        lines.append(b" ".join(current))
    return lines


def _cut(word: bytes, *, font: _Font, size: float, width: float) -> list[bytes]:
    pieces: list[bytes] = []
    start = 0
    used = 0.0
    for index, code in enumerate(word):
        advance = font.widths[code] * size / 1000.0
        if used + advance > width and index > start:
            pieces.append(word[start:index])
            start, used = index, 0.0
        used += advance
    pieces.append(word[start:])
    return pieces


@dataclass
class _Canvas:
    """Content-stream operators for lines of text, positioned by their baselines."""

    parts: list[bytes] = field(default_factory=list)

    def lines(
        self,
        lines: Iterable[bytes],
        *,
        x: float,
        y: float,
        font: _Font,
        size: float,
        leading: float,
        justify_width: float | None = None,
    ) -> int:
        lines = list(lines)
        out = [
            b"BT %s %s Tf %s TL %s %s Td\n"
            % (font.resource, _number(size), _number(leading), _number(x), _number(y))
        ]
        last = len(lines) - 1
        for index, line in enumerate(lines):
            if justify_width is not None:
                spaces = line.count(b" ")
                spread = 0.0
                if index < last and spaces:
                    spread = (justify_width - font.width(line, size)) / spaces
                out.append(b"%s Tw " % _number(spread))
            out.append(_literal(line))
            out.append(b" Tj T*\n" if index < last else b" Tj\n")
        out.append(b"0 Tw ET\n" if justify_width is not None else b"ET\n")
        self.parts.append(b"".join(out))
        return len(lines)

    def centred(self, text: bytes, *, centre: float, y: float, font: _Font, size: float) -> None:
        x = centre - font.width(text, size) / 2
        self.lines([text], x=x, y=y, font=font, size=size, leading=size)

    def paragraph(
        self, text: str, *, x: float, y: float, width: float, font: _Font = REGULAR
    ) -> float:
        """A justified paragraph whose first baseline is y; returns the height it took."""
        lines = wrap(winansi(text), font=font, size=BODY_SIZE, width=width)
        self.lines(
            lines,
            x=x,
            y=y,
            font=font,
            size=BODY_SIZE,
            leading=BODY_LEADING,
            justify_width=width,
        )
        return len(lines) * BODY_LEADING

    def raw(self, operators: bytes) -> None:
        self.parts.append(operators)

    def data(self) -> bytes:
        return b"".join(self.parts)


def qr_runs(url: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The verification QR code's size in modules and its dark modules as horizontal runs.

    Each run is (row, column, length). The mask is fixed: segno's search for the best mask
    costs more than the rest of the page, and every mask scans.
    """
    matrix = segno.make(url, error="m", mask=0, micro=False).matrix
    runs = [
        (row_index, match.start(), match.end() - match.start())
        for row_index, row in enumerate(matrix)
        for match in re.finditer(rb"\x01+", bytes(row))
    ]
    return len(matrix), runs


def _qr_operators(url: str, *, x: float, top: float) -> tuple[bytes, float]:
    """The QR code as filled rectangles, and the size of one module."""
    size, runs = qr_runs(url)
    module = QR_SIZE / size
    # One path, one fill: adjacent rectangles filled together leave no hairline seams.
    rectangles = b"".join(
        b"%d %d %d 1 re\n" % (column, row, length) for row, column, length in runs
    )
    operators = (
        b"q 0 g %s 0 0 %s %s %s cm\n"
        % (_number(module), _number(-module), _number(x), _number(top))
        + rectangles
        + b"f Q\n"
    )
    return operators, module


@dataclass(frozen=True)
class _Image:
    width: int
    height: int
    dictionary: bytes  # the image dictionary's entries, /Length excluded
    data: bytes
    mask: bytes | None = None  # soft mask (8-bit grey, Flate) from the PNG's alpha


def drawn_signature_check(png: bytes) -> None:
    """Refuse (ValueError) a drawing the PDF could not show: not a whole PNG, damaged, or past
    the pixel budget. Signing calls it, so a bad drawing is refused at the door, never later
    when the pact is made."""
    _png_image(png)


def _png_image(png: bytes, *, mask_number: int = IMAGE_MASK) -> _Image:
    """A drawn signature (or a logo), its size checked from the header before Pillow decodes it."""
    chunks = _png_chunks(png)
    header = chunks.get(b"IHDR", b"")
    if len(header) != 13 or not chunks.get(b"IDAT"):
        raise ValueError("The signature PNG has no image data.")
    width, height = struct.unpack(">II", header[:8])
    if not (width and height and width * height <= MAX_SIGNATURE_PIXELS):
        raise ValueError("The signature image is too large.")
    return _decoded_png_image(png, mask_number=mask_number)


def _decoded_png_image(png: bytes, *, mask_number: int) -> _Image:
    """The colour as an image and the alpha as its soft mask, so the ink lies on the page."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as opened:
            opened.load()
            image = opened if opened.mode == "RGBA" else opened.convert("RGBA")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError("The signature PNG cannot be read.") from error
    width, height = image.size
    extrema = cast(tuple[tuple[int, int], ...], image.getextrema())  # per band: lowest, highest
    lowest_alpha = extrema[3][0]
    dictionary = b"/Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 " % (
        width,
        height,
    )
    # Level 1: these images are mostly empty, and level 6 costs three times as long.
    mask = None if lowest_alpha == 255 else zlib.compress(image.getchannel("A").tobytes(), 1)
    if mask is not None and extrema[:3] == ((0, 0), (0, 0), (0, 0)):
        # Black ink, the usual pen: the alpha alone carries the drawing.
        data = _blank(width * height)
        dictionary += b"/ColorSpace /DeviceGray"
    else:
        data = zlib.compress(image.convert("RGB").tobytes(), 1)
        dictionary += b"/ColorSpace /DeviceRGB"
    dictionary += b" /Filter /FlateDecode"
    if mask is not None:
        dictionary += b" /SMask %d 0 R" % mask_number
    return _Image(width, height, dictionary, data, mask)


def _png_chunks(png: bytes) -> dict[bytes, bytes]:
    """The chunks up to IEND, checksums verified; IDAT chunks joined."""
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("The signature is not a PNG image.")
    chunks: dict[bytes, bytes] = {}
    image_data: list[bytes] = []
    position = 8
    while position + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        chunk = png[position + 8 : position + 8 + length]
        crc = png[position + 8 + length : position + 12 + length]
        if len(chunk) != length or len(crc) != 4:
            raise ValueError("The signature PNG is truncated.")
        if zlib.crc32(kind + chunk) != struct.unpack(">I", crc)[0]:
            raise ValueError("The signature PNG is damaged (bad checksum).")
        if kind == b"IEND":
            break
        if kind == b"IDAT":
            image_data.append(chunk)
        else:
            chunks.setdefault(kind, chunk)
        position += 12 + length
    chunks[b"IDAT"] = b"".join(image_data)
    return chunks


@functools.lru_cache(maxsize=8)
def _blank(size: int) -> bytes:
    """Compressed black pixels: canvases of a size recur, so each is compressed once."""
    return zlib.compress(bytes(size), 1)


def _stream(number: int, dictionary: bytes, data: bytes) -> bytes:
    return b"%d 0 obj\n<< %s /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        number,
        dictionary,
        len(data),
        data,
    )


def _object(number: int, body: bytes) -> bytes:
    return b"%d 0 obj\n%s\nendobj\n" % (number, body)


def _form(number: int, operators: bytes, *, bbox: tuple[float, float, float, float]) -> bytes:
    dictionary = (
        b"/Type /XObject /Subtype /Form /BBox [%s] /Resources %d 0 R /Filter /FlateDecode"
        % (
            b" ".join(_number(value) for value in bbox),
            RESOURCES,
        )
    )
    return _stream(number, dictionary, zlib.compress(operators, 9))


def _font(number: int, base_font: bytes) -> bytes:
    return _object(
        number,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % base_font,
    )


def _assemble(objects: list[tuple[int, bytes]]) -> bytes:
    """Header, objects, a classic xref table and the trailer; numbers run from 1, a number not
    used holding a null object."""
    numbers = {number for number, _ in objects}
    assert len(numbers) == len(objects), "an object number is used twice"
    objects = sorted(
        objects
        + [
            (number, _object(number, b"null"))
            for number in range(1, max(numbers))
            if number not in numbers
        ]
    )
    out = io.BytesIO()
    out.write(PDF_HEADER)
    offsets = []
    for _, body in objects:
        offsets.append(out.tell())
        out.write(body)
    xref_at = out.tell()
    # The file identifier is a digest of the content, so the same pact renders the same bytes.
    identifier = hashlib.sha256(out.getbuffer()).hexdigest()[:32].encode()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
        b"startxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, CATALOG, INFO, identifier, identifier, xref_at)
    )
    return out.getvalue()


class PactRenderer:
    """Built once per pact version (the unchanging parts), then renders each person fast."""

    def __init__(
        self,
        *,
        title: str,
        intro: str,
        statement: str,
        points: list[str],
        closing: str,
        legal_basis: list[str],
        labels: PactLabels | None = None,
        letterhead: Letterhead | None = None,
    ) -> None:
        self.title = title
        self._texts = (title, intro, statement, list(points), closing, list(legal_basis))
        self.labels = labels or PactLabels()

        # The letterhead, then the title and intro: fixed at the top of the page.
        head = _Canvas()
        logo = None
        y = TOP
        if letterhead is not None:
            y, logo = _letterhead(head, letterhead)
        for line in wrap(winansi(title), font=BOLD, size=TITLE_SIZE, width=TEXT_WIDTH):
            head.centred(line, centre=PAGE_WIDTH / 2, y=y, font=BOLD, size=TITLE_SIZE)
            y -= TITLE_SIZE * 1.3
        y -= 14.0
        y -= head.paragraph(intro, x=LEFT, y=y, width=TEXT_WIDTH) + PARAGRAPH_GAP
        self._fields_top = y

        # Statement, points and closing: drawn below each person's fields, wherever they end.
        body = _Canvas()
        y = 0.0
        y -= body.paragraph(statement, x=LEFT, y=y, width=TEXT_WIDTH) + PARAGRAPH_GAP
        for number, point in enumerate(points, start=1):
            body.lines([b"%d." % number], x=LEFT, y=y, font=REGULAR, size=BODY_SIZE, leading=0)
            point_width = TEXT_WIDTH - POINT_INDENT
            y -= body.paragraph(point, x=LEFT + POINT_INDENT, y=y, width=point_width)
            y -= PARAGRAPH_GAP
        y -= body.paragraph(closing, x=LEFT, y=y, width=TEXT_WIDTH)
        self._body_height = -y

        # Legal basis: small print at the foot of the page, above a thin rule.
        foot = _Canvas()
        lines = [
            line
            for basis in legal_basis
            for line in wrap(winansi(basis), font=REGULAR, size=SMALL_SIZE, width=TEXT_WIDTH)
        ]
        if lines:
            top_line = BOTTOM + (len(lines) - 1) * SMALL_LEADING
            foot.lines(
                lines, x=LEFT, y=top_line, font=REGULAR, size=SMALL_SIZE, leading=SMALL_LEADING
            )
            rule = top_line + SMALL_SIZE + 5
            foot.raw(
                b"q 0.5 G 0.4 w %s %s m %s %s l S Q\n"
                % tuple(_number(value) for value in (LEFT, rule, RIGHT, rule))
            )
            self._foot_top = rule + 8
        else:
            self._foot_top = BOTTOM

        page = (0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)
        self._static_objects = [
            (FONT_REGULAR, _font(FONT_REGULAR, b"Helvetica")),
            (FONT_BOLD, _font(FONT_BOLD, b"Helvetica-Bold")),
            (HEAD, _form(HEAD, head.data(), bbox=page)),
            (BODY, _form(BODY, body.data(), bbox=(0.0, -PAGE_HEIGHT, PAGE_WIDTH, 20.0))),
            (FOOT, _form(FOOT, foot.data(), bbox=page)),
            (INFO, _object(INFO, b"<< /Title %s /Producer (Netral) >>" % _text_string(title))),
        ]
        self._xobjects = b"/Head %d 0 R /Body %d 0 R /Foot %d 0 R" % (HEAD, BODY, FOOT)
        if logo is not None:
            self._xobjects += b" /Logo %d 0 R" % LOGO
            self._static_objects += _image_objects(LOGO, LOGO_MASK, logo)

    def render(self, document: PactDocument) -> bytes:
        """A valid 2-page A4 PDF.

        The unchanging texts were laid out when this renderer was built; the document's copies
        must be the same, or the renderer belongs to another pact version.
        """
        texts = (
            document.title,
            document.intro,
            document.statement,
            list(document.points),
            document.closing,
            list(document.legal_basis),
        )
        if texts != self._texts:
            raise ValueError("This renderer was built for another version of the pact text.")
        image = _png_image(document.signature_png) if document.signature_png else None
        page_one, link_rect = self._page_one(document, image)
        page_two = self._page_two(document)
        xobjects = self._xobjects
        if image is not None:
            xobjects += b" /Signature %d 0 R" % IMAGE
        media_box = b"/MediaBox [0 0 %s %s]" % (_number(PAGE_WIDTH), _number(PAGE_HEIGHT))
        # A URI must be ASCII; a verification URL normally is already.
        url = quote(document.verify_url, safe=":/?#[]@!$&'*+,;=%~").encode()
        link = b" ".join(_number(value) for value in link_rect)
        objects = [
            *self._static_objects,
            (CATALOG, _object(CATALOG, b"<< /Type /Catalog /Pages %d 0 R >>" % PAGES)),
            (
                PAGES,
                _object(
                    PAGES,
                    b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>" % (PAGE_ONE, PAGE_TWO),
                ),
            ),
            (
                PAGE_ONE,
                _object(
                    PAGE_ONE,
                    b"<< /Type /Page /Parent %d 0 R %s /Resources %d 0 R /Contents %d 0 R "
                    b"/Annots [%d 0 R] >>" % (PAGES, media_box, RESOURCES, CONTENT_ONE, QR_LINK),
                ),
            ),
            (
                PAGE_TWO,
                _object(
                    PAGE_TWO,
                    b"<< /Type /Page /Parent %d 0 R %s /Resources %d 0 R /Contents %d 0 R >>"
                    % (PAGES, media_box, RESOURCES, CONTENT_TWO),
                ),
            ),
            (
                RESOURCES,
                _object(
                    RESOURCES,
                    b"<< /Font << /F1 %d 0 R /F2 %d 0 R >> /XObject << %s >> >>"
                    % (FONT_REGULAR, FONT_BOLD, xobjects),
                ),
            ),
            (
                CONTENT_ONE,
                _stream(CONTENT_ONE, b"/Filter /FlateDecode", zlib.compress(page_one, 6)),
            ),
            (
                CONTENT_TWO,
                _stream(CONTENT_TWO, b"/Filter /FlateDecode", zlib.compress(page_two, 6)),
            ),
            # Clicking the QR code opens the verification page.
            (
                QR_LINK,
                _object(
                    QR_LINK,
                    b"<< /Type /Annot /Subtype /Link /Rect [%s] /Border [0 0 0] "
                    b"/A << /S /URI /URI %s >> >>" % (link, _literal(url)),
                ),
            ),
        ]
        if image is not None:
            objects += _image_objects(IMAGE, IMAGE_MASK, image)
        return _assemble(objects)

    def _page_one(
        self, document: PactDocument, image: _Image | None
    ) -> tuple[bytes, tuple[float, float, float, float]]:
        canvas = _Canvas()
        y = self._fields_top
        nip = ""
        value_width = RIGHT - FIELD_VALUE_X
        for label, value in document.fields:
            if label.strip().casefold() == "nip":
                nip = value
            value_lines = wrap(winansi(value), font=REGULAR, size=BODY_SIZE, width=value_width)
            label_lines = wrap(
                winansi(label), font=REGULAR, size=BODY_SIZE, width=FIELD_COLON_X - FIELD_LABEL_X
            )
            for x, lines in (
                (FIELD_LABEL_X, label_lines),
                (FIELD_COLON_X, [b":"]),
                (FIELD_VALUE_X, value_lines),
            ):
                if lines:
                    canvas.lines(
                        lines, x=x, y=y, font=REGULAR, size=BODY_SIZE, leading=BODY_LEADING
                    )
            y -= max(len(value_lines), len(label_lines), 1) * BODY_LEADING
        y -= PARAGRAPH_GAP
        canvas.raw(b"q 1 0 0 1 0 %s cm /Body Do Q\n" % _number(y))
        y -= self._body_height + 24.0

        # The signer's column on the right, the QR code on the left, side by side.
        block_top = y
        centre = SIGNER_COLUMN_X + SIGNER_COLUMN_WIDTH / 2
        for text in (document.place_date, document.place_note, self.labels.signer):
            for line in wrap(
                winansi(text), font=REGULAR, size=BODY_SIZE, width=SIGNER_COLUMN_WIDTH
            ):
                canvas.centred(line, centre=centre, y=y, font=REGULAR, size=BODY_SIZE)
                y -= BODY_LEADING
        box_width, box_height = SIGNATURE_BOX
        if image is not None:
            scale = min(box_width / image.width, box_height / image.height)
            width, height = image.width * scale, image.height * scale
            canvas.raw(
                b"q %s 0 0 %s %s %s cm /Signature Do Q\n"
                % tuple(
                    _number(value) for value in (width, height, centre - width / 2, y - 4 - height)
                )
            )
        y -= box_height + BODY_LEADING
        name = winansi(document.signer_name)
        for line in wrap(name, font=BOLD, size=BODY_SIZE, width=SIGNER_COLUMN_WIDTH):
            canvas.centred(line, centre=centre, y=y, font=BOLD, size=BODY_SIZE)
            half = BOLD.width(line, BODY_SIZE) / 2
            canvas.raw(
                b"q 0.6 w %s %s m %s %s l S Q\n"
                % tuple(_number(value) for value in (centre - half, y - 2, centre + half, y - 2))
            )
            y -= BODY_LEADING
        if nip:
            nip_line = winansi(self.labels.nip_prefix + nip)
            canvas.centred(nip_line, centre=centre, y=y, font=REGULAR, size=BODY_SIZE)
            y -= BODY_LEADING

        # The QR code's top meets the capitals of the first line beside it; text keeps four
        # modules (the quiet zone scanners need) away from it.
        qr_top = block_top + CAP_HEIGHT * BODY_SIZE
        qr_operators, module = _qr_operators(document.verify_url, x=LEFT, top=qr_top)
        canvas.raw(qr_operators)
        caption = wrap(
            winansi(document.verify_url), font=REGULAR, size=SMALL_SIZE, width=QR_CAPTION_WIDTH
        )
        caption_top = qr_top - QR_SIZE - 4 * module - CAP_HEIGHT * SMALL_SIZE
        canvas.lines(
            caption, x=LEFT, y=caption_top, font=REGULAR, size=SMALL_SIZE, leading=SMALL_LEADING
        )
        lowest = min(y, caption_top - len(caption) * SMALL_LEADING)

        link_rect = (LEFT, qr_top - QR_SIZE, LEFT + QR_SIZE, qr_top)
        operators = b"/Head Do\n" + canvas.data()
        room = TOP + TITLE_SIZE - self._foot_top
        needed = TOP + TITLE_SIZE - lowest
        if needed > room:
            # Too long for the page: shrink everything above the foot, keeping the top-left corner.
            scale = room / needed
            origin_x, origin_y = LEFT * (1 - scale), (TOP + TITLE_SIZE) * (1 - scale)
            operators = (
                b"q %.4f 0 0 %.4f %s %s cm\n" % (scale, scale, _number(origin_x), _number(origin_y))
                + operators
                + b"Q\n"
            )
            link_rect = (
                origin_x + link_rect[0] * scale,
                origin_y + link_rect[1] * scale,
                origin_x + link_rect[2] * scale,
                origin_y + link_rect[3] * scale,
            )
        return operators + b"/Foot Do\n", link_rect

    def _page_two(self, document: PactDocument) -> bytes:
        canvas = _Canvas()
        y = TOP
        canvas.centred(
            winansi(self.labels.audit_title), centre=PAGE_WIDTH / 2, y=y, font=BOLD, size=TITLE_SIZE
        )
        y -= TITLE_SIZE * 1.3
        for line in wrap(winansi(self.title), font=REGULAR, size=BODY_SIZE, width=TEXT_WIDTH):
            canvas.centred(line, centre=PAGE_WIDTH / 2, y=y, font=REGULAR, size=BODY_SIZE)
            y -= BODY_LEADING
        y -= 12.0
        y -= canvas.paragraph(self.labels.audit_intro, x=LEFT, y=y, width=TEXT_WIDTH) + 10.0
        label_width = 130.0
        rows = [*document.audit, (self.labels.verify_link, document.verify_url)]
        for label, value in rows:
            label_lines = wrap(winansi(label), font=BOLD, size=BODY_SIZE, width=label_width - 8)
            value_lines = wrap(
                winansi(value), font=REGULAR, size=BODY_SIZE, width=TEXT_WIDTH - label_width
            )
            canvas.lines(label_lines, x=LEFT, y=y, font=BOLD, size=BODY_SIZE, leading=BODY_LEADING)
            if value_lines:
                canvas.lines(
                    value_lines,
                    x=LEFT + label_width,
                    y=y,
                    font=REGULAR,
                    size=BODY_SIZE,
                    leading=BODY_LEADING,
                )
            y -= max(len(label_lines), len(value_lines), 1) * BODY_LEADING
            rule = y + BODY_LEADING - 4
            canvas.raw(
                b"q 0.8 G 0.4 w %s %s m %s %s l S Q\n"
                % tuple(_number(value) for value in (LEFT, rule, RIGHT, rule))
            )
            y -= 4.0
        return canvas.data()


def _image_objects(number: int, mask_number: int, image: _Image) -> list[tuple[int, bytes]]:
    objects = [(number, _stream(number, image.dictionary, image.data))]
    if image.mask is not None:
        mask_dictionary = (
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode" % (image.width, image.height)
        )
        objects.append((mask_number, _stream(mask_number, mask_dictionary, image.mask)))
    return objects


def _letterhead(canvas: _Canvas, letterhead: Letterhead) -> tuple[float, _Image | None]:
    """Draw the kop surat from the top of the page; the baseline for the title, and the logo."""
    logo = _png_image(letterhead.logo_png, mask_number=LOGO_MASK) if letterhead.logo_png else None
    top = TOP + TITLE_SIZE
    left = LEFT
    if logo is not None:
        scale = LOGO_BOX / max(logo.width, logo.height)
        width, height = logo.width * scale, logo.height * scale
        canvas.raw(
            b"q %s 0 0 %s %s %s cm /Logo Do Q\n"
            % tuple(_number(value) for value in (width, height, LEFT, top - height))
        )
        left = LEFT + LOGO_BOX + 8.0
    centre, width = (left + RIGHT) / 2, RIGHT - left
    y = top
    for index, text in enumerate(letterhead.lines):
        size = LETTERHEAD_SIZES[min(index, len(LETTERHEAD_SIZES) - 1)]
        for line in wrap(winansi(text), font=BOLD, size=size, width=width):
            y -= size * 1.15
            canvas.centred(line, centre=centre, y=y, font=BOLD, size=size)
    if letterhead.address:
        for line in wrap(winansi(letterhead.address), font=REGULAR, size=ADDRESS_SIZE, width=width):
            y -= ADDRESS_SIZE * 1.3
            canvas.centred(line, centre=centre, y=y, font=REGULAR, size=ADDRESS_SIZE)
    if logo is not None:
        y = min(y, top - LOGO_BOX)
    rule = y - 6.0
    canvas.raw(
        b"q 1.6 w %s %s m %s %s l S 0.5 w %s %s m %s %s l S Q\n"
        % tuple(
            _number(value)
            for value in (LEFT, rule, RIGHT, rule, LEFT, rule - 2.5, RIGHT, rule - 2.5)
        )
    )
    return rule - 12.0 - TITLE_SIZE, logo
