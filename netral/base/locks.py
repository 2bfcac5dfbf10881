"""A named lock that one database session at a time may hold, for work that must run in one
process only however many machines start it (the transparency log's sequencer).

On PostgreSQL it is a session-level advisory lock: taken without waiting, kept across
transactions, and freed by PostgreSQL when the holding session ends, so when the process stops,
crashes or loses its connection, another one takes it on its next try. A pooler must give the
holder a session of its own (PgBouncer in session mode, or a direct connection). On SQLite, which
serves one process, it is always granted."""

from __future__ import annotations

import hashlib

from django.db import DEFAULT_DB_ALIAS, connections


def lock_key(name: str) -> int:
    """The lock's key: the first 8 bytes of the name's SHA-256 as a signed 64-bit integer."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class SessionLock:
    """Use it from one thread: the session is that thread's connection."""

    def __init__(self, name: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
        self.name = name
        self.key = lock_key(name)
        self.using = using
        # The DB-API connection that took the lock: a new connection does not hold it.
        self._holder: object | None = None

    def acquire(self) -> bool:
        """Take the lock unless another session holds it (never waits); True when this session
        holds it, also when it already did."""
        connection = connections[self.using]
        if connection.vendor != "postgresql":
            return True
        connection.ensure_connection()
        if self._holder is not None and self._holder is connection.connection:
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            row = cursor.fetchone()
        granted = bool(row and row[0])
        self._holder = connection.connection if granted else None
        return granted

    def release(self) -> None:
        connection = connections[self.using]
        holder, self._holder = self._holder, None
        if holder is None or holder is not connection.connection or not connection.is_usable():
            return  # not held, or its session is gone and took the lock with it
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])
