"""RFC 3161 timestamps from the configured time-stamping authority (NETRAL_TSA_URL).

pyHanko builds the request (with a nonce) and checks the answer; the HTTP exchange goes through
urllib, as the messaging adapters do, so no second HTTP library is needed. A seal carries the
token over its signature (PAdES B-T); a pact sealed while the authority failed gets a token over
its file's hash later (`netral timestamp_pacts`), kept beside the record.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import lru_cache

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError, handle_tsp_response

MAX_ANSWER_BYTES = 256 * 1024
CONTENT_TYPE = "application/timestamp-query"
ANSWER_TYPE = "application/timestamp-reply"


class TimestampFailed(Exception):
    """The authority did not answer in time, refused, or answered something that is no token."""


@dataclass(frozen=True)
class Token:
    der: bytes  # the TimeStampToken: a CMS ContentInfo holding SignedData over a TSTInfo
    gen_time: datetime.datetime
    authority: str  # the signer's subject CN, or the URL when it has none


class TimestampAuthority:
    """One authority at one address; `stamp` asks it to timestamp a SHA-256 digest."""

    def __init__(self, *, url: str, timeout: float, username: str = "", password: str = "") -> None:
        if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
            raise ValueError("The time-stamping authority needs an http(s) address.")
        self.url = url
        self.timeout = timeout
        self._username = username
        self._password = password
        self._requests = TimeStamper(include_nonce=True)

    def stamp(self, digest: bytes) -> Token:
        nonce, request = self._requests.request_cms(digest, "sha256")
        headers = {"Content-Type": CONTENT_TYPE, "Accept": ANSWER_TYPE}
        if self._username:
            headers["Authorization"] = _basic(self._username, self._password)
        http_request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.url, data=request.dump(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 (the scheme is checked in __init__)
                http_request, timeout=self.timeout
            ) as answer:
                kind = answer.headers.get("Content-Type", "")
                body = answer.read(MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as error:
            raise TimestampFailed(f"the authority answered HTTP {error.code}") from error
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            raise TimestampFailed(f"no answer from the authority: {error}") from error
        if kind.split(";")[0].strip() != ANSWER_TYPE:
            raise TimestampFailed(f"the authority answered {kind or 'no content type'}")
        try:
            # The status first, on its own: a refusal carries no token to parse.
            status = tsp.PKIStatusInfo.load(core.Sequence.load(body)[0].dump())["status"].native
            answer = tsp.TimeStampResp.load(body)
            if status not in ("granted", "granted_with_mods"):
                raise TimestampFailed(f"the authority refused: {status}")
            token = handle_tsp_response(answer, nonce)
            signed_data = token["content"]
            info = signed_data["encap_content_info"]["content"].parsed
            imprint = info["message_imprint"]["hashed_message"].native
            gen_time = info["gen_time"].native
        except (TimestampRequestError, ValueError, KeyError, TypeError) as error:
            raise TimestampFailed(
                f"the authority's answer is not a valid token: {error}"
            ) from error
        if imprint != digest:
            raise TimestampFailed("the authority timestamped another digest")
        return Token(der=token.dump(), gen_time=gen_time, authority=_signer_name(token, self.url))


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _signer_name(token: cms.ContentInfo, fallback: str) -> str:
    signed_data = token["content"]
    for certificate in signed_data["certificates"] or []:
        chosen = certificate.chosen
        if isinstance(chosen, asn1_x509.Certificate):
            usage = chosen.extended_key_usage_value
            if usage is not None and "time_stamping" in usage.native:
                return str(chosen.subject.native.get("common_name", fallback))
    return fallback


def token_time(token_der: bytes) -> datetime.datetime:
    info = cms.ContentInfo.load(token_der)["content"]["encap_content_info"]["content"].parsed
    return info["gen_time"].native


def token_digest(token_der: bytes) -> bytes:
    info = cms.ContentInfo.load(token_der)["content"]["encap_content_info"]["content"].parsed
    return info["message_imprint"]["hashed_message"].native


@lru_cache(maxsize=1)
def configured_authority() -> TimestampAuthority | None:
    """The authority in the settings, or None when seals go without trusted time."""
    if not settings.NETRAL_TSA_URL:
        return None
    return TimestampAuthority(
        url=settings.NETRAL_TSA_URL,
        timeout=settings.NETRAL_TSA_TIMEOUT,
        username=settings.NETRAL_TSA_USERNAME,
        password=settings.NETRAL_TSA_PASSWORD,
    )


@lru_cache(maxsize=1)
def trusted_authority_roots() -> tuple[bytes, ...]:
    """The certificates (DER) trusted to sign timestamps: NETRAL_TSA_TRUST_FILE, PEM."""
    if not settings.NETRAL_TSA_TRUST_FILE:
        return ()
    with open(settings.NETRAL_TSA_TRUST_FILE, "rb") as pem:
        text = pem.read()
    return tuple(_pem_blocks(text))


def _pem_blocks(text: bytes) -> list[bytes]:
    blocks = []
    for part in text.split(b"-----BEGIN CERTIFICATE-----")[1:]:
        body = part.split(b"-----END CERTIFICATE-----")[0]
        blocks.append(base64.b64decode(b"".join(body.split())))
    return blocks


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
