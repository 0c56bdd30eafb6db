"""Taking part anonymously (issue 21, point 2): a reply or a question to a brand under a
pseudonym that is an account of its own, stable in a thread and new in the next; the person
behind it is never shown, notified of replies, able to delete their post; brands turn it off;
only an instance admin reveals an author, and each reveal is logged."""

from __future__ import annotations

import pytest

from porina.anonymity import actions
from porina.groups import actions as group_actions
from porina.privacy import deletion
from porina.services import Services
from tests.factories import Factory

from .support import ADMIN, API, anonymously, leaks, world

PASSWORD = "correct horse battery"  # every test person's (tests.privacy.build.password_hash)


async def test_an_anonymous_reply_is_shown_as_a_pseudonym_stable_in_its_thread(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    first = await w.brand.post("/api/v1/statuses", json={"status": "New buns today!"})
    other = await w.bob.status("A thread of Bob's")
    reply = await anonymously(w.alice, "Are they vegan?", in_reply_to_id=first.json()["id"])
    assert reply.status_code == 200, reply.text
    status = reply.json()
    pseudonym = status["account"]
    assert pseudonym["display_name"].startswith("Anonymous ")
    assert pseudonym["id"] != w.alice.id and pseudonym["avatar"]
    assert status["in_reply_to_id"] == first.json()["id"]
    assert status["visibility"] == "public"
    again = await anonymously(w.alice, "And gluten free?", in_reply_to_id=status["id"])
    assert again.json()["account"]["id"] == pseudonym["id"]
    elsewhere = await anonymously(w.alice, "Hello", in_reply_to_id=other["id"])
    assert elsewhere.json()["account"]["id"] != pseudonym["id"]
    seen = await w.bob.get(f"/api/v1/statuses/{first.json()['id']}/context")
    assert [s["account"]["id"] for s in seen.json()["descendants"]] == [pseudonym["id"]] * 2
    assert leaks(seen.json(), w.alice) == []
    profile = await w.bob.get(f"/api/v1/accounts/{pseudonym['id']}")
    assert profile.status_code == 200 and leaks(profile.json(), w.alice) == []


async def test_a_question_to_a_brand_mentions_it_and_reaches_its_desk_as_the_pseudonym(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    asked = await anonymously(w.alice, "Do you take cards?", brand_id=w.brand.id)
    assert asked.status_code == 200, asked.text
    assert [m["username"] for m in asked.json()["mentions"]] == ["kahvila"]
    got = await w.brand.get("/api/v1/notifications")
    mention = next(n for n in got.json() if n["type"] == "mention")
    assert mention["account"]["id"] == asked.json()["account"]["id"]
    assert leaks(got.json(), w.alice) == []
    second = await anonymously(w.alice, "@kahvila and cash?", brand_id=w.brand.id)
    assert second.json()["content"].count("@<span>kahvila</span>") == 1
    assert second.json()["account"]["id"] != asked.json()["account"]["id"]


async def test_targets_are_checked(services: Services, make: Factory) -> None:
    w = await world(services, make)
    post = await w.bob.status("hi")
    none = await anonymously(w.alice, "to whom?")
    assert none.status_code == 422 and none.json()["error"] == actions.ONE_TARGET
    two = await anonymously(w.alice, "x", in_reply_to_id=post["id"], brand_id=w.brand.id)
    assert two.status_code == 422
    group = await anonymously(w.alice, "x", group_id="123")
    assert group.status_code == 404
    not_brand = await anonymously(w.alice, "x", brand_id=w.bob.id)
    assert not_brand.status_code == 404
    private = await w.bob.status("friends only", visibility="private")
    await w.alice.follow(w.bob)
    hidden = await anonymously(w.alice, "x", in_reply_to_id=private["id"])
    assert hidden.status_code == 422 and hidden.json()["error"] == actions.NOT_PUBLIC
    await w.brand.post(f"/api/v1/accounts/{w.alice.id}/block")
    blocked = await anonymously(w.alice, "x", brand_id=w.brand.id)
    assert blocked.status_code == 404
    as_brand = await w.alice.client.post(
        f"{API}/statuses", json={"status": "x", "in_reply_to_id": post["id"]}, headers=w.manager
    )
    assert as_brand.status_code == 403


async def test_a_brand_turns_anonymous_posts_off_in_its_threads(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    post = await w.brand.post("/api/v1/statuses", json={"status": "Ask us anything"})
    put = await w.alice.client.put(f"{API}/policy", json={"mode": "off"}, headers=w.manager)
    assert put.status_code == 200 and put.json()["mode"] == "off"
    shown = await w.carol.get(f"{API}/policy/{w.brand.id}")
    assert shown.json() == {"account_id": w.brand.id, "mode": "off"}
    refused = await anonymously(w.alice, "x", in_reply_to_id=post.json()["id"])
    assert refused.status_code == 403 and refused.json()["error"] == actions.OFF
    question = await anonymously(w.alice, "x", brand_id=w.brand.id)
    assert question.status_code == 403
    bad = await w.alice.client.put(f"{API}/policy", json={"mode": "maybe"}, headers=w.manager)
    assert bad.status_code == 422
    await w.alice.client.put(f"{API}/policy", json={"mode": "open"}, headers=w.manager)
    assert (await anonymously(w.alice, "x", brand_id=w.brand.id)).status_code == 200


async def test_a_reply_notifies_the_hidden_author_and_names_them_to_no_one(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    root = await w.bob.status("What should the café bake?")
    anon = (await anonymously(w.alice, "Korvapuusti!", in_reply_to_id=root["id"])).json()
    acct = anon["account"]["acct"]
    answer = await w.bob.status(f"@{acct} good idea", in_reply_to_id=anon["id"])
    notes = (await w.alice.get("/api/v1/notifications")).json()
    assert [(n["type"], n["status"]["id"]) for n in notes] == [("mention", answer["id"])]
    for viewer in (w.bob, w.carol):
        for path in (
            f"/api/v1/statuses/{root['id']}/context",
            "/api/v1/notifications",
            "/api/v1/timelines/public",
            f"/api/v1/accounts/{anon['account']['id']}/statuses",
        ):
            body = (await viewer.get(path)).json()
            assert leaks(body, w.alice) == [], (viewer.username, path)


async def test_the_author_lists_and_deletes_their_own_anonymous_post_and_no_one_else_can(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    root = await w.bob.status("Thoughts?")
    anon = (await anonymously(w.alice, "Secret thought", in_reply_to_id=root["id"])).json()
    mine = await w.alice.get(f"{API}/statuses")
    assert [s["id"] for s in mine.json()] == [anon["id"]]
    assert (await w.bob.get(f"{API}/statuses")).json() == []
    assert (await w.bob.delete(f"{API}/statuses/{anon['id']}")).status_code == 404
    assert (await w.alice.delete(f"/api/v1/statuses/{anon['id']}")).status_code in (403, 404)
    gone = await w.alice.delete(f"{API}/statuses/{anon['id']}")
    assert gone.status_code == 200 and gone.json()["text"] == "Secret thought"
    assert (await w.bob.get(f"/api/v1/statuses/{anon['id']}")).status_code == 404
    assert (await w.alice.get(f"{API}/statuses")).json() == []


async def test_only_an_instance_admin_reveals_an_author_and_each_reveal_is_logged(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    scopes = "read write admin:read admin:write"
    admin = await make.person("ada", role="admin", scopes=scopes)
    moderator = await make.person("mo", role="moderator", scopes=scopes)
    root = await w.bob.status("Thread")
    anon = (await anonymously(w.alice, "Rude words", in_reply_to_id=root["id"])).json()
    path = f"{ADMIN}/{anon['id']}/reveal"
    for who in (w.bob, moderator):
        refused = await who.post(path, json={"reason": "curious"})
        assert refused.status_code == 403, refused.text
    assert (await moderator.get(f"{ADMIN}/reveals")).status_code == 403
    assert (await admin.get(f"{ADMIN}/reveals")).json() == []
    blank = await admin.post(path, json={"reason": "  "})
    assert blank.status_code == 422
    named = await admin.post(f"{ADMIN}/{root['id']}/reveal", json={"reason": "x"})
    assert named.status_code == 404
    revealed = await admin.post(path, json={"reason": "Report 12: harassment"})
    assert revealed.status_code == 200, revealed.text
    body = revealed.json()
    assert body["account"]["id"] == w.alice.id
    assert body["pseudonym"]["id"] == anon["account"]["id"]
    assert body["revealed_by"]["id"] == admin.id
    log = (await admin.get(f"{ADMIN}/reveals")).json()
    assert [(r["status_id"], r["reason"]) for r in log] == [(anon["id"], "Report 12: harassment")]


async def test_anonymous_posts_are_rate_limited_per_hidden_author(
    services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions, "MAX_PER_HOUR", 2)
    w = await world(services, make)
    root = await w.bob.status("Thread")
    other = await w.carol.status("Another")
    assert (await anonymously(w.alice, "1", in_reply_to_id=root["id"])).status_code == 200
    assert (await anonymously(w.alice, "2", in_reply_to_id=other["id"])).status_code == 200
    third = await anonymously(w.alice, "3", brand_id=w.brand.id)
    assert third.status_code == 429 and third.json()["error"] == actions.TOO_MANY
    assert (await anonymously(w.bob, "mine", in_reply_to_id=root["id"])).status_code == 200


async def test_blocking_a_pseudonym_hides_its_author_in_every_thread_without_saying_which(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    one, two, three = [await w.bob.status(f"Thread {n}") for n in (1, 2, 3)]
    first = (await anonymously(w.alice, "Hi", in_reply_to_id=one["id"])).json()
    second = (await anonymously(w.alice, "Hey", in_reply_to_id=two["id"])).json()
    chosen = first["account"]["id"]
    assert (await w.carol.post(f"/api/v1/accounts/{chosen}/block")).status_code == 200
    later = (await anonymously(w.alice, "Hello", in_reply_to_id=three["id"])).json()
    for status in (first, second, later):
        assert (await w.carol.get(f"/api/v1/statuses/{status['id']}")).status_code == 404
        assert (await w.bob.get(f"/api/v1/statuses/{status['id']}")).status_code == 200
    listed = (await w.carol.get("/api/v1/blocks")).json()
    assert [a["id"] for a in listed] == [chosen]
    others = [second["account"]["id"], later["account"]["id"]]
    asked = {"id[]": [chosen, *others]}
    rels = (await w.carol.get("/api/v1/accounts/relationships", params=asked)).json()
    assert [(r["id"], r["blocking"]) for r in rels] == [(chosen, True)] + [
        (other, False) for other in others
    ]  # the quiet blocks do not show which pseudonyms are one person's
    own = await w.carol.status("Carol's thread")
    refused = await anonymously(w.alice, "x", in_reply_to_id=own["id"])
    assert refused.status_code == 404
    assert (await w.carol.post(f"/api/v1/accounts/{chosen}/unblock")).status_code == 200
    for status in (first, second, later):
        assert (await w.carol.get(f"/api/v1/statuses/{status['id']}")).status_code == 200
    assert (await w.carol.get("/api/v1/blocks")).json() == []


async def test_a_group_that_takes_anonymous_posts_gets_them_from_its_members_only(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    async with services.db.transaction() as tx:
        group = await group_actions.create(tx, w.bob.actor, name="leipurit", privacy="public")
        await group_actions.join(tx, w.alice.actor, group.id)
    gid = str(group.id)
    closed = await anonymously(w.alice, "Hello bakers", group_id=gid)
    assert closed.status_code == 403 and closed.json()["error"] == actions.OFF
    by_member = await w.alice.put(f"{API}/groups/{gid}", json={"allow_anonymous": True})
    assert by_member.status_code == 403
    opened = await w.bob.put(f"{API}/groups/{gid}", json={"allow_anonymous": True})
    assert opened.json() == {"group_id": gid, "policy": "open", "allow_anonymous": True}
    outsider = await anonymously(w.carol, "Hi", group_id=gid)
    assert outsider.status_code == 403
    posted = await anonymously(w.alice, "Hello bakers", group_id=gid)
    assert posted.status_code == 200, posted.text
    pseudonym = posted.json()["account"]["id"]
    assert pseudonym != w.alice.id
    again = await anonymously(w.alice, "Me again", in_reply_to_id=posted.json()["id"])
    assert again.json()["account"]["id"] == pseudonym
    seen = await w.carol.get(f"/api/v1/statuses/{posted.json()['id']}/context")
    assert leaks(seen.json(), w.alice) == [] and len(seen.json()["descendants"]) == 1


async def test_deleting_the_account_takes_its_anonymous_posts_with_it(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    root = await w.bob.status("Thread")
    anon = (await anonymously(w.alice, "Bye", in_reply_to_id=root["id"])).json()
    checked = await deletion.check_password(
        services.db, w.alice.actor, PASSWORD, throttle=services.login_throttle, host="127.0.0.1"
    )
    async with services.db.transaction() as tx:
        await deletion.delete_own_account(tx, w.alice.actor, checked, w.alice.username)
    await services.runner.drain()
    assert (await w.bob.get(f"/api/v1/statuses/{anon['id']}")).status_code == 404
    context = (await w.bob.get(f"/api/v1/statuses/{root['id']}/context")).json()
    assert context["descendants"] == []


async def test_a_brand_holds_anonymous_posts_for_its_staff_to_approve_or_reject(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    staff = w.manager
    put = await w.alice.client.put(f"{API}/policy", json={"mode": "moderated"}, headers=staff)
    assert put.json()["mode"] == "moderated"
    held = await anonymously(w.alice, "Is the terrace open?", brand_id=w.brand.id)
    assert held.status_code == 202 and held.json()["state"] == "pending"
    other = await anonymously(w.alice, "Spam spam", brand_id=w.brand.id)
    assert (await w.bob.get("/api/v1/timelines/public")).json() == []
    mine = (await w.alice.get(f"{API}/pending")).json()
    assert [p["text"] for p in mine] == ["Spam spam", "Is the terrace open?"]
    assert (await w.bob.get(f"{API}/pending")).json() == []
    listed = await w.alice.client.get(f"{API}/queue", headers=staff)
    assert [p["id"] for p in listed.json()] == [held.json()["id"], other.json()["id"]]
    assert leaks(listed.json(), w.alice) == []
    path = f"{API}/queue/{held.json()['id']}"
    assert (await w.bob.post(f"{path}/approve")).status_code == 404
    approved = await w.alice.client.post(f"{path}/approve", headers=staff)
    assert approved.status_code == 200, approved.text
    assert approved.json()["account"]["id"] != w.alice.id
    assert [s["id"] for s in (await w.bob.get("/api/v1/timelines/public")).json()] == [
        approved.json()["id"]
    ]
    rejected = await w.alice.client.post(f"{API}/queue/{other.json()['id']}/reject", headers=staff)
    assert rejected.status_code == 200
    assert (await w.alice.get(f"{API}/pending")).json() == []
    assert (await w.alice.get(f"{API}/statuses")).json()[0]["id"] == approved.json()["id"]
