"""A local RFC 3161 time-stamping authority over HTTP, for tests and the sealing benchmark.

It answers a TimeStampReq with a real TimeStampResp signed by its own certificate (pyHanko's
DummyTimeStamper does the signing); `mode` makes it refuse (HTTP 500), answer a rejection
(PKIStatus rejection), or wait longer than the client does.
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
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

Mode = Literal["ok", "error", "rejection", "slow"]


def authority_certificate(name: str = "Netral Test TSA") -> tuple[bytes, bytes]:
    """A self-signed time-stamping certificate (DER) and its key (PKCS#8 DER)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return certificate.public_bytes(serialization.Encoding.DER), key_der


class LocalAuthority:
    def __init__(self, mode: Mode = "ok", *, delay: float = 3.0) -> None:
        self.mode: Mode = mode
        self.delay = delay
        self.requests = 0
        self.certificate_der, key_der = authority_certificate()
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(self.certificate_der),
            tsa_key=keys.PrivateKeyInfo.load(key_der),
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
