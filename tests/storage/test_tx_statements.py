"""A write transaction's prebuilt statements (``Tx.run``, ``Tx.insert``): on SQLite they run on
the transaction's own connection without a hop to aiosqlite's thread. Whatever path they take,
they belong to the transaction: rolled back with it, seen by a reader only once it commits,
and a constraint they break is SQLAlchemy's ``IntegrityError``, as through the session."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import BigInteger, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from porina.accounts.models import Account
from porina.core.clock import now
from porina.core.ids import new_id
from porina.interactions.models import Favourite
from porina.services import Services
from porina.storage import db as db_module
from porina.storage.base import UTCDateTime
from porina.storage.fastread import Prebuilt

from ..factories import Factory

RENAME = Prebuilt(
    update(Account)
    .where(Account.id == bindparam("who", type_=BigInteger))
    .values(display_name=bindparam("name"))
)
NAME = Prebuilt(
    select(Account.display_name).where(Account.id == bindparam("who", type_=BigInteger))
)


class Undone(Exception):
    pass


def _favourite(account_id: int, status_id: int) -> dict[str, object]:
    return {"id": new_id(), "account_id": account_id, "status_id": status_id, "created_at": now()}


async def _name(services: Services, account_id: int) -> str:
    rows = await services.db.fast.fetch(NAME, {"who": account_id})
    return str(rows[0][0])


async def test_a_rolled_back_transaction_keeps_none_of_its_statements(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    post_id = int((await alice.status("hello"))["id"])
    with pytest.raises(Undone):
        async with services.db.transaction() as tx:
            ran = await tx.run(RENAME, {"who": alice.account.id, "name": "Renamed"})
            assert ran.rowcount == 1
            await tx.insert(Favourite, _favourite(alice.account.id, post_id))
            assert (await tx.run(NAME, {"who": alice.account.id})).one() == ("Renamed",)
            raise Undone()
    assert await _name(services, alice.account.id) != "Renamed"
    async with services.db.read() as session:
        found = (
            await session.execute(select(Favourite.id).where(Favourite.status_id == post_id))
        ).first()
    assert found is None


async def test_a_committed_statement_is_seen_and_counted(services: Services, make: Factory) -> None:
    alice = await make.person("alice")
    before = services.db.query_count
    async with services.db.transaction() as tx:
        ran = await tx.run(RENAME, {"who": alice.account.id, "name": "Aino"})
        assert ran.rowcount == 1 and ran.all() == [] and ran.first() is None
    assert services.db.query_count == before + 1
    assert await _name(services, alice.account.id) == "Aino"


async def test_a_broken_constraint_is_an_integrity_error_and_undoes_the_transaction(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    post_id = int((await alice.status("hello"))["id"])
    with pytest.raises(IntegrityError):
        async with services.db.transaction() as tx:
            await tx.run(RENAME, {"who": alice.account.id, "name": "Half done"})
            await tx.insert(Favourite, _favourite(alice.account.id, post_id))
            await tx.insert(Favourite, _favourite(alice.account.id, post_id))
    assert await _name(services, alice.account.id) != "Half done"
    unique = ("account_id", "status_id")
    async with services.db.transaction() as tx:  # the connection is usable afterwards
        assert await tx.insert_if_absent(
            Favourite, _favourite(alice.account.id, post_id), unique=unique
        )
        assert not await tx.insert_if_absent(
            Favourite, _favourite(alice.account.id, post_id), unique=unique
        )


async def test_a_prebuilt_write_stores_a_moment_as_the_orm_does(
    services: Services, make: Factory
) -> None:
    """A moment on a whole second, written by ``Tx.insert`` and by the session, is the same
    stored value, so an ORM range read from that second finds both (on SQLite the prebuilt
    path once wrote "...:00" where SQLAlchemy writes "...:00.000000", and missed)."""
    alice = await make.person("alice")
    first = int((await alice.status("one"))["id"])
    second = int((await alice.status("two"))["id"])
    whole = now().replace(microsecond=0)
    async with services.db.transaction() as tx:
        await tx.insert(Favourite, {**_favourite(alice.account.id, first), "created_at": whole})
        tx.session.add(Favourite(**{**_favourite(alice.account.id, second), "created_at": whole}))
    async with services.db.read() as session:
        found = await session.scalars(
            select(Favourite.status_id).where(
                Favourite.account_id == alice.account.id, Favourite.created_at >= whole
            )
        )
        assert sorted(found) == sorted([first, second])
    fast = Prebuilt(
        select(Favourite.status_id).where(
            Favourite.account_id == bindparam("who", type_=BigInteger),
            Favourite.created_at == bindparam("at", type_=Favourite.created_at.type),
        )
    )
    rows = await services.db.fast.fetch(fast, {"who": alice.account.id, "at": whole})
    assert sorted(r[0] for r in rows) == sorted([first, second])


FAVOURITE = Prebuilt(
    insert(Favourite).values(
        id=bindparam("id", type_=BigInteger),
        account_id=bindparam("account_id", type_=BigInteger),
        status_id=bindparam("status_id", type_=BigInteger),
        created_at=bindparam("created_at", type_=UTCDateTime()),
    )
)


async def test_a_large_statement_belongs_to_its_transaction_as_any_other(
    services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Tx.run(..., large=True)`` (on SQLite in a worker thread, for a fan-out's hundreds of
    rows): rolled back with its transaction, seen once it commits, and a broken constraint is
    SQLAlchemy's ``IntegrityError``."""
    threads: list[int] = []
    direct = db_module._direct_run

    def recording(*args: Any) -> Any:
        threads.append(threading.get_ident())
        return direct(*args)

    alice = await make.person("alice")
    post_id = int((await alice.status("hello"))["id"])
    monkeypatch.setattr(db_module, "_direct_run", recording)  # from here only large ones
    with pytest.raises(Undone):
        async with services.db.transaction() as tx:
            renamed = await tx.run(RENAME, {"who": alice.account.id, "name": "Gone"}, large=True)
            assert renamed.rowcount == 1
            raise Undone()
    assert await _name(services, alice.account.id) != "Gone"
    with pytest.raises(IntegrityError):
        async with services.db.transaction() as tx:
            await tx.run(FAVOURITE, _favourite(alice.account.id, post_id), large=True)
            await tx.run(FAVOURITE, _favourite(alice.account.id, post_id), large=True)
    async with services.db.transaction() as tx:
        await tx.run(RENAME, {"who": alice.account.id, "name": "Kept"}, large=True)
        await tx.run(FAVOURITE, _favourite(alice.account.id, post_id), large=True)
    assert await _name(services, alice.account.id) == "Kept"
    async with services.db.read() as session:
        found = await session.scalars(select(Favourite.id).where(Favourite.status_id == post_id))
        assert len(found.all()) == 1
    if services.db.is_sqlite:  # off the event loop's thread; PostgreSQL's go through asyncpg
        assert threads and threading.get_ident() not in threads
