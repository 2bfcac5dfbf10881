"""The PAdES seal: every seal checked by pyHanko's validator, and every kind of tampering caught."""

import datetime
import io
import re

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from reportlab.pdfgen.canvas import Canvas

from netral.pacts.certificates import demo_certificate_p12
from netral.pacts.seal import SealCheck, Sealer, SealKeyError, verify_seal
from tests.pacts.test_pdf import canvas_png, pact_document, pact_renderer

AGENCY = "Pemerintah Kabupaten Pekalongan"
PASSWORD = b"rahasia"


@pytest.fixture(scope="module")
def agency_p12() -> bytes:
    return demo_certificate_p12(agency_name=AGENCY, password=PASSWORD)


@pytest.fixture(scope="module")
def sealer(agency_p12: bytes) -> Sealer:
    return Sealer(p12=agency_p12, password=PASSWORD)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return pact_renderer().render(pact_document(signature_png=canvas_png()))


def check(sealed: bytes, sealer: Sealer) -> SealCheck:
    return verify_seal(sealed, trusted_certificate_der=sealer.certificate_der)


def test_a_sealed_pact_verifies(sealer: Sealer, pdf: bytes) -> None:
    result = check(sealer.seal(pdf, location="Kajen"), sealer)

    assert result.intact and result.covers_whole_file and result.signed_by_trusted
    assert result.signer == AGENCY
    assert result.problem == ""


def test_the_seal_is_pades_over_the_whole_file_in_an_invisible_field(
    sealer: Sealer, pdf: bytes
) -> None:
    sealed = sealer.seal(pdf, reason="Pakta Integritas Netralitas", location="Kajen")

    assert sealed.startswith(pdf)  # an incremental update: the rendered bytes are untouched
    byte_range = re.search(rb"/ByteRange \[0 (\d+) (\d+) (\d+)\]", sealed)
    assert byte_range is not None
    _, start, length = (int(value) for value in byte_range.groups())
    assert start + length == len(sealed)
    (embedded,) = PdfFileReader(io.BytesIO(sealed), strict=True).embedded_signatures
    assert embedded.field_name == "Segel"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.sig_object["/Reason"] == "Pakta Integritas Netralitas"
    assert embedded.self_reported_timestamp is not None  # /M, as PAdES B-B wants
    widget = embedded.sig_field
    assert [float(value) for value in widget["/Rect"]] == [0, 0, 0, 0]
    attributes = [attribute["type"].native for attribute in embedded.signer_info["signed_attrs"]]
    assert sorted(attributes) == ["content_type", "message_digest", "signing_certificate_v2"]


def test_every_seal_verifies_whatever_the_signature_length(pdf: bytes) -> None:
    # ECDSA signatures vary in length (70 to 72 bytes): each must still make a valid DER CMS.
    sealer = Sealer(
        p12=demo_certificate_p12(agency_name=AGENCY, password=b"", key_type="ec"), password=None
    )
    lengths = set()
    for _ in range(12):
        sealed = sealer.seal(pdf)
        result = check(sealed, sealer)
        assert result.intact and result.covers_whole_file and result.signed_by_trusted, result
        (embedded,) = PdfFileReader(io.BytesIO(sealed)).embedded_signatures
        lengths.add(len(embedded.signer_info["signature"].native))
    assert len(lengths) > 1


def test_the_cms_matches_what_pyhanko_itself_would_embed(sealer: Sealer, pdf: bytes) -> None:
    sealed = sealer.seal(pdf)

    (embedded,) = PdfFileReader(io.BytesIO(sealed)).embedded_signatures
    content = cms.ContentInfo.load(bytes(embedded.sig_object["/Contents"]))
    assert content["content_type"].native == "signed_data"
    signed_data = content["content"]
    assert signed_data["encap_content_info"]["content"].native is None  # detached
    (certificate,) = signed_data["certificates"]
    assert certificate.chosen.dump() == sealer.certificate_der


