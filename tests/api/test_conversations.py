from __future__ import annotations

from porina.services import Services

from ..factories import Factory
from ..interactions.support import post


async def test_dm_appears_for_both_unread_for_recipient_and_read_after_post_read(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = await post(services, alice, "psst @bob", visibility="direct", mention=(bob,))
    mine = (await alice.get("/api/v1/conversations")).json()
    theirs = (await bob.get("/api/v1/conversations/")).json()
    assert len(mine) == len(theirs) == 1
    assert mine[0]["id"] == theirs[0]["id"] == str(sid)
    assert mine[0]["unread"] is False and theirs[0]["unread"] is True
    assert [a["id"] for a in mine[0]["accounts"]] == [bob.id]
    assert [a["id"] for a in theirs[0]["accounts"]] == [alice.id]
    assert theirs[0]["last_status"]["id"] == str(sid)

    read = await bob.post(f"/api/v1/conversations/{sid}/read")
    assert read.status_code == 200 and read.json()["unread"] is False
    assert (await bob.get("/api/v1/conversations")).json()[0]["unread"] is False


async def test_a_third_person_never_sees_the_conversation(
    make: Factory, services: Services
) -> None:
    alice, bob, eve = [await make.person(n) for n in ("alice", "bob", "eve")]
    sid = await post(services, alice, "psst @bob", visibility="direct", mention=(bob,))
    assert (await eve.get("/api/v1/conversations")).json() == []
    assert (await eve.post(f"/api/v1/conversations/{sid}/read")).status_code == 404
    assert (await eve.delete(f"/api/v1/conversations/{sid}")).status_code == 404


async def test_reply_moves_conversation_to_top_and_marks_unread_again(
    make: Factory, services: Services
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    first = await post(services, alice, "one @bob", visibility="direct", mention=(bob,))
    other = await post(services, carol, "hey @bob", visibility="direct", mention=(bob,))
    await bob.post(f"/api/v1/conversations/{first}/read")
    reply = await post(
        services, alice, "two @bob", visibility="direct", mention=(bob,), thread_of=first
    )
    listed = (await bob.get("/api/v1/conversations")).json()
    assert [c["id"] for c in listed] == [str(first), str(other)]
    assert listed[0]["unread"] is True
    assert listed[0]["last_status"]["id"] == str(reply)
    page = await bob.get("/api/v1/conversations", params={"limit": 1})
    assert len(page.json()) == 1 and 'rel="next"' in page.headers["link"]


async def test_deleting_a_conversation_hides_it_until_a_new_message(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = await post(services, alice, "psst @bob", visibility="direct", mention=(bob,))
    assert (await bob.delete(f"/api/v1/conversations/{sid}")).status_code == 200
    assert (await bob.get("/api/v1/conversations")).json() == []
    assert len((await alice.get("/api/v1/conversations")).json()) == 1
    await post(services, alice, "again @bob", visibility="direct", mention=(bob,), thread_of=sid)
    assert len((await bob.get("/api/v1/conversations")).json()) == 1


async def test_malformed_conversation_id_is_404(make: Factory) -> None:
    alice = await make.person("alice")
    assert (await alice.post("/api/v1/conversations/nope/read")).status_code == 404


async def test_direct_status_posted_through_the_api_starts_a_conversation(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    status = await alice.status("@bob lunch?", visibility="direct")
    theirs = (await bob.get("/api/v1/conversations")).json()
    assert [c["last_status"]["id"] for c in theirs] == [status["id"]]
    assert theirs[0]["unread"] is True
    mentions = (await bob.get("/api/v1/notifications", params={"types[]": "mention"})).json()
    assert [n["status"]["id"] for n in mentions] == [status["id"]]
