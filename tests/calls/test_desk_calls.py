"""Calls from and to a desk conversation: the brand's staff ring the customer and the customer
rings the brand; the customer only ever sees the brand (a property test over random call
sequences: no event or notification the customer receives names the staff member)."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.calls import actions
from porina.calls.models import Call
from porina.core.clock import back_dated
from porina.services import Services
from tests.desk.inbox_support import Staff, brand_with_agent, staff
from tests.factories import Factory, Person
from tests.support.world import isolated

from .support import CANDIDATE, Recorder, answer, offer, record, ring, signal


async def _desk(services: Services, make: Factory) -> tuple[Staff, Person, str]:
    aino = await brand_with_agent(services, make)
    fan = await make.person("fan")
    await fan.status("@cafe can we talk about my order?")
    [conversation] = await aino.conversations(view="all")
    return aino, fan, conversation["id"]


async def test_staff_ring_a_customer_who_sees_the_brand(services: Services, make: Factory) -> None:
    aino, fan, cid = await _desk(services, make)
    olli = await staff(services, make, aino.brand, "cafe_olli")
    heard = record(services)
    placed = await ring(aino, desk_conversation_id=cid)
    assert placed.status_code == 200, placed.text
    call_id = placed.json()["id"]
    [rang] = heard.calls(fan.id)
    assert rang["account"]["id"] == aino.brand.id and rang["desk_conversation_id"] == cid
    assert (await signal(aino, call_id, "offer", offer())).status_code == 200
    assert (await signal(olli, call_id, "offer", offer())).status_code == 404  # aino's call
    assert (await signal(fan, call_id, "answer", answer())).json()["state"] == "accepted"
    [answered] = heard.on(f"user:{aino.brand.id}")
    assert answered["user_id"] == str(aino.person.user.id)  # to aino only, not the team
    assert json.loads(answered["payload"])["account"]["id"] == fan.id
    stranger = await make.person("stranger")
    assert (await ring(stranger, desk_conversation_id=cid)).status_code == 404
    assert (await signal(stranger, call_id, "hangup")).status_code == 404


async def test_a_customer_rings_the_brand_and_one_staff_member_takes_it(
    services: Services, make: Factory
) -> None:
    aino, fan, cid = await _desk(services, make)
    olli = await staff(services, make, aino.brand, "cafe_olli")
    numbers = await staff(services, make, aino.brand, "cafe_numbers", "analyst")
    heard = record(services)
    call_id = (await ring(fan, desk_conversation_id=cid)).json()["id"]
    [rang] = heard.on(f"user:{aino.brand.id}")
    assert "user_id" not in rang  # every staff member acting as the brand hears it ring
    assert json.loads(rang["payload"])["account"]["id"] == fan.id
    assert (await signal(numbers, call_id, "answer", answer())).status_code in {403, 404}
    took = await signal(olli, call_id, "answer", answer())
    assert took.json()["state"] == "accepted"
    assert [c["type"] for c in heard.calls(aino.brand.id)] == ["ring", "taken"]
    assert heard.calls(fan.id)[-1]["account"]["id"] == aino.brand.id
    assert (await signal(aino, call_id, "hangup")).status_code == 404  # olli's call now
    assert (await signal(olli, call_id, "hangup")).json()["state"] == "ended"


# ---- the customer never learns who at the brand called ----------------------------------

ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=4 if ON_PG else 10,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["staff", "customer"]),
        st.sampled_from(
            ["ring", "offer", "answer", "candidate", "decline", "hangup", "hangup", "timeout"]
        ),
    ),
    min_size=1,
    max_size=10,
)
DATA: dict[str, Any] = {"offer": offer(), "answer": answer(), "candidate": CANDIDATE}


async def _step(services: Services, who: Any, what: str, cid: str, calls: list[str]) -> None:
    if what == "ring":
        placed = await ring(who, desk_conversation_id=cid)
        assert placed.status_code == 200, placed.text
        calls.append(placed.json()["id"])
    elif what == "timeout" and calls:
        with back_dated(-timedelta(seconds=services.settings.call_ring_seconds + 1)):
            async with services.db.transaction() as tx:
                found = await tx.session.get(Call, int(calls[-1]))
                assert found is not None
                await actions.expire(tx, found)
    elif calls:
        sent = await signal(who, calls[-1], what, DATA.get(what))
        assert sent.status_code in {200, 404, 422}, sent.text


def _traces(staff_member: Person) -> list[str]:
    return [staff_member.id, str(staff_member.user.id), staff_member.username]


async def _customer_sees(fan: Person, heard: Recorder) -> str:
    notes = await fan.get("/api/v1/notifications", params={"types[]": "porina.missed_call"})
    everything = await fan.get("/api/v1/notifications")
    sent = [json.dumps(m) for c, m in heard.sent if c == f"user:{fan.id}"]
    return "\n".join([*sent, notes.text, everything.text])


def test_the_customer_never_receives_the_staff_members_account(template: Path | str) -> None:
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())
        aino, fan, cid = loop.run_until_complete(_desk(env.services, env.make))
        heard = record(env.services)

        @EXAMPLES
        @given(STEPS)
        def prop(steps: list[tuple[str, str]]) -> None:
            async def go() -> None:
                calls: list[str] = []
                for side, what in steps:
                    who: Any = aino if side == "staff" else fan
                    await _step(env.services, who, what, cid, calls)
                await env.services.runner.drain()
                seen = await _customer_sees(fan, heard)
                for trace in _traces(aino.person):
                    assert trace not in seen, trace

            loop.run_until_complete(go())

        try:
            prop()
            assert heard.calls(fan.id), "the customer heard no call at all"
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()
