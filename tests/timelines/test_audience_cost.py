"""Who receives a post is read for every post (``timelines/queries.audience``): its author's
followers, the accounts following one of its hashtags, minus those who block or mute the
author. That read must cost the same whatever the number of tagged posts on the server:
``status_tags``'s key is ``(tag_id, status_id)``, and without an index on ``status_id`` the
post's tags were found by reading every tagged post there is (migration 0062)."""

from __future__ import annotations

from sqlalchemy import select

from porina.core.clock import now
from porina.core.ids import new_id
from porina.posts.models import Tag
from porina.services import Services
from porina.timelines.queries import Audience, audience, recipients_prebuilt

from ..factories import Factory
from ..support.sqlite_work import instructions, posts

TAGGED = 300


def _post(author_id: int, status_id: int) -> Audience:
    return Audience(status_id, author_id, None, "public", None, None, None, False)


def _steps(database: str, author_id: int, status_id: int) -> int:
    post = _post(author_id, status_id)
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


async def test_a_tags_follower_is_in_a_posts_audience(services: Services, make: Factory) -> None:
    alice, fan = await make.person("alice"), await make.person("fan")
    assert (await fan.post("/api/v1/tags/kahvi/follow")).status_code == 200
    post = await alice.status("#kahvi is ready")
    async with services.db.read() as session:
        assert await session.scalar(select(Tag.id).where(Tag.name == "kahvi")) is not None
    shown = await audience(services.db, _post(alice.account.id, int(post["id"])), active_since=None)
    assert fan.account.id in shown and alice.account.id in shown


def test_a_posts_audience_does_not_read_every_tagged_post(sqlite_db: str) -> None:
    author, other, tag_id = new_id(), new_id(), new_id()
    (status_id,) = posts(sqlite_db, author, 1, tag_id=tag_id)
    few = _steps(sqlite_db, author, status_id)
    posts(sqlite_db, other, TAGGED, tag_id=tag_id)
    many = _steps(sqlite_db, author, status_id)
    # reading every tagged post costs several instructions each; the index's depth a few
    assert many - few < TAGGED // 10, (few, many)
