from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from porina.notifications.models import Notification
from porina.services import Services

from ..factories import Factory, Person
from ..posts.support import follow


async def notifications(services: Services, account_id: int, kind: str) -> int:
    async with services.db.read() as session:
        count = await session.scalar(
            select(func.count()).where(
                Notification.account_id == account_id, Notification.type == kind
            )
        )
    return int(count or 0)


async def test_posting_escapes_html_and_links_mentions_and_hashtags(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    body = await alice.status("hi @bob <script>alert(1)</script> #Porina https://example.com/x")
    content = body["content"]
    assert "<script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert (
        '<span class="h-card" translate="no"><a href="http://testserver.local/@bob" '
        'class="u-url mention">@<span>bob</span></a></span>'
    ) in content
    assert (
        '<a href="http://testserver.local/tags/Porina" class="mention hashtag" rel="tag">'
        "#<span>Porina</span></a>"
    ) in content
    assert 'href="https://example.com/x"' in content
    assert body["mentions"] == [
        {"id": bob.id, "username": "bob", "url": "http://testserver.local/@bob", "acct": "bob"}
    ]
    assert body["tags"] == [{"name": "porina", "url": "http://testserver.local/tags/porina"}]
    assert await notifications(services, bob.account.id, "mention") == 1


async def test_text_over_the_character_limit_is_refused_with_422(make: Factory) -> None:
    alice = await make.person()
    response = await alice.post("/api/v1/statuses", json={"status": "x" * 501})
    assert response.status_code == 422
    assert "character limit" in response.json()["error"]
    assert (await alice.post("/api/v1/statuses", json={"status": "x" * 500})).status_code == 200


async def test_a_url_counts_as_23_characters(make: Factory) -> None:
    alice = await make.person()
    text = "x" * 470 + " https://example.com/" + "a" * 200
    response = await alice.post("/api/v1/statuses", json={"status": text})
    assert response.status_code == 200, response.text


async def test_empty_status_without_media_or_poll_is_refused(make: Factory) -> None:
    alice = await make.person()
    response = await alice.post("/api/v1/statuses", data={"status": "  "})
    assert response.status_code == 422
    assert response.json()["error"].startswith("Validation failed")


async def test_unknown_language_and_visibility_are_refused(make: Factory) -> None:
    alice = await make.person()
    bad_language = await alice.post("/api/v1/statuses", json={"status": "a", "language": "xx"})
    assert bad_language.status_code == 422
    bad_visibility = await alice.post("/api/v1/statuses", json={"status": "a", "visibility": "x"})
    assert bad_visibility.status_code == 422
    ok = await alice.status("bonjour", language="fr")
    assert ok["language"] == "fr"


async def test_visibility_defaults_to_the_users_default_privacy(make: Factory) -> None:
    alice = await make.person()
    changed = await alice.patch(
        "/api/v1/accounts/update_credentials", data={"source[privacy]": "unlisted"}
    )
    assert changed.json()["source"]["privacy"] == "unlisted"
    assert (await alice.status("x"))["visibility"] == "unlisted"
    reblog = await alice.post(f"/api/v1/statuses/{(await alice.status('y'))['id']}/reblog")
    assert reblog.json()["visibility"] == "unlisted"


