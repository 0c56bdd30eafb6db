"""Challenges kept live from the social events (docs/events.md):

- ``StatusCreated`` of a public post with hashtags: one read of the running challenges on those
  hashtags; the post becomes a submission of each (not the brand's own posts);
- ``Favourited``/``Unfavourited`` by someone other than the author: one ``UPDATE`` of the
  post's submissions in running ``votes`` challenges (self-favourites cost nothing);
- ``StatusEdited``: one read of the running challenges; when there are any, the post enters
  those whose hashtag it now carries (its votes so far counted: favourites by others) and
  leaves those whose hashtag it no longer carries.
"""

from __future__ import annotations

import functools

from sqlalchemy import BigInteger, String, bindparam, delete, func, select

from porina.campaigns.challenge_models import Challenge, ChallengeSubmission
from porina.campaigns.challenges import add_votes
from porina.core.clock import now
from porina.core.events import Favourited, StatusCreated, StatusEdited, Unfavourited
from porina.core.ids import new_id
from porina.interactions.models import Favourite
from porina.jobs.events import subscribe
from porina.posts.models import Status, StatusTag, Tag
from porina.storage.base import UTCDateTime
from porina.storage.db import Tx, in_slots, slot_values, slots_for
from porina.storage.fastread import Prebuilt


def _tagged_public(event: StatusCreated) -> bool:
    return event.visibility == "public" and bool(event.tags)


def _by_another(event: Favourited | Unfavourited) -> bool:
    return event.actor is not None and event.actor.account_id != event.status_author_id


@functools.cache
def _running(size: int) -> Prebuilt:
    """The running challenges on any of ``size`` hashtags (``porina_tag_0`` ...) not run by
    the author: a prebuilt statement on the post's own connection (no ORM step, and on
    SQLite no hop to aiosqlite's thread while the write lock is held)."""
    tags = in_slots("porina_tag", size, String)
    moment = bindparam("porina_moment", type_=UTCDateTime())
    return Prebuilt(
        select(Challenge.id).where(
            Challenge.hashtag.in_(tags),
            Challenge.ends_at >= moment,
            Challenge.starts_at <= moment,
            Challenge.brand_account_id != bindparam("porina_author", type_=BigInteger),
        )
    )


@subscribe(StatusCreated, when=_tagged_public)
async def submitted(tx: Tx, event: StatusCreated) -> None:
    moment = now()
    tags = list(dict.fromkeys(t.lower() for t in event.tags))
    size = slots_for(len(tags))
    params: dict[str, object] = {"porina_moment": moment, "porina_author": event.author_id}
    params.update(slot_values("porina_tag", tags, size))
    for (challenge_id,) in (await tx.run(_running(size), params)).rows:
        values = {
            "id": new_id(),
            "challenge_id": int(challenge_id),
            "status_id": event.status_id,
            "author_id": event.author_id,
            "score": 0,
            "created_at": moment,
        }
        await tx.insert(ChallengeSubmission, values)


@subscribe(Favourited, when=_by_another)
async def voted(tx: Tx, event: Favourited) -> None:
    await add_votes(tx, event.status_id, event.status_author_id, +1)


@subscribe(Unfavourited, when=_by_another)
async def unvoted(tx: Tx, event: Unfavourited) -> None:
    await add_votes(tx, event.status_id, event.status_author_id, -1)


@subscribe(StatusEdited)
async def resubmitted(tx: Tx, event: StatusEdited) -> None:
    moment = now()
    running = (
        await tx.session.execute(
            select(Challenge.id, Challenge.hashtag).where(
                Challenge.starts_at <= moment,
                Challenge.ends_at >= moment,
                Challenge.brand_account_id != event.author_id,
            )
        )
    ).all()
    if not running:
        return
    carried = await _public_tags(tx, event.status_id)
    entered = set(
        await tx.session.scalars(
            select(ChallengeSubmission.challenge_id).where(
                ChallengeSubmission.status_id == event.status_id
            )
        )
    )
    leaving = [cid for cid, tag in running if cid in entered and tag not in carried]
    if leaving:
        await tx.session.execute(
            delete(ChallengeSubmission).where(
                ChallengeSubmission.status_id == event.status_id,
                ChallengeSubmission.challenge_id.in_(leaving),
            )
        )
    joining = [cid for cid, tag in running if cid not in entered and tag in carried]
    if joining:
        votes = await _votes_so_far(tx, event.status_id, event.author_id)
        for challenge_id in joining:
            tx.session.add(
                ChallengeSubmission(
                    id=new_id(),
                    challenge_id=challenge_id,
                    status_id=event.status_id,
                    author_id=event.author_id,
                    score=votes,
                    created_at=moment,
                )
            )


async def _public_tags(tx: Tx, status_id: int) -> set[str]:
    """The hashtags (lower-cased) of a public, live post; none for any other."""
    names = await tx.session.scalars(
        select(func.lower(Tag.name))
        .join(StatusTag, StatusTag.tag_id == Tag.id)
        .join(Status, Status.id == StatusTag.status_id)
        .where(
            Status.id == status_id,
            Status.visibility == "public",
            Status.deleted_at.is_(None),
            Status.reblog_of_id.is_(None),
        )
    )
    return set(names)


async def _votes_so_far(tx: Tx, status_id: int, author_id: int) -> int:
    """Favourites of the post by others (a post that joins by an edit keeps its votes)."""
    counted = await tx.session.scalar(
        select(func.count()).where(
            Favourite.status_id == status_id, Favourite.account_id != author_id
        )
    )
    return int(counted or 0)
