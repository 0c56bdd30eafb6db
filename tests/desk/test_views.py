"""The inbox's views, status filters and pages, and the team's actions on a conversation:
assign, status (snooze), note with mentions, reply as the brand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from porina.desk.models import DeskConversation
from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, brand_with_agent, kinds, staff


def _next(response: Any) -> str | None:
    """The ``rel="next"`` address of a ``Link`` header, as a path and query."""
    link = response.headers.get("link")
    if not link:
        return None
    for part in link.split(","):
        url, rel = part.split(";")
        if 'rel="next"' in rel:
            return url.strip()[1:-1].replace("http://testserver.local", "")
    return None


async def test_pages_follow_the_link_header_newest_activity_first(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    people = [await make.person(f"fan{n}") for n in range(5)]
    for person in people:
        await person.status("@cafe hello")
    await people[0].status("@cafe me again")  # fan0's conversation is now the newest
    expected = [people[0].id, people[4].id, people[3].id, people[2].id, people[1].id]
    seen: list[str] = []
    path: str | None = f"{BASE}?view=all&limit=2"
    while path is not None:
        response = await desk.get(path)
        assert response.status_code == 200, response.text
        page = [c["contact"]["id"] for c in response.json()]
        if not page:
            break
        assert len(page) <= 2
        seen.extend(page)
        path = _next(response)
    assert seen == expected
    newest = (await desk.conversations(view="all"))[0]["id"]
    oldest = (await desk.conversations(view="all"))[-1]["id"]
    above = await desk.get(BASE, params={"min_id": oldest, "limit": "2"})
    assert [c["contact"]["id"] for c in above.json()] == [people[3].id, people[2].id]
    assert (await desk.get(BASE, params={"since_id": newest})).json() == []


async def test_mine_unassigned_and_assigning(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    colleague = await staff(services, make, desk.brand, "cafe_ville")
    emma, olli = await make.person("emma"), await make.person("olli")
    await emma.status("@cafe question one")
    await olli.status("@cafe question two")
    by_contact = {c["contact"]["id"]: c["id"] for c in await desk.conversations()}
    response = await desk.post(
        f"{BASE}/{by_contact[emma.id]}/assign", json={"assignee_id": colleague.person.id}
    )
    assert response.status_code == 200, response.text
    assert response.json()["assignee"]["id"] == colleague.person.id
    assert [c["contact"]["id"] for c in await colleague.conversations(view="mine")] == [emma.id]
    assert await desk.conversations(view="mine") == []
    assert [c["contact"]["id"] for c in await desk.conversations(view="unassigned")] == [olli.id]
    cleared = await desk.post(f"{BASE}/{by_contact[emma.id]}/assign", json={"assignee_id": None})
    assert cleared.json()["assignee"] is None
    assert await colleague.conversations(view="mine") == []


async def test_assigning_to_someone_off_the_team_is_refused(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    outsider = await make.person("outsider")
    emma = await make.person("emma")
    await emma.status("@cafe hi")
    (listed,) = await desk.conversations()
    response = await desk.post(f"{BASE}/{listed['id']}/assign", json={"assignee_id": outsider.id})
    assert response.status_code == 422
    assert "assignee_id" in response.json()["error"]


async def test_a_note_mentioning_a_colleague_is_in_their_mentioned_view(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    colleague = await staff(services, make, desk.brand, "cafe_ville")
    emma = await make.person("emma")
    await emma.status("@cafe my order was wrong")
    (listed,) = await desk.conversations()
    note = await desk.post(
        f"{BASE}/{listed['id']}/notes", json={"text": "@cafe_ville can you check the till?"}
    )
    assert note.status_code == 200, note.text
    assert (note.json()["kind"], note.json()["account"]["id"]) == ("note", desk.person.id)
    assert [c["id"] for c in await colleague.conversations(view="mentioned")] == [listed["id"]]
    assert await desk.conversations(view="mentioned") == []
    shown = await colleague.conversation(listed["id"])
    assert kinds(shown) == ["mention", "note"]
    assert shown["items"][1]["text"] == "@cafe_ville can you check the till?"


async def test_snoozing_needs_a_future_time_and_wakes_when_it_passes(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    await emma.status("@cafe call me tomorrow")
    (listed,) = await desk.conversations()
    path = f"{BASE}/{listed['id']}/status"
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    for body in ({"status": "snoozed"}, {"status": "snoozed", "snooze_until": past}):
        refused = await desk.post(path, json=body)
        assert refused.status_code == 422, body
    assert (await desk.post(path, json={"status": "closed"})).status_code == 422
    snoozed = await desk.post(path, json={"status": "snoozed", "snooze_until": future})
    assert snoozed.json()["status"] == "snoozed"
    assert await desk.conversations() == []
    assert [c["id"] for c in await desk.conversations(status="snoozed")] == [listed["id"]]
    async with services.db.transaction() as tx:  # the time passes
        await tx.session.execute(
            update(DeskConversation).values(snooze_until=datetime.now(UTC) - timedelta(minutes=1))
        )
    assert [c["status"] for c in await desk.conversations()] == ["open"]


async def test_reply_publishes_as_the_brand_in_the_thread_and_can_resolve(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    asked = await emma.status("@cafe are you open on Sunday?")
    (listed,) = await desk.conversations()
    response = await desk.post(
        f"{BASE}/{listed['id']}/reply",
        json={"text": "Yes, 10 to 16!", "visibility": "public", "resolve": True},
    )
    assert response.status_code == 200, response.text
    status = response.json()
    assert status["account"]["id"] == desk.brand.id
    assert status["in_reply_to_id"] == asked["id"]
    assert status["visibility"] == "public"
    assert [m["id"] for m in status["mentions"]] == [emma.id]
    notes = (await emma.get("/api/v1/notifications")).json()
    assert any(n["type"] == "mention" and n["status"]["id"] == status["id"] for n in notes)
    assert await desk.conversations() == []
    (resolved,) = await desk.conversations(status="resolved")
    shown = await desk.conversation(resolved["id"])
    assert kinds(shown) == ["mention", "sent"]
    assert shown["items"][1]["account"]["id"] == desk.person.id


async def test_a_direct_reply_reaches_only_the_person(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    emma, olli = await make.person("emma"), await make.person("olli")
    await emma.status("@cafe my card was charged twice", visibility="direct")
    (listed,) = await desk.conversations()
    response = await desk.post(
        f"{BASE}/{listed['id']}/reply", json={"text": "We will refund it", "visibility": "direct"}
    )
    assert response.status_code == 200, response.text
    status = response.json()
    assert status["visibility"] == "direct"
    assert (await emma.get(f"/api/v1/statuses/{status['id']}")).status_code == 200
    assert (await olli.get(f"/api/v1/statuses/{status['id']}")).status_code == 404
    assert kinds(await desk.conversation(listed["id"])) == ["direct", "sent"]


async def test_a_public_reply_needs_a_public_message_to_answer(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    await emma.status("@cafe private question", visibility="direct")
    (listed,) = await desk.conversations()
    for body in (
        {"text": "Hello", "visibility": "public"},
        {"text": "Hello", "visibility": "unlisted"},
        {"text": "  ", "visibility": "direct"},
    ):
        response = await desk.post(f"{BASE}/{listed['id']}/reply", json=body)
        assert response.status_code == 422, body
        assert isinstance(response.json()["error"], str)
