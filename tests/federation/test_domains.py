"""Domain blocks (issue 20, point 5): the admin API as Mastodon has it, a suspended domain gets
no delivery, its inbox POSTs are refused and its accounts are hidden; a silenced domain's
accounts are silenced; a person's own block of a domain drops their followers there, so
nothing of theirs is delivered to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from porina.federation import domain_blocks
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory
from ..support.openapi import assert_component, assert_response
from .test_delivery_scale import Receiver, reaching, remote_follower, running_receivers

ADMIN_SCOPES = "read write follow push admin:read admin:write"
BLOCKS = "/api/v1/admin/domain_blocks"


@pytest.fixture(scope="module")
def receivers() -> Iterator[list[Receiver]]:
    yield from running_receivers()


@pytest.fixture
def settings(settings: Settings, receivers: list[Receiver]) -> Settings:
    return reaching(settings, receivers)


def create_of(r: Receiver, number: int) -> dict[str, Any]:
    actor = f"http://{r.host}/users/eve"
    return {
        "id": f"{actor}/statuses/{number}/activity",
        "type": "Create",
        "actor": actor,
        "object": {"id": f"{actor}/statuses/{number}", "type": "Note", "content": "hi"},
    }


async def test_admin_domain_blocks_api(make: Factory, client: httpx.AsyncClient) -> None:
    boss = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    someone = await make.person("someone", scopes=ADMIN_SCOPES)
    made = await boss.post(BLOCKS, json={"domain": "Spam.Example", "severity": "suspend"})
    assert made.status_code == 200, made.text
    block = made.json()
    assert_component(block, "AdminDomainBlock")
    assert (block["domain"], block["severity"], block["obfuscate"]) == (
        "spam.example",
        "suspend",
        False,
    )
    again = await boss.post(BLOCKS, json={"domain": "spam.example"})
    assert again.status_code == 422 and "error" in again.json()
    bad = await boss.post(BLOCKS, json={"domain": "x.example", "severity": "ban"})
    assert bad.status_code == 422
    listed = await boss.get(BLOCKS)
    assert_component(listed.json(), "AdminDomainBlock", many=True)
    assert [b["domain"] for b in listed.json()] == ["spam.example"]
    changed = await boss.put(f"{BLOCKS}/{block['id']}", json={"severity": "silence"})
    assert (changed.json()["severity"], changed.json()["domain"]) == ("silence", "spam.example")
    assert (await boss.get(f"{BLOCKS}/{block['id']}")).json()["severity"] == "silence"
    assert (await someone.get(BLOCKS)).status_code == 403
    assert (await someone.post(BLOCKS, json={"domain": "a.example"})).status_code == 403
    hidden = await boss.post(
        BLOCKS,
        json={"domain": "quiet.example", "severity": "noop"},
    )
    veiled = await boss.post(
        BLOCKS, json={"domain": "hateful.example", "severity": "suspend", "obfuscate": True}
    )
    public = await client.get("/api/v1/instance/domain_blocks")
    assert_response(public, "/api/v1/instance/domain_blocks")
    assert [(b["domain"], b["severity"]) for b in public.json()] == [
        ("hate***.****ple", "suspend"),
        ("spam.example", "silence"),
    ]
    for extra in (hidden, veiled):
        await boss.delete(f"{BLOCKS}/{extra.json()['id']}")
    assert (await boss.delete(f"{BLOCKS}/{block['id']}")).json() == {}
    assert (await boss.get(f"{BLOCKS}/{block['id']}")).status_code == 404
    assert (await boss.get(BLOCKS)).json() == []


async def test_a_suspended_domain_gets_nothing_and_is_refused_and_hidden(
    make: Factory, services: Services, client: httpx.AsyncClient, receivers: list[Receiver]
) -> None:
    boss = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    aino = await make.person("aino")
    blocked, other = receivers[0], receivers[1]
    eve = await remote_follower(services, blocked, "eve", int(aino.id))
    await remote_follower(services, other, "olli", int(aino.id))
    made = await boss.post(BLOCKS, json={"domain": blocked.host, "severity": "suspend"})
    await aino.status("only for friends of the house")
    assert blocked.received == [] and len(other.received) == 1
    refused = await client.post("/inbox", json=create_of(blocked, 1))
    assert refused.status_code == 403
    assert refused.json() == {"error": "This server does not federate with yours"}
    assert (await aino.get(f"/api/v1/accounts/{eve}")).status_code == 404
    # lifted: deliveries and the account come back
    await boss.delete(f"{BLOCKS}/{made.json()['id']}")
    assert (await aino.get(f"/api/v1/accounts/{eve}")).status_code == 200
    await aino.status("welcome back")
    assert [a["type"] for _, a in blocked.received] == ["Create"]


async def test_a_silenced_domains_accounts_are_silenced(
    make: Factory, services: Services, receivers: list[Receiver]
) -> None:
    boss = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    aino = await make.person("aino")
    eve = await remote_follower(services, receivers[0], "eve", int(aino.id))
    made = await boss.post(BLOCKS, json={"domain": receivers[0].host, "severity": "silence"})
    shown = await boss.get(f"/api/v1/admin/accounts/{eve}")
    assert shown.json()["silenced"] is True
    await boss.delete(f"{BLOCKS}/{made.json()['id']}")
    assert (await boss.get(f"/api/v1/admin/accounts/{eve}")).json()["silenced"] is False


async def test_a_persons_domain_block_stops_their_deliveries_there(
    make: Factory, services: Services, receivers: list[Receiver]
) -> None:
    aino = await make.person("aino")
    await remote_follower(services, receivers[0], "eve", int(aino.id))
    blocked = await aino.post("/api/v1/domain_blocks", json={"domain": receivers[0].host})
    assert blocked.status_code == 200
    await aino.status("hello")
    # (Mastodon also tells the removed followers with a Reject of their Follow)
    assert [a["type"] for _, a in receivers[0].received if a["type"] != "Reject"] == []


@hsettings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    suspended=st.sets(st.integers(0, 2)),
    followed_from=st.sets(st.integers(0, 2), min_size=1),
)
async def test_a_suspended_domain_never_receives_a_delivery_and_is_always_refused(
    make: Factory,
    services: Services,
    client: httpx.AsyncClient,
    receivers: list[Receiver],
    suspended: set[int],
    followed_from: set[int],
) -> None:
    """Whatever domains are suspended and wherever the followers are: a post reaches exactly
    the followers' domains that are not suspended, and every suspended domain's inbox POST
    is refused."""
    author = await make.person()
    for i in followed_from:
        await remote_follower(services, receivers[i], f"f{author.id}", int(author.id))
    ids = []
    async with services.db.transaction() as tx:
        for i in suspended:
            fields = domain_blocks.BlockFields(severity="suspend")
            ids.append((await domain_blocks.create(tx, receivers[i].host, fields)).id)
    for r in receivers:
        r.received.clear()
    post = await author.status("a post")
    reached = {
        i
        for i, r in enumerate(receivers)
        for _, a in r.received
        if a.get("object", {}).get("id", "").endswith(f"/statuses/{post['id']}")
    }
    assert reached == followed_from - suspended
    for i in suspended:
        response = await client.post("/inbox", json=create_of(receivers[i], int(post["id"])))
        assert response.status_code == 403
    async with services.db.transaction() as tx:
        for block_id in ids:
            await domain_blocks.remove(tx, block_id)
