"""PAdES seals with the agency certificate (B-B, or B-T with a trusted timestamp), and their
independent check by pyHanko.

pyHanko out of the box re-parses the key and signs twice for every document (about 6 a second).
Sealer keeps the parsed key and a CMS SignedData prepared once, in which only the document
digest and the signature change, and appends the incremental update itself: a signature
dictionary, an invisible signature field on page 1, the catalog's AcroForm and an xref section.
It seals what PactRenderer writes (classic xref tables, plain dictionaries, no form) and refuses
anything else. verify_seal always uses pyHanko's validator.
"""

import dataclasses
import datetime
import hashlib
import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

FIELD_NAME = "Segel"
# An invisible, printable, locked widget: the seal has no appearance of its own.
WIDGET_FLAGS = 4 | 128
BYTE_RANGE_WIDTH = 48  # "[0 a b c]" padded with spaces, so offsets are known before it is filled
# Room for what a seal may grow by beyond the prepared CMS (an ECDSA signature's varying length).
CMS_SLACK = 32
# Room for a timestamp token (the authority's signature and its certificates): 8 KB holds a
# token with a chain of three RSA-4096 certificates.
TIMESTAMP_RESERVE = 8 * 1024
ID_AA_SIGNATURE_TIMESTAMP = "1.2.840.113549.1.9.16.2.14"  # id-aa-signatureTimeStampToken

# Given the SHA-256 of the seal's signature value, the DER of a timestamp token over it.
Timestamp = Callable[[bytes], bytes]


class SealKeyError(ValueError):
    """The PKCS#12 file cannot be opened (wrong password, damaged) or holds no usable key."""


class SealTooLarge(RuntimeError):
    """The seal with its timestamp token does not fit the space reserved in the file."""


@dataclass(frozen=True)
class SealCheck:
    intact: bool  # the signature's digest matches the signed bytes and the signature verifies
    covers_whole_file: bool  # nothing appended after signing
    signed_by_trusted: bool  # signer certificate == the agency's certificate (or chains to it)
    signer: str  # subject CN
    problem: str  # empty, or an English reason for the first failed check
    signer_certificate_sha256: str = ""  # the certificate that made the seal, whatever trusted
    # The seal's trusted time: the embedded timestamp's, None without one.
    timestamped_at: datetime.datetime | None = None
    timestamp_trusted: bool = False  # the timestamp verifies and its authority is trusted
    claimed_at: datetime.datetime | None = None  # the time the sealer wrote (/M): its word only


