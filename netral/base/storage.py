"""Private files (sealed pacts, paper scans, case evidence) through Django's storage API.

Names are relative to the storage (`pacts/<campaign>/<signature>-<sha256>.pdf`), never a path
under a settings folder, so one server's disk or a bucket shared by many serve the same code
(`STORAGES`, chosen by NETRAL_STORAGE). None of these files has a URL: a view checks who asks,
then streams the file from the storage (`file_response`).
"""

from __future__ import annotations

import os
import secrets
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.utils import validate_file_name
from django.http import FileResponse


class PrivateFileSystemStorage(FileSystemStorage):
    """The filesystem storage of NETRAL_STORAGE=filesystem. A file is written beside its name
    and renamed over it, so a reader sees the old file or the new one, never half of one (as an
    object store's PUT does); and it has no URL."""

    def save(self, name: str | None, content: IO[Any], max_length: int | None = None) -> str:
        if name is None:
            raise ValueError("a private file needs a name")
        validate_file_name(name, allow_relative_path=True)
        temporary = super().save(f"{name}.{secrets.token_hex(8)}.tmp", content, max_length)
        os.replace(self.path(temporary), self.path(name))
        return name

    def url(self, name: str | None) -> str:
        raise NotImplementedError("private files have no URL: serve them through a view")


def save_bytes(name: str, data: bytes) -> None:
    """Store `data` under exactly `name`, replacing what was there."""
    saved = default_storage.save(name, ContentFile(data))
    # Both configured backends overwrite in place; a storage that renames instead would lose
    # the file, since its name is derived from its record, never stored.
    if saved != name:
        default_storage.delete(saved)
        raise RuntimeError(f"the storage kept {name!r} as {saved!r}: set it to overwrite")


def read_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        data = stored.read()
    assert isinstance(data, bytes)
    return data


def file_response(name: str, *, filename: str, content_type: str) -> FileResponse:
    """A download of a stored file, streamed from the storage; call only after the permission
    check. FileResponse closes the file when the response is done."""
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
