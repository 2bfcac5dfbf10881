"""`__in` with long lists on PostgreSQL: one array parameter instead of one per value.

The extended query protocol (server-side binding, settings.DATABASE_PREPARED_STATEMENTS) counts a
statement's parameters in 16 bits, so `IN (%s, ... )` fails past 65,535 values: a national
agency's employees, their links, or the cascades of deleting them. `col = ANY(%s::type[])` sends
the list as one parameter, plans like the IN list, and keeps one statement text for any length.
Registered for every field in BaseConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler

# Shorter lists keep the ordinary IN, as Django writes it.
ARRAY_FROM = 1000


class _ArrayInMixin:
    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, Any]:
        lookup: Any = self
        if not lookup.rhs_is_direct_value() or len(lookup.rhs) <= ARRAY_FROM:
            return lookup.as_sql(compiler, connection)
        output_field = getattr(lookup.lhs, "output_field", None)
        db_type = output_field.cast_db_type(connection) if output_field is not None else None
        rhs_sql, rhs_params = lookup.process_rhs(compiler, connection)
        if not db_type or rhs_sql != "(" + ", ".join(["%s"] * len(rhs_params)) + ")":
            return lookup.as_sql(compiler, connection)
        lhs_sql, lhs_params = lookup.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(%s::{db_type}[])", (*lhs_params, list(rhs_params))


class ArrayIn(_ArrayInMixin, In):
    pass


class ArrayRelatedIn(_ArrayInMixin, RelatedIn):
    pass


def register_array_in() -> None:
    Field.register_lookup(ArrayIn)
    ForeignObject.register_lookup(ArrayRelatedIn)
