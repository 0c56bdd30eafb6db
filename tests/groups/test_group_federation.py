"""A private group's post stays on this server: neither the author's remote followers nor the
remote accounts it mentions are sent it (groups do not federate yet, docs/groups.md), while
a public group's post goes out as any public post."""

from __future__ import annotations

from typing import Any

from porina.accounts import graph
from porina.core.actor import Actor
from porina.federation.outbound import audience
from porina.federation.remote import actor_columns, store_actor
from porina.posts.models import Status
from porina.services import Services
from tests.factories import Factory

from ..federation.peers import key_pair
from .support import create, post_in


def _actor_doc(name: str) -> dict[str, Any]:
    me = f"https://elsewhere.example/users/{name}"
    return {
        "id": me,
        "type": "Person",
        "preferredUsername": name,
        "inbox": f"{me}/inbox",
        "publicKey": {"id": f"{me}#main-key", "owner": me, "publicKeyPem": key_pair()[1]},
    }


async def test_a_private_groups_post_is_delivered_to_no_other_server(
    services: Services, make: Factory
) -> None:
    owner = await make.person("owner")
    async with services.db.transaction() as tx:
        doc = _actor_doc("fan")
        fan = await store_actor(tx, actor_columns(doc, doc["id"]))
        await graph.follow(tx, Actor(account_id=fan.id), int(owner.id))
    private = await create(owner, "inner", privacy="private")
    public = await create(owner, "open")
    secret = await post_in(owner, private, "members only @fan@elsewhere.example")
    shared = await post_in(owner, public, "hello all")
    async with services.db.read() as session:
        rows = [await session.get(Status, int(s["id"])) for s in (secret, shared)]
        assert rows[0] is not None and rows[1] is not None
        assert await audience(session, rows[0]) == []
        assert await audience(session, rows[1]) == [doc["inbox"]]
