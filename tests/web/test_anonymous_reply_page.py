"""The reply composer's "Reply anonymously" (issue 21, point 2): the same form, posted to
``/anonymous/compose``, replies under a pseudonym; refusals are a page in the reader's
language."""

from __future__ import annotations

from typing import Any

from porina.anonymity import actions as anonymity
from porina.groups import actions as group_actions
from porina.services import Services
from tests.factories import Factory
from tests.operators.support import appoint

from .conftest import text_of


async def test_a_reply_from_the_page_is_posted_under_a_pseudonym(
    make: Factory, signed_in: Any
) -> None:
    bob = await make.person("bob")
    alice = await make.person("alice", locale="fi")
    post = await bob.status("Mikä pulla on paras?")
    browser = await signed_in(alice)
    page = await browser.get(f"/@bob/{post['id']}")
    assert page.status_code == 200
    assert 'formaction="/anonymous/compose"' in page.text
    assert "Vastaa nimettömästi" in text_of(page.text)
    sent = await browser.post(
        "/anonymous/compose", {"status": "Korvapuusti", "in_reply_to_id": post["id"]}
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/statuses/{post['id']}#focus"
    thread = (await bob.get(f"/api/v1/statuses/{post['id']}/context")).json()
    [reply] = thread["descendants"]
    assert reply["account"]["id"] != alice.id
    assert reply["account"]["display_name"].startswith("Anonymous ")

    private = await bob.status("Vain seuraajille", visibility="private")
    await alice.follow(bob)
    page = await browser.get(f"/@bob/{private['id']}")
    assert 'formaction="/anonymous/compose"' not in page.text
    refused = await browser.post(
        "/anonymous/compose", {"status": "x", "in_reply_to_id": private["id"]}
    )
    assert refused.status_code == 422
    assert "Nimettömästi voi vastata vain" in text_of(refused.text)


async def test_a_brand_shares_a_page_where_people_ask_it_anonymously(
    services: Services, make: Factory, signed_in: Any
) -> None:
    brand = await make.person("kahvila")
    await appoint(services, brand, await make.person("mari"), "manager")
    alice = await make.person("alice", locale="fi")
    browser = await signed_in(alice)
    page = await browser.get("/anonymous/ask/kahvila")
    assert page.status_code == 200
    assert "Kysy tililtä @kahvila nimettömästi" in text_of(page.text)
    assert (await browser.get("/anonymous/ask/alice")).status_code == 404
    sent = await browser.post(
        "/anonymous/compose", {"status": "Onko gluteenitonta?", "brand_id": brand.id}
    )
    assert sent.status_code == 303
    status_id = sent.headers["location"].rsplit("/", 1)[1]
    asked = (await brand.get(f"/api/v1/statuses/{status_id}")).json()
    assert asked["account"]["id"] != alice.id
    assert [m["username"] for m in asked["mentions"]] == ["kahvila"]


async def test_a_member_answers_a_private_groups_post_anonymously_from_its_page(
    services: Services, make: Factory, signed_in: Any
) -> None:
    bob, alice, carol = [await make.person(n) for n in ("bob", "alice", "carol")]
    async with services.db.transaction() as tx:
        group = await group_actions.create(tx, bob.actor, name="leipurit", privacy="private")
        await group_actions.invite(tx, bob.actor, group.id, alice.account.id)
        await group_actions.join(tx, alice.actor, group.id)
        await anonymity.set_group_policy(tx, bob.actor, group.id, True)
    post = await bob.status("Ruis vai vehnä?", porina_group_id=str(group.id))
    browser = await signed_in(alice)
    page = await browser.get(f"/@bob/{post['id']}")
    assert 'formaction="/anonymous/compose"' in page.text
    sent = await browser.post(
        "/anonymous/compose", {"status": "Ruis", "in_reply_to_id": post["id"]}
    )
    assert sent.status_code == 303
    [reply] = (await bob.get(f"/api/v1/statuses/{post['id']}/context")).json()["descendants"]
    assert reply["visibility"] == "private" and reply["account"]["id"] != alice.id
    assert (await carol.get(f"/api/v1/statuses/{reply['id']}")).status_code == 404


async def test_a_post_a_moderated_brand_holds_says_it_waits_for_approval(
    services: Services, make: Factory, signed_in: Any
) -> None:
    """Before, a held question redirected to the pending row's id as if it were a status (a
    404) and a held reply went back to the thread with no word of it."""
    brand = await make.person("kahvila")
    await appoint(services, brand, await make.person("mari"), "manager")
    async with services.db.transaction() as tx:
        await anonymity.set_policy(tx, brand.actor, "moderated")
    post = await brand.status("Mitä leivomme huomenna?")
    alice = await make.person("alice", locale="fi")
    browser = await signed_in(alice)
    for field in ({"brand_id": brand.id}, {"in_reply_to_id": post["id"]}):
        sent = await browser.post("/anonymous/compose", {"status": "Korvapuusteja!", **field})
        assert sent.status_code == 202
        assert "Odottaa hyväksyntää" in text_of(sent.text)
    waiting = (await alice.get("/api/porina/v1/anonymous/pending")).json()
    assert [p["text"] for p in waiting] == ["Korvapuusteja!", "Korvapuusteja!"]
    thread = (await brand.get(f"/api/v1/statuses/{post['id']}/context")).json()
    assert thread["descendants"] == []


async def test_a_member_starts_an_anonymous_discussion_from_the_groups_page(
    services: Services, make: Factory, signed_in: Any
) -> None:
    bob, alice, carol = [await make.person(n) for n in ("bob", "alice", "carol")]
    async with services.db.transaction() as tx:
        group = await group_actions.create(tx, bob.actor, name="leipurit", privacy="private")
        await group_actions.invite(tx, bob.actor, group.id, alice.account.id)
        await group_actions.join(tx, alice.actor, group.id)
    browser = await signed_in(alice)
    page = await browser.get(f"/groups/{group.id}")
    assert 'formaction="/anonymous/compose"' not in page.text  # the group takes none yet
    async with services.db.transaction() as tx:
        await anonymity.set_group_policy(tx, bob.actor, group.id, "open")
    page = await browser.get(f"/groups/{group.id}")
    assert 'id="group-anonymous-post"' in page.text
    sent = await browser.post(
        "/anonymous/compose", {"status": "Kuka muu leipoo yöllä?", "group_id": str(group.id)}
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/groups/{group.id}"
    timeline = (await bob.get(f"/api/porina/v1/groups/{group.id}/timeline")).json()
    [started] = [s for s in timeline if "Kuka muu leipoo" in s["content"]]
    assert started["account"]["id"] != alice.id
    assert started["account"]["display_name"].startswith("Anonymous ")
    assert (await carol.get(f"/api/v1/statuses/{started['id']}")).status_code == 404
    outsider = await signed_in(carol)
    refused = await outsider.post(
        "/anonymous/compose", {"status": "Minäkin!", "group_id": str(group.id)}
    )
    assert refused.status_code == 403  # a private group: known to all, open to members
