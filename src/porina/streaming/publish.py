"""Publishing streaming events from actions, only after the transaction commits.

Channels (as Mastodon names streams): ``user:{account_id}`` (home updates, notifications,
conversations), ``public``, ``public:local``, ``hashtag:{name}``, ``hashtag:local:{name}``,
``list:{list_id}``, ``direct:{account_id}``. Messages carry ids, not rendered content; the
streaming endpoint renders for its viewer and checks visibility again.
"""

from __future__ import annotations

from typing import Any

from porina.storage.db import Tx


def after_commit(tx: Tx, channel: str, event: str, **ids: Any) -> None:
    """Publish ``{"event": event, **ids}`` on ``channel`` once ``tx`` commits."""
    message = {"event": event, **{k: str(v) if isinstance(v, int) else v for k, v in ids.items()}}

    async def send() -> None:
        await tx.broker.publish(channel, message)

    tx.after_commit(send)
