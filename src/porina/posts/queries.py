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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Select,
    bindparam,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, OAuthApp
from porina.posts.models import Poll, Status
from porina.posts.visibility import visible_clause
from porina.storage.driver_rows import Models
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


@functools.cache
def _models() -> Models:
    """The eight rows of a bundle side by side."""
    return Models(S, A, P, APP, R, RA, RP, RAPP)


@functools.cache
def _rows_statement(*, anonymous: bool) -> Prebuilt:
    slots = [bindparam(name, type_=BigInteger) for name in ROW_SLOTS]
    query = _joined(select(*_models().columns).select_from(S), anonymous=anonymous)
    return Prebuilt(query.where(S.id.in_(slots)))


def _row_bundle(raw: Sequence[Any], dialect: Dialect) -> Bundle:
    return to_bundle(_models().build(raw, dialect))


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
def _account_models() -> Models:
    return Models(Account)


@functools.cache
def _accounts_statement() -> Prebuilt:
    slots = [bindparam(name, type_=BigInteger) for name in ROW_SLOTS]
    return Prebuilt(select(*_account_models().columns).where(Account.id.in_(slots)))


async def account_rows(reader: FastReader, ids: Iterable[int]) -> list[Account]:
    """The accounts among ``ids`` (any of them: suspended too, as an ORM read by id), read on
    the driver and built as ``rows_by_id`` builds its rows: one prebuilt statement per
    ``SLOTS`` ids, no session. In no particular order."""
    wanted = list(dict.fromkeys(ids))
    models = _account_models()
    found: list[Account] = []
    for start in range(0, len(wanted), SLOTS):
        chunk = wanted[start : start + SLOTS]
        params = dict(zip(ROW_SLOTS, [*chunk, *[chunk[0]] * (SLOTS - len(chunk))], strict=True))
        raw = await reader.fetch(_accounts_statement(), params)
        found.extend(models.build(values, reader.dialect)[0] for values in raw)
    return found
