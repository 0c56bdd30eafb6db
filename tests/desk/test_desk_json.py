"""The desk API's lists join kept encodings (``api/porina/desk_json.py``): every answer is,
byte for byte, the encoding of what the web's ORM read renders (``desk/queries.py`` with
``desk_render.conversations``), on the first read and on the reads after it, after notes,
assignments, labels, snoozes (one run out), a resolve, a new message and a contact's new
name; another brand's conversations never appear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
from sqlalchemy import update

from porina.accounts.models import Account
from porina.api.porina import desk_render
from porina.desk import queries
from porina.desk.access import Staff as DeskStaff
from porina.desk.models import DeskConversation
from porina.render.renderer import Renderer
from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, Staff, brand_with_agent, staff

VIEWS = ("mine", "unassigned", "mentioned", "all")
STATUSES = ("open", "pending", "snoozed", "resolved")


async def _orm(services: Services, desk: Staff, view: str, status: str) -> bytes:
    who = DeskStaff(desk.brand.account.id, desk.person.user.id, "agent")
    async with services.db.read() as session:
        rows = await queries.page(
            session, who, view=view, status=status, cursor=queries.Cursor(), label=None
        )
        shown = await desk_render.conversations(Renderer(services.settings), session, rows)
    return msgspec.json.encode(shown)


async def _same_everywhere(services: Services, desk: Staff) -> set[str]:
    """Every view and status, read twice (the second from kept encodings), against the ORM;
    the ids seen."""
    seen: set[str] = set()
    for view in VIEWS:
        for status in STATUSES:
            expected = await _orm(services, desk, view, status)
            for _ in range(2):
                response = await desk.get(BASE, params={"view": view, "status": status})
                assert response.status_code == 200, response.text
                assert response.headers["content-type"].startswith("application/json")
                assert response.content == expected, (view, status)
            seen |= {c["id"] for c in msgspec.json.decode(expected)}
    return seen


async def _paged(desk: Staff, ids: list[str]) -> None:
    """Two at a time by the ``Link`` header's next page, twice: every conversation once."""
    for _ in range(2):
        seen: list[str] = []
        path: str | None = f"{BASE}?view=all&limit=2"
        while path:
            response = await desk.get(path)
            page = [c["id"] for c in response.json()]
            seen += page
            link = response.headers.get("link")
            path = link.split(";")[0][1:-1].replace("http://testserver.local", "") if link else None
        assert seen == ids


