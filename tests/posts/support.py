"""Small helpers for status tests: what other endpoints would do first, through the same
writers."""

from __future__ import annotations

import io

from PIL import Image

from porina.posts.media_actions import create_media, store_upload
from porina.services import Services

from ..factories import Person


def png(size: tuple[int, int] = (10, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 30)).save(out, "PNG")
    return out.getvalue()


async def follow(services: Services, follower: Person, target: Person) -> None:
    response = await follower.post(f"/api/v1/accounts/{target.id}/follow")
    assert response.status_code == 200, response.text


async def media(services: Services, owner: Person) -> str:
    """An uploaded, unattached image, as ``POST /api/v2/media`` leaves it (the same writers)."""
    stored = await store_upload(services.settings, png())
    async with services.db.transaction() as tx:
        attachment = await create_media(tx, owner.actor, stored)
    return str(attachment.id)
