"""Read endpoints every client calls often answer from the process's caches and prebuilt
statements: a warm request costs a pinned number of statements (issue 14, item 3), and what
it answers is still what a fresh read would say."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

import httpx
import msgspec
import pytest
from sqlalchemy import update

from porina.accounts import queries
from porina.accounts.models import Account
from porina.api.mastodon import instance
from porina.api.mastodon.accounts import relationship_entity
from porina.core.clock import now
from porina.services import Services

from ..factories import Factory
from ..support.openapi import assert_response


async def _cost(services: Services, request: Callable[[], Awaitable[httpx.Response]]) -> int:
    """Statements one request ran, without the test client's look for due jobs after it."""
    before = services.db.query_count
    await services.runner.drain()
    drain = services.db.query_count - before
    before = services.db.query_count
    response = await request()
    assert response.status_code == 200, response.text
    return services.db.query_count - before - drain


async def test_a_warm_instance_request_reads_nothing(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    await make.person("alice")
    for path in ("/api/v1/instance", "/api/v2/instance", "/nodeinfo/2.0"):
        first = await client.get(path)
        assert await _cost(services, lambda path=path: client.get(path)) == 0, path
        assert (await client.get(path)).json() == first.json()


async def test_instance_statistics_are_read_again_when_their_copy_is_old(
    services: Services, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make.person("alice")
    assert (await client.get("/api/v1/instance")).json()["stats"]["user_count"] == 1
    await make.person("bob")
    # within STATS_SECONDS the copy answers; once it is older, the counts are read again
    assert (await client.get("/api/v1/instance")).json()["stats"]["user_count"] == 1
    monkeypatch.setattr(instance, "STATS_SECONDS", 0.0)
    assert (await client.get("/api/v1/instance")).json()["stats"]["user_count"] == 2
    v2 = (await client.get("/api/v2/instance")).json()
    assert v2["usage"]["users"]["active_month"] >= 0


async def test_a_changed_setting_shows_in_the_instance_at_once(
    services: Services, client: httpx.AsyncClient
) -> None:
    assert (await client.get("/api/v2/instance")).json()["title"] != "Kahvila"
    services.settings = dataclasses.replace(services.settings, instance_title="Kahvila")
    for path in ("/api/v1/instance", "/api/v2/instance"):
        assert (await client.get(path)).json()["title"] == "Kahvila", path


async def test_verify_credentials_warm_is_one_statement_and_equals_update_credentials(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    changed = await alice.patch(
        "/api/v1/accounts/update_credentials",
        data={
            "display_name": "Alice A",
            "note": "Hello *there*",
            "locked": "true",
            "source[privacy]": "unlisted",
            "source[language]": "fi",
            "fields_attributes[0][name]": "Site",
            "fields_attributes[0][value]": "https://example.com",
        },
    )
    assert changed.status_code == 200, changed.text
    await bob.follow(alice)  # a request: alice is locked
    services.status_cache.clear()
    path = "/api/v1/accounts/verify_credentials"
    assert await _cost(services, lambda: alice.get(path)) == 2  # the row, then the rendering
    assert await _cost(services, lambda: alice.get(path)) == 1
    mine = (await alice.get(path)).json()
    assert mine["source"]["follow_requests_count"] == 1
    assert mine["source"]["privacy"] == "unlisted" and mine["source"]["language"] == "fi"
    assert mine["source"]["fields"][0]["value"] == "https://example.com"
    same = (await alice.patch("/api/v1/accounts/update_credentials", data={})).json()
    assert mine == same


async def test_verify_credentials_shows_a_profile_change_at_once(make: Factory) -> None:
    alice = await make.person("alice")
    path = "/api/v1/accounts/verify_credentials"
    assert (await alice.get(path)).json()["display_name"] != "Uusi nimi"
    await alice.patch("/api/v1/accounts/update_credentials", data={"display_name": "Uusi nimi"})
    assert (await alice.get(path)).json()["display_name"] == "Uusi nimi"


async def test_relationships_are_one_statement_and_what_each_edge_says(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    bob, carol, dave, erin, frank, gone = [
        await make.person(name, locked=name == "carol")
        for name in ("bob", "carol", "dave", "erin", "frank", "gone")
    ]
    for path, data in (
        (f"/api/v1/accounts/{bob.id}/follow", {"notify": "true", "languages[]": "fi"}),
        (f"/api/v1/accounts/{bob.id}/note", {"comment": "met at the café"}),
        (f"/api/v1/accounts/{bob.id}/pin", {}),
        (f"/api/v1/accounts/{carol.id}/follow", {"reblogs": "false"}),
        (f"/api/v1/accounts/{dave.id}/mute", {"duration": "3600", "notifications": "false"}),
        (f"/api/v1/accounts/{erin.id}/block", {}),
    ):
        assert (await alice.post(path, data=data)).status_code == 200, path
    await bob.follow(alice)
    assert (await frank.post(f"/api/v1/accounts/{alice.id}/block")).status_code == 200
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account).where(Account.id == gone.account.id).values(suspended_at=now())
        )
    asked = [bob, carol, dave, erin, frank, gone, alice, bob]
    path = "/api/v1/accounts/relationships?" + "&".join(f"id[]={p.id}" for p in asked)
    await alice.get(path)
    assert await _cost(services, lambda: alice.get(path)) == 1
    body = assert_response(await alice.get(path), "/api/v1/accounts/relationships")
    by_id = {r["id"]: r for r in body}
    assert [r["id"] for r in body] == [p.id for p in (bob, carol, dave, erin, frank, alice)]
    b = by_id[bob.id]
    assert (b["following"], b["notifying"], b["languages"], b["showing_reblogs"]) == (
        True, True, ["fi"], True,
    )  # fmt: skip
    assert (b["followed_by"], b["endorsed"], b["note"]) == (True, True, "met at the café")
    c = by_id[carol.id]
    assert (c["following"], c["requested"], c["showing_reblogs"]) == (False, True, False)
    d = by_id[dave.id]
    assert (d["muting"], d["muting_notifications"]) == (True, False)
    assert d["muting_expires_at"] is not None
    assert by_id[erin.id]["blocking"] and not by_id[erin.id]["blocked_by"]
    assert by_id[frank.id]["blocked_by"] and not by_id[frank.id]["blocking"]
    assert not any(by_id[alice.id][k] for k in ("following", "followed_by", "blocking"))
    async with services.db.read() as session:
        ids = [p.account.id for p in asked if p is not gone]
        rels = await queries.relationships(session, alice.account.id, ids)
    assert body == [msgspec.to_builtins(relationship_entity(r)) for r in rels]


async def test_a_status_and_its_context_cost_a_pinned_number_of_statements(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    root = (await alice.status("root"))["id"]
    first = (await bob.status("first", in_reply_to_id=root))["id"]
    focus = (await alice.status("focus", in_reply_to_id=first))["id"]
    below = (await bob.status("below", in_reply_to_id=focus))["id"]
    hidden = await carol.status("for carol's followers", in_reply_to_id=focus, visibility="private")
    deeper = (await alice.status("deeper", in_reply_to_id=below))["id"]
    gone = (await carol.status("soon gone", in_reply_to_id=focus))["id"]
    assert (await carol.delete(f"/api/v1/statuses/{gone}")).status_code == 200
    later = (await carol.status("a later sibling", in_reply_to_id=focus))["id"]
    assert (await bob.post(f"/api/v1/statuses/{deeper}/favourite")).status_code == 200
    await services.runner.drain()
    services.status_cache.clear()
    status_path, context_path = f"/api/v1/statuses/{focus}", f"/api/v1/statuses/{focus}/context"
    assert await _cost(services, lambda: bob.get(status_path)) == 2  # the row, the rendering
    assert await _cost(services, lambda: bob.get(status_path)) == 1
    # cold: the shape with the focus's reply-to, the thread's rows with the focus's, the
    # renderings it lacked; warm the first two (the focus itself is not rendered)
    assert await _cost(services, lambda: bob.get(context_path)) == 3
    assert await _cost(services, lambda: bob.get(context_path)) == 2
    body = assert_response(await bob.get(context_path), "/api/v1/statuses/{id}/context")
    assert [s["id"] for s in body["ancestors"]] == [root, first]
    assert [s["id"] for s in body["descendants"]] == [below, deeper, later]
    assert hidden["id"] not in {s["id"] for s in body["descendants"]}
    assert [s["favourited"] for s in body["descendants"]] == [False, True, False]
    for item in [*body["ancestors"], *body["descendants"]]:
        assert item == (await bob.get(f"/api/v1/statuses/{item['id']}")).json()
    # carol follows nobody: her private reply shows to her; anonymous visitors see the rest
    mine = (await carol.get(context_path)).json()
    assert hidden["id"] in {s["id"] for s in mine["descendants"]}
    anonymous = (await make.client.get(context_path)).json()
    assert [s["id"] for s in anonymous["descendants"]] == [below, deeper, later]
