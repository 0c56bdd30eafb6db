"""Publishing streaming events from actions, only after the transaction commits.

Channels (as Mastodon names streams): ``user:{account_id}`` (home updates, notifications,
conversations), ``public``, ``public:local``, ``hashtag:{name}``, ``hashtag:local:{name}``,
``list:{list_id}``, ``direct:{account_id}``. Messages carry ids, not rendered content; the
streaming endpoint renders for its viewer and checks visibility again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from porina.storage.db import Tx


def after_commit(tx: Tx, channel: str, event: str, **ids: Any) -> None:
    """Publish ``{"event": event, **ids}`` on ``channel`` once ``tx`` commits."""
    message = _message(event, ids)

    async def send() -> None:
        await tx.broker.publish(channel, message)

    tx.after_commit(send)


def after_commit_many(tx: Tx, channels: Sequence[str], event: str, **ids: Any) -> None:
    """Publish ``{"event": event, **ids}`` on each of ``channels`` once ``tx`` commits (one
    ``publish_many``: with Redis, one round trip)."""
    if not channels:
        return
    message = _message(event, ids)
    names = list(dict.fromkeys(channels))

    async def send() -> None:
        await tx.broker.publish_many(names, message)

    tx.after_commit(send)


def _message(event: str, ids: dict[str, Any]) -> dict[str, Any]:
    return {"event": event, **{k: str(v) if isinstance(v, int) else v for k, v in ids.items()}}
