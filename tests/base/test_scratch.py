"""Scratch files: kept between a preview and its confirmation, purged after a day."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from netral.base.storage import (
    SCRATCH,
    save_bytes,
    scratch_delete,
    scratch_purge,
    scratch_read,
    scratch_save,
)

pytestmark = pytest.mark.files


def test_a_scratch_file_is_read_back_and_deleted() -> None:
    name = scratch_save(b'{"rows": 3}', suffix=".json")
    assert name.startswith(f"{SCRATCH}/{timezone.now():%Y-%m-%d}/")
    assert scratch_read(name) == b'{"rows": 3}'
    scratch_delete(name)
    assert scratch_read(name) is None


def test_only_scratch_names_are_read() -> None:
    save_bytes("pacts/rahasia.pdf", b"%PDF")
    assert scratch_read("pacts/rahasia.pdf") is None
    assert scratch_read(f"{SCRATCH}/../pacts/rahasia.pdf") is None
    default_storage.delete("pacts/rahasia.pdf")


def test_purge_removes_the_days_before_yesterday_only() -> None:
    today = timezone.now().date()
    old = f"{SCRATCH}/{today - datetime.timedelta(days=2)}/old.json"
    yesterday = f"{SCRATCH}/{today - datetime.timedelta(days=1)}/recent.json"
    save_bytes(old, b"{}")
    save_bytes(yesterday, b"{}")
    fresh = scratch_save(b"{}")
    assert scratch_purge() >= 1
    assert not default_storage.exists(old)
    assert default_storage.exists(yesterday) and default_storage.exists(fresh)
    for name in (yesterday, fresh):
        default_storage.delete(name)
