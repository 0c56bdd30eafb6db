"""Whether an author has a follower on another server is asked in every post's, boost's and
follow's transaction (``federation/reach.py``: a local post queues no federation job). The
answer must cost the same for a brand with thousands of local followers as for a new
account: it once asked each follower's account for its domain, reading every follower when
none was remote. ``follows.remote``, kept by the database on every insert (migration
0063), and the index of remote followers alone make it one look-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from porina.accounts.models import Account, Follow
from porina.core.clock import now
from porina.core.ids import new_id
from porina.federation import reach
from porina.services import Services

from ..factories import Factory
from ..support.sqlite_work import follower_rows, followers, instructions

LOCAL_FOLLOWERS = 300


def _steps(database: str, author: int) -> int:
    return instructions(database, reach.followers_statement(), {"porina_account": author})


def test_asking_for_a_remote_follower_reads_no_local_follower(sqlite_db: str) -> None:
    popular, newcomer = new_id(), new_id()
    followers(sqlite_db, popular, LOCAL_FOLLOWERS)
    # reading the followers costs several instructions each; an index's depth may differ
    assert _steps(sqlite_db, popular) - _steps(sqlite_db, newcomer) < LOCAL_FOLLOWERS // 10


async def _insert(services: Services, accounts: list[Any], follows: list[Any]) -> None:
    """The accounts, and their follows by a Core insert."""
    async with services.db.transaction() as tx:
        await tx.session.execute(insert(Account), accounts)
        if follows:
            await tx.session.execute(insert(Follow), follows)


async def _remote_followers(services: Services, author: int) -> bool:
    async with services.db.transaction() as tx:
        return await reach.remote_followers(tx, author)


async def test_a_follower_on_another_server_is_found_whichever_way_the_follow_was_written(
    services: Services, make: Factory
) -> None:
    """Local followers are not remote ones; a remote follower is found whether its follow
    was written by a Core insert or by the ORM (the database marks it either way)."""
    brand, shop = await make.person("brand"), await make.person("shop")
    fans = await make.person("fan")
    await fans.follow(brand)
    await _insert(services, *follower_rows(brand.account.id, 3))
    assert not await _remote_followers(services, brand.account.id)

    await _insert(services, *follower_rows(brand.account.id, 1, "remote.example"))
    assert await _remote_followers(services, brand.account.id)

    accounts, _ = follower_rows(shop.account.id, 1, "elsewhere.example")
    await _insert(services, accounts, [])
    async with services.db.transaction() as tx:
        tx.session.add(
            Follow(
                id=new_id(),
                account_id=accounts[0]["id"],
                target_account_id=shop.account.id,
                created_at=now(),
            )
        )
    assert await _remote_followers(services, shop.account.id)
    assert not await _remote_followers(services, fans.account.id)
