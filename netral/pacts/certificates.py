"""The demo agency certificate: a self-signed document-signing certificate as PKCS#12 bytes."""

import datetime
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    KeySerializationEncryption,
    NoEncryption,
    pkcs12,
)
from cryptography.x509.oid import NameOID

VALIDITY = datetime.timedelta(days=5 * 365 + 1)


def demo_certificate_p12(
    *, agency_name: str, password: bytes, key_type: Literal["rsa", "ec"] = "rsa"
) -> bytes:
    """RSA-2048 by default, as BSrE-like setups use; "ec" gives ECDSA P-256."""
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if key_type == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency_name),
            x509.NameAttribute(NameOID.COMMON_NAME, agency_name),
        ]
    )
    # Backdated a little so a clock a few minutes behind still accepts a fresh seal.
    not_before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation, which pyHanko's validator requires
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        # No extended key usage: poppler (NSS) rejects id-kp-documentSigning as unknown.
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption: KeySerializationEncryption = (
        BestAvailableEncryption(password) if password else NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        agency_name.encode(), key, certificate, None, encryption
    )
