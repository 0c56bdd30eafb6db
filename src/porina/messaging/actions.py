"""Direct-message conversations: kept per participant as direct statuses are posted."""

from __future__ import annotations

from porina.posts.models import Status
from porina.storage.db import Tx


async def on_direct_status(tx: Tx, status: Status, participant_ids: list[int]) -> None:
    """A direct status was posted to ``participant_ids`` (the mentioned accounts): update every
    participant's conversation (the author's included), mark it unread for the recipients, and
    stream ``conversation`` to each."""
