"""Reading statuses in bulk: one query for the statuses (with authors, reblogged statuses,
polls and apps), one for what the viewer did to them. Every list endpoint goes through here,
so a page of 20 statuses costs two queries whatever it holds.

``rows_by_id`` is ``bundles_by_id`` on the driver (``storage/fastread.py``): the same joins
and visibility rule, every column of the eight rows, prebuilt once per kind of viewer; the
rows become model objects outside any session (loaded and detached, as the ORM's would be
once its session closed), with each value converted by its column type's own result
processor, so they compare equal, attribute by attribute, to what the ORM reads. The status
cache reads its misses this way (``render/status_cache.py``)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Select,
    bindparam,
    inspect,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, aliased
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.util import AliasedInsp

from porina.accounts.models import Account, OAuthApp
from porina.posts.models import Poll, Status
from porina.posts.visibility import visible_clause
from porina.storage.fastread import Prebuilt

if TYPE_CHECKING:
    from porina.storage.fastread import FastReader


@dataclass(frozen=True, slots=True)
class StatusRow:
    status: Status
    account: Account
    poll: Poll | None
    app: OAuthApp | None


@dataclass(frozen=True, slots=True)
class Bundle:
    """A status as shown: the entry itself and, for a reblog, the reblogged status."""

    entry: StatusRow
    reblog: StatusRow | None

    @property
    def shown(self) -> StatusRow:
        return self.reblog or self.entry


S: type[Status] = aliased(Status, name="s")
A = aliased(Account, name="a")
P = aliased(Poll, name="p")
APP = aliased(OAuthApp, name="app")
R: type[Status] = aliased(Status, name="r")
RA = aliased(Account, name="ra")
RP = aliased(Poll, name="rp")
RAPP = aliased(OAuthApp, name="rapp")


BundleSelect = Select[Status, Account, Poll, OAuthApp, Status, Account, Poll, OAuthApp]


VIEWER = bindparam("porina_viewer", type_=BigInteger)
"""The viewer's account id in prebuilt statements; bind it with ``.params(porina_viewer=...)``."""


def bundle_select(viewer_id: int | None) -> BundleSelect:
    """Statuses ``S`` with everything needed to render them, visible to ``viewer_id``.
    Callers add their own ``where``/``order_by``/``limit`` on ``S``.

    Building this statement costs ~2 ms of Python, so it is built once per kind of viewer
    with the viewer as a bound parameter, and only the parameter changes per request."""
    if viewer_id is None:
        return _template(anonymous=True)
    return _template(anonymous=False).params(porina_viewer=viewer_id)


def viewer_template() -> BundleSelect:
    """``bundle_select`` for a signed-in viewer with the viewer left as the bound parameter
    ``porina_viewer``: the base of statements prebuilt once (the home timeline)."""
    return _template(anonymous=False)


@functools.cache
def _template(*, anonymous: bool) -> BundleSelect:
    return _joined(select(S, A, P, APP, R, RA, RP, RAPP), anonymous=anonymous)


Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])


def _joined(query: Q, *, anonymous: bool) -> Q:
    """``query`` (selecting from ``S`` first) joined to the rows a rendering needs, limited
    to what the viewer (``VIEWER``; none when ``anonymous``) may see."""
    viewer = None if anonymous else VIEWER
    return (
        query.join(A, A.id == S.account_id)
        .outerjoin(P, P.status_id == S.id)
        .outerjoin(APP, APP.id == S.application_id)
        .outerjoin(R, R.id == S.reblog_of_id)
        .outerjoin(RA, RA.id == R.account_id)
        .outerjoin(RP, RP.status_id == R.id)
        .outerjoin(RAPP, RAPP.id == R.application_id)
        .where(visible_clause(S, viewer))
        .where((S.reblog_of_id.is_(None)) | visible_clause(R, viewer))
    )


def to_bundle(row: Sequence[Any]) -> Bundle:
    s, a, p, app, r, ra, rp, rapp = row
    reblog = StatusRow(r, ra, rp, rapp) if r is not None else None
    return Bundle(StatusRow(s, a, p, app), reblog)


async def bundles(session: AsyncSession, query: BundleSelect) -> list[Bundle]:
    return [to_bundle(row) for row in (await session.execute(query)).all()]


