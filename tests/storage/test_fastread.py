"""FastReader runs prebuilt Core statements on the driver: same answers as the session, sees
a write as soon as it commits, and counts as a query."""

from __future__ import annotations

from sqlalchemy import BigInteger, bindparam, select

from porina.accounts.models import Account
from porina.services import Services
from porina.storage.fastread import Prebuilt

from ..factories import Factory

WHO = Prebuilt(
    select(Account.username, Account.statuses_count)
    .where(Account.id == bindparam("who", type_=BigInteger))
    .where(Account.actor_type.in_(("Person", "Organization")))
)


async def test_fast_read_sees_committed_writes_and_counts_as_a_query(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    before = services.db.query_count
    assert await services.db.fast.fetch(WHO, {"who": alice.account.id}) == [("alice", 0)]
    assert services.db.query_count == before + 1
    await alice.status("hello")
    assert await services.db.fast.fetch(WHO, {"who": alice.account.id}) == [("alice", 1)]
    assert await services.db.fast.fetch(WHO, {"who": alice.account.id + 1}) == []
