"""Challenges kept live from the social events (docs/events.md):

- ``StatusCreated`` of a public post with hashtags: one read of the running challenges on those
  hashtags; the post becomes a submission of each (not the brand's own posts);
- ``Favourited``/``Unfavourited`` by someone other than the author: one ``UPDATE`` of the
  post's submissions in running ``votes`` challenges (self-favourites cost nothing).
"""

from __future__ import annotations

from sqlalchemy import select

from porina.campaigns.challenge_models import Challenge, ChallengeSubmission
from porina.campaigns.challenges import add_votes
from porina.core.clock import now
from porina.core.events import Favourited, StatusCreated, Unfavourited
from porina.core.ids import new_id
from porina.jobs.events import subscribe
from porina.storage.db import Tx


def _tagged_public(event: StatusCreated) -> bool:
    return event.visibility == "public" and bool(event.tags)


def _by_another(event: Favourited | Unfavourited) -> bool:
    return event.actor is not None and event.actor.account_id != event.status_author_id


@subscribe(StatusCreated, when=_tagged_public)
async def submitted(tx: Tx, event: StatusCreated) -> None:
    moment = now()
    running = select(Challenge.id).where(
        Challenge.hashtag.in_([t.lower() for t in event.tags]),
        Challenge.ends_at >= moment,
        Challenge.starts_at <= moment,
        Challenge.brand_account_id != event.author_id,
    )
    for challenge_id in (await tx.session.scalars(running)).all():
        tx.session.add(
            ChallengeSubmission(
                id=new_id(),
                challenge_id=challenge_id,
                status_id=event.status_id,
                author_id=event.author_id,
                score=0,
                created_at=moment,
            )
        )


@subscribe(Favourited, when=_by_another)
async def voted(tx: Tx, event: Favourited) -> None:
    await add_votes(tx, event.status_id, event.status_author_id, +1)


@subscribe(Unfavourited, when=_by_another)
async def unvoted(tx: Tx, event: Unfavourited) -> None:
    await add_votes(tx, event.status_id, event.status_author_id, -1)