async def bundles_by_id(
    session: AsyncSession, viewer_id: int | None, ids: Iterable[int]
) -> list[Bundle]:
    """Visible statuses among ``ids``, in the order given."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {
        b.entry.status.id: b
        for b in await bundles(session, bundle_select(viewer_id).where(S.id.in_(wanted)))
    }
    return [found[i] for i in wanted if i in found]


SLOTS = 64
"""Ids per ``rows_by_id`` statement; unused slots repeat the first id."""
ROW_SLOTS = tuple(f"porina_row_{n}" for n in range(SLOTS))
Convert = Callable[[Any], Any]
Converts = tuple[tuple[str, int, Convert, bool], ...]
"""(key, position, processor, whether it maps None to None) of the columns whose driver value
needs converting: a null the processor would keep as None is not passed to it (most of a
row's dates and JSON are null)."""


@dataclass(frozen=True, slots=True)
class _Part:
    """One of the eight rows of a bundle: its mapper and its columns, in select order."""

    mapper: Mapper[Any]
    keys: tuple[str, ...]
    columns: tuple[Any, ...]
    key: int
    """Where the primary key (``id``) is among ``keys``."""


def _part(entity: Any) -> _Part:
    """The columns of ``entity`` (a model or an alias of one), in the mapper's order."""
    found: AliasedInsp[Any] | Mapper[Any] = inspect(entity)
    mapper = found.mapper
    keys = tuple(prop.key for prop in mapper.column_attrs)
    columns = tuple(getattr(entity, key) for key in keys)
    return _Part(mapper, keys, columns, keys.index("id"))


@functools.cache
def _parts() -> tuple[_Part, ...]:
    return tuple(_part(alias) for alias in (S, A, P, APP, R, RA, RP, RAPP))


@functools.cache
def _rows_statement(*, anonymous: bool) -> Prebuilt:
    slots = [bindparam(name, type_=BigInteger) for name in ROW_SLOTS]
    columns = [column for part in _parts() for column in part.columns]
    query = _joined(select(*columns).select_from(S), anonymous=anonymous)
    return Prebuilt(query.where(S.id.in_(slots)))


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


_CONVERTERS: dict[str, tuple[Converts, ...]] = {}
_ACCOUNT_CONVERTERS: dict[str, Converts] = {}


def _converters(dialect: Dialect) -> tuple[Converts, ...]:
    """Per part, per column: what turns the driver's value into the model's (the column
    type's result processor; on PostgreSQL, where ``FastReader`` uses asyncpg without
    SQLAlchemy's codecs, JSON arrives as text and is parsed here)."""
    found = _CONVERTERS.get(dialect.name)
    if found is None:
        found = _CONVERTERS[dialect.name] = tuple(_part_converters(p, dialect) for p in _parts())
    return found


def _part_converters(part: _Part, dialect: Dialect) -> Converts:
    found = []
    for i, (key, column) in enumerate(zip(part.keys, part.columns, strict=True)):
        process = _converter(column.type, dialect)
        if process is not None:
            found.append((key, i, process, process(None) is None))
    return tuple(found)


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


def _model(part: _Part, values: Sequence[Any], convert: Converts) -> Any:
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


def _row_bundle(raw: Sequence[Any], dialect: Dialect) -> Bundle:
    models = []
    start = 0
    for part, convert in zip(_parts(), _converters(dialect), strict=True):
        end = start + len(part.keys)
        models.append(_model(part, raw[start:end], convert))
        start = end
    return to_bundle(models)


async def rows_by_id(reader: FastReader, viewer_id: int | None, ids: Iterable[int]) -> list[Bundle]:
    """``bundles_by_id`` on the driver: one prebuilt statement per ``SLOTS`` ids, no
    session."""
    wanted = list(dict.fromkeys(ids))
    statement = _rows_statement(anonymous=viewer_id is None)
    found: dict[int, Bundle] = {}
    for start in range(0, len(wanted), SLOTS):
        chunk = wanted[start : start + SLOTS]
        params: dict[str, Any] = {"porina_viewer": viewer_id}
        params.update(zip(ROW_SLOTS, [*chunk, *[chunk[0]] * (SLOTS - len(chunk))], strict=True))
        for raw in await reader.fetch(statement, params):
            bundle = _row_bundle(raw, reader.dialect)
            found[bundle.entry.status.id] = bundle
    return [found[i] for i in wanted if i in found]


@functools.cache
def _account_part() -> _Part:
    return _part(Account)


@functools.cache
def _accounts_statement() -> Prebuilt:
    slots = [bindparam(name, type_=BigInteger) for name in ROW_SLOTS]
    return Prebuilt(select(*_account_part().columns).where(Account.id.in_(slots)))


async def account_rows(reader: FastReader, ids: Iterable[int]) -> list[Account]:
    """The accounts among ``ids`` (any of them: suspended too, as an ORM read by id), read on
    the driver and built as ``rows_by_id`` builds its rows: one prebuilt statement per
    ``SLOTS`` ids, no session. In no particular order."""
    wanted = list(dict.fromkeys(ids))
    part = _account_part()
    convert = _ACCOUNT_CONVERTERS.get(reader.dialect.name)
    if convert is None:
        convert = _ACCOUNT_CONVERTERS[reader.dialect.name] = _part_converters(part, reader.dialect)
    found: list[Account] = []
    for start in range(0, len(wanted), SLOTS):
        chunk = wanted[start : start + SLOTS]
        params = dict(zip(ROW_SLOTS, [*chunk, *[chunk[0]] * (SLOTS - len(chunk))], strict=True))
        raw = await reader.fetch(_accounts_statement(), params)
        found.extend(_model(part, values, convert) for values in raw)
    return found
