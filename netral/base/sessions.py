"""Django's database sessions, with fewer and cheaper statements on the busiest requests.

Every request of a ceremony signer after the first reads the session and four of the eight
write it. Django's database store builds each of those statements anew through the ORM (which
costs more than PostgreSQL running them), looks each new key up before inserting it, reads a
session before deleting it, inserts a cycled key's row and updates it again when the response
saves the session, and wraps every save in a transaction of its own. Here:

- the statements are SQL made once per process from the model's metadata;
- the insert, which must create, catches the one-in-2^165 clash of a new key;
- a delete is one statement;
- a cycled key's row is inserted once, by the response's save (the old row goes at once, so a
  session fixed on a shared phone before is worthless);
- a save outside a transaction is one statement, atomic by itself (BEGIN and COMMIT would be
  two more round trips); inside one, a savepoint keeps a clash from breaking it.

The rows and their encoding are Django's own: the two stores read each other's sessions."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import IntegrityError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils import timezone
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        # `create` saves with must_create=True and tries another key on a clash.
        return get_random_string(32, VALID_KEY_CHARS)

    def _database(self) -> BaseDatabaseWrapper:
        return connections[router.db_for_write(self.model)]

    def load(self) -> dict[str, Any]:
        database = self._database()
        now = database.ops.adapt_datetimefield_value(timezone.now())
        with database.cursor() as cursor:
            cursor.execute(
                _statements(self.model, database.vendor)["read"], [self.session_key, now]
            )
            row = cursor.fetchone()
        if row is None:  # unknown or expired: the next save makes a new key
            self._session_key = None
            return {}
        data: dict[str, Any] = self.decode(row[0])
        return data

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        database = self._database()
        with database.cursor() as cursor:
            cursor.execute(_statements(self.model, database.vendor)["delete"], [session_key])

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
        database = self._database()
        expires = database.ops.adapt_datetimefield_value(self.get_expiry_date())
        statement = _statements(self.model, database.vendor)["insert" if must_create else "update"]
        values = [self.encode(data), expires, self.session_key]
        try:
            if database.in_atomic_block:
                with transaction.atomic(using=database.alias), database.cursor() as cursor:
                    cursor.execute(statement, values)
                    written = cursor.rowcount
            else:
                with database.cursor() as cursor:
                    cursor.execute(statement, values)
                    written = cursor.rowcount
        except IntegrityError as error:
            if must_create:
                raise CreateError from error
            raise
        if not written:  # an update of a session deleted meanwhile (another tab logged out)
            raise UpdateError


@cache
def _statements(model: type[Model], vendor: str) -> dict[str, str]:
    """The session table's statements, the names from the model (`vendor` keys the cache)."""
    quote = connections[router.db_for_write(model)].ops.quote_name
    table = quote(model._meta.db_table)
    columns = {field.name: quote(field.column) for field in model._meta.concrete_fields}
    key, data, expires = columns["session_key"], columns["session_data"], columns["expire_date"]
    return {  # names from _meta; every value is a parameter
        "read": f"SELECT {data} FROM {table} WHERE {key} = %s AND {expires} > %s",  # noqa: S608
        "delete": f"DELETE FROM {table} WHERE {key} = %s",  # noqa: S608
        "insert": f"INSERT INTO {table} ({data}, {expires}, {key}) VALUES (%s, %s, %s)",  # noqa: S608
        "update": f"UPDATE {table} SET {data} = %s, {expires} = %s WHERE {key} = %s",  # noqa: S608
    }
