"""A post's page and the API's context show one thread: the same posts, in the same order,
to the same reader (``posts/thread.py`` computes it once for both)."""

from __future__ import annotations

import re
from typing import Any

from tests.factories import Factory, Person
from tests.web.conftest import Browser

ARTICLE = re.compile(r'<article class="status[^"]*" id="status-(\d+)"')
REPLY = re.compile(r'<div class="reply depth-(\d+)">\s*<article[^>]* id="status-(\d+)"', re.S)


async def page_thread(
    browser: Browser, author: Person, status_id: str
) -> tuple[list[str], list[str]]:
    """Ids above and below the focus on the post's page."""
    page = await browser.get(f"/@{author.username}/{status_id}")
    assert page.status_code == 200, page.text
    shown = ARTICLE.findall(page.text)
    focus = shown.index(status_id)
    return shown[:focus], shown[focus + 1 :]


async def api_thread(
    reader: Person | None, client: Any, status_id: str
) -> tuple[list[str], list[str]]:
    path = f"/api/v1/statuses/{status_id}/context"
    response = await (reader.get(path) if reader is not None else client.get(path))
    assert response.status_code == 200, response.text
    body = response.json()
    return [s["id"] for s in body["ancestors"]], [s["id"] for s in body["descendants"]]


async def test_the_post_page_and_the_api_context_show_the_same_thread(
    make: Factory, browser: Browser, signed_in: Any
) -> None:
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    await bob.follow(alice)
    root = await alice.status("root")
    a = await bob.status("@alice a", in_reply_to_id=root["id"])
    hidden = await alice.status("for followers", in_reply_to_id=root["id"], visibility="private")
    a1 = await alice.status("@bob a1", in_reply_to_id=a["id"])
    under_hidden = await bob.status("@alice under", in_reply_to_id=hidden["id"])
    b = await alice.status("b", in_reply_to_id=root["id"])

    everyone = [a["id"], a1["id"], under_hidden["id"], b["id"]]
    assert await api_thread(None, make.client, root["id"]) == ([], everyone)
    assert await page_thread(browser, alice, root["id"]) == ([], everyone)
    assert await api_thread(None, make.client, a1["id"]) == ([root["id"], a["id"]], [])
    assert await page_thread(browser, alice, a1["id"]) == ([root["id"], a["id"]], [])

    followers = [a["id"], a1["id"], hidden["id"], under_hidden["id"], b["id"]]
    for reader, expected in ((bob, followers), (carol, everyone)):
        assert await api_thread(reader, make.client, root["id"]) == ([], expected)
        assert await page_thread(await signed_in(reader), alice, root["id"]) == ([], expected)
    page = await (await signed_in(bob)).get(f"/@alice/{root['id']}")
    depths = [(int(depth), status_id) for depth, status_id in REPLY.findall(page.text)]
    assert depths == [
        (1, a["id"]),
        (2, a1["id"]),
        (1, hidden["id"]),
        (2, under_hidden["id"]),
        (1, b["id"]),
    ]


async def test_replies_to_a_deleted_post_leave_its_thread(make: Factory, browser: Browser) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    root = await alice.status("root")
    a = await bob.status("@alice a", in_reply_to_id=root["id"])
    a1 = await alice.status("@bob a1", in_reply_to_id=a["id"])
    assert (await bob.delete(f"/api/v1/statuses/{a['id']}")).status_code == 200
    assert await api_thread(alice, make.client, root["id"]) == ([], [])
    assert await page_thread(browser, alice, root["id"]) == ([], [])
    assert await api_thread(alice, make.client, a1["id"]) == ([], [])
    assert await page_thread(browser, alice, a1["id"]) == ([], [])


async def test_the_api_context_lists_sixty_replies_to_anonymous_readers_and_all_to_others(
    make: Factory,
) -> None:
    alice = await make.person("alice")
    root = await alice.status("root")
    replies = [(await alice.status(f"{n}", in_reply_to_id=root["id"]))["id"] for n in range(61)]
    assert (await api_thread(None, make.client, root["id"]))[1] == replies[:60]
    assert (await api_thread(alice, make.client, root["id"]))[1] == replies
