"""The pact PDF: two A4 pages, the person's data in the text, the QR code, the drawn signature."""

import io
import re
import zlib
from typing import Any

import pytest
import segno
from PIL import Image, ImageDraw
from pyhanko.pdf_utils.reader import PdfFileReader

from netral.pacts.pdf import (
    BODY_SIZE,
    REGULAR,
    PactDocument,
    PactRenderer,
    qr_runs,
    winansi,
    wrap,
)

POINTS = [
    "Menjaga dan menegakkan prinsip netralitas pegawai ASN di lingkungan Pemerintah Kabupaten "
    "Pekalongan dalam melaksanakan fungsi pelayanan publik baik sebelum, selama, maupun sesudah "
    "pelaksanaan Pemilihan Kepala Daerah Serentak Tahun 2029.",
    "Menghindari konflik kepentingan dengan tidak melakukan praktik-praktik intimidasi dan "
    "ancaman kepada pegawai ASN dan seluruh elemen masyarakat serta tidak memihak kepada "
    "pasangan calon tertentu.",
    "Menggunakan media sosial secara bijak dan tidak menyebarkan ujaran kebencian serta berita "
    "bohong.",
    "Menolak politik uang dan segala jenis pemberian dalam bentuk apapun.",
]
STATIC = {
    "title": "PAKTA INTEGRITAS NETRALITAS APARATUR SIPIL NEGARA",
    "intro": "Saya yang bertanda tangan di bawah ini:",
    "statement": "Dalam rangka menyukseskan Pemilihan Kepala Daerah Serentak Tahun 2029, dengan "
    "ini saya menyatakan dan berikrar:",
    "points": POINTS,
    "closing": "Demikian pakta integritas ini saya buat dengan sadar dan tanpa paksaan. Apabila "
    "saya melanggar, saya bersedia dikenai sanksi sesuai ketentuan peraturan perundang-undangan.",
    "legal_basis": [
        "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara",
        "Peraturan Pemerintah Nomor 94 Tahun 2021 tentang Disiplin Pegawai Negeri Sipil",
    ],
}
URL = "https://netral.pekalongankab.go.id/v/Q7ZK3M9P2XW4TR8B"


def pact_renderer() -> PactRenderer:
    return PactRenderer(**STATIC)


def pact_document(
    *, name: str = "Siti Nur’aini", position: str = "Guru Ahli Muda", **changes: object
) -> PactDocument:
    values: dict[str, object] = {
        **STATIC,
        "fields": [
            ("Nama", name),
            ("NIP", "198703142010012004"),
            ("Pangkat/Golongan", "Penata Tingkat I (III/d)"),
            ("Jabatan", position),
            ("Unit Kerja", "Dinas Pendidikan dan Kebudayaan"),
        ],
        "place_date": "Kajen, 14 Februari 2029",
        "place_note": "",
        "signer_name": name,
        "signature_png": None,
        "verify_url": URL,
        "audit": [
            ("Kampanye", "Ikrar Netralitas ASN Pilkada 2029 (K7Q2M)"),
            ("Kanal", "Tautan pribadi"),
            ("Waktu", "2029-02-14 09:12:33 WIB"),
            ("Alamat IP", "103.28.12.7"),
            ("Hash dokumen", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            ("Indeks log", "4127"),
        ],
    }
    values.update(changes)
    return PactDocument(**values)


def canvas_png(*, mode: str = "RGBA", ink: tuple[int, ...] = (0, 0, 0, 255)) -> bytes:
    """A drawn signature as a browser canvas exports it: ink on transparent pixels."""
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 80), (80, 20), (150, 70), (290, 30)], fill=ink, width=4)
    if mode != "RGBA":
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image).convert(mode)
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


def pages(pdf: bytes, *, strict: bool = False) -> list[Any]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=strict)
    return [kid.get_object() for kid in reader.root["/Pages"]["/Kids"]]


def page_text(pdf: bytes) -> tuple[list[bytes], bytes]:
    """Each page's decoded content, and the decoded forms it draws (the unchanging text)."""
    first, second = pages(pdf)
    forms = first["/Resources"]["/XObject"]
    static = b"".join(forms[name].data for name in ("/Head", "/Body", "/Foot"))
    return [first["/Contents"].data, second["/Contents"].data], static


def signature_image(pdf: bytes) -> Any:
    return pages(pdf)[0]["/Resources"]["/XObject"]["/Signature"]


def test_it_renders_two_a4_pages_that_a_strict_reader_accepts() -> None:
    pdf = pact_renderer().render(pact_document())

    reader = PdfFileReader(io.BytesIO(pdf), strict=True)
    assert reader.root["/Pages"]["/Count"] == 2
    for page in pages(pdf, strict=True):
        assert [round(float(value)) for value in page["/MediaBox"]] == [0, 0, 595, 842]
    assert pdf.startswith(b"%PDF-1.7") and pdf.endswith(b"%%EOF\n")


def test_it_writes_the_persons_name_nip_and_data_into_the_page() -> None:
    pdf = pact_renderer().render(pact_document(name="Budi Santoso"))

    (first, second), static = page_text(pdf)
    assert b"(Budi Santoso)" in first
    assert b"(198703142010012004)" in first
    assert b"(NIP. 198703142010012004)" in first
    assert b"(Kajen, 14 Februari 2029)" in first
    assert b"Menolak politik uang" in static
    assert b"(4127)" in second
    assert b"(Alamat IP)" in second


