"""Triage: staff set a conversation's priority and labels, and the priority picks its SLA."""

from __future__ import annotations

import pytest

from porina.services import Services

from ..factories import Factory
from .inbox_support import BASE, brand_with_agent, staff

DESK = "/api/porina/v1/desk"


async def test_priority_and_labels_are_set_and_the_urgent_target_applies(
    services: Services, make: Factory
) -> None:
    desk = await brand_with_agent(services, make)
    mari = await staff(services, make, desk.brand, "cafe_mari", "manager")
    targets = {"targets": [{"priority": "urgent", "first_response_seconds": 900}]}
    assert (
        await mari.client.put(f"{DESK}/sla", json=targets, headers=mari.headers)
    ).status_code == 200
    emma = await make.person("emma")
    await emma.status("@cafe my order is wrong!")
    (listed,) = await desk.conversations()
    assert listed["sla"]["due_at"] is None  # no target for conversations without a priority
    path = f"{BASE}/{listed['id']}/triage"
    set_ = await desk.post(path, json={"priority": "urgent", "labels": ["Orders", "refund"]})
    assert set_.status_code == 200, set_.text
    assert (set_.json()["priority"], set_.json()["labels"]) == ("urgent", ["orders", "refund"])
    assert set_.json()["sla"]["due_at"] is not None
    kept = await desk.post(path, json={"labels": []})
    assert (kept.json()["priority"], kept.json()["labels"]) == ("urgent", [])
    cleared = await desk.post(path, json={"priority": None})
    assert cleared.json()["priority"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"priority": "asap"},
        {"labels": "orders"},
        {"labels": ["<script>"]},
        {"labels": [f"label{n}" for n in range(30)]},
    ],
)
async def test_bad_triage_is_refused_and_changes_nothing(
    services: Services, make: Factory, body: dict[str, object]
) -> None:
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    await emma.status("@cafe hi")
    (listed,) = await desk.conversations()
    response = await desk.post(f"{BASE}/{listed['id']}/triage", json=body)
    assert response.status_code == 422
    assert response.json()["error"].startswith("Validation failed")
    (same,) = await desk.conversations()
    assert (same["priority"], same["labels"]) == (None, [])
