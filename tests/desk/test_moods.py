"""Sentiment in the inbox: each incoming message is classified when filed, a conversation's
sentiment follows its last five opinions, staff correct it, and the corrections measure the
classifier."""

from __future__ import annotations

from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, brand_with_agent, staff

DESK = "/api/porina/v1/desk"


async def test_messages_are_classified_in_their_language_and_the_conversation_follows(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    await emma.status("@cafe the cinnamon buns were amazing, thank you!", language="en")
    (listed,) = await desk.conversations()
    assert listed["sentiment"] == "positive"
    await emma.status("@cafe onko teillä kauramaitoa?", language="fi")
    await emma.status("@cafe tilaus ei ole vieläkään tullut, tosi huono palvelu", language="fi")
    await emma.status("@cafe still waiting, nobody answers. Terrible.", language="en")
    shown = await desk.conversation(listed["id"])
    assert [i["sentiment"] for i in shown["items"]] == [
        "positive",
        "neutral",
        "negative",
        "negative",
    ]
    assert shown["sentiment"] == "negative"  # one praise, two complaints


async def test_staff_correct_a_sentiment_and_the_correction_measures_the_classifier(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    emma = await make.person("emma")
    await emma.status("@cafe third time asking: where is my order?", language="en")
    await emma.status("@cafe lovely terrace!", language="en")
    (listed,) = await desk.conversations()
    asked, praised = (await desk.conversation(listed["id"]))["items"]
    assert asked["sentiment"] == "neutral"  # no opinion word: the classifier misses it
    corrected = await desk.post(
        f"{BASE}/{listed['id']}/sentiment", json={"item_id": asked["id"], "sentiment": "negative"}
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["sentiment"] == "negative"
    confirmed = await desk.post(
        f"{BASE}/{listed['id']}/sentiment",
        json={"item_id": praised["id"], "sentiment": "positive"},
    )
    assert confirmed.status_code == 200
    assert (await desk.conversation(listed["id"]))["sentiment"] == "neutral"  # one each way
    checked = (await mari.get(f"{DESK}/metrics")).json()["sentiment_accuracy"]
    assert checked["reviewed"] == 2
    assert checked["accuracy"] == 0.5


async def test_a_bad_correction_is_refused_and_changes_nothing(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    other = await brand_with_agent(services, make, "shop")
    emma = await make.person("emma")
    await emma.status("@cafe great coffee", language="en")
    await emma.status("@shop great shoes", language="en")
    (listed,) = await desk.conversations()
    (theirs,) = await other.conversations()
    (item,) = (await desk.conversation(listed["id"]))["items"]
    (their_item,) = (await other.conversation(theirs["id"]))["items"]
    path = f"{BASE}/{listed['id']}/sentiment"
    for body, status in [
        ({"item_id": item["id"], "sentiment": "furious"}, 422),
        ({"sentiment": "negative"}, 422),
        ({"item_id": their_item["id"], "sentiment": "negative"}, 422),
    ]:
        response = await desk.post(path, json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"].startswith("Validation failed")
    foreign = await desk.post(
        f"{BASE}/{theirs['id']}/sentiment",
        json={"item_id": their_item["id"], "sentiment": "negative"},
    )
    assert foreign.status_code == 404
    assert (await desk.conversation(listed["id"]))["items"][0]["sentiment"] == "positive"
    assert (await other.conversation(theirs["id"]))["items"][0]["sentiment"] == "positive"


async def test_the_inbox_shows_each_conversations_sla(services: Services, make: Factory) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    targets = {"targets": [{"priority": "none", "first_response_seconds": 600}]}
    saved = await mari.client.put(f"{DESK}/sla", json=targets, headers=mari.headers)
    assert saved.status_code == 200, saved.text
    emma = await make.person("emma")
    await emma.status("@cafe hello?")
    (listed,) = await desk.conversations()
    assert listed["sla"]["due_at"] is not None
    assert listed["sla"]["breached"] is False
    await desk.post(f"{BASE}/{listed['id']}/reply", json={"text": "Hi!"})
    (answered,) = await desk.conversations()
    assert answered["sla"] == {"due_at": None, "breached": False, "warning": False}  # no target