def test_changing_one_byte_inside_the_signed_range_breaks_the_seal(
    sealer: Sealer, pdf: bytes
) -> None:
    sealed = bytearray(sealer.seal(pdf))
    name_at = sealed.index(b"/Title <feff")  # the document info, well inside the first range
    sealed[name_at + 20] ^= 0x01

    result = check(bytes(sealed), sealer)

    assert not result.intact
    assert result.problem == "The document was changed after it was sealed."


def test_changing_the_page_content_breaks_the_seal(sealer: Sealer, pdf: bytes) -> None:
    sealed = bytearray(sealer.seal(pdf))
    stream_at = sealed.index(b"stream\n", sealed.index(b"\n11 0 obj\n")) + len(b"stream\n")
    sealed[stream_at + 10] ^= 0x01

    result = check(bytes(sealed), sealer)

    assert not result.intact and result.problem


@pytest.mark.parametrize("junk", [b"\n% appended\n", b"x" * 5000])
def test_bytes_appended_after_the_seal_are_caught(sealer: Sealer, pdf: bytes, junk: bytes) -> None:
    result = check(sealer.seal(pdf) + junk, sealer)

    assert result.intact and not result.covers_whole_file
    assert result.problem == "Content was added to the file after it was sealed."


def test_an_update_appended_after_the_seal_is_caught(sealer: Sealer, pdf: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(sealer.seal(pdf)))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)

    result = check(output.getvalue(), sealer)

    assert result.intact and not result.covers_whole_file and result.problem


def test_a_seal_by_another_certificate_is_not_trusted(sealer: Sealer, pdf: bytes) -> None:
    impostor = Sealer(p12=demo_certificate_p12(agency_name=AGENCY, password=b""), password=None)

    result = check(impostor.seal(pdf), sealer)

    assert result.intact and result.covers_whole_file
    assert not result.signed_by_trusted
    assert result.signer == AGENCY  # the same name, another key
    assert result.problem == "The seal was not made with the agency's certificate."


def test_a_wrong_pkcs12_password_is_a_clear_error(agency_p12: bytes) -> None:
    with pytest.raises(SealKeyError, match="wrong password"):
        Sealer(p12=agency_p12, password=b"salah")


def test_it_refuses_to_seal_a_pdf_with_a_form_already(sealer: Sealer, pdf: bytes) -> None:
    with pytest.raises(ValueError, match="no form"):
        sealer.seal(sealer.seal(pdf))


def test_a_pdf_from_another_writer_is_sealed_too(sealer: Sealer) -> None:
    output = io.BytesIO()
    canvas = Canvas(output)
    canvas.drawString(72, 720, "Surat pernyataan")
    canvas.showPage()
    canvas.save()

    result = check(sealer.seal(output.getvalue()), sealer)

    assert result.intact and result.covers_whole_file and result.signed_by_trusted


def test_it_refuses_to_seal_what_is_not_a_pdf(sealer: Sealer) -> None:
    with pytest.raises(ValueError, match="not a PDF"):
        sealer.seal(b"hello")


def test_an_unsealed_or_unreadable_file_says_why(sealer: Sealer, pdf: bytes) -> None:
    assert check(pdf, sealer).problem == "The file carries no seal."
    assert check(b"hello", sealer).problem == "The file cannot be read as a PDF."


def test_the_demo_certificate_is_for_signing_documents_for_five_years(agency_p12: bytes) -> None:
    key, certificate, _ = pkcs12.load_key_and_certificates(agency_p12, PASSWORD)

    assert certificate is not None and key is not None
    assert key.key_size == 2048
    subject = {attribute.oid._name: attribute.value for attribute in certificate.subject}
    assert subject == {"commonName": AGENCY, "organizationName": AGENCY, "countryName": "ID"}
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert datetime.timedelta(days=5 * 365) <= lifetime <= datetime.timedelta(days=5 * 366)
