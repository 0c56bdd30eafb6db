"""Notifications, conversations, markers, lists, filters, tags, reports and admin answer with
the shapes ``tests/reference/mastodon-openapi.json`` documents."""

from __future__ import annotations

from litestar import Litestar

from ..factories import Factory
from ..support.contract import Contract
from ..support.openapi import assert_component

ADMIN_SCOPES = "read write follow push admin:read admin:write"


async def test_inbox_endpoints_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice, bob = await make.person("alice"), await make.person("bob")
    await bob.follow(alice)
    status = await alice.status("hello #contract")
    await bob.post(f"/api/v1/statuses/{status['id']}/favourite")
    await bob.status("@alice psst", visibility="direct")
    await c.check("GET /api/v1/notifications", lambda: alice.get("/api/v1/notifications"))
    first = (await alice.get("/api/v1/notifications")).json()[0]
    await c.check(
        "GET /api/v1/notifications/{id}", lambda: alice.get(f"/api/v1/notifications/{first['id']}")
    )
    await c.check(
        "GET /api/v1/notifications/unread_count",
        lambda: alice.get("/api/v1/notifications/unread_count"),
    )
    grouped = await c.check("GET /api/v2/notifications", lambda: alice.get("/api/v2/notifications"))
    key = grouped["notification_groups"][0]["group_key"]
    await c.check(
        "GET /api/v2/notifications/{group_key}", lambda: alice.get(f"/api/v2/notifications/{key}")
    )
    await c.check(
        "GET /api/v2/notifications/{group_key}/accounts",
        lambda: alice.get(f"/api/v2/notifications/{key}/accounts"),
    )
    await c.check(
        "GET /api/v2/notifications/unread_count",
        lambda: alice.get("/api/v2/notifications/unread_count"),
    )
    await c.check("GET /api/v1/conversations", lambda: alice.get("/api/v1/conversations"))
    await c.check(
        "POST /api/v1/markers",
        lambda: alice.post("/api/v1/markers", data={"home[last_read_id]": "1"}),
    )
    await c.check(
        "GET /api/v1/markers", lambda: alice.get("/api/v1/markers", params={"timeline[]": "home"})
    )
    c.assert_all_served()


async def test_lists_filters_tags_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.follow(bob)
    created = await c.check(
        "POST /api/v1/lists", lambda: alice.post("/api/v1/lists", data={"title": "L"})
    )
    lid = created["id"]
    await c.check("GET /api/v1/lists", lambda: alice.get("/api/v1/lists"))
    await c.check("GET /api/v1/lists/{id}", lambda: alice.get(f"/api/v1/lists/{lid}"))
    await alice.post(f"/api/v1/lists/{lid}/accounts", data={"account_ids[]": bob.id})
    await c.check(
        "GET /api/v1/lists/{id}/accounts", lambda: alice.get(f"/api/v1/lists/{lid}/accounts")
    )
    await c.check(
        "GET /api/v1/accounts/{id}/lists", lambda: alice.get(f"/api/v1/accounts/{bob.id}/lists")
    )
    form = {"title": "F", "context[]": "home", "keywords_attributes[][keyword]": "x"}
    made = await c.check("POST /api/v2/filters", lambda: alice.post("/api/v2/filters", data=form))
    await c.check("GET /api/v2/filters", lambda: alice.get("/api/v2/filters"))
    await c.check(
        "GET /api/v2/filters/{filter_id}/keywords",
        lambda: alice.get(f"/api/v2/filters/{made['id']}/keywords"),
    )
    # the document types this legacy list as one object; Mastodon answers with an array
    assert_component((await alice.get("/api/v1/filters")).json(), "V1Filter", many=True)
    await c.check("POST /api/v1/tags/{name}/follow", lambda: alice.post("/api/v1/tags/cats/follow"))
    await c.check("GET /api/v1/tags/{name}", lambda: alice.get("/api/v1/tags/cats"))
    await c.check("GET /api/v1/followed_tags", lambda: alice.get("/api/v1/followed_tags"))
    c.assert_all_served()


async def test_reports_and_admin_match_the_documented_shape(app: Litestar, make: Factory) -> None:
    c = Contract(app)
    alice, bob = await make.person("alice"), await make.person("bob")
    mod = await make.person("mod", role="admin", scopes=ADMIN_SCOPES)
    report = await c.check(
        "POST /api/v1/reports", lambda: alice.post("/api/v1/reports", data={"account_id": bob.id})
    )
    # the admin API is not in the OpenAPI document's paths; its components are
    listed = await mod.get("/api/v1/admin/reports")
    assert_component(listed.json(), "AdminReport", many=True)
    shown = await mod.get(f"/api/v1/admin/reports/{report['id']}")
    assert_component(shown.json(), "AdminReport")
    account = await mod.get(f"/api/v1/admin/accounts/{bob.id}")
    assert_component(account.json(), "AdminAccount")
    c.assert_all_served()
