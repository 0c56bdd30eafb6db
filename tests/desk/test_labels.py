"""The label catalogue (issue 16, point 2): managers keep a brand's labels with a colour and
a description; a rename follows onto the conversations, a delete takes the label off them;
triage adds a new label to the catalogue; the inbox narrows to a label in any view, and the
list counts open conversations per label. Agents read, analysts get a 403, other brands a
404, in Mastodon's error shape."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, Staff, brand_with_agent, staff

LABELS = "/api/porina/v1/desk/labels"


async def put(member: Staff, path: str, body: dict[str, Any]) -> httpx.Response:
    return await member.client.put(path, headers=member.headers, json=body)


async def remove(member: Staff, path: str) -> httpx.Response:
    return await member.client.delete(path, headers=member.headers)


async def labelled(desk: Staff, cid: str, *labels: str) -> None:
    done = await desk.post(f"{BASE}/{cid}/triage", json={"labels": list(labels)})
    assert done.status_code == 200, done.text


async def catalogue(member: Staff) -> dict[str, dict[str, Any]]:
    listed = await member.get(LABELS)
    assert listed.status_code == 200, listed.text
    return {row["name"]: row for row in listed.json()}


async def test_a_renamed_label_follows_onto_conversations_and_a_deleted_one_leaves_them(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    made = await mari.post(
        LABELS, json={"name": "Refund", "colour": "#FF0000", "description": "Money back"}
    )
    assert made.status_code == 200, made.text
    assert made.json() | {"id": "", "created_at": ""} == {
        "id": "",
        "name": "refund",
        "colour": "#ff0000",
        "description": "Money back",
        "open_conversations": 0,
        "created_at": "",
    }
    emma, olli = await make.person("emma"), await make.person("olli")
    await emma.status("@cafe my cup was cracked")
    await olli.status("@cafe great coffee")
    by_contact = {c["contact"]["username"]: c["id"] for c in await desk.conversations()}
    await labelled(desk, by_contact["emma"], "refund", "vip")
    await labelled(desk, by_contact["olli"], "vip")

    assert {n: r["open_conversations"] for n, r in (await catalogue(desk)).items()} == {
        "refund": 1,
        "vip": 2,
    }
    renamed = await put(mari, f"{LABELS}/{made.json()['id']}", {"name": "money back"})
    assert renamed.status_code == 200, renamed.text
    assert (await desk.conversation(by_contact["emma"]))["labels"] == ["money back", "vip"]
    vip = (await catalogue(mari))["vip"]
    gone = await remove(mari, f"{LABELS}/{vip['id']}")
    assert gone.status_code == 200, gone.text
    assert (await desk.conversation(by_contact["emma"]))["labels"] == ["money back"]
    assert (await desk.conversation(by_contact["olli"]))["labels"] == []
    assert list(await catalogue(desk)) == ["money back"]


async def test_triage_adds_an_unknown_label_to_the_catalogue(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    await emma.status("@cafe hei")
    (listed,) = await desk.conversations()
    await labelled(desk, listed["id"], "Häiriö")
    shown = await catalogue(desk)
    assert list(shown) == ["häiriö"]
    assert shown["häiriö"]["colour"] == "#6b7280"
    assert shown["häiriö"]["open_conversations"] == 1


async def test_the_inbox_narrows_to_a_label_in_any_view(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    people = [await make.person(n) for n in ("emma", "olli", "aada")]
    for person in people:
        await person.status("@cafe hello")
    ids = {c["contact"]["username"]: c["id"] for c in await desk.conversations()}
    await labelled(desk, ids["emma"], "häiriö", "vip_1")
    await labelled(desk, ids["olli"], "vip")
    await labelled(desk, ids["aada"], "vip1")  # '_' must not match any one letter
    assigned = await desk.post(f"{BASE}/{ids['olli']}/assign", json={"assignee_id": desk.person.id})
    assert assigned.status_code == 200, assigned.text

    def names(rows: list[dict[str, Any]]) -> list[str]:
        return sorted(r["contact"]["username"] for r in rows)

    assert names(await desk.conversations(view="label", label="vip")) == ["olli"]
    assert names(await desk.conversations(view="label", label="VIP_1")) == ["emma"]
    assert names(await desk.conversations(view="label", label="häiriö")) == ["emma"]
    assert names(await desk.conversations(view="mine", label="vip")) == ["olli"]
    assert names(await desk.conversations(view="unassigned", label="vip")) == []
    assert await desk.conversations(view="all", label="vip", status="resolved") == []
    missing = await desk.get(BASE, params={"view": "label"})
    assert missing.status_code == 422
    assert "label" in missing.json()["error"]


async def test_who_may_read_and_change_the_catalogue(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    numbers = await staff(services, make, desk.brand, "cafe_numbers", "analyst")
    bakery = await brand_with_agent(services, make, "bakery")
    made = (await mari.post(LABELS, json={"name": "vip"})).json()
    path = f"{LABELS}/{made['id']}"

    refused = await desk.post(LABELS, json={"name": "other"})
    assert refused.status_code == 403
    assert set(refused.json()) == {"error"}
    assert (await put(desk, path, {"name": "x"})).status_code == 403
    assert list(await catalogue(desk)) == ["vip"]
    analyst = await numbers.get(LABELS)
    assert analyst.status_code == 403
    assert set(analyst.json()) == {"error"}
    assert await catalogue(bakery) == {}
    bakery_boss = await staff(services, make, bakery.brand, "bakery_boss", "manager")
    assert (await put(bakery_boss, path, {"name": "stolen"})).status_code == 404
    assert (await remove(bakery_boss, path)).status_code == 404
    assert (await remove(mari, f"{LABELS}/nonsense")).status_code == 404
    for body in ({"name": ""}, {"name": "a" * 41}, {"name": "ok", "colour": "red"}):
        bad = await mari.post(LABELS, json=body)
        assert bad.status_code == 422, body
        assert set(bad.json()) == {"error"}
    twice = await mari.post(LABELS, json={"name": "VIP"})
    assert twice.status_code == 409
    assert list(await catalogue(mari)) == ["vip"]


async def test_a_refused_label_is_explained_in_finnish(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    fi = {**mari.headers, "Accept-Language": "fi"}
    bad = await mari.client.post(LABELS, json={"name": "no!"}, headers=fi)
    assert bad.status_code == 422
    assert "kirjainta, numeroa" in bad.json()["error"]
    refused = await desk.client.post(
        LABELS, json={"name": "ok"}, headers={**desk.headers, "Accept-Language": "fi"}
    )
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("Vain brändin omistajat")
