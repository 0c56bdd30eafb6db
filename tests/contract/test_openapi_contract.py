"""Every endpoint named here answers with the shape ``tests/reference/mastodon-openapi.json``
documents (required fields and types; extra fields are allowed). One test per endpoint family;
an endpoint the app does not serve fails the test, which names it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from functools import partial

import httpx
from litestar import Litestar
from PIL import Image

from ..factories import Factory, Person
from ..support.contract import Contract
from ..support.openapi import assert_component


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


async def pair(make: Factory) -> tuple[Person, Person]:
    alice = await make.person("alice")
    bob = await make.person("bob")
    await bob.follow(alice)
    await alice.follow(bob)
    return alice, bob


async def test_instance_v1_and_v2_match_the_documented_shape(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    c = Contract(app)
    for path in ("/api/v1/instance", "/api/v1/instance/"):
        await c.check("GET /api/v1/instance", partial(client.get, path))
    for path in ("/api/v2/instance", "/api/v2/instance/"):
        await c.check("GET /api/v2/instance", partial(client.get, path))
    await c.check("GET /api/v1/custom_emojis", lambda: client.get("/api/v1/custom_emojis"))
    c.assert_all_served()


async def test_apps_registration_and_verification_match_the_documented_shape(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    c = Contract(app)
    form = {
        "client_name": "Contract",
        "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
        "scopes": "read write",
        "website": "https://example.com",
    }
    body = await c.check("POST /api/v1/apps", lambda: client.post("/api/v1/apps", data=form))
    if body is not None:
        token = await client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": body["client_id"],
                "client_secret": body["client_secret"],
                "scope": "read",
            },
        )
        assert token.status_code == 200, token.text
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        await c.check(
            "GET /api/v1/apps/verify_credentials",
            lambda: client.get("/api/v1/apps/verify_credentials", headers=auth),
        )
    c.assert_all_served()


async def test_accounts_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice, bob = await pair(make)
    await alice.status("hello #contract")
    await c.check(
        "GET /api/v1/accounts/verify_credentials",
        lambda: alice.get("/api/v1/accounts/verify_credentials"),
    )
    await c.check(
        "PATCH /api/v1/accounts/update_credentials",
        lambda: alice.patch(
            "/api/v1/accounts/update_credentials", data={"display_name": "Alice", "note": "hi"}
        ),
    )
    await c.check("GET /api/v1/accounts/{id}", lambda: bob.get(f"/api/v1/accounts/{alice.id}"))
    await c.check(
        "GET /api/v1/accounts/lookup",
        lambda: bob.get("/api/v1/accounts/lookup", params={"acct": "alice"}),
    )
    await c.check(
        "GET /api/v1/accounts/relationships",
        lambda: bob.get("/api/v1/accounts/relationships", params={"id[]": [alice.id, bob.id]}),
    )
    for kind in ("followers", "following", "statuses"):
        await c.check(
            f"GET /api/v1/accounts/{{id}}/{kind}",
            partial(bob.get, f"/api/v1/accounts/{alice.id}/{kind}"),
        )
    await c.check(
        "GET /api/v1/accounts/search",
        lambda: bob.get("/api/v1/accounts/search", params={"q": "ali"}),
    )
    await c.check(
        "GET /api/v1/accounts/familiar_followers",
        lambda: bob.get("/api/v1/accounts/familiar_followers", params={"id[]": alice.id}),
    )
    for verb in ("mute", "unmute", "block", "unblock", "follow", "unfollow"):
        await c.check(
            f"POST /api/v1/accounts/{{id}}/{verb}",
            partial(bob.post, f"/api/v1/accounts/{alice.id}/{verb}"),
        )
    await c.check("GET /api/v1/blocks", lambda: bob.get("/api/v1/blocks"))
    await c.check("GET /api/v1/mutes", lambda: bob.get("/api/v1/mutes"))
    c.assert_all_served()


async def test_follow_requests_match_the_documented_shape(
    app: Litestar, make: Factory, client: httpx.AsyncClient
) -> None:
    c = Contract(app)
    alice = await make.person("alice")
    bob = await make.person("bob")
    carol = await make.person("carol")
    r = await alice.patch("/api/v1/accounts/update_credentials", data={"locked": "1"})
    assert r.status_code == 200, r.text
    await bob.follow(alice)
    await carol.follow(alice)
    await c.check("GET /api/v1/follow_requests", lambda: alice.get("/api/v1/follow_requests"))
    await c.check(
        "POST /api/v1/follow_requests/{account_id}/authorize",
        lambda: alice.post(f"/api/v1/follow_requests/{bob.id}/authorize"),
    )
    await c.check(
        "POST /api/v1/follow_requests/{account_id}/reject",
        lambda: alice.post(f"/api/v1/follow_requests/{carol.id}/reject"),
    )
    c.assert_all_served()


async def test_statuses_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice, bob = await pair(make)
    media = await alice.post(
        "/api/v2/media",
        files={"file": ("a.png", png(), "image/png")},
        data={"description": "a square"},
    )
    assert media.status_code in (200, 202), media.text
    poll = {"options": ["yes", "no"], "expires_in": 3600, "multiple": False}
    created = await c.check(
        "POST /api/v1/statuses",
        lambda: alice.post(
            "/api/v1/statuses",
            json={
                "status": "poll @bob #contract",
                "poll": poll,
                "spoiler_text": "cw",
                "language": "en",
            },
        ),
    )
    with_media = await c.check(
        "POST /api/v1/statuses",
        lambda: alice.post(
            "/api/v1/statuses",
            json={"status": "look", "media_ids": [media.json()["id"]], "sensitive": True},
        ),
    )
    if created is None or with_media is None:
        c.assert_all_served()
        return
    sid = created["id"]
    reply = await bob.status("@alice reply", in_reply_to_id=sid)
    await c.check("GET /api/v1/statuses/{id}", lambda: bob.get(f"/api/v1/statuses/{sid}"))
    await c.check(
        "GET /api/v1/statuses/{id}", lambda: bob.get(f"/api/v1/statuses/{with_media['id']}")
    )
    await c.check(
        "GET /api/v1/statuses",
        lambda: bob.get("/api/v1/statuses", params={"id[]": [sid, reply["id"]]}),
    )
    await c.check(
        "GET /api/v1/statuses/{id}/context",
        lambda: bob.get(f"/api/v1/statuses/{reply['id']}/context"),
    )
    await c.check(
        "PUT /api/v1/statuses/{id}",
        lambda: alice.put(f"/api/v1/statuses/{with_media['id']}", json={"status": "look again"}),
    )
    await c.check(
        "GET /api/v1/statuses/{id}/history",
        lambda: bob.get(f"/api/v1/statuses/{with_media['id']}/history"),
    )
    await c.check(
        "GET /api/v1/statuses/{id}/source", lambda: alice.get(f"/api/v1/statuses/{sid}/source")
    )
    for verb in ("favourite", "reblog", "bookmark", "mute"):
        await c.check(
            f"POST /api/v1/statuses/{{id}}/{verb}",
            partial(bob.post, f"/api/v1/statuses/{sid}/{verb}"),
        )
    await c.check(
        "POST /api/v1/statuses/{id}/pin",
        lambda: alice.post(f"/api/v1/statuses/{with_media['id']}/pin"),
    )
    for who in ("favourited_by", "reblogged_by"):
        await c.check(
            f"GET /api/v1/statuses/{{id}}/{who}",
            partial(alice.get, f"/api/v1/statuses/{sid}/{who}"),
        )
    await c.check("GET /api/v1/favourites", lambda: bob.get("/api/v1/favourites"))
    await c.check("GET /api/v1/bookmarks", lambda: bob.get("/api/v1/bookmarks"))
    for verb in ("unfavourite", "unreblog", "unbookmark", "unmute"):
        await c.check(
            f"POST /api/v1/statuses/{{id}}/{verb}",
            partial(bob.post, f"/api/v1/statuses/{sid}/{verb}"),
        )
    await c.check(
        "POST /api/v1/statuses/{id}/unpin",
        lambda: alice.post(f"/api/v1/statuses/{with_media['id']}/unpin"),
    )
    await c.check(
        "DELETE /api/v1/statuses/{id}", lambda: bob.delete(f"/api/v1/statuses/{reply['id']}")
    )
    c.assert_all_served()


async def test_polls_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice, bob = await pair(make)
    status = await alice.status(
        "vote", poll={"options": ["a", "b", "c"], "expires_in": 600, "multiple": True}
    )
    pid = status["poll"]["id"]
    await c.check("GET /api/v1/polls/{id}", lambda: bob.get(f"/api/v1/polls/{pid}"))
    await c.check(
        "POST /api/v1/polls/{id}/votes",
        lambda: bob.post(f"/api/v1/polls/{pid}/votes", json={"choices": [0, 2]}),
    )
    c.assert_all_served()


async def test_media_matches_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice = await make.person("alice")
    up = await c.check(
        "POST /api/v2/media",
        lambda: alice.post("/api/v2/media", files={"file": ("a.png", png(), "image/png")}),
        status=(200, 202),
    )
    await c.check(
        "POST /api/v1/media",
        lambda: alice.post("/api/v1/media", files={"file": ("b.png", png(), "image/png")}),
    )
    if up is not None:
        mid = up["id"]
        await c.check(
            "GET /api/v1/media/{id}", lambda: alice.get(f"/api/v1/media/{mid}"), status=(200, 206)
        )
        await c.check(
            "PUT /api/v1/media/{id}",
            lambda: alice.put(
                f"/api/v1/media/{mid}", data={"description": "blue", "focus": "0.1,-0.2"}
            ),
        )
    c.assert_all_served()


async def test_notifications_v1_and_v2_match_the_documented_shape(
    app: Litestar, make: Factory
) -> None:
    c = Contract(app)
    alice, bob = await pair(make)
    status = await alice.status("hi @bob")
    await bob.post(f"/api/v1/statuses/{status['id']}/favourite")
    await bob.post(f"/api/v1/statuses/{status['id']}/reblog")
    await bob.status("@alice answer", in_reply_to_id=status["id"])
    listed = await c.check("GET /api/v1/notifications", lambda: alice.get("/api/v1/notifications"))
    await c.check(
        "GET /api/v1/notifications/unread_count",
        lambda: alice.get("/api/v1/notifications/unread_count"),
    )
    grouped = await c.check("GET /api/v2/notifications", lambda: alice.get("/api/v2/notifications"))
    await c.check(
        "GET /api/v2/notifications/unread_count",
        lambda: alice.get("/api/v2/notifications/unread_count"),
    )
    if listed:
        nid = listed[0]["id"]
        await c.check(
            "GET /api/v1/notifications/{id}", lambda: alice.get(f"/api/v1/notifications/{nid}")
        )
        await c.check(
            "POST /api/v1/notifications/{id}/dismiss",
            lambda: alice.post(f"/api/v1/notifications/{nid}/dismiss"),
        )
    if grouped and grouped["notification_groups"]:
        key = grouped["notification_groups"][-1]["group_key"]  # not the dismissed one
        await c.check(
            "GET /api/v2/notifications/{group_key}",
            lambda: alice.get(f"/api/v2/notifications/{key}"),
        )
        await c.check(
            "GET /api/v2/notifications/{group_key}/accounts",
            lambda: alice.get(f"/api/v2/notifications/{key}/accounts"),
        )
        await c.check(
            "POST /api/v2/notifications/{group_key}/dismiss",
            lambda: alice.post(f"/api/v2/notifications/{key}/dismiss"),
        )
    await c.check(
        "POST /api/v1/notifications/clear", lambda: alice.post("/api/v1/notifications/clear")
    )
    c.assert_all_served()


async def test_conversations_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice, bob = await pair(make)
    await alice.status("@bob secret", visibility="direct")
    body = await c.check("GET /api/v1/conversations", lambda: bob.get("/api/v1/conversations"))
    await c.check("GET /api/v1/conversations", lambda: bob.get("/api/v1/conversations/"))
    await c.check("GET /api/v1/timelines/direct", lambda: bob.get("/api/v1/timelines/direct"))
    if body:
        cid = body[0]["id"]
        await c.check(
            "POST /api/v1/conversations/{id}/read",
            lambda: bob.post(f"/api/v1/conversations/{cid}/read"),
        )
        await c.check(
            "DELETE /api/v1/conversations/{id}", lambda: bob.delete(f"/api/v1/conversations/{cid}")
        )
    c.assert_all_served()


async def test_markers_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice = await make.person("alice")
    status = await alice.status("mark me")
    await c.check(
        "POST /api/v1/markers",
        lambda: alice.post("/api/v1/markers", data={"home[last_read_id]": status["id"]}),
    )
    await c.check(
        "GET /api/v1/markers",
        lambda: alice.get("/api/v1/markers", params={"timeline[]": ["home", "notifications"]}),
    )
    c.assert_all_served()


async def test_lists_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice, bob = await pair(make)
    created = await c.check(
        "POST /api/v1/lists", lambda: alice.post("/api/v1/lists", data={"title": "friends"})
    )
    await c.check("GET /api/v1/lists", lambda: alice.get("/api/v1/lists"))
    if created is not None:
        lid = created["id"]
        await c.check("GET /api/v1/lists/{id}", lambda: alice.get(f"/api/v1/lists/{lid}"))
        await c.check(
            "PUT /api/v1/lists/{id}",
            lambda: alice.put(
                f"/api/v1/lists/{lid}", data={"title": "pals", "replies_policy": "followed"}
            ),
        )
        await c.check(
            "POST /api/v1/lists/{id}/accounts",
            lambda: alice.post(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": [bob.id]}),
        )
        await c.check(
            "GET /api/v1/lists/{id}/accounts", lambda: alice.get(f"/api/v1/lists/{lid}/accounts")
        )
        await c.check(
            "GET /api/v1/accounts/{id}/lists", lambda: alice.get(f"/api/v1/accounts/{bob.id}/lists")
        )
        await c.check(
            "GET /api/v1/timelines/list/{list_id}",
            lambda: alice.get(f"/api/v1/timelines/list/{lid}"),
        )
        await c.check(
            "DELETE /api/v1/lists/{id}/accounts",
            lambda: alice.delete(
                f"/api/v1/lists/{lid}/accounts", params={"account_ids[]": [bob.id]}
            ),
        )
        await c.check("DELETE /api/v1/lists/{id}", lambda: alice.delete(f"/api/v1/lists/{lid}"))
    c.assert_all_served()


async def test_filters_v2_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice = await make.person("alice")
    status = await alice.status("filter me")
    created = await c.check(
        "POST /api/v2/filters",
        lambda: alice.post(
            "/api/v2/filters",
            json={
                "title": "spoilers",
                "context": ["home", "public"],
                "filter_action": "warn",
                "keywords_attributes": [{"keyword": "dragon", "whole_word": True}],
            },
        ),
    )
    await c.check("GET /api/v2/filters", lambda: alice.get("/api/v2/filters"))
    if created is not None:
        fid = created["id"]
        await c.check("GET /api/v2/filters/{id}", lambda: alice.get(f"/api/v2/filters/{fid}"))
        await c.check(
            "PUT /api/v2/filters/{id}",
            lambda: alice.put(f"/api/v2/filters/{fid}", json={"title": "dragons"}),
        )
        kw = await c.check(
            "POST /api/v2/filters/{filter_id}/keywords",
            lambda: alice.post(f"/api/v2/filters/{fid}/keywords", data={"keyword": "wyvern"}),
        )
        if kw is not None:
            kid = kw["id"]
            await c.check(
                "GET /api/v2/filters/keywords/{id}",
                lambda: alice.get(f"/api/v2/filters/keywords/{kid}"),
            )
            await c.check(
                "PUT /api/v2/filters/keywords/{id}",
                lambda: alice.put(f"/api/v2/filters/keywords/{kid}", data={"keyword": "drake"}),
            )
            await c.check(
                "DELETE /api/v2/filters/keywords/{id}",
                lambda: alice.delete(f"/api/v2/filters/keywords/{kid}"),
            )
        await c.check(
            "GET /api/v2/filters/{filter_id}/keywords",
            lambda: alice.get(f"/api/v2/filters/{fid}/keywords"),
        )
        fs = await c.check(
            "POST /api/v2/filters/{filter_id}/statuses",
            lambda: alice.post(f"/api/v2/filters/{fid}/statuses", data={"status_id": status["id"]}),
        )
        if fs is not None:
            fsid = fs["id"]
            await c.check(
                "GET /api/v2/filters/statuses/{id}",
                lambda: alice.get(f"/api/v2/filters/statuses/{fsid}"),
            )
        await c.check(
            "GET /api/v2/filters/{filter_id}/statuses",
            lambda: alice.get(f"/api/v2/filters/{fid}/statuses"),
        )
        await c.check("DELETE /api/v2/filters/{id}", lambda: alice.delete(f"/api/v2/filters/{fid}"))
    c.assert_all_served()


async def test_tags_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice = await make.person("alice")
    await alice.status("about #Porina")
    await c.check("GET /api/v1/tags/{name}", lambda: alice.get("/api/v1/tags/porina"))
    await c.check(
        "POST /api/v1/tags/{name}/follow", lambda: alice.post("/api/v1/tags/porina/follow")
    )
    await c.check("GET /api/v1/followed_tags", lambda: alice.get("/api/v1/followed_tags"))
    await c.check(
        "POST /api/v1/tags/{name}/unfollow", lambda: alice.post("/api/v1/tags/porina/unfollow")
    )
    await c.check("GET /api/v1/featured_tags", lambda: alice.get("/api/v1/featured_tags"))
    c.assert_all_served()


async def test_search_v2_matches_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice, bob = await pair(make)
    await alice.status("searchable words about #gardening")
    for q in ("searchable", "alice", "#gardening"):
        await c.check("GET /api/v2/search", partial(bob.get, "/api/v2/search", params={"q": q}))
    c.assert_all_served()


async def test_timelines_match_the_documented_shape(
    app: Litestar, make: Factory, client: httpx.AsyncClient
) -> None:
    c = Contract(app)
    alice, bob = await pair(make)
    status = await alice.status(
        "timeline #contract", poll={"options": ["x", "y"], "expires_in": 600}
    )
    await bob.post(f"/api/v1/statuses/{status['id']}/reblog")
    await c.check("GET /api/v1/timelines/home", lambda: alice.get("/api/v1/timelines/home"))
    await c.check("GET /api/v1/timelines/public", lambda: client.get("/api/v1/timelines/public"))
    await c.check(
        "GET /api/v1/timelines/public",
        lambda: bob.get("/api/v1/timelines/public", params={"local": "1"}),
    )
    await c.check(
        "GET /api/v1/timelines/tag/{hashtag}", lambda: client.get("/api/v1/timelines/tag/contract")
    )
    c.assert_all_served()


async def test_scheduled_statuses_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice = await make.person("alice")
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    created = await c.check(
        "POST /api/v1/statuses",
        lambda: alice.post("/api/v1/statuses", json={"status": "later", "scheduled_at": when}),
    )
    await c.check("GET /api/v1/scheduled_statuses", lambda: alice.get("/api/v1/scheduled_statuses"))
    if created is not None:
        assert "params" in created, created
        assert_component(created, "ScheduledStatus")
        sid = created["id"]
        later = (datetime.now(UTC) + timedelta(days=2)).isoformat().replace("+00:00", "Z")
        await c.check(
            "GET /api/v1/scheduled_statuses/{id}",
            lambda: alice.get(f"/api/v1/scheduled_statuses/{sid}"),
        )
        await c.check(
            "PUT /api/v1/scheduled_statuses/{id}",
            lambda: alice.put(f"/api/v1/scheduled_statuses/{sid}", data={"scheduled_at": later}),
        )
        await c.check(
            "DELETE /api/v1/scheduled_statuses/{id}",
            lambda: alice.delete(f"/api/v1/scheduled_statuses/{sid}"),
        )
    c.assert_all_served()


async def test_preferences_trends_and_reports_match_the_documented_shape(
    app: Litestar, make: Factory, client: httpx.AsyncClient
) -> None:
    c = Contract(app)
    alice, bob = await pair(make)
    status = await alice.status("trend #trending")
    await bob.post(f"/api/v1/statuses/{status['id']}/favourite")
    await c.check("GET /api/v1/preferences", lambda: alice.get("/api/v1/preferences"))
    for kind in ("tags", "statuses", "links"):
        await c.check(f"GET /api/v1/trends/{kind}", partial(client.get, f"/api/v1/trends/{kind}"))
    await c.check(
        "POST /api/v1/reports",
        lambda: bob.post(
            "/api/v1/reports",
            json={
                "account_id": alice.id,
                "status_ids": [status["id"]],
                "comment": "spam",
                "category": "spam",
            },
        ),
    )
    c.assert_all_served()


async def test_errors_match_the_documented_error_shape(
    app: Litestar, make: Factory, client: httpx.AsyncClient
) -> None:
    c = Contract(app)
    alice = await make.person("alice")
    await c.check(
        "GET /api/v1/accounts/verify_credentials",
        lambda: client.get("/api/v1/accounts/verify_credentials"),
        status=401,
    )
    await c.check(
        "GET /api/v1/statuses/{id}", lambda: alice.get("/api/v1/statuses/123456789"), status=404
    )
    await c.check(
        "GET /api/v1/statuses/{id}", lambda: alice.get("/api/v1/statuses/not-an-id"), status=404
    )
    await c.check(
        "POST /api/v1/statuses",
        lambda: alice.post("/api/v1/statuses", json={"status": ""}),
        status=422,
    )
    private = await alice.status("mine", visibility="private")
    await c.check(
        "GET /api/v1/statuses/{id}",
        lambda: client.get(f"/api/v1/statuses/{private['id']}"),
        status=404,
    )
    c.assert_all_served()


async def test_every_notification_type_matches_the_documented_shape(
    app: Litestar, make: Factory
) -> None:
    """mention, status, reblog, favourite, follow, follow_request, poll and update."""
    c = Contract(app)
    alice, bob = await pair(make)
    carol = await make.person("carol")
    await bob.patch("/api/v1/accounts/update_credentials", data={"locked": "1"})
    await carol.follow(bob)
    await bob.post(f"/api/v1/accounts/{alice.id}/follow", json={"notify": True})
    status = await alice.status("@bob vote", poll={"options": ["a", "b"], "expires_in": 300})
    await bob.post(f"/api/v1/statuses/{status['id']}/favourite")
    await bob.post(f"/api/v1/statuses/{status['id']}/reblog")
    await bob.post(f"/api/v1/polls/{status['poll']['id']}/votes", json={"choices": [0]})
    await alice.put(f"/api/v1/statuses/{status['id']}", json={"status": "@bob vote now"})
    listed = await c.check("GET /api/v1/notifications", lambda: bob.get("/api/v1/notifications"))
    await c.check("GET /api/v1/notifications", lambda: alice.get("/api/v1/notifications"))
    await c.check("GET /api/v2/notifications", lambda: bob.get("/api/v2/notifications"))
    await c.check("GET /api/v2/notifications", lambda: alice.get("/api/v2/notifications"))
    if listed is not None:
        assert {"mention", "follow_request"} <= {n["type"] for n in listed}, listed
    c.assert_all_served()