async def test_reply_sets_thread_fields_and_counts_replies(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    root = await alice.status("root")
    reply = await bob.status("reply", in_reply_to_id=root["id"])
    assert reply["in_reply_to_id"] == root["id"]
    assert reply["in_reply_to_account_id"] == alice.id
    again = await alice.get(f"/api/v1/statuses/{root['id']}")
    assert again.json()["replies_count"] == 1


async def test_reply_to_a_status_the_author_cannot_see_is_404(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    private = await alice.status("followers only", visibility="private")
    response = await bob.post(
        "/api/v1/statuses", json={"status": "sneaky", "in_reply_to_id": private["id"]}
    )
    assert response.status_code == 404
    missing = await bob.post("/api/v1/statuses", json={"status": "x", "in_reply_to_id": "12"})
    assert missing.status_code == 404


async def test_private_status_is_hidden_from_non_followers_in_get_and_context(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    follower = await make.person()
    stranger = await make.person()
    await follow(services, follower, alice)
    root = await alice.status("public root")
    private = await alice.status("private reply", visibility="private", in_reply_to_id=root["id"])
    assert (await stranger.get(f"/api/v1/statuses/{private['id']}")).status_code == 404
    assert (await make.client.get(f"/api/v1/statuses/{private['id']}")).status_code == 404
    assert (await follower.get(f"/api/v1/statuses/{private['id']}")).status_code == 200
    hidden = await stranger.get(f"/api/v1/statuses/{root['id']}/context")
    assert hidden.json() == {"ancestors": [], "descendants": []}
    shown = await follower.get(f"/api/v1/statuses/{root['id']}/context")
    assert [s["id"] for s in shown.json()["descendants"]] == [private["id"]]


async def test_context_lists_ancestors_oldest_first_and_descendants_depth_first(
    make: Factory,
) -> None:
    alice = await make.person()
    root = await alice.status("root")
    a = await alice.status("a", in_reply_to_id=root["id"])
    b = await alice.status("b", in_reply_to_id=root["id"])
    a1 = await alice.status("a1", in_reply_to_id=a["id"])
    a1x = await alice.status("a1x", in_reply_to_id=a1["id"])
    body = (await alice.get(f"/api/v1/statuses/{a1['id']}/context")).json()
    assert [s["id"] for s in body["ancestors"]] == [root["id"], a["id"]]
    assert [s["id"] for s in body["descendants"]] == [a1x["id"]]
    top = (await alice.get(f"/api/v1/statuses/{root['id']}/context")).json()
    assert [s["id"] for s in top["descendants"]] == [a["id"], a1["id"], a1x["id"], b["id"]]


async def test_malformed_or_unknown_status_id_is_404(make: Factory) -> None:
    alice = await make.person()
    for path in ("/api/v1/statuses/abc", "/api/v1/statuses/99", "/api/v1/statuses/1/context"):
        response = await alice.get(path)
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
    assert (await alice.post("/api/v1/statuses/nope/favourite")).status_code == 404


async def test_get_many_statuses_skips_invisible_ones(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    one = await alice.status("one")
    hidden = await alice.status("hidden", visibility="private")
    two = await alice.status("two")
    response = await bob.get(
        "/api/v1/statuses",
        params=[("id[]", one["id"]), ("id[]", hidden["id"]), ("id[]", two["id"])],
    )
    assert [s["id"] for s in response.json()] == [one["id"], two["id"]]


async def test_edit_keeps_history_with_the_original_and_the_new_version(make: Factory) -> None:
    alice = await make.person()
    status = await alice.status("first version")
    response = await alice.put(f"/api/v1/statuses/{status['id']}", json={"status": "second"})
    assert response.status_code == 200, response.text
    assert response.json()["content"] == "<p>second</p>"
    assert response.json()["edited_at"] is not None
    history = (await alice.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert [h["content"] for h in history] == ["<p>first version</p>", "<p>second</p>"]
    assert history[0]["account"]["id"] == alice.id
    source = (await alice.get(f"/api/v1/statuses/{status['id']}/source")).json()
    assert source == {"id": status["id"], "text": "second", "spoiler_text": ""}


async def test_source_is_the_authors_alone(make: Factory, services: Services) -> None:
    """The source (the text as typed, for editing) goes to its author only: a reader who may
    see the status is refused with a 403, one who may not gets the 404 a missing status gets."""
    alice, follower, stranger = await make.person(), await make.person(), await make.person()
    await follow(services, follower, alice)
    public = await alice.status("open to all", spoiler_text="cw")
    private = await alice.status("followers only", visibility="private")
    direct = await alice.status(f"@{follower.username} just us", visibility="direct")

    async def source(person: Person, status: dict[str, Any]) -> tuple[int, Any]:
        response = await person.get(f"/api/v1/statuses/{status['id']}/source")
        return response.status_code, response.json()

    assert await source(alice, public) == (
        200,
        {"id": public["id"], "text": "open to all", "spoiler_text": "cw"},
    )
    assert (await source(alice, private))[1]["text"] == "followers only"
    assert (await source(alice, direct))[0] == 200
    refused = (403, {"error": "This action is not allowed"})
    for reader in (follower, stranger):
        assert await source(reader, public) == refused
    assert await source(follower, private) == refused
    assert await source(follower, direct) == refused
    assert (await source(stranger, private))[0] == 404
    assert (await source(stranger, direct))[0] == 404
    anonymous = await make.client.get(f"/api/v1/statuses/{public['id']}/source")
    assert anonymous.status_code == 401


async def test_history_of_an_unedited_status_has_one_version(make: Factory) -> None:
    alice = await make.person()
    status = await alice.status("only")
    history = (await alice.get(f"/api/v1/statuses/{status['id']}/history")).json()
    assert len(history) == 1
    assert history[0]["content"] == "<p>only</p>"


async def test_editing_someone_elses_status_is_forbidden(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    status = await alice.status("mine")
    response = await bob.put(f"/api/v1/statuses/{status['id']}", json={"status": "yours"})
    assert response.status_code == 403


async def test_edit_notifies_those_who_reblogged(make: Factory, services: Services) -> None:
    alice = await make.person()
    bob = await make.person()
    status = await alice.status("v1")
    await bob.post(f"/api/v1/statuses/{status['id']}/reblog")
    await alice.put(f"/api/v1/statuses/{status['id']}", json={"status": "v2"})
    assert await notifications(services, bob.account.id, "update") == 1


async def test_delete_returns_the_source_text_and_hides_the_status(make: Factory) -> None:
    alice = await make.person()
    status = await alice.status("to be redrafted #tag")
    response = await alice.delete(f"/api/v1/statuses/{status['id']}")
    assert response.status_code == 200
    assert response.json()["text"] == "to be redrafted #tag"
    assert (await alice.get(f"/api/v1/statuses/{status['id']}")).status_code == 404
    me = (await alice.get("/api/v1/accounts/verify_credentials")).json()
    assert me["statuses_count"] == 0


async def test_deleting_someone_elses_status_is_refused(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    status = await alice.status("mine")
    assert (await bob.delete(f"/api/v1/statuses/{status['id']}")).status_code == 403
    assert (await bob.get(f"/api/v1/statuses/{status['id']}")).status_code == 200


async def test_same_idempotency_key_returns_the_same_status(make: Factory) -> None:
    alice = await make.person()
    headers = {**alice.headers, "Idempotency-Key": "abc-123"}
    first = await make.client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)
    second = await make.client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    other = await alice.post("/api/v1/statuses", json={"status": "once"})
    assert other.json()["id"] != first.json()["id"]


async def test_favourite_counts_and_flags_for_the_viewer(make: Factory, services: Services) -> None:
    alice = await make.person()
    bob = await make.person()
    status = await alice.status("like me")
    liked = await bob.post(f"/api/v1/statuses/{status['id']}/favourite")
    assert liked.status_code == 200
    assert liked.json()["favourited"] is True
    assert liked.json()["favourites_count"] == 1
    again = await bob.post(f"/api/v1/statuses/{status['id']}/favourite")
    assert again.json()["favourites_count"] == 1
    seen_by_alice = (await alice.get(f"/api/v1/statuses/{status['id']}")).json()
    assert seen_by_alice["favourited"] is False
    assert seen_by_alice["favourites_count"] == 1
    assert await notifications(services, alice.account.id, "favourite") == 1
    by = await alice.get(f"/api/v1/statuses/{status['id']}/favourited_by")
    assert [a["id"] for a in by.json()] == [bob.id]
    assert 'rel="next"' in by.headers["link"]
    undone = await bob.post(f"/api/v1/statuses/{status['id']}/unfavourite")
    assert undone.json()["favourited"] is False
    assert undone.json()["favourites_count"] == 0


async def test_reblog_nests_the_original_and_is_idempotent(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    bob = await make.person()
    status = await alice.status("boost me")
    first = await bob.post(f"/api/v1/statuses/{status['id']}/reblog")
    assert first.status_code == 200
    body = first.json()
    assert body["reblog"]["id"] == status["id"]
    assert body["reblog"]["reblogs_count"] == 1
    assert body["reblog"]["reblogged"] is True
    assert body["account"]["id"] == bob.id
    second = await bob.post(f"/api/v1/statuses/{status['id']}/reblog")
    assert second.json()["id"] == body["id"]
    assert await notifications(services, alice.account.id, "reblog") == 1
    by = await alice.get(f"/api/v1/statuses/{status['id']}/reblogged_by")
    assert [a["id"] for a in by.json()] == [bob.id]
    undone = await bob.post(f"/api/v1/statuses/{status['id']}/unreblog")
    assert undone.json()["id"] == status["id"]
    assert undone.json()["reblogged"] is False
    assert undone.json()["reblogs_count"] == 0
    assert (await bob.get(f"/api/v1/statuses/{body['id']}")).status_code == 404


async def test_private_status_cannot_be_reblogged_by_a_follower(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    bob = await make.person()
    await follow(services, bob, alice)
    private = await alice.status("followers only", visibility="private")
    assert (await bob.post(f"/api/v1/statuses/{private['id']}/reblog")).status_code == 403
    own = await alice.post(f"/api/v1/statuses/{private['id']}/reblog")
    assert own.status_code == 200
    assert own.json()["visibility"] == "private"


async def test_bookmark_and_mute_set_the_viewer_flags(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    status = await alice.status("keep")
    marked = await bob.post(f"/api/v1/statuses/{status['id']}/bookmark")
    assert marked.json()["bookmarked"] is True
    muted = await bob.post(f"/api/v1/statuses/{status['id']}/mute")
    assert muted.json()["muted"] is True
    assert (await bob.post(f"/api/v1/statuses/{status['id']}/unmute")).json()["muted"] is False
    unmarked = await bob.post(f"/api/v1/statuses/{status['id']}/unbookmark")
    assert unmarked.json()["bookmarked"] is False


async def test_muted_thread_stops_reply_mention_notifications(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    root = await alice.status("thread")
    await alice.post(f"/api/v1/statuses/{root['id']}/mute")
    await bob.status("@alice hi", in_reply_to_id=root["id"])
    assert await notifications(services, alice.account.id, "mention") == 0
    await bob.status("@alice elsewhere")
    assert await notifications(services, alice.account.id, "mention") == 1


async def test_pinning_is_limited_to_five_own_statuses(make: Factory) -> None:
    alice = await make.person()
    bob = await make.person()
    ids = [(await alice.status(f"s{i}"))["id"] for i in range(6)]
    for sid in ids[:5]:
        response = await alice.post(f"/api/v1/statuses/{sid}/pin")
        assert response.status_code == 200
        assert response.json()["pinned"] is True
    sixth = await alice.post(f"/api/v1/statuses/{ids[5]}/pin")
    assert sixth.status_code == 422
    assert (await bob.post(f"/api/v1/statuses/{ids[5]}/pin")).status_code == 422
    unpinned = await alice.post(f"/api/v1/statuses/{ids[0]}/unpin")
    assert unpinned.json()["pinned"] is False
    assert (await alice.post(f"/api/v1/statuses/{ids[5]}/pin")).status_code == 200


async def test_direct_status_cannot_be_pinned(make: Factory) -> None:
    alice = await make.person()
    direct = await alice.status("note to self", visibility="direct")
    assert (await alice.post(f"/api/v1/statuses/{direct['id']}/pin")).status_code == 422


async def test_quote_of_a_public_status_counts_and_notifies(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    bob = await make.person()
    original = await alice.status("quotable")
    quote = await bob.status("look at this", quoted_status_id=original["id"])
    assert quote["quote"]["state"] == "accepted"
    assert (await alice.get(f"/api/v1/statuses/{original['id']}")).json()["quotes_count"] == 1
    assert await notifications(services, alice.account.id, "quote") == 1
    listed = await alice.get(f"/api/v1/statuses/{original['id']}/quotes")
    assert [s["id"] for s in listed.json()] == [quote["id"]]
    assert (await bob.get(f"/api/v1/statuses/{original['id']}/quotes")).status_code == 403


async def test_private_status_cannot_be_quoted_by_others(make: Factory, services: Services) -> None:
    alice = await make.person()
    bob = await make.person()
    await follow(services, bob, alice)
    private = await alice.status("mine only", visibility="private")
    response = await bob.post(
        "/api/v1/statuses", json={"status": "q", "quoted_status_id": private["id"]}
    )
    assert response.status_code == 403


async def test_posting_requires_a_token_with_write_scope(make: Factory) -> None:
    reader = await make.person(scopes="read")
    response = await reader.post("/api/v1/statuses", json={"status": "x"})
    assert response.status_code == 403
    anonymous = await make.client.post("/api/v1/statuses", json={"status": "x"})
    assert anonymous.status_code == 401


async def test_the_link_header_keeps_each_pages_parameters_and_limit(make: Factory) -> None:
    """The ``Link`` query part is kept per query string and limit (``pagination``): the same
    query string on two lists of other default limits, asked again, a cursor's own, and
    other parameters each link with their own."""
    alice, bob = await make.person(), await make.person()
    status = await alice.status("like me")
    assert (await bob.post(f"/api/v1/statuses/{status['id']}/favourite")).status_code == 200

    def query(response: httpx.Response, rel: str) -> str:
        links = {
            part.split("; rel=")[1].strip('"'): part.split(";")[0].strip(" <>")
            for part in response.headers["link"].split(", ")
        }
        return links[rel].split("?", 1)[1]

    for _ in range(2):  # the second from the kept query
        home = await alice.get("/api/v1/timelines/home")
        by = await alice.get(f"/api/v1/statuses/{status['id']}/favourited_by")
        assert query(home, "next") == f"limit=20&max_id={status['id']}"
        assert query(by, "prev").startswith("limit=40&min_id=")
    paged = await alice.get("/api/v1/timelines/home", params={"limit": "5", "max_id": "9" * 18})
    assert query(paged, "next") == f"limit=5&max_id={status['id']}"
    tagged = await alice.get("/api/v1/timelines/home", params={"limit": "5", "x": "ä b"})
    assert sorted(query(tagged, "prev").split("&")[:2]) == ["limit=5", "x=%C3%A4+b"]
