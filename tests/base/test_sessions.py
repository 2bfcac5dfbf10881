"""The session store's own SQL: what Django's database store reads and writes, in fewer
statements."""

import datetime

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from netral.base.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_saved_session_is_read_back_by_both_stores() -> None:
    session = SessionStore()
    session["signer"] = ["K1", "E1"]
    session.save()
    assert session.session_key is not None
    assert SessionStore(session.session_key)["signer"] == ["K1", "E1"]
    assert DjangoStore(session.session_key)["signer"] == ["K1", "E1"]
    theirs = DjangoStore()
    theirs["x"] = 1
    theirs.save()
    assert SessionStore(theirs.session_key)["x"] == 1


def test_an_expired_or_unknown_session_reads_empty_and_saves_under_a_new_key() -> None:
    session = SessionStore()
    session["x"] = 1
    session.save()
    key = session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.get("x") is None
    expired["y"] = 2
    expired.save()
    assert expired.session_key != key
    assert SessionStore("unknown-key-of-32-characters-xx").get("x") is None


def test_a_cycled_key_drops_the_old_row_at_once_and_writes_the_new_one_once() -> None:
    session = SessionStore()
    session["x"] = 1
    session.save()
    old = session.session_key
    session.cycle_key()
    assert not Session.objects.filter(session_key=old).exists()
    session["y"] = 2
    session.save()
    assert session.session_key not in (None, old)
    assert dict(SessionStore(session.session_key).items()) == {"x": 1, "y": 2}


def test_saving_a_session_deleted_meanwhile_is_refused() -> None:
    session = SessionStore()
    session["x"] = 1
    session.save()
    Session.objects.filter(session_key=session.session_key).delete()
    session["x"] = 2
    with pytest.raises(UpdateError):
        session.save()
