"""A provider's HTTP server on 127.0.0.1 for the adapters' tests: it records every request
exactly as it arrived and gives the answers it was told to, in order."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: Any = ""  # a dict or list is sent as JSON
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering: longer than the client waits is a timeout


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with the query
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Provider:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.answers: list[Answer] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                provider.requests.append(
                    Request(
                        method=self.command,
                        path=self.path,
                        headers={name.lower(): value for name, value in self.headers.items()},
                        body=body,
                    )
                )
                answer = provider.answers.pop(0) if provider.answers else Answer(500, "none")
                if answer.delay:
                    time.sleep(answer.delay)
                content = (
                    json.dumps(answer.body).encode()
                    if isinstance(answer.body, dict | list)
                    else str(answer.body).encode()
                )
                try:
                    self.send_response(answer.status)
                    kind = (
                        "application/json" if isinstance(answer.body, dict | list) else "text/plain"
                    )
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(content)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(content)
                except OSError:  # the client gave up waiting
                    pass

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, *answers: Answer) -> None:
        self.answers.extend(answers)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def provider_running() -> Iterator[Provider]:
    with Provider() as provider:
        yield provider
