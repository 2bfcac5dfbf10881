"""Django's database sessions, with fewer statements on the busiest requests.

A ceremony signer's session is made, then given a new key once the code is checked (so a
session fixed on a shared phone before is worthless): Django looks each new key up before
inserting it, and reads a session before deleting it. Here the insert, which must create,
catches the one-in-2^165 clash of a new key, and a delete is one statement."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        # `create` saves with must_create=True and tries another key on a clash.
        return get_random_string(32, VALID_KEY_CHARS)

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=session_key).delete()
