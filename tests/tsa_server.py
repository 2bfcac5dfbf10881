"""A local RFC 3161 time-stamping authority over HTTP, for tests and the sealing benchmark, and
a local certificate authority that publishes its CRL over HTTP.

The time-stamping authority answers a TimeStampReq with a real TimeStampResp signed by its own
certificate (pyHanko's DummyTimeStamper does the signing); `mode` makes it refuse (HTTP 500),
answer a rejection (PKIStatus rejection), or wait longer than the client does. Given a LocalCA,
its certificate is that CA's, with the CA's CRL distribution point in it.

The LocalCA issues the agency's sealing certificate (as a PKCS#12 with its chain) and the
authority's; GET on its CRL address answers a CRL signed now, listing what `revoke` revoked;
`mode` "down" answers HTTP 503, "slow" waits longer than the client does.
"""

from __future__ import annotations

import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

Mode = Literal["ok", "error", "rejection", "slow"]


def authority_certificate(
    name: str = "Netral Test TSA", ca: LocalCA | None = None
) -> tuple[bytes, bytes]:
    """A time-stamping certificate (DER), self-signed or the CA's, and its key (PKCS#8 DER)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    )
    if ca is None:
        certificate = builder.issuer_name(subject).sign(key, hashes.SHA256())
    else:
        certificate = ca.sign(builder, key.public_key())
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.DER), key_der


class LocalAuthority:
    def __init__(self, mode: Mode = "ok", *, delay: float = 3.0, ca: LocalCA | None = None) -> None:
        self.mode: Mode = mode
        self.delay = delay
        self.requests = 0
        self.certificate_der, key_der = authority_certificate(ca=ca)
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(self.certificate_der),
            tsa_key=keys.PrivateKeyInfo.load(key_der),
            certs_to_embed=[asn1_x509.Certificate.load(ca.certificate_der)] if ca else None,
        )
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                authority.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if authority.mode == "slow":
                    time.sleep(authority.delay)
                if authority.mode == "error" or self.headers.get("Content-Type") != (
                    "application/timestamp-query"
                ):
                    self._send(500, b"internal error", "text/plain")
                    return
                if authority.mode == "rejection":
                    # TimeStampResp { PKIStatusInfo { status rejection (2) } }, no token.
                    answer = bytes.fromhex("3005300302 0102".replace(" ", ""))
                else:
                    answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self._send(200, answer, "application/timestamp-reply")

            def _send(self, status: int, content: bytes, kind: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalAuthority:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def certificate_pem(self) -> bytes:
        return x509.load_der_x509_certificate(self.certificate_der).public_bytes(
            serialization.Encoding.PEM
        )


CAMode = Literal["ok", "down", "slow"]


class LocalCA:
    """A certificate authority with its CRL at `crl_url`, served by a local HTTP server."""

    def __init__(self, name: str = "Netral Test CA", *, delay: float = 3.0) -> None:
        self.mode: CAMode = "ok"
        self.delay = delay
        self.requests = 0
        self.revoked: dict[int, datetime.datetime] = {}
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=2)
        public_key = self.key.public_key()
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        self.certificate_der = self.certificate.public_bytes(serialization.Encoding.DER)
        ca = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                ca.requests += 1
                if ca.mode == "slow":
                    time.sleep(ca.delay)
                if ca.mode == "down" or self.path != "/ca.crl":
                    self._send(503, b"unavailable", "text/plain")
                    return
                self._send(200, ca.crl_der(), "application/pkix-crl")

            def _send(self, status: int, content: bytes, kind: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.crl_url = f"http://127.0.0.1:{self.server.server_address[1]}/ca.crl"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalCA:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sign(self, builder: x509.CertificateBuilder, public_key: Any) -> x509.Certificate:
        """The builder's certificate, issued by this CA with its CRL distribution point."""
        return (
            builder.issuer_name(self.name)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(self.crl_url)],
                            relative_name=None,
                            reasons=None,
                            crl_issuer=None,
                        )
                    ]
                ),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )

    def seal_p12(self, *, agency_name: str, password: bytes) -> bytes:
        """An agency's sealing key and certificate issued by this CA, with the CA in the chain."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
        builder = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency_name),
                        x509.NameAttribute(NameOID.COMMON_NAME, agency_name),
                    ]
                )
            )
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
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
        )
        certificate = self.sign(builder, key.public_key())
        encryption = (
            serialization.BestAvailableEncryption(password)
            if password
            else serialization.NoEncryption()
        )
        return pkcs12.serialize_key_and_certificates(
            agency_name.encode(), key, certificate, [self.certificate], encryption
        )

    def revoke(self, certificate_der: bytes) -> None:
        serial = x509.load_der_x509_certificate(certificate_der).serial_number
        self.revoked[serial] = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)

    def crl_der(self) -> bytes:
        now = datetime.datetime.now(datetime.UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.name)
            .last_update(now - datetime.timedelta(minutes=1))
            .next_update(now + datetime.timedelta(days=1))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        for serial, moment in self.revoked.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(moment)
                .build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
