"""What the file storage holds, for tests on either backend (NETRAL_STORAGE)."""

import struct
import zlib
from collections.abc import Iterable

from django.core.files.storage import default_storage


def stored_files(folder: str) -> list[str]:
    """Every file under `folder` of the file storage, by name, sorted."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # the filesystem backend; a bucket lists an empty prefix
        return []
    names = [f"{folder}/{name}" for name in files]
    for sub in folders:
        names += stored_files(f"{folder}/{sub}")
    return sorted(names)


def pdf_bytes(text: str = "Pindaian") -> bytes:
    """A small whole PDF of one page, the same bytes for the same text."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=True)
    canvas.drawString(72, 720, text)
    canvas.save()
    return buffer.getvalue()


def pdf_with_root_entry(key: str, value: object) -> bytes:
    """`pdf_bytes()` with an entry added to its catalog by an incremental update, as a crafted
    file would carry a script (/OpenAction), a launch action or attached files (/Names)."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes()))
    writer.root[key] = value
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_made(*chunks: tuple[bytes, bytes]) -> bytes:
    """A PNG of the given (kind, data) chunks, each with its length and checksum."""
    out = [b"\x89PNG\r\n\x1a\n"]
    for kind, data in chunks:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        out.append(struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc))
    return b"".join(out)


def bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header claiming huge dimensions over a tiny body."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    body = zlib.compress(b"\0" * 1024)
    return png_made((b"IHDR", header), (b"IDAT", body), (b"IEND", b""))


def palette_png(width: int, height: int) -> bytes:
    """A palette PNG of one colour: a few hundred KB that decode to width x height bytes and
    more once converted (13,000 x 13,000 is the 165 KB file of the hostile-input report)."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (width + 1)  # filter byte, then palette index 0
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return png_made((b"IHDR", header), (b"PLTE", b"\xff\x00\x00"), (b"IDAT", body), (b"IEND", b""))


def xlsx_parts(sheet_rows: Iterable[bytes], *, doctype: bytes = b"") -> bytes:
    """A minimal XLSX whose first sheet's <sheetData> holds `sheet_rows` (row elements), its
    XML declaring `doctype` if given."""
    import io
    import zipfile

    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        b'"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    relationships = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        b'Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        b'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" '
        b'r:id="rId1"/></sheets></workbook>'
    )
    workbook_relationships = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        b'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", relationships)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_relationships)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?>' + doctype)
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            for row in sheet_rows:
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def sparse_xlsx() -> bytes:
    """One cell at row 1,000,000, column 50 (AX): a reader loading the used range makes 50
    million cells of it."""
    return xlsx_parts(
        [
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIP</t></is></c></row>',
            b'<row r="1000000"><c r="AX1000000"><v>1</v></c></row>',
        ]
    )


def dense_xlsx(rows: int = 200_000, columns: int = 50) -> bytes:
    """Ten million small cells without references, a few hundred KB once packed."""
    row = b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
    return xlsx_parts(row for _ in range(rows))


def ods_parts(table_rows: Iterable[bytes]) -> bytes:
    """A minimal OpenDocument spreadsheet whose first table holds `table_rows`."""
    import io
    import zipfile

    content = (
        b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        b'<office:body><office:spreadsheet><table:table table:name="Data">'
        + b"".join(table_rows)
        + b"</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        b'<manifest:file-entry manifest:full-path="/" manifest:media-type='
        b'"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_row(*values: str, repeat: int = 1) -> bytes:
    cells = b"".join(
        b'<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>'
        % value.encode()
        for value in values
    )
    attribute = b' table:number-rows-repeated="%d"' % repeat if repeat > 1 else b""
    return b"<table:table-row%s>%s</table:table-row>" % (attribute, cells)
