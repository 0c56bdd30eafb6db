"""A post's edit history as a reader may see it: every version, oldest first.

The same reading as ``GET /api/v1/statuses/:id/history``: a post the reader may not see is
``StatusNotFound`` (404, never a hint that it exists), and a post never edited has one
version, itself as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.posts.errors import StatusNotFound
from porina.posts.models import Poll, Status, StatusEdit
from porina.posts.visibility import is_visible


@dataclass(frozen=True, slots=True)
class History:
    status: Status
    author: Account
    versions: list[StatusEdit]


async def history(
    session: AsyncSession, viewer_id: int | None, status_id: int, *, reblogs: bool = False
) -> History:
    """The versions of ``status_id`` if ``viewer_id`` (None: anonymous) may see it. A boost
    is not found unless ``reblogs`` (the API, as Mastodon: a boost's one version)."""
    status = await session.get(Status, status_id)
    if status is None or (status.reblog_of_id is not None and not reblogs):
        raise StatusNotFound()
    if not await is_visible(session, viewer_id, status):
        raise StatusNotFound()
    author = await session.get(Account, status.account_id)
    if author is None:
        raise StatusNotFound()
    versions = list(
        await session.scalars(
            select(StatusEdit).where(StatusEdit.status_id == status.id).order_by(StatusEdit.id)
        )
    )
    if not versions:
        poll = await session.scalar(select(Poll).where(Poll.status_id == status.id))
        versions = [
            StatusEdit(
                content=status.content,
                spoiler_text=status.spoiler_text,
                sensitive=status.sensitive,
                media=status.media,
                poll_options=list(poll.options) if poll is not None else None,
                created_at=status.created_at,
            )
        ]
    return History(status, author, versions)
