"""Who receives a post is read for every post (``timelines/queries.audience``): its author's
followers, the accounts following one of its hashtags, minus those who block or mute the
author. That read must cost the same whatever the number of tagged posts on the server:
``status_tags``'s key is ``(tag_id, status_id)``, and without an index on ``status_id`` the
post's tags were found by reading every tagged post there is (migration 0062)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from porina.core.clock import now
from porina.core.ids import new_id
from porina.posts.models import Status, StatusTag, Tag
from porina.services import Services
from porina.timelines.queries import Audience, audience, recipients_prebuilt

from ..factories import Factory, Person
from ..support.sqlite_work import instructions

TAGGED = 300


async def _tagged_posts(services: Services, person: Person, tag_id: int, count: int) -> None:
    async with services.db.transaction() as tx:
        for i in range(count):
            row: dict[str, Any] = {
                "id": new_id(),
                "account_id": person.account.id,
                "visibility": "public",
                "text": f"#kahvi {i}",
                "content": f"<p>#kahvi {i}</p>",
                "created_at": now(),
                "local": True,
            }
            await tx.insert(Status, row)
            await tx.insert(StatusTag, {"tag_id": tag_id, "status_id": row["id"]})


def _post(author: Person, status_id: int) -> Audience:
    return Audience(status_id, author.account.id, None, "public", None, None, None, False)


def _steps(database: str, author: Person, status_id: int) -> int:
    post = _post(author, status_id)
    params = {
        "porina_author": post.author_id,
        "porina_status": post.status_id,
        "porina_group": None,
        "porina_reply_to": None,
        "porina_target_author": None,
        "porina_since": None,
        "porina_moment": now(),
    }
    return instructions(database, recipients_prebuilt(post.shape(active=False)), params)


async def test_a_posts_audience_does_not_read_every_tagged_post(
    services: Services, make: Factory
) -> None:
    if not services.db.is_sqlite:
        pytest.skip("counts SQLite's instructions; PostgreSQL plans with the same index")
    alice, bob, fan = [await make.person(n) for n in ("alice", "bob", "fan")]
    assert (await fan.post("/api/v1/tags/kahvi/follow")).status_code == 200
    post = await alice.status("#kahvi is ready")
    async with services.db.read() as session:
        tag_id = await session.scalar(select(Tag.id).where(Tag.name == "kahvi"))
    assert tag_id is not None
    database = services.db.engine.url.database
    assert database is not None
    few = _steps(database, alice, int(post["id"]))
    await _tagged_posts(services, bob, tag_id, TAGGED)
    many = _steps(database, alice, int(post["id"]))
    shown = await audience(services.db, _post(alice, int(post["id"])), active_since=None)
    assert fan.account.id in shown  # the tag's follower receives it
    # reading every tagged post costs several instructions each; the index's depth a few
    assert many - few < TAGGED // 10, (few, many)
