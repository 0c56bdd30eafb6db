"""The demo world ``make run`` seeds: made through the real actions, and seeded only once."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from porina.accounts import passwords
from porina.accounts.actions import issue_token
from porina.accounts.models import Account, User
from porina.core.errors import Conflict
from porina.demo import seed
from porina.posts.models import MediaAttachment, Poll, Status
from porina.services import Services


async def _count(services: Services, model: type[object]) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _token_for(services: Services, username: str) -> str:
    async with services.db.transaction() as tx:
        user = await tx.session.scalar(
            select(User)
            .join(Account, Account.id == User.account_id)
            .where(Account.username == username)
        )
        assert user is not None
        token, _ = await issue_token(tx, user=user, app_id=None, scopes="read write follow push")
    return token


async def test_seeding_an_empty_database_builds_the_cafe_world(
    services: Services, client: httpx.AsyncClient
) -> None:
    result = await seed.run(services, if_empty=True)
    assert result is not None
    assert result.accounts == len(seed.PEOPLE) + 2
    assert result.statuses >= 90 and result.favourites > 50 and result.reblogs > 5

    async with services.db.read() as session:
        cafe = await session.scalar(select(Account).where(Account.username == seed.CAFE))
        admin = await session.scalar(
            select(User)
            .join(Account, Account.id == User.account_id)
            .where(Account.username == seed.ADMIN)
        )
        hashes = set((await session.scalars(select(User.password_hash))).all())
        warned = await session.scalar(
            select(func.count()).select_from(Status).where(Status.spoiler_text != "")
        )
        dms = await session.scalar(
            select(func.count()).select_from(Status).where(Status.visibility == "direct")
        )
        described = (await session.scalars(select(MediaAttachment.description))).all()
    assert (
        cafe is not None
        and cafe.actor_type == "Organization"
        and cafe.display_name == "Kahvila Porina"
    )
    assert admin is not None and admin.role == "admin"
    assert len(hashes) == 1 and await passwords.verify(hashes.pop(), seed.DEMO_PASSWORD)
    assert warned == len(seed.CONTENT_WARNINGS)
    assert dms == len(seed.DM_THREAD)
    assert len(described) == len(seed.PHOTOS) and all(described)
    assert await _count(services, Poll) == 1

    token = await _token_for(services, "aino")
    home = await client.get("/api/v1/timelines/home", headers={"Authorization": f"Bearer {token}"})
    assert home.status_code == 200, home.text
    statuses = home.json()
    assert len(statuses) >= 10
    assert any(s["account"]["username"] != "aino" for s in statuses)

    cafe_token = await _token_for(services, seed.CAFE)
    public = await client.get(
        "/api/v1/timelines/tag/kahvi", headers={"Authorization": f"Bearer {cafe_token}"}
    )
    assert public.status_code == 200 and len(public.json()) >= 5


async def test_second_run_with_if_empty_changes_nothing_and_without_it_is_refused(
    services: Services,
) -> None:
    assert await seed.run(services, if_empty=True) is not None
    before = (await _count(services, Account), await _count(services, Status))
    assert await seed.run(services, if_empty=True) is None
    with pytest.raises(Conflict, match="already has accounts"):
        await seed.run(services, if_empty=False)
    assert (await _count(services, Account), await _count(services, Status)) == before