def _der(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def _der_set(elements: list[bytes]) -> bytes:
    # DER orders the members of a SET OF by their encodings.
    return _der(0x31, b"".join(sorted(elements)))


def _pdf_text(text: str) -> bytes:
    """A PDF text string: a literal when plain ASCII, else UTF-16 in hex."""
    if text.isascii() and text.isprintable():
        return b"(" + re.sub(rb"([\\()])", rb"\\\1", text.encode()) + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def _pdf_date(moment: datetime.datetime) -> bytes:
    return moment.astimezone(datetime.UTC).strftime("(D:%Y%m%d%H%M%S+00'00')").encode()


class Sealer:
    """Loads the PKCS#12 once and seals many PDFs."""

    def __init__(self, *, p12: bytes, password: bytes | None) -> None:
        try:
            key, certificate, chain = pkcs12.load_key_and_certificates(p12, password)
        except ValueError as error:
            raise SealKeyError(
                "The PKCS#12 file cannot be opened: wrong password or damaged file."
            ) from error
        if certificate is None or not isinstance(
            key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
        ):
            raise SealKeyError("The PKCS#12 file holds no RSA or ECDSA key with its certificate.")
        self._key = key
        self.certificate_der: bytes = certificate.public_bytes(Encoding.DER)
        self._chain_der = [extra.public_bytes(Encoding.DER) for extra in chain]
        self._prepare_cms()

    @property
    def chain_der(self) -> list[bytes]:
        """The sealing certificate, then the rest of its chain from the PKCS#12."""
        return [self.certificate_der, *self._chain_der]

    def _prepare_cms(self) -> None:
        """Everything in the CMS SignedData that does not depend on the document."""
        signer = asn1_x509.Certificate.load(self.certificate_der)
        digest_algorithm = algos.DigestAlgorithm({"algorithm": "sha256"}).dump()
        if isinstance(self._key, rsa.RSAPrivateKey):
            signature_algorithm = algos.SignedDigestAlgorithm(
                {"algorithm": "sha256_rsa", "parameters": core.Null()}
            ).dump()
            self._signature_size = self._key.key_size // 8
        else:
            signature_algorithm = algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}).dump()
            # An Ecdsa-Sig-Value: two integers of up to the curve size plus a sign byte each.
            self._signature_size = 2 * (self._key.curve.key_size // 8 + 3) + 3
        # PAdES B-B: content type, message digest and the signing certificate, but no signing
        # time among the signed attributes; the time goes in the signature dictionary's /M.
        self._digest_placeholder = os.urandom(32)
        attributes = [
            cms.CMSAttribute({"type": "content_type", "values": ["data"]}).dump(),
            cms.CMSAttribute(
                {"type": "message_digest", "values": [self._digest_placeholder]}
            ).dump(),
            cms.CMSAttribute(
                {
                    "type": "signing_certificate_v2",
                    "values": [
                        tsp.SigningCertificateV2(
                            {
                                "certs": [
                                    {
                                        # SHA-256 is ESSCertIDv2's default algorithm: omitted.
                                        "cert_hash": hashlib.sha256(self.certificate_der).digest(),
                                        "issuer_serial": {
                                            "issuer": [
                                                asn1_x509.GeneralName(
                                                    name="directory_name", value=signer.issuer
                                                )
                                            ],
                                            "serial_number": signer.serial_number,
                                        },
                                    }
                                ]
                            }
                        )
                    ],
                }
            ).dump(),
        ]
        self._signed_attributes = _der_set(attributes)
        self._digest_at = self._signed_attributes.index(self._digest_placeholder)
        issuer_and_serial = cms.IssuerAndSerialNumber(
            {"issuer": signer.issuer, "serial_number": signer.serial_number}
        ).dump()
        self._signer_info_head = _der(0x02, b"\x01") + issuer_and_serial + digest_algorithm
        self._signature_algorithm = signature_algorithm
        certificates = _der(0xA0, b"".join(sorted([self.certificate_der, *self._chain_der])))
        self._signed_data_head = (
            _der(0x02, b"\x01")
            + _der_set([digest_algorithm])
            + _der(0x30, core.ObjectIdentifier("1.2.840.113549.1.7.1").dump())  # id-data
            + certificates
        )
        self._content_type = core.ObjectIdentifier("1.2.840.113549.1.7.2").dump()  # signedData
        largest = self._cms(hashlib.sha256().digest(), b"\xff" * self._signature_size)
        self._reserved = len(largest) + CMS_SLACK

    def _cms(
        self, digest: bytes, signature: bytes | None = None, timestamp: Timestamp | None = None
    ) -> bytes:
        """The ContentInfo holding the SignedData for one document digest, with a timestamp
        token over its signature as an unsigned attribute when `timestamp` is given."""
        attributes = bytearray(self._signed_attributes)
        attributes[self._digest_at : self._digest_at + 32] = digest
        if signature is None:
            signature = self._sign(bytes(attributes))
        unsigned = b""
        if timestamp is not None:
            token = timestamp(hashlib.sha256(signature).digest())
            attribute = _der(
                0x30,
                core.ObjectIdentifier(ID_AA_SIGNATURE_TIMESTAMP).dump() + _der_set([token]),
            )
            unsigned = _der(0xA1, attribute)  # unsignedAttrs [1] IMPLICIT SET OF Attribute
        # Signed as a SET, embedded as [0] IMPLICIT: only the tag differs.
        attributes[0] = 0xA0
        signer_info = _der(
            0x30,
            self._signer_info_head
            + attributes
            + self._signature_algorithm
            + _der(0x04, signature)
            + unsigned,
        )
        signed_data = _der(0x30, self._signed_data_head + _der(0x31, signer_info))
        return _der(0x30, self._content_type + _der(0xA0, signed_data))

    def _sign(self, data: bytes) -> bytes:
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return self._key.sign(data, ec.ECDSA(hashes.SHA256()))

    def seal(
        self,
        pdf: bytes,
        *,
        reason: str = "Pakta Integritas Netralitas",
        location: str = "",
        timestamp: Timestamp | None = None,
    ) -> bytes:
        """PAdES B-B over the whole file, as an incremental update with an invisible field;
        B-T when `timestamp` gives a token over the signature (its errors pass through)."""
        structure = _SimplePdf.read(pdf)
        if structure is None:
            raise ValueError(
                "The file is not a PDF this sealer can update: it needs classic xref tables, "
                "plain dictionaries and no form."
            )
        return self._seal_simple(
            pdf, structure, reason=reason, location=location, timestamp=timestamp
        )

    def _seal_simple(
        self,
        pdf: bytes,
        structure: "_SimplePdf",
        *,
        reason: str,
        location: str,
        timestamp: Timestamp | None,
    ) -> bytes:
        reserved = self._reserved + (TIMESTAMP_RESERVE if timestamp is not None else 0)
        signature_number, field_number = structure.size, structure.size + 1
        # /ByteRange and /Contents come last, at offsets known before their values are.
        dictionary_head = (
            b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
            b"/M %s /Reason %s /Location %s /ByteRange "
            % (
                _pdf_date(datetime.datetime.now(datetime.UTC)),
                _pdf_text(reason),
                _pdf_text(location),
            )
        )
        contents_offset = len(dictionary_head) + BYTE_RANGE_WIDTH + len(b" /Contents ")
        signature_dictionary = (
            dictionary_head
            + b" " * BYTE_RANGE_WIDTH
            + b" /Contents <"
            + b"0" * (2 * reserved)
            + b"> >>"
        )
        field_dictionary = (
            b"<< /Type /Annot /Subtype /Widget /FT /Sig /T %s /V %d 0 R /F %d "
            b"/Rect [0 0 0 0] /P %d 0 R >>"
            % (_pdf_text(FIELD_NAME), signature_number, WIDGET_FLAGS, structure.page_number)
        )
        catalog = structure.catalog_body + (
            b" /AcroForm << /Fields [%d 0 R] /SigFlags 3 >>" % field_number
        )
        page = structure.page_with_annotation(field_number)
        update = io.BytesIO()
        update.write(pdf)
        if not pdf.endswith(b"\n"):
            update.write(b"\n")
        offsets: dict[int, int] = {}
        for number, body in (
            (structure.root_number, b"<<" + catalog + b">>"),
            (structure.page_number, b"<<" + page + b">>"),
            (signature_number, signature_dictionary),
            (field_number, field_dictionary),
        ):
            offsets[number] = update.tell()
            update.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        xref_at = update.tell()
        update.write(b"xref\n")
        for number in sorted(offsets):
            update.write(b"%d 1\n%010d 00000 n \n" % (number, offsets[number]))
        info = b" /Info %d %d R" % structure.info if structure.info else b""
        new_identifier = os.urandom(16).hex().encode()
        update.write(
            b"trailer\n<< /Size %d /Root %d 0 R%s /ID [<%s> <%s>] /Prev %d >>\n"
            b"startxref\n%d\n%%%%EOF\n"
            % (
                field_number + 1,
                structure.root_number,
                info,
                structure.first_identifier,
                new_identifier,
                structure.xref_at,
                xref_at,
            )
        )
        sealed = bytearray(update.getvalue())
        # The signed bytes are everything but the /Contents hex string, its delimiters included.
        dictionary_at = offsets[signature_number] + len(b"%d 0 obj\n" % signature_number)
        contents_start = dictionary_at + contents_offset
        contents_end = contents_start + 2 * reserved + 2
        byte_range = b"[0 %d %d %d]" % (contents_start, contents_end, len(sealed) - contents_end)
        range_at = dictionary_at + len(dictionary_head)
        sealed[range_at : range_at + BYTE_RANGE_WIDTH] = byte_range.ljust(BYTE_RANGE_WIDTH)
        view = memoryview(sealed)
        digest = hashlib.sha256(view[:contents_start])
        digest.update(view[contents_end:])
        view.release()
        cms_der = self._cms(digest.digest(), timestamp=timestamp)
        if len(cms_der) > reserved:
            # Only a timestamp token can outgrow the reserve: the rest is the largest size.
            raise SealTooLarge("The timestamp token is larger than the space reserved for it.")
        sealed[contents_start + 1 : contents_start + 1 + 2 * len(cms_der)] = cms_der.hex().encode()
        return bytes(sealed)


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SUBSECTION = re.compile(rb"\s*(\d+) (\d+)[ \t]*\r?\n")
_TRAILER = re.compile(rb"\s*trailer\s*<<(.*?)>>\s*startxref", re.DOTALL)
_OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+obj\s*<<")
_TOKEN = re.compile(rb"<<|>>|\[|\]|/[^\s/<>\[\]()%{}]*|[^\s/<>\[\]()%{}]+")
_REFERENCE = re.compile(rb"(\d+) (\d+) R")


@dataclass(frozen=True)
class _SimplePdf:
    """What the hand-written update needs from a PDF with classic xref tables and plain dicts."""

    xref_at: int
    size: int
    root_number: int
    info: tuple[int, int] | None
    first_identifier: bytes
    catalog_body: bytes
    page_number: int
    page_body: bytes

    @classmethod
    def read(cls, pdf: bytes) -> "_SimplePdf | None":
        """The structure, or None when the PDF is not one the hand-written update can extend."""
        found = _STARTXREF.search(pdf, max(0, len(pdf) - 1024))
        if found is None:
            return None
        xref_at = int(found.group(1))
        offsets: dict[int, tuple[int, int] | None] = {}
        trailers: list[bytes] = []
        section: int | None = xref_at
        while section is not None and len(trailers) < 64:
            trailer = _read_xref(pdf, section, offsets)
            if trailer is None or b"/Encrypt" in trailer or b"/XRefStm" in trailer:
                return None
            trailers.append(trailer)
            previous = re.search(rb"/Prev\s+(\d+)", trailer)
            section = int(previous.group(1)) if previous else None
        newest = trailers[0]
        size = re.search(rb"/Size\s+(\d+)", newest)
        root = re.search(rb"/Root\s+(\d+) 0 R", newest)
        if size is None or root is None:
            return None
        info = re.search(rb"/Info\s+(\d+) (\d+) R", newest)
        identifier = re.search(rb"/ID\s*\[\s*<([0-9A-Fa-f]*)>", newest)
        root_number = int(root.group(1))
        catalog = _plain_dictionary(pdf, offsets, root_number)
        if catalog is None:
            return None
        catalog_entries = _entries(catalog)
        if catalog_entries is None or b"/AcroForm" in catalog_entries:
            return None
        page = _first_page(pdf, offsets, _reference(catalog, catalog_entries.get(b"/Pages")))
        if page is None:
            return None
        return cls(
            xref_at=xref_at,
            size=int(size.group(1)),
            root_number=root_number,
            info=(int(info.group(1)), int(info.group(2))) if info else None,
            # Without an identifier the update starts one: both halves new.
            first_identifier=identifier.group(1) if identifier else os.urandom(16).hex().encode(),
            catalog_body=catalog,
            page_number=page[0],
            page_body=page[1],
        )

    def page_with_annotation(self, number: int) -> bytes:
        entries = _entries(self.page_body) or {}
        annotations = entries.get(b"/Annots")
        if annotations is None:
            return self.page_body + b" /Annots [%d 0 R]" % number
        end = annotations[1]
        # _first_page accepted only an inline array: insert before its closing bracket.
        return self.page_body[: end - 1] + b" %d 0 R" % number + self.page_body[end - 1 :]


def _read_xref(pdf: bytes, at: int, offsets: dict[int, tuple[int, int] | None]) -> bytes | None:
    """Read one classic xref section into offsets (newer sections first); return its trailer."""
    if pdf[at : at + 4] != b"xref":
        return None
    position = at + 4
    try:
        while subsection := _SUBSECTION.match(pdf, position):
            first, count = int(subsection.group(1)), int(subsection.group(2))
            position = subsection.end()
            for index in range(count):
                entry = pdf[position : position + 20]
                if len(entry) != 20:
                    return None
                kind = entry[17:18]
                if kind == b"n":
                    offsets.setdefault(first + index, (int(entry[:10]), int(entry[11:16])))
                elif kind == b"f":
                    offsets.setdefault(first + index, None)
                else:
                    return None
                position += 20
    except ValueError:
        return None
    trailer = _TRAILER.match(pdf, position)
    return trailer.group(1) if trailer else None


def _plain_dictionary(
    pdf: bytes, offsets: dict[int, tuple[int, int] | None], number: int
) -> bytes | None:
    """The inside of object number's dictionary, if it holds no strings, streams or comments.

    Those are what could hide a ">>" or a key; without them, appending keys as text is safe.
    """
    location = offsets.get(number)
    if location is None or location[1] != 0:
        return None
    found = _OBJECT.match(pdf, location[0])
    if found is None or int(found.group(1)) != number or found.group(2) != b"0":
        return None
    end = pdf.find(b"endobj", found.end())
    text = pdf[found.end() : end].rstrip() if end > 0 else b""
    if not text.endswith(b">>"):
        return None
    body = text[:-2]
    bare = body.replace(b"<<", b"").replace(b">>", b"")
    if re.search(rb"[()<>%\\]|stream", bare):
        return None
    return body


def _entries(body: bytes) -> dict[bytes, tuple[int, int]] | None:
    """The top-level keys of a plain dictionary and where each value lies in it."""
    tokens = [(match.group(), match.start(), match.end()) for match in _TOKEN.finditer(body)]
    entries: dict[bytes, tuple[int, int]] = {}
    index = 0
    while index < len(tokens):
        key = tokens[index][0]
        index += 1
        if not key.startswith(b"/") or index >= len(tokens):
            return None
        value, start = tokens[index][0], tokens[index][1]
        if value in (b"<<", b"["):
            depth = 0
            while index < len(tokens):
                token = tokens[index][0]
                depth += 1 if token in (b"<<", b"[") else -1 if token in (b">>", b"]") else 0
                index += 1
                if depth == 0:
                    break
            if depth:
                return None
        elif index + 2 < len(tokens) and tokens[index + 2][0] == b"R":
            index += 3
        else:
            index += 1
        entries[key] = (start, tokens[index - 1][2])
    return entries


def _reference(body: bytes, span: tuple[int, int] | None) -> int | None:
    if span is None:
        return None
    found = _REFERENCE.fullmatch(body[span[0] : span[1]])
    return int(found.group(1)) if found and found.group(2) == b"0" else None


def _first_page(
    pdf: bytes, offsets: dict[int, tuple[int, int] | None], number: int | None
) -> tuple[int, bytes] | None:
    """Walk the page tree down its first kids to page 1: its number and plain dictionary."""
    for _ in range(32):
        if number is None:
            return None
        body = _plain_dictionary(pdf, offsets, number)
        entries = _entries(body) if body is not None else None
        if body is None or entries is None or b"/Type" not in entries:
            return None
        start, end = entries[b"/Type"]
        kind = body[start:end]
        if kind == b"/Page":
            annotations = entries.get(b"/Annots")
            if annotations and not body[annotations[0] : annotations[1]].startswith(b"["):
                return None
            return number, body
        kids = entries.get(b"/Kids")
        if kind != b"/Pages" or kids is None:
            return None
        first = _REFERENCE.search(body, kids[0], kids[1])
        number = int(first.group(1)) if first and first.group(2) == b"0" else None
    return None


def verify_seal(
    pdf: bytes,
    *,
    trusted_certificate_der: bytes | None = None,
    trusted_certificates_der: Sequence[bytes] = (),
    timestamp_roots_der: Sequence[bytes] = (),
) -> SealCheck:
    """Check the file's last seal with pyHanko's validator, trusting only the given certificates
    (the agency's current one and those it sealed with before), and its timestamp, if any,
    against the given authorities' certificates."""
    trusted = [*trusted_certificates_der]
    if trusted_certificate_der is not None:
        trusted.append(trusted_certificate_der)
    check = _validate(pdf, trusted, timestamp_roots_der)
    end = pdf.rfind(b"%%EOF")
    if check is None and end > 0:
        # Junk after the last %%EOF can hide the trailer from the reader: check what precedes it.
        cut = end + 5
        while pdf[cut : cut + 1] in (b"\r", b"\n"):
            cut += 1
        earlier = _validate(pdf[:cut], trusted, timestamp_roots_der) if cut < len(pdf) else None
        if earlier is not None:
            problem = earlier.problem if not earlier.intact else _ADDED
            return dataclasses.replace(earlier, covers_whole_file=False, problem=problem)
    if check is None:
        return SealCheck(False, False, False, "", "The file cannot be read as a PDF.")
    return check


_ADDED = "Content was added to the file after it was sealed."


def _validate(
    pdf: bytes, trusted_der: Sequence[bytes], timestamp_roots_der: Sequence[bytes]
) -> SealCheck | None:
    """The check of the last seal, or None if the file cannot be read at all."""
    # pyHanko takes a while to import; only verification needs it.
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError):
        return None
    if not signatures:
        return SealCheck(False, False, False, "", "The file carries no seal.")
    embedded = signatures[-1]
    roots = [asn1_x509.Certificate.load(der) for der in trusted_der]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    authorities = [asn1_x509.Certificate.load(der) for der in timestamp_roots_der]
    # An authority nobody trusts here still has its token checked: it is then reported untrusted.
    timestamp_context = ValidationContext(trust_roots=authorities, allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded, context, timestamp_context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:
        return SealCheck(False, False, False, "", f"The seal cannot be checked ({error}).")
    signer_certificate = embedded.signer_cert
    signer = signer_certificate.subject.native.get("common_name", "")
    intact = bool(status.intact and status.valid)
    # Validation data added after the seal (a DSS, PAdES B-LT) changes no content.
    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level == ModificationLevel.LTA_UPDATES
    )
    trusted_signer = bool(status.trusted)
    stamp = status.timestamp_validity
    if not status.intact:
        problem = "The document was changed after it was sealed."
    elif not status.valid:
        problem = "The seal's signature does not verify."
    elif not covers:
        problem = _ADDED
    elif not trusted_signer:
        problem = "The seal was not made with the agency's certificate."
    elif stamp is not None and not (stamp.intact and stamp.valid):
        problem = "The seal's timestamp does not verify."
    else:
        problem = ""
    return SealCheck(
        intact,
        covers,
        trusted_signer,
        str(signer),
        problem,
        signer_certificate_sha256=hashlib.sha256(signer_certificate.dump()).hexdigest(),
        timestamped_at=stamp.timestamp if stamp is not None else None,
        timestamp_trusted=bool(
            stamp is not None and stamp.intact and stamp.valid and stamp.trusted
        ),
        claimed_at=status.signer_reported_dt,
    )


