"""Rows of different models written together: all of them or none, their keys set."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from netral.base.audit import audit_entry_build
from netral.base.bulk import insert_together
from netral.base.models import AuditEntry, Message
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def _message(code: str) -> Message:
    return Message(
        code=code,
        purpose="tests.together",
        channel=Message.Channel.SMS,
        recipient="62811",
        next_attempt_at=timezone.now(),
    )


def _entry() -> AuditEntry:
    return audit_entry_build(actor=SYSTEM, action="tests.together", data={"n": 1})


def test_the_rows_are_written_and_read_back_as_saved() -> None:
    message, entry = _message("TOGETHER1"), _entry()
    insert_together(message, entry)
    assert message.pk is not None and entry.pk is not None
    assert not message._state.adding
    stored = Message.objects.get(pk=message.pk)
    assert (stored.code, stored.recipient, stored.status) == (
        "TOGETHER1",
        "62811",
        Message.Status.QUEUED,
    )
    assert AuditEntry.objects.get(pk=entry.pk).data == {"n": 1}


def test_when_one_row_cannot_be_written_none_is() -> None:
    insert_together(_message("TOGETHER2"))
    entries_before = AuditEntry.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(_entry(), _message("TOGETHER2"))  # the code is taken
    assert AuditEntry.objects.count() == entries_before
    assert Message.objects.filter(code="TOGETHER2").count() == 1
