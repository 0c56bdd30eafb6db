"""Every update of a status, account or poll row bumps its version, whichever way the row was
changed: the status cache keys renderings on these versions (migration 0004)."""

from __future__ import annotations

from sqlalchemy import select, text, update

from porina.accounts.models import Account
from porina.posts.models import Poll, Status
from porina.services import Services

from ..factories import Factory


async def _version(services: Services, model: type[Status | Account | Poll], row_id: int) -> int:
    async with services.db.read() as session:
        found = await session.scalar(select(model.version).where(model.id == row_id))
    assert found is not None
    return int(found)


async def test_counter_update_edit_and_raw_sql_each_bump_a_status_version(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    sid = int((await alice.status("first"))["id"])
    assert await _version(services, Status, sid) == 0
    async with services.db.transaction() as tx:  # a Core UPDATE, as the counters are kept
        await tx.session.execute(
            update(Status)
            .where(Status.id == sid)
            .values(favourites_count=Status.favourites_count + 1)
        )
    assert await _version(services, Status, sid) == 1
    response = await alice.put(f"/api/v1/statuses/{sid}", json={"status": "first, edited"})
    assert response.status_code == 200, response.text
    after_edit = await _version(services, Status, sid)
    assert after_edit > 1
    async with services.db.transaction() as tx:  # an operator's hand-written SQL
        await tx.session.execute(
            text("UPDATE statuses SET sensitive = :yes WHERE id = :id"), {"yes": True, "id": sid}
        )
    assert await _version(services, Status, sid) == after_edit + 1


async def test_profile_change_and_new_follower_bump_the_account_version(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    before = await _version(services, Account, alice.account.id)
    response = await alice.patch(
        "/api/v1/accounts/update_credentials", data={"display_name": "Alice A."}
    )
    assert response.status_code == 200, response.text
    renamed = await _version(services, Account, alice.account.id)
    assert renamed > before
    await bob.follow(alice)  # followers_count changes on alice's row
    assert await _version(services, Account, alice.account.id) > renamed


async def test_a_vote_bumps_the_poll_version(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    status = await alice.status("tea?", poll={"options": ["yes", "no"], "expires_in": 3600})
    poll_id = int(status["poll"]["id"])
    before = await _version(services, Poll, poll_id)
    response = await bob.post(f"/api/v1/polls/{poll_id}/votes", json={"choices": [0]})
    assert response.status_code == 200, response.text
    assert await _version(services, Poll, poll_id) > before
