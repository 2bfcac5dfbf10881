"""Fast writes of many rows without building model instances, for imports of 100,000 rows.

The caller gives values in Python form; columns that need conversion (dates, times, JSON) go
through the field's own `get_db_prep_save`, so the database sees what the ORM would send."""

import json
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache, partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction

BATCH_SIZE = 5000


def _converters(model: type[models.Model], columns: Sequence[str]) -> list[Callable[[Any], Any]]:
    # The connection itself, not the thread-local proxy: this runs once per value.
    real_connection = connections[DEFAULT_DB_ALIAS]
    converters: list[Callable[[Any], Any]] = []
    for name in columns:
        field = model._meta.get_field(name)
        if real_connection.vendor == "postgresql" and isinstance(field, models.DateField):
            converters.append(_unchanged)  # psycopg sends dates and aware times as they are
        elif real_connection.vendor == "postgresql" and isinstance(field, models.JSONField):
            converters.append(json.dumps)  # COPY's text format parses JSON text into jsonb
        elif isinstance(field, models.DateField):  # DateTimeField included
            # Few distinct dates (birth dates, the import's one timestamp): convert each once.
            converters.append(
                lru_cache(maxsize=65536)(
                    partial(field.get_db_prep_save, connection=real_connection)
                )
            )
        elif isinstance(field, models.JSONField):
            converters.append(partial(field.get_db_prep_save, connection=real_connection))
        else:
            converters.append(_unchanged)
    return converters


def _unchanged(value: Any) -> Any:
    return value


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return connection.ops.quote_name(field.column)


def _execute(
    sql: str, rows: Iterable[Sequence[Any]], converters: list[Callable[[Any], Any]]
) -> int:
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([convert(value) for convert, value in zip(converters, row, strict=True)])
            if len(batch) == BATCH_SIZE:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _copy(sql: str, rows: Iterable[Sequence[Any]], converters: list[Callable[[Any], Any]]) -> int:
    # PostgreSQL's COPY loads rows several times faster than INSERTs (perf-baseline.md 4b).
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([convert(value) for convert, value in zip(converters, row, strict=True)])
            count += 1
    return count


def bulk_insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """INSERT the rows (values in the order of `columns`); returns how many."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(_column(model, name) for name in columns)
    if connection.vendor == "postgresql":
        return _copy(f"COPY {table} ({names}) FROM STDIN", rows, _converters(model, columns))
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # names from _meta
    return _execute(sql, rows, _converters(model, columns))


def bulk_update(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """UPDATE by primary key; each row holds the values of `columns`, then the key."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{_column(model, name)} = %s" for name in columns)
    assert model._meta.pk is not None
    key = connection.ops.quote_name(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # names from _meta
    return _execute(sql, rows, [*_converters(model, columns), _unchanged])


def insert_values(obj: models.Model) -> tuple[list[str], list[Any]]:
    """The quoted columns and the values that save() would INSERT for an unsaved instance
    (defaults, auto_now_add and conversions applied, the automatic primary key left out), for
    callers that write the row inside a larger statement. On PostgreSQL, the fields whose own
    preparation gives back a value of the right type unchanged are sent as they are: that
    preparation cost more than the rest of the signing request's insert."""
    real_connection = connections[DEFAULT_DB_ALIAS]
    fields, columns, prepared = _insert_fields(type(obj), real_connection.vendor)
    values = [
        field.get_db_prep_save(field.pre_save(obj, True), connection=real_connection)
        if prepare
        else getattr(obj, field.attname)
        for field, prepare in zip(fields, prepared, strict=True)
    ]
    return columns, values


def insert_together(*objs: models.Model) -> None:
    """Insert unsaved instances of different models (each with an automatic primary key) all or
    none, as save() would, and set their primary keys. On PostgreSQL one statement writes them
    all: one round trip, atomic by itself, so no transaction is opened for it."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            for obj in objs:
                obj.save(force_insert=True)
        return
    inserts = [insert_values(obj) for obj in objs]
    shape = tuple(
        (type(obj), tuple(columns)) for obj, (columns, _) in zip(objs, inserts, strict=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_together_sql(shape), [value for _, values in inserts for value in values]
        )
        keys = cursor.fetchone()
    assert keys is not None
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias


@cache
def _insert_together_sql(rows: tuple[tuple[type[models.Model], tuple[str, ...]], ...]) -> str:
    quote = connection.ops.quote_name
    inserts = [
        f"row{number} AS (INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)})"
        f" VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {quote(model._meta.pk.column)})"
        for number, (model, columns) in enumerate(rows)
    ]
    keys = ", ".join(f"(SELECT * FROM row{number})" for number in range(len(rows)))
    return f"WITH {', '.join(inserts)} SELECT {keys}"  # names from _meta; values parameters


# Fields whose preparation returns a str, int, bool or aware datetime as it is; psycopg sends
# those themselves. The exact classes: a subclass may prepare differently.
_SENT_AS_THEY_ARE = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.DateTimeField,
    models.BigAutoField,
    models.AutoField,
)


def _sent_as_it_is(field: models.Field[Any, Any], vendor: str) -> bool:
    if vendor != "postgresql":
        return False
    if isinstance(field, models.ForeignKey):
        return _sent_as_it_is(field.target_field, vendor)
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return False  # pre_save sets the time
    return type(field) in _SENT_AS_THEY_ARE


@cache
def _insert_fields(
    model: type[models.Model], vendor: str
) -> tuple[list[models.Field[Any, Any]], list[str], list[bool]]:
    meta = model._meta
    fields = [
        field
        for field in meta.local_concrete_fields
        if field is not meta.auto_field and not field.generated
    ]
    columns = [connections[DEFAULT_DB_ALIAS].ops.quote_name(field.column) for field in fields]
    return fields, columns, [not _sent_as_it_is(field, vendor) for field in fields]
