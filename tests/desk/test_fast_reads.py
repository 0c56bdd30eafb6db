"""The desk API's prebuilt reads (``desk/fast_reads.py``, ``api/porina/desk_reads.py``) show
the same conversations as the ORM's reads the web pages use (``desk/queries.py``), in every
view, status, label and page; a conversation's items come in pages of ``limit`` with the
earlier ones linked; another brand's conversations stay out of reach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from porina.api.porina import desk_render
from porina.desk import queries
from porina.desk.access import Staff as DeskStaff
from porina.render.renderer import Renderer
from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, Staff, brand_with_agent, staff

VIEWS = ("mine", "unassigned", "mentioned", "all")


def _next(response: Any) -> str | None:
    link = response.headers.get("link")
    if not link:
        return None
    for part in link.split(","):
        url, rel = part.split(";")
        if 'rel="next"' in rel:
            return str(url.strip()[1:-1].replace("http://testserver.local", ""))
    return None


async def _orm_ids(services: Services, desk: Staff, **asked: Any) -> list[str]:
    cursor = queries.Cursor(max_id=asked.pop("max_id", None), limit=asked.pop("limit", 20))
    who = DeskStaff(desk.brand.account.id, desk.person.user.id, "agent")
    async with services.db.read() as session:
        rows = await queries.page(session, who, cursor=cursor, **asked)
    return [str(r.conversation.id) for r in rows]


async def _orm_detail(services: Services, desk: Staff, cid: str) -> Any:
    who = DeskStaff(desk.brand.account.id, desk.person.user.id, "agent")
    async with services.db.read() as session:
        row = await queries.one(session, who, int(cid))
        items = await queries.items(session, row.conversation.id)
        shown = await desk_render.detail(
            Renderer(services.settings), session, who.brand_id, row, items
        )
    return msgspec.to_builtins(shown)


async def _api_detail(desk: Staff, cid: str) -> Any:
    response = await desk.get(f"{BASE}/{cid}", params={"limit": "200"})
    assert response.status_code == 200, response.text
    return response.json()


async def _api_ids(desk: Staff, **params: str) -> list[str]:
    response = await desk.get(BASE, params=params)
    assert response.status_code == 200, response.text
    return [c["id"] for c in response.json()]


async def test_every_view_status_label_and_page_matches_the_orm(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    colleague = await staff(services, make, desk.brand, "cafe_ville")
    other = await brand_with_agent(services, make, "bakery")
    people = [await make.person(f"fan{n}") for n in range(6)]
    for person in people:
        await person.status("@cafe hello")
        await person.status("@bakery hello")
    ids = await _api_ids(desk, view="all")
    await desk.post(f"{BASE}/{ids[0]}/assign", json={"assignee_id": desk.person.id})
    await desk.post(f"{BASE}/{ids[1]}/assign", json={"assignee_id": colleague.person.id})
    await colleague.post(f"{BASE}/{ids[2]}/notes", json={"text": "@cafe_aino look"})
    await desk.post(f"{BASE}/{ids[3]}/status", json={"status": "resolved"})
    await desk.post(f"{BASE}/{ids[0]}/reply", json={"text": "On its way", "visibility": "direct"})
    await desk.post(f"{BASE}/{ids[4]}/triage", json={"labels": ["tilaukset", "allergiat"]})
    for view in VIEWS:
        for status in ("open", "resolved", "pending"):
            api = await _api_ids(desk, view=view, status=status)
            assert api == await _orm_ids(services, desk, view=view, status=status, label=None)
    labelled = await _api_ids(desk, view="label", label="tilaukset")
    assert labelled == [ids[4]]
    assert labelled == await _orm_ids(
        services, desk, view="label", status="open", label="tilaukset"
    )
    first = await _api_ids(desk, view="all", limit="2")
    second = await _api_ids(desk, view="all", limit="2", max_id=first[-1])
    assert second == await _orm_ids(
        services, desk, view="all", status="open", label=None, limit=2, max_id=int(first[-1])
    )
    for cid in ids[:5]:
        assert await _api_detail(desk, cid) == await _orm_detail(services, desk, cid)
    theirs = set(await _api_ids(other, view="all"))
    assert theirs and not theirs & set(await _api_ids(desk, view="all"))
    assert await _api_ids(desk, view="all", max_id=next(iter(theirs))) == []
    assert (await desk.get(f"{BASE}/{next(iter(theirs))}")).status_code == 404


async def test_a_conversations_items_come_in_pages_with_the_earlier_ones_linked(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    for n in range(5):
        await emma.status(f"@cafe message {n}")
    cid = (await desk.conversations())[0]["id"]
    everything = (await desk.get(f"{BASE}/{cid}", params={"limit": "200"})).json()["items"]
    assert len(everything) == 5
    seen: list[list[str]] = []
    path: str | None = f"{BASE}/{cid}?limit=2"
    while path is not None:
        response = await desk.get(path)
        assert response.status_code == 200, response.text
        assert response.json()["id"] == cid
        seen.append([i["id"] for i in response.json()["items"]])
        path = _next(response)
    assert seen == [
        [everything[3]["id"], everything[4]["id"]],
        [everything[1]["id"], everything[2]["id"]],
        [everything[0]["id"]],
    ]
    assert all(i["status"] is not None and i["kind"] == "mention" for i in everything)
    assert [int(i["id"]) for i in everything] == sorted(int(i["id"]) for i in everything)


async def _mentioned_walk(desk: Staff, status: str) -> list[str]:
    """Every page of *Mentioned* one conversation at a time, following ``rel="next"``."""
    seen: list[str] = []
    url: str | None = f"{BASE}?view=mentioned&status={status}&limit=1"
    while url is not None:
        response = await desk.get(url)
        assert response.status_code == 200, response.text
        seen += [c["id"] for c in response.json()]
        url = _next(response) if response.json() else None
    return seen


async def test_the_mentioned_view_follows_its_conversations(
    services: Services, make: Factory
) -> None:
    """*Mentioned* reads the caller's own rows (``desk/mentioned.py``): after notes, new
    messages, replies, status changes and snoozes it still lists what the notes say, in the
    order of the conversations' activity, page by page."""
    desk = await brand_with_agent(services, make)
    colleague = await staff(services, make, desk.brand, "cafe_ville")
    people = [await make.person(f"fan{n}") for n in range(5)]
    for person in people:
        await person.status("@cafe hello")
    ids = list(reversed(await _api_ids(desk, view="all")))  # ids[n] is people[n]'s
    for n in (0, 0, 1, 2, 3):
        await colleague.post(f"{BASE}/{ids[n]}/notes", json={"text": f"@cafe_aino look {n}"})
    await desk.post(f"{BASE}/{ids[4]}/notes", json={"text": "@cafe_ville yours"})
    await desk.post(f"{BASE}/{ids[1]}/status", json={"status": "resolved"})
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await desk.post(f"{BASE}/{ids[2]}/status", json={"status": "snoozed", "snooze_until": future})
    await desk.post(f"{BASE}/{ids[0]}/status", json={"status": "pending"})
    await people[1].status("@cafe still waiting")  # reopens 1 and moves it to the top
    await desk.post(f"{BASE}/{ids[3]}/reply", json={"text": "Sorry!", "visibility": "direct"})
    assert await _api_ids(desk, view="mentioned") == [ids[3], ids[1]]
    assert await _api_ids(colleague, view="mentioned") == [ids[4]]
    for status in ("open", "pending", "snoozed", "resolved"):
        orm = await _orm_ids(services, desk, view="mentioned", status=status, label=None)
        assert await _api_ids(desk, view="mentioned", status=status) == orm
        assert await _mentioned_walk(desk, status) == orm
    assert await _api_ids(desk, view="mentioned", status="pending") == [ids[0]]
    assert await _api_ids(desk, view="mentioned", status="snoozed") == [ids[2]]