@dataclass(frozen=True)
class TokenCheck:
    verifies: bool  # its signature verifies and it timestamps the given digest
    trusted: bool  # and its authority is one trusted here
    moment: datetime.datetime | None


def verify_timestamp_token(
    token_der: bytes, *, digest: bytes, timestamp_roots_der: Sequence[bytes]
) -> TokenCheck:
    """Check a detached timestamp token (one obtained after sealing) over a file's SHA-256."""
    import asyncio

    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko.sign.validation.status import TimestampSignatureStatus
    from pyhanko_certvalidator import ValidationContext

    authorities = [asn1_x509.Certificate.load(der) for der in timestamp_roots_der]
    context = ValidationContext(trust_roots=authorities, allow_fetching=False)
    try:
        signed_data = cms.ContentInfo.load(token_der)["content"]
        found = asyncio.run(validate_tst_signed_data(signed_data, context, lambda _: digest))
        status = TimestampSignatureStatus(**found)
    except (SignatureValidationError, ValueError, KeyError, TypeError):
        return TokenCheck(False, False, None)
    verifies = bool(status.intact and status.valid)
    return TokenCheck(verifies, verifies and bool(status.trusted), status.timestamp)


@dataclass(frozen=True)
class SealFound:
    """What a sealed file says of its last seal, without judging it."""

    certificate_der: bytes
    claimed_at: datetime.datetime | None  # the sealer's /M


