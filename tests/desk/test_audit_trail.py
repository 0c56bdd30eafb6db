"""Every desk action a staff member takes is in the brand's audit log (issue 16): assign,
status, a note, triage, a sentiment correction, a reply, a label, a contact's tags and notes —
each with who did it and on what; what came in from a customer is not an action. What a desk
rule did is there too, with the rule as its actor."""

from __future__ import annotations

from typing import Any

from porina.services import Services

from ..factories import Factory
from ..web.conftest import Browser, sign_in_as, text_of
from .inbox_support import BASE, brand_with_agent, staff


async def test_the_desks_actions_are_in_the_brands_audit_log(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    emma = await make.person("emma")
    await emma.status("@cafe my cup was cracked")
    (listed,) = await desk.conversations()
    cid = listed["id"]
    item = (await desk.conversation(cid))["items"][0]["id"]
    contact = f"/api/porina/v1/desk/contacts/{emma.id}"
    calls: list[tuple[str, dict[str, Any]]] = [
        (f"{BASE}/{cid}/assign", {"assignee_id": desk.person.id}),
        (f"{BASE}/{cid}/triage", {"priority": "high", "labels": ["refund"]}),
        (f"{BASE}/{cid}/sentiment", {"item_id": item, "sentiment": "negative"}),
        (f"{BASE}/{cid}/notes", {"text": "check the photo"}),
        (f"{BASE}/{cid}/reply", {"text": "Sorry! A new cup is on us."}),
        (f"{BASE}/{cid}/status", {"status": "resolved"}),
        (f"{contact}/notes", {"text": "regular"}),
    ]
    for path, body in calls:
        done = await desk.post(path, json=body)
        assert done.status_code == 200, (path, done.text)
    tagged = await desk.client.put(f"{contact}/tags", headers=desk.headers, json={"tags": ["x"]})
    assert tagged.status_code == 200
    made = await mari.post("/api/porina/v1/desk/labels", json={"name": "vip"})
    assert made.status_code == 200

    log = await mari.person.get(f"/api/v1/porina/accounts/{desk.brand.id}/audit")
    assert log.status_code == 200, log.text
    desk_lines = [
        (e["username"], e["action"], e["target_type"])
        for e in reversed(log.json())
        if e["action"].startswith("Desk")
    ]
    assert desk_lines == [
        ("cafe_aino", "DeskAssigned", "conversation"),
        ("cafe_aino", "DeskTriaged", "conversation"),
        ("cafe_aino", "DeskSentimentOverridden", "conversation"),
        ("cafe_aino", "DeskNoteAdded", "conversation"),
        ("cafe_aino", "DeskReplied", "status"),
        ("cafe_aino", "DeskStatusChanged", "conversation"),
        ("cafe_aino", "DeskContactNoted", "account"),
        ("cafe_aino", "DeskContactTagged", "account"),
        ("cafe_mari", "DeskLabelChanged", None),
    ]


async def test_what_a_rule_does_is_in_the_audit_log_with_the_rule_as_actor(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    actions = {
        "assign": desk.person.id,
        "add_labels": ["refund"],
        "priority": "high",
        "reply": "Thanks {{first_name}}, we are on it",
        "resolve": True,
    }
    made = await mari.post(
        "/api/porina/v1/desk/rules", json={"name": "Refunds", "actions": actions}
    )
    assert made.status_code == 200, made.text
    rule = {"id": made.json()["id"], "name": "Refunds"}
    await (await make.person("emma")).status("@cafe I want a refund")

    log = await mari.person.get(f"/api/v1/porina/accounts/{desk.brand.id}/audit")
    lines = [
        (e["user_id"], e["action"], e["target_type"], e["detail"])
        for e in reversed(log.json())
        if e["action"].startswith("Desk")
    ]
    by_rule = {"actor": {"rule": rule}}
    assert lines == [
        (str(mari.person.user.id), "DeskRuleChanged", None, {}),
        (None, "DeskAssigned", "conversation", by_rule),
        (None, "DeskTriaged", "conversation", by_rule),
        (None, "DeskReplied", "status", by_rule),
        (None, "DeskStatusChanged", "conversation", by_rule),
    ]
    await sign_in_as(services, mari.client, mari.person)
    page = await Browser(mari.client).get(f"/settings/team/{desk.brand.id}/audit")
    assert page.status_code == 200, page.text
    assert text_of(page.text).count("Rule “Refunds”") == 4
