"""Deleting one's own account: nothing private of theirs stays reachable through any endpoint
(their DMs, private and public posts, media files are 404 for everybody, at once and after
the purge job), their tokens stop working at once, and the username stays reserved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select

from porina.accounts.errors import BadCredentials
from porina.accounts.models import Account, AccountNote, User
from porina.core.errors import PorinaError
from porina.interactions.models import Filter
from porina.posts.models import ScheduledStatus, Status
from porina.privacy import deletion
from porina.services import Services
from tests.factories import Factory, Person
from tests.posts.support import media

PASSWORD = "correct horse battery"


async def _delete(services: Services, person: Person, confirmation: str | None = None) -> None:
    checked = await deletion.check_password(
        services.db, person.actor, PASSWORD, throttle=services.login_throttle, host="127.0.0.1"
    )
    async with services.db.transaction() as tx:
        await deletion.delete_own_account(
            tx, person.actor, checked, confirmation or person.username
        )


async def _world(services: Services, make: Factory) -> dict[str, Any]:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    await bob.follow(alice)
    photo = await media(services, alice)
    private = await alice.status("for followers", visibility="private", media_ids=[photo])
    public = await alice.status("hello world")
    dm = await alice.status("@bob a secret", visibility="direct")
    reply = await bob.status("@alice answer", visibility="direct", in_reply_to_id=dm["id"])
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    scheduled = await alice.post(
        "/api/v1/statuses", json={"status": "later", "scheduled_at": later}
    )
    assert scheduled.is_success, scheduled.text
    kept = {"title": "noise", "context": ["home"], "keywords_attributes": [{"keyword": "x"}]}
    assert (await alice.post("/api/v2/filters", json=kept)).is_success
    assert (await alice.post(f"/api/v1/accounts/{bob.id}/note", json={"comment": "hm"})).is_success
    return {
        "people": (alice, bob, carol),
        "statuses": [private["id"], public["id"], dm["id"]],
        "reply": reply["id"],
        "media": urlsplit(private["media_attachments"][0]["url"]).path,
    }


async def _nothing_reachable(client: httpx.AsyncClient, w: dict[str, Any]) -> None:
    alice, bob, carol = w["people"]
    for status_id in w["statuses"]:
        for viewer in (bob, carol):
            got = await viewer.get(f"/api/v1/statuses/{status_id}")
            assert got.status_code == 404, (status_id, viewer.username, got.text)
            page = await client.get(f"/@alice/{status_id}", headers={"accept": "text/html"})
            assert page.status_code == 404
        assert (await client.get(f"/api/v1/statuses/{status_id}")).status_code == 404
    assert (await client.get(w["media"])).status_code == 404
    conversations = (await bob.get("/api/v1/conversations")).json()
    shown = [c["last_status"]["id"] for c in conversations if c.get("last_status")]
    assert not set(shown) & set(w["statuses"])
    context = (await bob.get(f"/api/v1/statuses/{w['reply']}/context")).json()
    assert context["ancestors"] == []
    statuses = await bob.get(f"/api/v1/accounts/{alice.id}/statuses")
    assert statuses.status_code == 404 or statuses.json() == []
    home = (await bob.get("/api/v1/timelines/home")).json()
    assert not {s["id"] for s in home} & set(w["statuses"])


async def test_nothing_of_theirs_is_reachable_at_once_or_after_the_purge(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    w = await _world(services, make)
    alice = w["people"][0]
    assert (await client.get(w["media"])).status_code == 200
    await _delete(services, alice)
    await _nothing_reachable(client, w)  # before the purge job runs
    assert (await alice.get("/api/v1/accounts/verify_credentials")).status_code == 401
    await services.runner.drain()
    await _nothing_reachable(client, w)
    async with services.db.read() as session:
        left = await session.scalars(
            select(Status.id).where(Status.account_id == int(alice.id), Status.deleted_at.is_(None))
        )
        assert list(left) == []
        account = await session.get(Account, int(alice.id))
        assert account is not None and account.suspended_at is not None
        user = await session.scalar(select(User).where(User.account_id == account.id))
        assert user is not None and user.disabled and "alice@" not in user.email
        for model in (ScheduledStatus, Filter, AccountNote):
            rows = await session.scalars(select(model).where(model.account_id == account.id))
            assert list(rows) == [], model.__name__


async def test_the_username_stays_reserved(services: Services, make: Factory) -> None:
    alice = await make.person("alice")
    await _delete(services, alice)
    await services.runner.drain()
    with pytest.raises(PorinaError, match="Username has already been taken"):
        await make.person("alice")


async def test_the_password_and_the_username_are_asked(services: Services, make: Factory) -> None:
    alice = await make.person("alice")
    with pytest.raises(BadCredentials):
        await deletion.check_password(
            services.db, alice.actor, "wrong", throttle=services.login_throttle, host=None
        )
    with pytest.raises(deletion.WrongConfirmation):
        await _delete(services, alice, confirmation="bob")
    assert (await alice.get("/api/v1/accounts/verify_credentials")).status_code == 200