def seal_found(pdf: bytes) -> SealFound | None:
    """The certificate (and time) of the file's last seal, or None if it carries none."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return None
        embedded = signatures[-1]
        return SealFound(embedded.signer_cert.dump(), embedded.self_reported_timestamp)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError):
        return None


def validation_add(
    pdf: bytes, *, certificates_der: Sequence[bytes], crls_der: Sequence[bytes]
) -> bytes:
    """The sealed file with the validation data in its document security store (a DSS, PAdES
    B-LT), as an incremental update after the seal: the seal still covers what it covered."""
    from asn1crypto import crl
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    stream = io.BytesIO(pdf)
    DocumentSecurityStore.add_dss(
        stream,
        None,
        certs=[asn1_x509.Certificate.load(der) for der in certificates_der],
        crls=[crl.CertificateList.load(der) for der in crls_der],
        force_write=True,
    )
    return stream.getvalue()


def seal_chain(pdf: bytes) -> list[bytes]:
    """The certificates the file's last seal carries: the signer's first, then the rest of its
    chain and those of its timestamp token, if any."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return []
        embedded = signatures[-1]
        found = [embedded.signer_cert.dump()]
        for choice in embedded.signed_data["certificates"] or []:
            found.append(choice.chosen.dump())
        for attribute in embedded.signer_info["unsigned_attrs"] or []:
            if attribute["type"].dotted == ID_AA_SIGNATURE_TIMESTAMP:
                for token in attribute["values"]:
                    for choice in token["content"]["certificates"] or []:
                        found.append(choice.chosen.dump())
    except (PdfError, ValueError, KeyError, TypeError, AttributeError):
        return []
    return list(dict.fromkeys(found))
