"""Django's database sessions, with fewer statements on the busiest requests.

A ceremony signer's session is made, then given a new key once the code is checked (so a
session fixed on a shared phone before is worthless): Django looks each new key up before
inserting it, reads a session before deleting it, inserts the new key's row when the key is
cycled and updates it again when the response saves the session, and wraps every save in a
transaction of its own. Here the insert, which must create, catches the one-in-2^165 clash of a
new key; a delete is one statement; a cycled key's row is inserted once, by the response's save;
and a save outside a transaction is one statement, atomic by itself (BEGIN and COMMIT would be
two more round trips)."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, IntegrityError, router, transaction
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

    def cycle_key(self) -> None:
        """The old key's row goes now; the data gets a new key when the session is saved (the
        response saves it, as the caller changes it): one insert, not an insert and an update."""
        data = dict(self.items())
        key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if key:
            self.delete(key)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        row = self.create_model_instance(data)
        using = router.db_for_write(self.model, instance=row)
        try:
            if transaction.get_connection(using).in_atomic_block:
                # A savepoint: a clash must not break the caller's transaction.
                with transaction.atomic(using=using):
                    row.save(force_insert=must_create, force_update=not must_create, using=using)
            else:
                row.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError as error:
            if must_create:
                raise CreateError from error
            raise
        except DatabaseError as error:
            if not must_create:
                raise UpdateError from error
            raise
