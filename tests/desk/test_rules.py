"""Desk rules: managers write ordered conditions → actions; the first enabled rule that
matches the message opening a conversation acts on it, marked as the rule's, and what a rule
does is not the team's answer in the response metrics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from porina.accounts import operators
from porina.core.clock import back_dated
from porina.desk.rules_engine import keyword_in
from porina.desk.rules_models import DeskRuleRun
from porina.services import Services

from ..factories import Factory, Person
from .inbox_support import BASE, Staff, brand_with_agent, staff

RULES = "/api/porina/v1/desk/rules"
DESK = "/api/porina/v1/desk"
EVERY_HOUR = {
    day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


async def rule(member: Staff, **body: Any) -> dict[str, Any]:
    response = await member.post(RULES, json={"name": "rule", **body})
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


async def team(services: Services, make: Factory) -> tuple[Staff, Staff]:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    return desk, mari


async def only(desk: Staff, status: str = "open") -> dict[str, Any]:
    (listed,) = await desk.conversations(status=status)
    return await desk.conversation(listed["id"])


def test_keywords_are_whole_words_and_a_star_matches_inflections() -> None:
    assert keyword_in("refund", "I want a REFUND!")
    assert not keyword_in("refund", "refunding is slow")
    assert keyword_in("palaut*", "Miten palautuksen saa?")
    assert not keyword_in("palaut*", "epäpalautus")
    assert keyword_in("kahvi", "Kahvi oli hyvää")
    assert keyword_in("ääni", "ÄÄNI katosi")
    assert not keyword_in("ääni", "äänite")
    assert keyword_in("cold brew", "any Cold Brew today?")


async def test_a_matching_rule_assigns_labels_and_prioritises(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    made = await rule(
        mari,
        name="Refunds",
        conditions={"channels": ["mention"], "keywords": ["refund", "palaut*"]},
        actions={
            "assign": desk.person.id,
            "add_labels": ["Billing"],
            "priority": "high",
        },
    )
    assert made["conditions"]["keywords"] == ["refund", "palaut*"]
    assert made["actions"]["add_labels"] == ["billing"]
    emma = await make.person("emma")
    await emma.status("@cafe I want a REFUND for my cold coffee")
    seen = await only(desk)
    assert seen["assignee"]["id"] == desk.person.id
    assert (seen["labels"], seen["priority"]) == (["billing"], "high")
    (run,) = seen["rule_runs"]
    assert run["rule"] == {"id": made["id"], "name": "Refunds"}
    assert run["done"] == ["assign", "priority", "labels"]
    assert run["error"] is None
    mine = await desk.conversations(view="mine")
    assert [c["id"] for c in mine] == [seen["id"]]
    catalogue = (await mari.get(f"{DESK}/labels")).json()
    assert "billing" in [label["name"] for label in catalogue]


async def test_a_message_the_conditions_miss_is_left_alone(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    await rule(mari, conditions={"keywords": ["refund"]}, actions={"assign": desk.person.id})
    emma = await make.person("emma")
    await emma.status("@cafe refunding takes ages")
    seen = await only(desk)
    assert seen["assignee"] is None
    assert seen["rule_runs"] == []


async def test_the_first_enabled_rule_by_position_wins_and_position_reorders(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    low = await rule(mari, name="Low", actions={"priority": "low"})
    await rule(mari, name="Urgent", actions={"priority": "urgent"})
    emma = await make.person("emma")
    await emma.status("@cafe hello")
    assert (await only(desk))["priority"] == "low"
    moved = await mari.client.patch(
        f"{RULES}/{low['id']}", json={"position": 2}, headers=mari.headers
    )
    assert moved.status_code == 200, moved.text
    listed = (await mari.get(RULES)).json()
    assert [(r["name"], r["position"]) for r in listed] == [("Urgent", 1), ("Low", 2)]
    ville = await make.person("ville")
    await ville.status("@cafe hei")
    conversations = {c["contact"]["username"]: c for c in await desk.conversations()}
    assert conversations["ville"]["priority"] == "urgent"
    disabled = await mari.client.patch(
        f"{RULES}/{listed[0]['id']}", json={"enabled": False}, headers=mari.headers
    )
    assert disabled.json()["enabled"] is False
    olli = await make.person("olli")
    await olli.status("@cafe moi")
    conversations = {c["contact"]["username"]: c for c in await desk.conversations()}
    assert conversations["olli"]["priority"] == "low"


async def test_rules_run_when_a_message_opens_or_reopens_a_conversation_not_on_every_message(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    await rule(mari, actions={"add_labels": ["seen"], "resolve": True})
    emma = await make.person("emma")
    await emma.status("@cafe first")
    seen = await only(desk, "resolved")
    assert len(seen["rule_runs"]) == 1
    await emma.status("@cafe again")  # reopens the resolved conversation
    seen = await desk.conversation(seen["id"])
    assert len(seen["rule_runs"]) == 2
    await mari.client.patch(
        f"{RULES}/{(await mari.get(RULES)).json()[0]['id']}",
        json={"actions": {"priority": "medium"}},
        headers=mari.headers,
    )
    await emma.status("@cafe third")  # reopens; the rule no longer resolves
    await emma.status("@cafe fourth")  # joins an open conversation: no rule
    seen = await desk.conversation(seen["id"])
    assert len(seen["rule_runs"]) == 3
    assert seen["status"] == "open"


async def test_round_robin_takes_turns_fairly_and_skips_who_left(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    ville = await staff(services, make, desk.brand, "cafe_ville")
    await rule(mari, actions={"assign": "round_robin"})
    order = sorted([desk, ville], key=lambda s: s.person.user.id)
    names = []
    for n in range(4):
        fan = await make.person(f"fan{n}")
        await fan.status("@cafe hello")
    for c in sorted(await desk.conversations(), key=lambda c: c["contact"]["username"]):
        names.append(c["assignee"]["username"])
    first, second = (s.person.username for s in order)
    assert names == [first, second, first, second]
    async with services.db.transaction() as tx:
        await operators.remove_operator(
            tx, desk.brand.account.id, order[0].person.user.id, by_user_id=None
        )
    for n in range(4, 6):
        fan = await make.person(f"fan{n}")
        await fan.status("@cafe hello")
    latest = {c["contact"]["username"]: c for c in await order[1].conversations()}
    assert latest["fan4"]["assignee"]["username"] == second
    assert latest["fan5"]["assignee"]["username"] == second


async def test_an_auto_reply_is_sent_and_leaves_the_first_response_time_to_a_person(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    await rule(
        mari,
        name="Greeting",
        actions={"reply": "Thanks {{first_name}}, {{brand}} answers soon"},
    )
    emma = await make.person("emma", display_name="Emma Clarke")
    with back_dated(timedelta(hours=2)):
        await emma.status("@cafe is the terrace open?")
    seen = await only(desk)
    (sent,) = [i for i in seen["items"] if i["kind"] == "sent"]
    assert "Thanks Emma, cafe answers soon" in sent["status"]["content"]
    assert sent["rule"] == {"id": seen["rule_runs"][0]["rule"]["id"], "name": "Greeting"}
    notified = await emma.get("/api/v1/notifications")
    assert any("Thanks Emma" in (n.get("status") or {}).get("content", "") for n in notified.json())
    before = (await mari.get(f"{DESK}/metrics")).json()
    assert (before["first_response"]["count"], before["reply"]["count"]) == (0, 0)
    reply = await desk.post(f"{BASE}/{seen['id']}/reply", json={"text": "Yes, from noon"})
    assert reply.status_code == 200, reply.text
    after = (await mari.get(f"{DESK}/metrics")).json()
    assert after["first_response"]["count"] == 1
    assert round(after["first_response"]["median"] / 60) == 120


async def test_an_auto_resolve_is_no_resolution_in_the_metrics(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    await rule(mari, conditions={"keywords": ["spam"]}, actions={"resolve": True})
    emma = await make.person("emma")
    await emma.status("@cafe spam spam")
    assert (await only(desk, "resolved"))["status"] == "resolved"
    body = (await mari.get(f"{DESK}/metrics")).json()
    assert (body["opened"], body["resolved"]) == (1, 0)


async def _follower(make: Factory, emma: Person) -> None:
    fan = await make.person("emma_fan")
    await fan.follow(emma)


@pytest.mark.parametrize(
    ("conditions", "text", "extra", "matched"),
    [
        ({"channels": ["direct"]}, "@cafe hi", {"visibility": "direct"}, True),
        ({"channels": ["direct"]}, "@cafe hi", {}, False),
        ({"languages": ["fi"]}, "@cafe moi", {"language": "fi"}, True),
        ({"languages": ["fi"]}, "@cafe hi", {"language": "en"}, False),
        ({"sentiments": ["negative"]}, "@cafe terrible awful service, I hate it", {}, True),
        ({"sentiments": ["negative"]}, "@cafe lovely coffee, thank you!", {}, False),
        ({"followers_min": 1}, "@cafe hi", {"followed": True}, True),
        ({"followers_min": 1}, "@cafe hi", {}, False),
        ({"followers_max": 0}, "@cafe hi", {"followed": True}, False),
        ({"business_hours": "inside"}, "@cafe hi", {}, True),
        ({"business_hours": "outside"}, "@cafe hi", {}, False),
    ],
)
async def test_each_condition(
    services: Services,
    make: Factory,
    conditions: dict[str, Any],
    text: str,
    extra: dict[str, Any],
    matched: bool,
) -> None:
    desk, mari = await team(services, make)
    hours = {"time_zone": "UTC", "weekly": EVERY_HOUR, "holidays": []}
    assert (
        await mari.client.put(f"{DESK}/business_hours", json=hours, headers=mari.headers)
    ).status_code == 200
    await rule(mari, conditions=conditions, actions={"add_labels": ["matched"]})
    emma = await make.person("emma")
    if extra.pop("followed", False):
        await _follower(make, emma)
    await emma.status(text, **extra)
    assert ((await only(desk))["labels"] == ["matched"]) is matched


async def test_a_label_condition_looks_at_the_reopened_conversation(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    await rule(mari, conditions={"labels": ["vip"]}, actions={"priority": "urgent"})
    emma = await make.person("emma")
    await emma.status("@cafe hello")
    seen = await only(desk)
    assert seen["priority"] is None
    triaged = await desk.post(f"{BASE}/{seen['id']}/triage", json={"labels": ["vip"]})
    assert triaged.status_code == 200, triaged.text
    await desk.post(f"{BASE}/{seen['id']}/status", json={"status": "resolved"})
    await emma.status("@cafe me again")
    assert (await desk.conversation(seen["id"]))["priority"] == "urgent"


async def test_a_rule_that_cannot_act_is_recorded_and_the_item_kept(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    ville = await staff(services, make, desk.brand, "cafe_ville")
    await rule(mari, name="To Ville", actions={"assign": ville.person.id, "priority": "high"})
    async with services.db.transaction() as tx:
        await operators.remove_operator(
            tx, desk.brand.account.id, ville.person.user.id, by_user_id=None
        )
    emma = await make.person("emma")
    await emma.status("@cafe hello")
    seen = await only(desk)
    assert [i["kind"] for i in seen["items"]] == ["mention"]
    assert (seen["assignee"], seen["priority"]) == (None, None)
    (run,) = seen["rule_runs"]
    assert run["done"] == []
    assert "no longer on the team" in run["error"]
    async with services.db.read() as session:
        assert len(list(await session.scalars(select(DeskRuleRun)))) == 1


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"actions": {}}, "actions must do something"),
        ({"actions": {"priority": "asap"}}, "actions.priority"),
        ({"actions": {"assign": "123"}}, "actions.assign"),
        ({"actions": {"reply": "Hi {{frist_name}}"}}, "actions.reply"),
        ({"actions": {"explode": True}}, "actions"),
        (
            {"conditions": {"channels": ["carrier pigeon"]}, "actions": {"resolve": True}},
            "conditions.channels",
        ),
        (
            {"conditions": {"channels": "mention"}, "actions": {"resolve": True}},
            "conditions.channels",
        ),
        ({"conditions": {"keywords": ["*"]}, "actions": {"resolve": True}}, "conditions.keywords"),
        (
            {"conditions": {"followers_min": 5, "followers_max": 1}, "actions": {"resolve": True}},
            "followers_min",
        ),
        (
            {"conditions": {"business_hours": "lunch"}, "actions": {"resolve": True}},
            "conditions.business_hours",
        ),
        ({"conditions": {"weather": "sunny"}, "actions": {"resolve": True}}, "conditions"),
        ({"name": " ", "actions": {"resolve": True}}, "name"),
        ({"position": 0, "actions": {"resolve": True}}, "position"),
    ],
)
async def test_a_broken_rule_is_refused_naming_the_field(
    services: Services, make: Factory, body: dict[str, Any], fragment: str
) -> None:
    _desk, mari = await team(services, make)
    response = await mari.post(RULES, json={"name": "Broken", **body})
    assert response.status_code == 422, response.text
    assert fragment in response.json()["error"]
    assert (await mari.get(RULES)).json() == []


async def test_a_broken_update_changes_nothing(services: Services, make: Factory) -> None:
    _desk, mari = await team(services, make)
    made = await rule(mari, name="Keep", actions={"priority": "low"})
    await rule(mari, name="Other", actions={"priority": "low"})
    response = await mari.client.put(
        f"{RULES}/{made['id']}",
        json={"name": "Changed", "position": 2, "actions": {"priority": "asap"}},
        headers=mari.headers,
    )
    assert response.status_code == 422
    assert [(r["name"], r["position"]) for r in (await mari.get(RULES)).json()] == [
        ("Keep", 1),
        ("Other", 2),
    ]


async def test_agents_read_analysts_are_refused_and_other_brands_see_nothing(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    made = await rule(mari, actions={"priority": "low"})
    path = f"{RULES}/{made['id']}"
    assert (await desk.get(path)).json()["id"] == made["id"]
    refused = await desk.post(RULES, json={"name": "x", "actions": {"resolve": True}})
    assert refused.status_code == 403
    assert "error" in refused.json()
    assert (await desk.client.delete(path, headers=desk.headers)).status_code == 403
    anna = await staff(services, make, desk.brand, "cafe_anna", "analyst")
    assert (await anna.get(RULES)).status_code == 403
    other = await brand_with_agent(services, make, "bakery")
    boss = await staff(services, make, other.brand, "bakery_boss", "manager")
    for response in (
        await boss.get(path),
        await boss.client.put(
            path, json={"name": "x", "actions": {"resolve": True}}, headers=boss.headers
        ),
        await boss.client.delete(path, headers=boss.headers),
    ):
        assert response.status_code == 404
        assert "error" in response.json()
    assert (await boss.get(RULES)).json() == []
    deleted = await mari.client.delete(path, headers=mari.headers)
    assert deleted.status_code == 200
    assert (await mari.get(path)).status_code == 404


async def test_an_auto_reply_to_a_direct_message_stays_direct(
    services: Services, make: Factory
) -> None:
    desk, mari = await team(services, make)
    await rule(mari, name="Night", actions={"reply": "Hei {{first_name}}! Vastaamme aamulla."})
    emma = await make.person("emma", display_name="Emma Virtanen")
    await emma.status("@cafe is my order ready?", visibility="direct")
    seen = await only(desk)
    (sent,) = [i for i in seen["items"] if i["kind"] == "sent"]
    assert sent["status"]["visibility"] == "direct"
    assert "Hei Emma! Vastaamme aamulla." in sent["status"]["content"]
    assert sent["account"]["id"] == desk.brand.id
    public = await make.person("stranger")
    timeline = await public.get(f"/api/v1/accounts/{desk.brand.id}/statuses")
    assert timeline.json() == []
