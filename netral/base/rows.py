"""One row and its joined relations as model instances, from SQL built once per process.

The ORM builds a query's SQL anew on every call; on the requests a hall of thousands sends each
second, building it costs more than running it. A `RowReader` joins a model to the relations
it names (each a foreign key, followed in order), keeps the SQL, and turns a row into the same
instances the ORM would, the database's values converted as the ORM converts them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models


@dataclass(frozen=True)
class _Part:
    model: type[models.Model]
    relation: tuple[str, ...]  # the foreign keys from the first model to this one
    attnames: tuple[str, ...]
    # (index in the part's values, column, the backend's and the field's converters)
    converters: tuple[tuple[int, Any, tuple[Any, ...]], ...]


def _part(model: type[models.Model], relation: tuple[str, ...]) -> _Part:
    converters = []
    for index, field in enumerate(model._meta.concrete_fields):
        col = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((index, col, tuple(found)))
    return _Part(
        model,
        relation,
        tuple(field.attname for field in model._meta.concrete_fields),
        tuple(converters),
    )


class RowReader:
    """`RowReader(SigningLink, ["employee", "employee__unit"], where="{token_hash} = %s")`:
    relations are paths of foreign keys, each after the one it starts from; the where clause
    names the first model's fields in braces, and its values are parameters."""

    def __init__(self, model: type[models.Model], related: Sequence[str], *, where: str) -> None:
        self.model, self.related, self.where = model, tuple(related), where
        self._sql: dict[str, tuple[str, tuple[_Part, ...]]] = {}

    def _build(self) -> tuple[str, tuple[_Part, ...]]:
        quote = connection.ops.quote_name
        parts = [_part(self.model, ())]
        aliases: dict[tuple[str, ...], str] = {(): "t0"}
        joins = []
        for name in self.related:
            path = tuple(name.split("__"))
            source = next(part for part in parts if part.relation == path[:-1])
            field = source.model._meta.get_field(path[-1])
            assert isinstance(field, models.ForeignKey)
            target = field.related_model
            assert isinstance(target, type) and issubclass(target, models.Model)
            alias = f"t{len(aliases)}"
            joins.append(
                f" JOIN {quote(target._meta.db_table)} {alias} ON {alias}."
                f"{quote(target._meta.pk.column)} = {aliases[source.relation]}."
                f"{quote(field.column)}"
            )
            aliases[path] = alias
            parts.append(_part(target, path))
        columns = ", ".join(
            f"{aliases[part.relation]}.{quote(field.column)}"
            for part in parts
            for field in part.model._meta.concrete_fields
        )
        names = {
            field.name: f"t0.{quote(field.column)}" for field in self.model._meta.concrete_fields
        }
        sql = (  # names from _meta; every value is a parameter
            f"SELECT {columns} FROM {quote(self.model._meta.db_table)} t0"  # noqa: S608
            + "".join(joins)
            + " WHERE "
            + self.where.format(**names)
        )
        return sql, tuple(parts)

    def get(self, params: Sequence[Any]) -> Any:
        """The first model's instance with its relations set, or None when no row matches."""
        built = self._sql.get(connection.vendor)
        if built is None:
            built = self._sql[connection.vendor] = self._build()
        sql, parts = built
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            row = cursor.fetchone()
        if row is None:
            return None
        instances: dict[tuple[str, ...], models.Model] = {}
        start = 0
        for part in parts:
            values = list(row[start : start + len(part.attnames)])
            start += len(part.attnames)
            for index, col, converters in part.converters:
                for convert in converters:
                    values[index] = convert(values[index], col, connection)
            instance = part.model.from_db(connection.alias, part.attnames, values)
            instances[part.relation] = instance
            if part.relation:
                setattr(instances[part.relation[:-1]], part.relation[-1], instance)
        return instances[()]
