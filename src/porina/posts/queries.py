"""Reading statuses in bulk: one query for the statuses (with authors, reblogged statuses,
polls and apps), one for what the viewer did to them. Every list endpoint goes through here,
so a page of 20 statuses costs two queries whatever it holds."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    bindparam,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, OAuthApp
from porina.posts.models import Poll, Status
from porina.posts.visibility import visible_clause


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
    viewer = None if anonymous else VIEWER
    return (
        select(S, A, P, APP, R, RA, RP, RAPP)
        .join(A, A.id == S.account_id)
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
