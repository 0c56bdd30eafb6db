"""A group's anonymous policy (issue 21, point 2): ``open``, ``moderated`` or ``off``. A
moderated group holds every anonymous post (a new discussion and an answer) in its queue,
which its owners and moderators read without the author, and approve (published under its
pseudonym, checked again) or reject (never published). Pseudonyms are not members: the
group's member count and member list leave them out."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from porina.anonymity.models import AnonymousPending
from porina.groups import actions as group_actions
from porina.services import Services
from tests.factories import Factory

from .support import API, World, anonymously, leaks, world

GROUPS = "/api/porina/v1/groups"


async def _group(services: Services, w: World, privacy: str = "public") -> str:
    """Bob's group, Alice and Carol its members."""
    async with services.db.transaction() as tx:
        group = await group_actions.create(tx, w.bob.actor, name="leipurit", privacy=privacy)
        for member in (w.alice, w.carol):
            if privacy != "public":
                await group_actions.invite(tx, w.bob.actor, group.id, member.account.id)
            await group_actions.join(tx, member.actor, group.id)
    return str(group.id)


async def _held(services: Services) -> int:
    async with services.db.read() as session:
        return await session.scalar(select(func.count()).select_from(AnonymousPending)) or 0


async def test_a_moderated_group_holds_discussions_and_answers_for_its_moderators(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    gid = await _group(services, w)
    assert (
        await w.carol.put(f"{API}/groups/{gid}", json={"policy": "moderated"})
    ).status_code == 403
    put = await w.bob.put(f"{API}/groups/{gid}", json={"policy": "moderated"})
    assert put.json() == {"group_id": gid, "policy": "moderated", "allow_anonymous": True}
    assert (await w.carol.get(f"{API}/policy/{gid}")).json()["mode"] == "moderated"
    held = await anonymously(w.alice, "Who bakes rye here?", group_id=gid)
    assert held.status_code == 202, held.text
    assert held.json()["group_id"] == gid and held.json()["state"] == "pending"
    assert (await w.carol.get("/api/v1/timelines/public")).json() == []
    assert [p["text"] for p in (await w.alice.get(f"{API}/pending")).json()] == [
        "Who bakes rye here?"
    ]
    assert (await w.carol.get(f"{API}/pending")).json() == []
    queue = await w.bob.get(f"{API}/groups/{gid}/queue")
    assert [p["id"] for p in queue.json()] == [held.json()["id"]]
    assert leaks(queue.json(), w.alice) == []
    approved = await w.bob.post(f"{API}/queue/{held.json()['id']}/approve")
    assert approved.status_code == 200, approved.text
    thread = approved.json()
    assert thread["account"]["id"] != w.alice.id and leaks(thread, w.alice) == []
    assert [s["id"] for s in (await w.carol.get("/api/v1/timelines/public")).json()] == [
        thread["id"]
    ]
    answer = await anonymously(w.alice, "Me, on Sundays", in_reply_to_id=thread["id"])
    assert answer.status_code == 202, answer.text
    named = await w.carol.status("Nice", in_reply_to_id=thread["id"])  # only anonymous ones wait
    rejected = await w.bob.post(f"{API}/queue/{answer.json()['id']}/reject")
    assert rejected.status_code == 200
    context = (await w.carol.get(f"/api/v1/statuses/{thread['id']}/context")).json()
    assert [s["id"] for s in context["descendants"]] == [named["id"]]
    assert (await w.alice.get(f"{API}/pending")).json() == []
    assert await _held(services) == 0


async def test_only_the_groups_moderators_read_or_decide_its_queue(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    gid = await _group(services, w)
    await w.bob.put(f"{API}/groups/{gid}", json={"policy": "moderated"})
    held = (await anonymously(w.alice, "Sourdough tips?", group_id=gid)).json()
    path = f"{API}/queue/{held['id']}"
    for person in (w.carol, w.alice):  # a member, and the author, are no moderators
        assert (await person.get(f"{API}/groups/{gid}/queue")).status_code == 403
        refused = await person.post(f"{path}/approve")
        assert refused.status_code == 403 and "error" in refused.json()
        assert (await person.post(f"{path}/reject")).status_code == 403
    assert await _held(services) == 1
    assert (await w.alice.get(f"{API}/pending")).json()[0]["id"] == held["id"]
    async with services.db.transaction() as tx:  # a moderator now, not the owner
        await group_actions.set_role(tx, w.bob.actor, int(gid), w.carol.account.id, "moderator")
    assert (await w.carol.get(f"{API}/groups/{gid}/queue")).json()[0]["id"] == held["id"]
    assert (await w.carol.post(f"{path}/approve")).status_code == 200


async def test_approving_checks_again_and_a_banned_author_is_not_published(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    gid = await _group(services, w)
    await w.bob.put(f"{API}/groups/{gid}", json={"policy": "moderated"})
    held = (await anonymously(w.alice, "Buy my bread", group_id=gid)).json()
    async with services.db.transaction() as tx:
        await group_actions.remove_member(tx, w.bob.actor, int(gid), w.alice.account.id, ban=True)
    approved = await w.bob.post(f"{API}/queue/{held['id']}/approve")
    assert approved.status_code == 403
    assert (await w.carol.get("/api/v1/timelines/public")).json() == []
    assert (await w.bob.post(f"{API}/queue/{held['id']}/reject")).status_code == 200


async def test_the_older_on_off_setting_still_works_and_off_refuses(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    gid = await _group(services, w)
    assert (await w.carol.get(f"{API}/policy/{gid}")).json()["mode"] == "off"
    opened = await w.bob.put(f"{API}/groups/{gid}", json={"allow_anonymous": True})
    assert opened.json() == {"group_id": gid, "policy": "open", "allow_anonymous": True}
    assert (await anonymously(w.alice, "Hi", group_id=gid)).status_code == 200
    off = await w.bob.put(f"{API}/groups/{gid}", json={"policy": "off"})
    assert off.json()["allow_anonymous"] is False
    assert (await anonymously(w.alice, "Hi again", group_id=gid)).status_code == 403
    invalid = await w.bob.put(f"{API}/groups/{gid}", json={"policy": "sometimes"})
    assert invalid.status_code == 422


async def _member_count(person_get: httpx.Response) -> int:
    count = person_get.json()["member_count"]
    assert isinstance(count, int)
    return count


async def test_pseudonyms_are_not_counted_nor_listed_as_members(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    gid = await _group(services, w, privacy="private")
    await w.bob.put(f"{API}/groups/{gid}", json={"policy": "open"})
    before = await _member_count(await w.carol.get(f"{GROUPS}/{gid}"))
    assert before == 3
    thread = await w.carol.status("Rye or wheat?", porina_group_id=gid)
    first = await anonymously(w.alice, "Rye", in_reply_to_id=thread["id"])
    assert first.status_code == 200, first.text
    pseudonym = first.json()["account"]["id"]
    again = await anonymously(w.alice, "Always rye", in_reply_to_id=first.json()["id"])
    assert again.json()["account"]["id"] == pseudonym  # it still reads the private thread
    assert await _member_count(await w.carol.get(f"{GROUPS}/{gid}")) == before
    account = (await w.carol.get(f"/api/v1/accounts/{gid}")).json()
    assert account["followers_count"] == before
    members = (await w.bob.get(f"{GROUPS}/{gid}/members")).json()
    assert pseudonym not in {m["account"]["id"] for m in members}
    assert len(members) == before
