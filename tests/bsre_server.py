"""A stand-in for the BSrE (BSSN) signing service on 127.0.0.1, answering as its API does:
GET /api/user/status/<nik> and POST /api/sign/pdf (multipart: nik, passphrase, file), behind
HTTP basic authentication. It signs with a real certificate through pyHanko, records every
request as it arrived, and can be told to fail (`mode`)."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from netral.pacts.certificates import demo_certificate_p12

USERNAME = "netral-esign"
PASSWORD = "rahasia-layanan"

Mode = Literal["ok", "slow", "unsigned", "other_document", "server_error"]


@dataclass
class Official:
    passphrase: str
    status_code: int = 1111
    message: str = "Sertifikat AKTIF"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)
    file: bytes = b""


class StandIn:
    def __init__(self, officials: dict[str, Official], *, delay: float = 2.0) -> None:
        self.officials = officials
        self.mode: Mode = "ok"
        self.delay = delay
        self.seen: list[Seen] = []
        p12 = demo_certificate_p12(agency_name="Drs. H. Fadia Arafiq, M.M.", password=b"k")
        self.signer = signers.SimpleSigner.load_pkcs12_data(p12, [], passphrase=b"k")
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _read(self) -> Seen:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen = Seen(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                    body,
                )
                stand_in.seen.append(seen)
                return seen

            def _authorised(self, seen: Seen) -> bool:
                expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
                if seen.headers.get("authorization") == f"Basic {expected}":
                    return True
                self._send(401, {"error": "Unauthorized", "status_code": 401})
                return False

            def do_GET(self) -> None:
                seen = self._read()
                if stand_in.mode == "slow":
                    time.sleep(stand_in.delay)
                if not self._authorised(seen):
                    return
                prefix = "/api/user/status/"
                if not seen.path.startswith(prefix):
                    self._send(404, {"error": "Not Found"})
                    return
                official = stand_in.officials.get(seen.path[len(prefix) :].split("?")[0])
                if official is None:
                    self._send(200, {"status_code": 1110, "message": "NIK tidak terdaftar"})
                    return
                self._send(200, {"status_code": official.status_code, "message": official.message})

            def do_POST(self) -> None:
                seen = self._read()
                if stand_in.mode == "slow":
                    time.sleep(stand_in.delay)
                if not self._authorised(seen):
                    return
                if seen.path != "/api/sign/pdf":
                    self._send(404, {"error": "Not Found"})
                    return
                if stand_in.mode == "server_error":
                    self._send(500, {"error": "Internal Server Error"})
                    return
                seen.form, seen.file = _multipart(seen.headers["content-type"], seen.body)
                official = stand_in.officials.get(seen.form.get("nik", ""))
                if official is None or official.status_code != 1111:
                    self._send(400, {"error": "Sertifikat tidak aktif", "status_code": 2021})
                    return
                if seen.form.get("passphrase") != official.passphrase:
                    self._send(400, {"error": "Passphrase anda salah", "status_code": 2031})
                    return
                if stand_in.mode == "unsigned":
                    self._send(200, seen.file, "application/pdf")
                    return
                document = seen.file
                if stand_in.mode == "other_document":
                    # One byte of the file identifier changed: another document, signed.
                    at = seen.file.index(b"/ID [<") + 6
                    flipped = b"0" if seen.file[at : at + 1] != b"0" else b"1"
                    document = seen.file[:at] + flipped + seen.file[at + 1 :]
                self._send(200, stand_in.sign(document), "application/pdf")

            def _send(self, status: int, body: Any, kind: str = "application/json") -> None:
                content = body if isinstance(body, bytes) else json.dumps(body).encode()
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
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def sign(self, pdf: bytes) -> bytes:
        metadata = signers.PdfSignatureMetadata(
            field_name="TTE", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
        )
        out = signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=self.signer
        )
        return out.getvalue()  # type: ignore[no-any-return]

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, str], bytes]:
    """The form fields and the file of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    form: dict[str, str] = {}
    file = b""
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            file = payload
        else:
            form[str(name)] = payload.decode()
    return form, file
