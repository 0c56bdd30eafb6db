"""Small helpers for status tests: rows other endpoints would write."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from porina.core.clock import now
from porina.core.ids import new_id
from porina.posts.models import MediaAttachment
from porina.services import Services

from ..factories import Person


async def follow(services: Services, follower: Person, target: Person) -> None:
    response = await follower.post(f"/api/v1/accounts/{target.id}/follow")
    assert response.status_code == 200, response.text


async def media(services: Services, owner: Person, kind: str = "image") -> str:
    """An uploaded, unattached attachment as the media endpoint leaves it."""
    mid = new_id()
    async with services.db.transaction() as tx:
        tx.session.add(
            MediaAttachment(
                id=mid,
                account_id=owner.account.id,
                type=kind,
                mime_type="image/png" if kind == "image" else "video/mp4",
                file_path=f"media_attachments/{mid}.png",
                thumbnail_path=f"media_attachments/{mid}_small.png",
                meta={"original": {"width": 10, "height": 10}},
                created_at=now(),
            )
        )
    return str(mid)


async def set_columns(services: Services, model: Any, row_id: int, **values: Any) -> None:
    async with services.db.transaction() as tx:
        await tx.session.execute(update(model).where(model.id == row_id).values(**values))