def test_the_qr_code_drawn_is_segnos_matrix_for_the_url() -> None:
    size, runs = qr_runs(URL)

    expected = segno.make(URL, error="m", mask=0, micro=False)
    drawn = [[0] * size for _ in range(size)]
    for row, column, length in runs:
        for offset in range(length):
            drawn[row][column + offset] = 1
    assert expected.mask == 0
    assert drawn == [list(row) for row in expected.matrix]
    (first, _), _ = page_text(pact_renderer().render(pact_document()))
    assert all(
        b"\n%d %d %d 1 re\n" % (column, row, length) in first for row, column, length in runs
    )


def test_the_qr_code_links_to_the_verification_page() -> None:
    pdf = pact_renderer().render(pact_document())

    (link,) = pages(pdf)[0]["/Annots"]
    assert link.get_object()["/A"]["/URI"] == URL


def test_it_wraps_paragraphs_within_the_width_and_cuts_words_longer_than_a_line() -> None:
    text = winansi(POINTS[0] + " " + "x" * 120)

    lines = wrap(text, font=REGULAR, size=BODY_SIZE, width=200)

    assert len(lines) > 5
    assert all(REGULAR.width(line, BODY_SIZE) <= 200 for line in lines)
    assert b" ".join(lines).replace(b"x ", b"x") == text


def test_typographic_quotes_and_dashes_use_their_winansi_codes() -> None:
    assert winansi("“Netral” \u2013 Nur’aini") == b"\x93Netral\x94 \x96 Nur\x92aini"


def test_letters_outside_winansi_lose_their_accents_or_become_question_marks() -> None:
    assert winansi("Ṣalāḥ  Dīn\n杨") == b"Salah Din ?"


def test_the_same_document_renders_the_same_bytes() -> None:
    renderer = pact_renderer()

    assert renderer.render(pact_document()) == renderer.render(pact_document())


def test_a_very_long_field_still_fits_the_pact_on_one_page() -> None:
    position = "Kepala Seksi Kurikulum dan Penilaian Pendidikan Sekolah Dasar " * 25

    pdf = pact_renderer().render(pact_document(position=position))

    reader = PdfFileReader(io.BytesIO(pdf))
    assert reader.root["/Pages"]["/Count"] == 2
    (first, _), _ = page_text(pdf)
    scale = re.match(rb"q (0\.\d+) 0 0 (0\.\d+) ", first)
    assert scale is not None and scale.group(1) == scale.group(2)


def test_a_canvas_signature_is_embedded_with_its_alpha_as_a_soft_mask() -> None:
    pdf = pact_renderer().render(pact_document(signature_png=canvas_png()))

    image = signature_image(pdf)
    assert (image["/Width"], image["/Height"]) == (300, 100)
    mask = image["/SMask"]
    assert mask["/ColorSpace"] == "/DeviceGray"
    assert max(mask.data) == 255 and min(mask.data) == 0
    (first, _), _ = page_text(pdf)
    assert b"/Signature Do" in first


def test_coloured_ink_keeps_its_colour() -> None:
    pdf = pact_renderer().render(pact_document(signature_png=canvas_png(ink=(20, 40, 200, 255))))

    image = signature_image(pdf)
    assert image["/ColorSpace"] == "/DeviceRGB"
    assert (20, 40, 200) in set(zip(*[iter(image.data)] * 3, strict=True))


@pytest.mark.parametrize("mode", ["L", "RGB", "P"])
def test_a_png_without_alpha_is_embedded_without_a_mask(mode: str) -> None:
    pdf = pact_renderer().render(pact_document(signature_png=canvas_png(mode=mode)))

    image = signature_image(pdf)
    assert (image["/Width"], image["/Height"]) == (300, 100)
    assert "/SMask" not in image
    assert {(0, 0, 0), (255, 255, 255)} <= set(zip(*[iter(image.data)] * 3, strict=True))


@pytest.mark.parametrize(
    "damage",
    [
        lambda png: b"GIF89a" + png[6:],  # not a PNG
        lambda png: png[:-30],  # truncated
        lambda png: png[:40] + bytes([png[40] ^ 0xFF]) + png[41:],  # checksum fails
    ],
)
def test_it_refuses_a_signature_it_cannot_embed(damage: object) -> None:
    png = damage(canvas_png(mode="L"))

    with pytest.raises(ValueError, match="signature"):
        pact_renderer().render(pact_document(signature_png=png))


def test_it_refuses_image_data_that_does_not_fill_the_image() -> None:
    png = canvas_png(mode="L")
    start = png.index(b"IDAT") - 4
    length = int.from_bytes(png[start : start + 4], "big")
    short = zlib.compress(zlib.decompress(png[start + 8 : start + 8 + length])[:-50])
    chunk = b"IDAT" + short
    forged = (
        png[:start]
        + len(short).to_bytes(4, "big")
        + chunk
        + zlib.crc32(chunk).to_bytes(4, "big")
        + png[start + 12 + length :]
    )

    with pytest.raises(ValueError, match="cannot be read"):
        pact_renderer().render(pact_document(signature_png=forged))


def test_a_renderer_refuses_a_document_of_another_pact_version() -> None:
    document = pact_document(points=[*POINTS, "Point added in a later version."])

    with pytest.raises(ValueError, match="another version"):
        pact_renderer().render(document)


def test_the_default_pact_follows_the_official_wording() -> None:
    from netral.pacts.defaults import default_pact_content

    content = default_pact_content(
        agency_name="Pemerintah Kabupaten X", election_name="Pemilu 2029"
    )
    points = content["points"]
    assert points[1].startswith("Menghindari konflik kepentingan, tidak melakukan")
    assert all(point.endswith(";") for point in points[:-1]) and points[-1].endswith(".")
    assert "pegawai ASN" not in " ".join(points) and "Pegawai ASN" in points[0]
    assert "apapun" not in points[-1] and "apa pun" in points[-1]
    assert "Kode Etik Pegawai Negeri Sipil" in content["legal_basis"][2]
