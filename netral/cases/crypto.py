"""Envelope encryption of case data at rest: each file or field gets its own AES-256-GCM key,
stored wrapped by the key named in the settings. The case's code is bound in as associated data,
so a blob moved to another case does not decrypt."""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"\x01"
NONCE = 12
KEY = 32
WRAPPED = NONCE + KEY + 16  # nonce, the key, the GCM tag


class DecryptionError(Exception):
    """The blob was altered, belongs elsewhere, or the key is not the one it was sealed with."""


@lru_cache(maxsize=1)
def master_key() -> bytes:
    configured = settings.NETRAL_CASE_KEY_FILE
    if configured:
        path = Path(configured)
    elif settings.PRODUCTION:
        raise ImproperlyConfigured(
            "Set NETRAL_CASE_KEY_FILE (32 random bytes, base64) in production."
        )
    else:
        path = Path(settings.DATA_DIR) / "case_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64encode(os.urandom(KEY)))
            path.chmod(0o600)
    key = base64.b64decode(path.read_bytes().strip())
    if len(key) != KEY:
        raise ImproperlyConfigured("NETRAL_CASE_KEY_FILE must hold 32 bytes, base64-encoded.")
    return key


def new_data_key() -> tuple[bytes, bytes]:
    """A fresh key and its wrapped form, to keep beside what it encrypts."""
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE)
    return key, nonce + AESGCM(master_key()).encrypt(nonce, key, b"netral-case-key/v1")


def unwrap(wrapped: bytes) -> bytes:
    wrapped = bytes(wrapped)
    try:
        return AESGCM(master_key()).decrypt(wrapped[:NONCE], wrapped[NONCE:], b"netral-case-key/v1")
    except InvalidTag as error:
        raise DecryptionError("the key does not unwrap") from error


def encrypt(key: bytes, data: bytes, *, context: str) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(key).encrypt(nonce, data, context.encode())


def decrypt(key: bytes, blob: bytes, *, context: str) -> bytes:
    blob = bytes(blob)
    try:
        return AESGCM(key).decrypt(blob[:NONCE], blob[NONCE:], context.encode())
    except InvalidTag as error:
        raise DecryptionError("the data does not decrypt") from error


def seal_text(text: str, *, context: str) -> bytes:
    """A short field (a message, the reporter's identity) as one self-contained blob."""
    key, wrapped = new_data_key()
    return VERSION + wrapped + encrypt(key, text.encode(), context=context)


def open_text(blob: bytes, *, context: str) -> str:
    blob = bytes(blob)
    if blob[:1] != VERSION:
        raise DecryptionError("unknown format")
    key = unwrap(blob[1 : 1 + WRAPPED])
    return decrypt(key, blob[1 + WRAPPED :], context=context).decode()