async def test_the_lists_are_the_orms_rendering_before_and_after_changes(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    colleague = await staff(services, make, desk.brand, "cafe_ville")
    other = await brand_with_agent(services, make, "bakery")
    people = [await make.person(f"fan{n}") for n in range(7)]
    for person in people:
        await person.status("@cafe hello")
        await person.status("@bakery hello")
    ids = [c["id"] for c in await desk.conversations(view="all")]
    before = await _same_everywhere(services, desk)
    await desk.post(f"{BASE}/{ids[0]}/assign", json={"assignee_id": desk.person.id})
    await desk.post(f"{BASE}/{ids[1]}/assign", json={"assignee_id": colleague.person.id})
    await colleague.post(f"{BASE}/{ids[2]}/notes", json={"text": "@cafe_aino look"})
    await desk.post(f"{BASE}/{ids[3]}/status", json={"status": "resolved"})
    await desk.post(f"{BASE}/{ids[4]}/triage", json={"labels": ["tilaukset"], "priority": "high"})
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    for cid in ids[5:7]:
        await desk.post(f"{BASE}/{cid}/status", json={"status": "snoozed", "snooze_until": future})
    async with services.db.transaction() as tx:  # one snooze has run out: it shows as open
        await tx.session.execute(
            update(DeskConversation)
            .where(DeskConversation.id == int(ids[6]))
            .values(snooze_until=datetime.now(UTC) - timedelta(minutes=1))
        )
    after = await _same_everywhere(services, desk)
    assert before == after == set(ids)
    await _paged(desk, [c["id"] for c in await desk.conversations(view="all")])
    async with services.db.transaction() as tx:  # a new name: a new version of the account
        await tx.session.execute(
            update(Account)
            .where(Account.id == people[0].account.id)
            .values(display_name="Uusi", version=Account.version + 1)
        )
    await people[1].status("@cafe again")
    await _same_everywhere(services, desk)
    names = {c["contact"]["display_name"] for c in await desk.conversations(view="all")}
    assert "Uusi" in names
    theirs = {c["id"] for c in await other.conversations(view="all")}
    assert theirs and not theirs & after


async def _orm_detail(services: Services, desk: Staff, cid: str) -> object:
    who = DeskStaff(desk.brand.account.id, desk.person.user.id, "agent")
    async with services.db.read() as session:
        row = await queries.one(session, who, int(cid))
        items = await queries.items(session, row.conversation.id)
        shown = await desk_render.detail(
            Renderer(services.settings), session, who.brand_id, row, items
        )
    return msgspec.to_builtins(shown)


async def test_a_conversation_is_the_orms_rendering_cold_and_warm(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    colleague = await staff(services, make, desk.brand, "cafe_ville")
    emma, olli = await make.person("emma"), await make.person("olli")
    first = await emma.status("@cafe where is my order?")
    await olli.status("@cafe hello")
    await emma.status("@cafe a secret", visibility="direct")
    ids = [c["id"] for c in await desk.conversations(view="all")]
    for cid in ids:
        await colleague.post(f"{BASE}/{cid}/notes", json={"text": "@cafe_aino look"})
    reply = await desk.post(f"{BASE}/{ids[-1]}/reply", json={"text": "On its way"})
    assert reply.status_code == 200, reply.text
    await desk.post(f"/api/v1/statuses/{first['id']}/favourite")  # the brand favourites it
    menu = await desk.brand.status("Our summer menu")
    for action in ("favourite", "reblog"):  # two of olli's items show one status
        assert (await olli.post(f"/api/v1/statuses/{menu['id']}/{action}")).status_code == 200
    for _ in range(2):  # the second read joins the cache's encodings
        for cid in ids:
            response = await desk.get(f"{BASE}/{cid}")
            assert response.status_code == 200, response.text
            assert response.json() == await _orm_detail(services, desk, cid)
    shown = [i["status"] for cid in ids for i in (await desk.conversation(cid))["items"]]
    assert any(s and s["favourited"] for s in shown)
    assert {s["visibility"] for s in shown if s} >= {"public", "direct"}
    assert [s["id"] for s in shown if s].count(menu["id"]) == 2


async def test_a_kept_conversation_page_follows_every_change(
    services: Services, make: Factory
) -> None:
    """A page read again is joined from the kept one (``desk_json.detail``) while its rows
    are the same; each change below shows on the next read, as the ORM renders it, and a
    colleague looking at it is among its viewers without changing the rest."""
    desk = await brand_with_agent(services, make)
    colleague = await staff(services, make, desk.brand, "cafe_ville")
    emma, fan = await make.person("emma"), await make.person("fan")
    post = await emma.status("@cafe where is my order?")
    cid = (await desk.conversations(view="all"))[0]["id"]
    path = f"{BASE}/{cid}"

    async def same_as_orm() -> dict[str, object]:
        for _ in range(2):  # the second from the kept page
            shown = await desk.conversation(cid)
            assert shown == await _orm_detail(services, desk, cid)
        return shown

    await same_as_orm()
    assert (await fan.post(f"/api/v1/statuses/{post['id']}/favourite")).status_code == 200
    assert (await same_as_orm())["items"][0]["status"]["favourites_count"] == 1
    assert (await desk.post(f"/api/v1/statuses/{post['id']}/bookmark")).status_code == 200
    assert (await same_as_orm())["items"][0]["status"]["bookmarked"] is True
    renamed = await emma.client.patch(
        "/api/v1/accounts/update_credentials", headers=emma.headers, json={"display_name": "Emma K"}
    )
    assert renamed.status_code == 200, renamed.text
    assert (await same_as_orm())["contact"]["display_name"] == "Emma K"
    await colleague.post(f"{path}/notes", json={"text": "checking the courier"})
    assert [i["kind"] for i in (await same_as_orm())["items"]] == ["mention", "note"]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    await desk.post(f"{path}/status", json={"status": "snoozed", "snooze_until": future})
    assert (await same_as_orm())["status"] == "snoozed"
    async with services.db.transaction() as tx:  # the snooze runs out: shown as open
        await tx.session.execute(
            update(DeskConversation)
            .where(DeskConversation.id == int(cid))
            .values(snooze_until=datetime.now(UTC) - timedelta(minutes=1))
        )
    assert (await same_as_orm())["status"] == "open"
    alone = await desk.conversation(cid)
    looking = await colleague.post(f"{path}/presence", json={"state": "viewing"})
    assert looking.status_code == 200, looking.text
    watched = await desk.conversation(cid)
    assert [v["account"]["acct"] for v in watched["viewers"]] == ["cafe_ville"]
    assert {**watched, "viewers": []} == alone
