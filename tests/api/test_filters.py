from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porina.interactions.filters import apply_filters
from porina.render.renderer import Renderer, statuses_by_id
from porina.services import Services

from ..factories import Factory, Person
from ..interactions.support import post


async def _hide_filter(person: Person, keyword: str, **extra: Any) -> dict[str, Any]:
    response = await person.post(
        "/api/v2/filters",
        data={
            "title": "No spoilers",
            "context[]": ["home", "public"],
            "filter_action": "hide",
            "keywords_attributes[][keyword]": keyword,
            "keywords_attributes[][whole_word]": "1",
            **extra,
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_filter_crud_with_keywords(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    created = await _hide_filter(alice, "spoiler")
    assert created["context"] == ["home", "public"]
    assert created["filter_action"] == "hide"
    assert [k["keyword"] for k in created["keywords"]] == ["spoiler"]
    fid, kid = created["id"], created["keywords"][0]["id"]
    assert (await bob.get(f"/api/v2/filters/{fid}")).status_code == 404
    updated = await alice.put(
        f"/api/v2/filters/{fid}",
        json={
            "title": "Renamed",
            "filter_action": "warn",
            "keywords_attributes": [
                {"id": kid, "_destroy": True},
                {"keyword": "ending", "whole_word": False},
            ],
        },
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["title"] == "Renamed"
    assert [k["keyword"] for k in updated.json()["keywords"]] == ["ending"]
    added = await alice.post(f"/api/v2/filters/{fid}/keywords", data={"keyword": "plot"})
    assert added.json()["whole_word"] is True
    assert len((await alice.get(f"/api/v2/filters/{fid}/keywords")).json()) == 2
    new_kid = added.json()["id"]
    changed = await alice.put(f"/api/v2/filter_keywords/{new_kid}", data={"keyword": "twist"})
    assert changed.json()["keyword"] == "twist"
    assert (await bob.get(f"/api/v2/filter_keywords/{new_kid}")).status_code == 404
    assert (await alice.delete(f"/api/v2/filter_keywords/{new_kid}")).status_code == 200
    legacy = (await alice.get("/api/v1/filters")).json()
    assert [(f["phrase"], f["irreversible"]) for f in legacy] == [("ending", False)]
    assert [f["id"] for f in (await alice.get("/api/v2/filters")).json()] == [fid]
    assert (await alice.delete(f"/api/v2/filters/{fid}")).status_code == 200
    assert (await alice.get("/api/v2/filters")).json() == []


async def test_bad_filter_input_is_422(make: Factory) -> None:
    alice = await make.person("alice")
    no_context = await alice.post("/api/v2/filters", data={"title": "x"})
    assert no_context.status_code == 422
    bad_context = await alice.post("/api/v2/filters", data={"title": "x", "context[]": "nowhere"})
    assert bad_context.status_code == 422
    bad_action = await alice.post(
        "/api/v2/filters", data={"title": "x", "context[]": "home", "filter_action": "burn"}
    )
    assert bad_action.status_code == 422 and "error" in bad_action.json()
    assert (await alice.get("/api/v2/filters/zzz")).status_code == 404


async def test_status_filters_match_by_status_id(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = await post(services, bob, "harmless words")
    created = await alice.post("/api/v2/filters", data={"title": "This one", "context[]": "thread"})
    fid = created.json()["id"]
    pinned = await alice.post(f"/api/v2/filters/{fid}/statuses", data={"status_id": str(sid)})
    assert pinned.status_code == 200
    assert [
        s["status_id"] for s in (await alice.get(f"/api/v2/filters/{fid}/statuses")).json()
    ] == [str(sid)]
    async with services.db.read() as session:
        (status,) = await statuses_by_id(
            Renderer(services.settings), session, alice.account.id, [sid]
        )
    assert status.filtered and status.filtered[0].status_matches == [pinned.json()["id"]]
    fsid = pinned.json()["id"]
    assert (await alice.delete(f"/api/v2/filter_statuses/{fsid}")).status_code == 200
    assert (await alice.get(f"/api/v2/filter_statuses/{fsid}")).status_code == 404


async def test_hide_filter_marks_and_removes_matching_statuses(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await _hide_filter(alice, "spoiler")
    hit = await post(services, bob, "Huge SPOILER ahead")
    near = await post(services, bob, "spoilers are fine (not a whole word)")
    clean = await post(services, bob, "nothing to see")
    renderer = Renderer(services.settings)
    async with services.db.read() as session:
        await session.execute(select(1))  # the transaction has begun: count only our queries
        before = services.db.query_count
        rendered = await statuses_by_id(renderer, session, alice.account.id, [hit, near, clean])
        assert services.db.query_count - before == 3  # statuses, viewer state, filters
        others = await statuses_by_id(renderer, session, bob.account.id, [hit, near, clean])
    results = rendered[0].filtered
    assert isinstance(results, list) and len(results) == 1
    assert results[0].keyword_matches == ["spoiler"]
    assert results[0].filter.filter_action == "hide"
    assert rendered[1].filtered == [] and rendered[2].filtered == []
    assert [s.id for s in apply_filters(rendered, "public")] == [str(near), str(clean)]
    assert [s.id for s in apply_filters(rendered, "thread")] == [str(hit), str(near), str(clean)]
    assert [s.id for s in apply_filters(others, "public")] == [str(hit), str(near), str(clean)]


async def test_viewer_without_filters_pays_no_extra_query(
    make: Factory, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    sid = await post(services, bob, "hello")
    async with services.db.read() as session:
        await session.execute(select(1))  # the transaction has begun: count only our queries
        before = services.db.query_count
        await statuses_by_id(Renderer(services.settings), session, alice.account.id, [sid])
        assert services.db.query_count - before == 2


async def test_filtered_is_shown_on_the_status_endpoint(make: Factory, services: Services) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    created = await _hide_filter(alice, "spoiler")
    sid = await post(services, bob, "a spoiler")
    body = (await alice.get(f"/api/v1/statuses/{sid}")).json()
    assert [r["filter"]["id"] for r in body["filtered"]] == [created["id"]]
