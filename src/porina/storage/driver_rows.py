"""Model objects built from a prebuilt statement's plain rows (``fastread.FastReader``).

A read through the ORM session costs more than its statement on a hot path: the session, the
greenlet bridge, the result's row processing and the identity map. A ``Models`` selects the
columns of several models (or aliases of one) side by side and builds each row back into
loaded model objects outside any session, as a closed session leaves them (detached, every
column loaded), converting each column's driver value as its type's result processor would.
Used by the status cache's reads (``posts/queries.py``) and the browser session's look-up
(``web/sessions.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.util import AliasedInsp

Convert = Callable[[Any], Any]
Converts = tuple[tuple[str, int, Convert, bool], ...]
"""(key, position, processor, whether it maps None to None) of the columns whose driver value
needs converting: a null the processor would keep as None is not passed to it (most of a
row's dates and JSON are null)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One model's columns in a statement: its mapper and its columns, in select order."""

    mapper: Mapper[Any]
    keys: tuple[str, ...]
    columns: tuple[Any, ...]
    key: int
    """Where the primary key (``id``) is among ``keys``."""


def part_of(entity: Any) -> Part:
    """The columns of ``entity`` (a model or an alias of one), in the mapper's order."""
    found: AliasedInsp[Any] | Mapper[Any] = inspect(entity)
    mapper = found.mapper
    keys = tuple(prop.key for prop in mapper.column_attrs)
    columns = tuple(getattr(entity, key) for key in keys)
    return Part(mapper, keys, columns, keys.index("id"))


class Models:
    """Several models' columns side by side (``columns``, to select), and the objects built
    back from a row of them (``build``)."""

    def __init__(self, *entities: Any) -> None:
        self.parts = tuple(part_of(entity) for entity in entities)
        self.columns = [column for part in self.parts for column in part.columns]
        self._converts: dict[str, tuple[Converts, ...]] = {}

    def converters(self, dialect: Dialect) -> tuple[Converts, ...]:
        """Per part, per column: what turns the driver's value into the model's (the column
        type's result processor; on PostgreSQL, where ``FastReader`` uses asyncpg without
        SQLAlchemy's codecs, JSON arrives as text and is parsed here)."""
        found = self._converts.get(dialect.name)
        if found is None:
            found = tuple(converters(part, dialect) for part in self.parts)
            self._converts[dialect.name] = found
        return found

    def build(self, raw: Sequence[Any], dialect: Dialect) -> list[Any]:
        """The objects of one row, a part's columns each (None for a missing outer-joined
        row); the row's further columns are left to the caller."""
        models = []
        start = 0
        for part, convert in zip(self.parts, self.converters(dialect), strict=True):
            end = start + len(part.keys)
            models.append(model(part, raw[start:end], convert))
            start = end
        return models


def converters(part: Part, dialect: Dialect) -> Converts:
    found = []
    for i, (key, column) in enumerate(zip(part.keys, part.columns, strict=True)):
        process = _converter(column.type, dialect)
        if process is not None:
            found.append((key, i, process, process(None) is None))
    return tuple(found)


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _converter(kind: Any, dialect: Dialect) -> Convert | None:
    if dialect.name != "sqlite" and isinstance(kind, JSON):
        return _loads
    processor: Convert | None = kind.dialect_impl(dialect).result_processor(dialect, None)
    if processor is not None and isinstance(kind, JSON):
        return _empty_list_first(processor)
    return processor


def _empty_list_first(process: Convert) -> Convert:
    """``process`` for a JSON column as SQLite stores it, without parsing the commonest value
    (no media, mentions, tags or emoji: ``[]``, a new list each time as ``json.loads``)."""

    def convert(value: Any) -> Any:
        return [] if value == "[]" else process(value)

    return convert


def model(part: Part, values: Sequence[Any], convert: Converts) -> Any:
    """The row as a loaded model object outside any session (None for a missing outer-joined
    row: its primary key is null)."""
    if values[part.key] is None:
        return None
    obj = part.mapper.class_manager.new_instance()
    loaded = obj.__dict__
    loaded.update(zip(part.keys, values, strict=True))
    for key, i, process, keeps_none in convert:
        value = values[i]
        if value is not None or not keeps_none:
            loaded[key] = process(value)
    instance_state(obj).key = part.mapper.identity_key_from_primary_key((values[part.key],))
    return obj
