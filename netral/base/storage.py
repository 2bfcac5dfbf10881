"""Private files (sealed pacts, paper scans, case evidence) through Django's storage API.

Names are relative to the storage (`pacts/<campaign>/<signature>-<sha256>.pdf`), never a path
under a settings folder, so one server's disk or a bucket shared by many serve the same code
(`STORAGES`, chosen by NETRAL_STORAGE). None of these files has a URL: a view checks who asks,
then streams the file from the storage (`file_response`).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.utils import validate_file_name
from django.http import FileResponse
from django.utils import timezone


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


CHUNK_BYTES = 1 << 20  # read and copied at a time: memory stays small whatever the file


def save_bytes(name: str, data: bytes) -> None:
    """Store `data` under exactly `name`, replacing what was there."""
    _save_exactly(name, ContentFile(data))


def _save_exactly(name: str, content: File[Any]) -> None:
    saved = default_storage.save(name, content)
    # Both configured backends overwrite in place; a storage that renames instead would lose
    # the file, since its name is derived from its record, never stored.
    if saved != name:
        default_storage.delete(saved)
        raise RuntimeError(f"the storage kept {name!r} as {saved!r}: set it to overwrite")


@dataclass(frozen=True)
class Stored:
    size: int
    sha256: str


class _Digesting(io.RawIOBase):
    """Passes a stream on once, in order, counting and hashing its bytes. It cannot seek, so
    the storage reads each byte exactly once (an S3 upload buffers its parts instead)."""

    def __init__(self, source: IO[bytes]) -> None:
        super().__init__()
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        data = self.source.read(-1 if size is None else size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def save_stream(name: str, content: IO[bytes]) -> Stored:
    """Store an upload under exactly `name` as it streams past, with its size and SHA-256
    counted on the way: one pass, in chunks."""
    stream = _Digesting(content)
    _save_exactly(name, File(cast(IO[bytes], stream), name=name))
    return Stored(size=stream.size, sha256=stream.sha256.hexdigest())


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A stored file as a temporary local file, for a reader that needs a path (calamine);
    copied in chunks, removed on leaving."""
    with tempfile.TemporaryDirectory(prefix="netral-") as folder:
        path = Path(folder) / Path(name).name
        with default_storage.open(name, "rb") as stored, path.open("wb") as local:
            shutil.copyfileobj(stored, local, CHUNK_BYTES)
        yield path


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


# Scratch files: what a preview computed, kept until its confirmation (a day at most). Named by
# the day they were made, so `netral purge` removes whole days without reading any file.
SCRATCH = "scratch"
SCRATCH_KEEP_DAYS = 1


def scratch_save(data: bytes, *, suffix: str = "") -> str:
    """Store `data` under a new unguessable name; return the name."""
    name = f"{SCRATCH}/{timezone.now():%Y-%m-%d}/{secrets.token_hex(16)}{suffix}"
    save_bytes(name, data)
    return name


def scratch_read(name: str) -> bytes | None:
    """A scratch file's bytes, or None when it is gone or the name is not a scratch name."""
    if not name.startswith(f"{SCRATCH}/") or ".." in name:
        return None
    try:
        return read_bytes(name)
    except (FileNotFoundError, OSError):
        return None


def scratch_delete(name: str) -> None:
    if name.startswith(f"{SCRATCH}/") and ".." not in name:
        default_storage.delete(name)


def scratch_purge() -> int:
    """Remove the scratch files of the days before yesterday; returns how many."""
    oldest = (timezone.now() - datetime.timedelta(days=SCRATCH_KEEP_DAYS)).date().isoformat()
    try:
        days, _files = default_storage.listdir(SCRATCH)
    except FileNotFoundError:
        return 0
    removed = 0
    for day in days:
        if day >= oldest:
            continue
        _folders, names = default_storage.listdir(f"{SCRATCH}/{day}")
        for name in names:
            default_storage.delete(f"{SCRATCH}/{day}/{name}")
            removed += 1
    return removed


# --- orphans -------------------------------------------------------------------------------------

# Each top folder of the storage has an owner: a function that, given names under the folder,
# returns those a row still refers to. A crash between storing a file and committing its row,
# or an upload cut off mid-way, leaves a file nobody refers to; `orphans_purge` removes those
# once they are old enough that no transaction storing them can still be open.
FolderOwner = Callable[[list[str]], set[str]]
FOLDER_OWNERS: dict[str, FolderOwner] = {}
ORPHAN_MIN_AGE = datetime.timedelta(days=1)
ORPHAN_BATCH = 500


def folder_owner(folder: str) -> Callable[[FolderOwner], FolderOwner]:
    """Register the function that tells which names under `folder` are still referred to."""

    def register(owner: FolderOwner) -> FolderOwner:
        if folder in FOLDER_OWNERS and FOLDER_OWNERS[folder] is not owner:
            raise ValueError(f"the folder {folder!r} has an owner already")
        FOLDER_OWNERS[folder] = owner
        return owner

    return register


def _walk(folder: str) -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(f"{folder}/{sub}")


def orphans_purge(*, now: datetime.datetime | None = None) -> int:
    """Remove files no row refers to, older than a day, under every owned folder; how many."""
    cutoff = (now or timezone.now()) - ORPHAN_MIN_AGE
    removed = 0
    for folder, owner in FOLDER_OWNERS.items():
        names = _walk(folder)
        while batch := list(itertools.islice(names, ORPHAN_BATCH)):
            old = [name for name in batch if default_storage.get_modified_time(name) < cutoff]
            kept = owner(old) if old else set()
            for name in old:
                if name not in kept:
                    default_storage.delete(name)
                    removed += 1
    return removed
