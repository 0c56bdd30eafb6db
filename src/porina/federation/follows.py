"""The ActivityPub id of a follow, kept on the follow (or the request waiting for approval)
so an ``Accept`` or an ``Undo`` can name the ``Follow`` it answers."""

from __future__ import annotations

from sqlalchemy import update

from porina.accounts.models import Follow, FollowRequest
from porina.storage.db import Tx


async def keep_uri(tx: Tx, follower_id: int, target_id: int, uri: str | None) -> None:
    """Write ``uri`` on ``follower_id``'s follow of ``target_id``, whichever of the two it is."""
    for model in (Follow, FollowRequest):
        await tx.session.execute(
            update(model)
            .where(model.account_id == follower_id, model.target_account_id == target_id)
            .values(uri=uri)
            .execution_options(synchronize_session=False)
        )
