"""A quote post carries the post it quotes (``quote.quoted_status``) on every API read, as
Mastodon 4.5 clients expect, only when its reader may see that post; otherwise the state says
why (``unauthorized``, ``deleted``, or the quote's own ``pending``/``rejected``/``revoked``)
and ``quoted_status`` is null."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory, Person
from ..support.openapi import assert_response


async def _quote(person: Person, status: dict[str, Any], text: str = "quoting") -> dict[str, Any]:
    response = await person.post(
        "/api/v1/statuses", json={"status": text, "quoted_status_id": status["id"]}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _set(services: Services, status_id: str, **values: Any) -> None:
    async with services.db.transaction() as tx:
        await tx.session.execute(update(Status).where(Status.id == int(status_id)).values(values))


async def _read_everywhere(reader: Person, quote_id: str, author: Person) -> list[dict[str, Any]]:
    """The quote post as ``reader`` gets it from the status, the account's statuses, the
    public and home timelines and the many-statuses read (each must have it)."""
    one = assert_response(await reader.get(f"/api/v1/statuses/{quote_id}"), "/api/v1/statuses/{id}")
    found = [one]
    for path in (
        f"/api/v1/accounts/{author.id}/statuses",
        "/api/v1/timelines/public",
        "/api/v1/timelines/home",
    ):
        page = (await reader.get(path)).json()
        found += [s for s in page if s["id"] == quote_id]
    many = (await reader.get("/api/v1/statuses", params={"id[]": [quote_id]})).json()
    found += [s for s in many if s["id"] == quote_id]
    assert len(found) == 5, [s["id"] for s in found]
    return found


async def test_an_accepted_quote_carries_the_quoted_post_on_every_read(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    original = await alice.status("the original")
    quote = await _quote(bob, original)
    for seen in await _read_everywhere(bob, quote["id"], bob):
        assert seen["quote"]["state"] == "accepted"
        assert seen["quote"]["quoted_status"]["id"] == original["id"]
        assert seen["quote"]["quoted_status"]["content"] == original["content"]
        assert seen["quote"]["quoted_status"]["account"]["id"] == alice.id
    anonymous = (await make.client.get(f"/api/v1/statuses/{quote['id']}")).json()
    assert anonymous["quote"]["quoted_status"]["id"] == original["id"]


async def test_a_boost_of_a_quote_carries_the_quoted_post(make: Factory) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    original = await alice.status("the original")
    quote = await _quote(bob, original)
    assert (await carol.post(f"/api/v1/statuses/{quote['id']}/reblog")).status_code == 200
    await alice.follow(carol)
    home = (await alice.get("/api/v1/timelines/home")).json()
    boost = next(s for s in home if s["reblog"] is not None)
    assert boost["reblog"]["quote"]["quoted_status"]["id"] == original["id"]


async def test_a_private_quoted_post_is_unauthorized_for_those_who_may_not_see_it(
    make: Factory,
) -> None:
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    await bob.follow(alice)
    secret = await alice.status("for my followers", visibility="private")
    quote = await _quote(alice, secret, "quoting myself in public")
    follower = (await bob.get(f"/api/v1/statuses/{quote['id']}")).json()
    assert follower["quote"]["quoted_status"]["id"] == secret["id"]
    for reader in (carol.get, make.client.get):
        shown = (await reader(f"/api/v1/statuses/{quote['id']}")).json()
        assert shown["quote"] == {"state": "unauthorized", "quoted_status": None}
        assert "for my followers" not in str(shown)
    public = (await carol.get("/api/v1/timelines/public")).json()
    assert [s["quote"] for s in public if s["id"] == quote["id"]] == [
        {"state": "unauthorized", "quoted_status": None}
    ]


async def test_a_blocked_authors_quoted_post_is_unauthorized(make: Factory) -> None:
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    original = await alice.status("hello")
    quote = await _quote(carol, original)
    assert (await alice.post(f"/api/v1/accounts/{bob.id}/block")).status_code == 200
    shown = (await bob.get(f"/api/v1/statuses/{quote['id']}")).json()
    assert shown["quote"] == {"state": "unauthorized", "quoted_status": None}
    timeline = (await bob.get(f"/api/v1/accounts/{carol.id}/statuses")).json()
    assert [s["quote"] for s in timeline] == [{"state": "unauthorized", "quoted_status": None}]
    other = (await carol.get(f"/api/v1/statuses/{quote['id']}")).json()
    assert other["quote"]["quoted_status"]["id"] == original["id"]


async def test_a_deleted_quoted_post_is_deleted(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    original = await alice.status("soon gone")
    quote = await _quote(bob, original)
    assert (await alice.delete(f"/api/v1/statuses/{original['id']}")).status_code == 200
    for reader in (alice.get, bob.get, make.client.get):
        shown = (await reader(f"/api/v1/statuses/{quote['id']}")).json()
        assert shown["quote"] == {"state": "deleted", "quoted_status": None}


async def test_revoked_pending_and_rejected_quotes_carry_no_post(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    original = await alice.status("quote me")
    quote = await _quote(bob, original)
    revoked = await alice.post(f"/api/v1/statuses/{original['id']}/quotes/{quote['id']}/revoke")
    assert revoked.status_code == 200, revoked.text
    shown = (await bob.get(f"/api/v1/statuses/{quote['id']}")).json()
    assert shown["quote"] == {"state": "revoked", "quoted_status": None}
    for state in ("pending", "rejected"):
        await _set(services, quote["id"], quote_state=state)
        for read in (bob.get(f"/api/v1/statuses/{quote['id']}"), bob.get("/api/v1/timelines/home")):
            body = (await read).json()
            shown = (
                body if isinstance(body, dict) else next(s for s in body if s["id"] == quote["id"])
            )
            assert shown["quote"] == {"state": state, "quoted_status": None}


async def test_a_quote_of_a_quote_names_the_inner_quote_by_id(make: Factory) -> None:
    alice, bob, carol, dave = [await make.person(n) for n in ("alice", "bob", "carol", "dave")]
    original = await alice.status("the first")
    middle = await _quote(bob, original, "the middle")
    outer = await _quote(carol, middle, "the outer")
    shown = (await dave.get(f"/api/v1/statuses/{outer['id']}")).json()
    quoted = shown["quote"]["quoted_status"]
    assert quoted["id"] == middle["id"]
    assert quoted["quote"] == {"state": "accepted", "quoted_status_id": original["id"]}
    # alice blocks dave: he may not see her post, so not even its id is given to him
    assert (await alice.post(f"/api/v1/accounts/{dave.id}/block")).status_code == 200
    shown = (await dave.get(f"/api/v1/statuses/{outer['id']}")).json()
    assert shown["quote"]["quoted_status"]["quote"] == {
        "state": "unauthorized",
        "quoted_status_id": None,
    }


async def test_notifications_search_context_and_conversations_carry_quotes(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    original = await alice.status("a zebrafish fact")
    quote = await _quote(bob, original, f"@{alice.username} zebrafish indeed")
    reply = await alice.status("thanks", in_reply_to_id=quote["id"])
    notes = (await alice.get("/api/v1/notifications")).json()
    quoted_in = [n["status"]["quote"] for n in notes if n["status"]["id"] == quote["id"]]
    assert quoted_in and all(q["quoted_status"]["id"] == original["id"] for q in quoted_in)
    grouped = (await alice.get("/api/v2/notifications")).json()["statuses"]
    assert [s["quote"]["quoted_status"]["id"] for s in grouped if s["id"] == quote["id"]] == [
        original["id"]
    ]
    context = (await alice.get(f"/api/v1/statuses/{reply['id']}/context")).json()
    assert context["ancestors"][0]["quote"]["quoted_status"]["id"] == original["id"]
    found = (await bob.get("/api/v2/search", params={"q": "zebrafish", "type": "statuses"})).json()
    by_id = {s["id"]: s for s in found["statuses"]}
    assert by_id[quote["id"]]["quote"]["quoted_status"]["id"] == original["id"]
    direct = await bob.status(f"@{alice.username} see", visibility="direct")
    await _set(services, direct["id"], quote_of_id=int(original["id"]), quote_state="accepted")
    conversations = (await alice.get("/api/v1/conversations")).json()
    last = [c["last_status"] for c in conversations if c["last_status"]["id"] == direct["id"]]
    assert [s["quote"]["quoted_status"]["id"] for s in last] == [original["id"]]


async def test_the_quoted_post_follows_an_edit_of_it(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    original = await alice.status("first words")
    quote = await _quote(bob, original)
    assert (await client.get(f"/api/v1/statuses/{quote['id']}")).status_code == 200
    edited = await alice.put(f"/api/v1/statuses/{original['id']}", json={"status": "new words"})
    assert edited.status_code == 200
    shown = (await client.get(f"/api/v1/statuses/{quote['id']}")).json()
    assert "new words" in shown["quote"]["quoted_status"]["content"]
