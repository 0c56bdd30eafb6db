"""A person's data archive lists their own anonymous posts (with the pseudonym, where each went,
the text and the time); no other archive (the brand's, the group's, another person's) does,
nor names the author anywhere."""

from __future__ import annotations

import json

from porina.anonymity import actions
from porina.groups import actions as group_actions
from porina.privacy import contents
from porina.services import Services
from tests.factories import Factory

from .support import anonymously, leaks, world

ARCHIVE = "anonymous_posts.json"


async def _archive(services: Services, account_id: int) -> dict[str, str]:
    async with services.db.read() as session:
        held = await contents.build(session, services.settings, account_id)
    return {name: data.decode() for name, data in held.files.items()}


async def test_only_the_authors_own_archive_lists_their_anonymous_posts(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    async with services.db.transaction() as tx:
        group = await group_actions.create(tx, w.bob.actor, name="leipurit", privacy="private")
        await group_actions.invite(tx, w.bob.actor, group.id, w.alice.account.id)
        await group_actions.join(tx, w.alice.actor, group.id)
        await actions.set_group_policy(tx, w.bob.actor, group.id, True)
    thread = await w.brand.post("/api/v1/statuses", json={"status": "New buns today!"})
    asked = await anonymously(w.alice, "Do you take cards?", brand_id=w.brand.id)
    replied = await anonymously(w.alice, "Vegan ones?", in_reply_to_id=thread.json()["id"])
    started = await anonymously(w.alice, "Rye or wheat?", group_id=str(group.id))
    await w.bob.status("Rye", in_reply_to_id=started.json()["id"])
    posts = [r.json() for r in (asked, replied, started)]

    mine = json.loads((await _archive(services, w.alice.account.id))[ARCHIVE])
    items = mine["orderedItems"]
    assert [i["id"].rsplit("/", 1)[1] for i in items] == [p["id"] for p in posts]
    assert [i["source"]["content"] for i in items] == [
        "@kahvila Do you take cards?",
        "Vegan ones?",
        "Rye or wheat?",
    ]
    for item, post in zip(items, posts, strict=True):
        assert item["pseudonym"]["name"] == post["account"]["display_name"]
        assert item["pseudonym"]["preferredUsername"] == post["account"]["username"]
        assert item["published"].startswith(post["created_at"][:19])
    assert [(i["brand"] or {}).get("acct") for i in items] == [
        "kahvila@testserver.local",
        "kahvila@testserver.local",
        None,
    ]
    assert [(i["group"] or {}).get("name") for i in items] == [None, None, "leipurit"]
    assert items[1]["inReplyTo"].endswith(f"/statuses/{thread.json()['id']}")
    assert mine["pending"] == []

    for other in (w.brand, w.bob, w.carol):
        files = await _archive(services, other.account.id)
        assert json.loads(files[ARCHIVE])["orderedItems"] == []
        for name, text in files.items():
            assert leaks(text, w.alice) == [], (other.username, name)
    group_files = await _archive(services, group.id)
    assert json.loads(group_files[ARCHIVE])["orderedItems"] == []
    for name, text in group_files.items():
        if name != "followers.csv":  # the group's members: she is one, as anyone may see
            assert leaks(text, w.alice) == [], name
