"""What the staff pages read (issue 19, points 1 and 6; ``web/newsletter_staff_pages.py``): the
brand's lists with their subscriber counts by state, and one list's subscribers filtered by
state and searched by address, newest first, paged by id. The same access rules as the API:
the brand's owner or manager (``actions.require_staff``/``actions.owned``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from porina.core.actor import Actor
from porina.newsletter.actions import owned, require_staff
from porina.newsletter.models import STATES, NewsletterList, NewsletterSubscriber
from porina.storage.db import Tx

PAGE = 50


@dataclass(frozen=True, slots=True)
class ListRow:
    listing: NewsletterList
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def _counts(tx: Tx, list_ids: list[int]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {i: dict.fromkeys(STATES, 0) for i in list_ids}
    if not list_ids:
        return found
    rows = await tx.session.execute(
        select(NewsletterSubscriber.list_id, NewsletterSubscriber.status, func.count())
        .where(NewsletterSubscriber.list_id.in_(list_ids))
        .group_by(NewsletterSubscriber.list_id, NewsletterSubscriber.status)
    )
    for list_id, status, number in rows.all():
        found[list_id][status] = int(number)
    return found


async def overview(tx: Tx, actor: Actor) -> list[ListRow]:
    """The acting brand's lists, oldest first, each with its counts by state."""
    await require_staff(tx.session, actor)
    rows = list(
        await tx.session.scalars(
            select(NewsletterList)
            .where(NewsletterList.brand_account_id == actor.account_id)
            .order_by(NewsletterList.id)
        )
    )
    counts = await _counts(tx, [r.id for r in rows])
    return [ListRow(r, counts[r.id]) for r in rows]


async def one(tx: Tx, actor: Actor, list_id: int) -> ListRow:
    row = await owned(tx, actor, list_id)
    return ListRow(row, (await _counts(tx, [row.id]))[row.id])


async def page(
    tx: Tx,
    actor: Actor,
    list_id: int,
    *,
    status: str | None = None,
    search: str = "",
    max_id: int | None = None,
) -> tuple[list[NewsletterSubscriber], int | None]:
    """A page of the list's subscribers and the ``max_id`` of the next page (None at the end).
    ``search`` matches part of the address, case-insensitively."""
    await owned(tx, actor, list_id)
    query = select(NewsletterSubscriber).where(NewsletterSubscriber.list_id == list_id)
    if status in STATES:
        query = query.where(NewsletterSubscriber.status == status)
    needle = search.strip().lower()
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(NewsletterSubscriber.email.like(f"%{escaped}%", escape="\\"))
    if max_id is not None:
        query = query.where(NewsletterSubscriber.id < max_id)
    found = list(
        await tx.session.scalars(query.order_by(NewsletterSubscriber.id.desc()).limit(PAGE + 1))
    )
    more = len(found) > PAGE
    rows = found[:PAGE]
    return rows, rows[-1].id if more and rows else None
