"""Calls through the API (issue 21, point 3): who may call whom, the states a call goes
through, what each side hears on its user stream, and the refusals (403, 404, 422 in
Mastodon's shape, nothing written or sent)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from porina.calls import actions, ice
from porina.calls.models import Call
from porina.core.clock import back_dated
from porina.services import Services
from tests.factories import Factory, Person

from .support import CANDIDATE, Recorder, answer, offer, record, ring, signal


async def _friends(make: Factory) -> tuple[Person, Person]:
    aino, olli = await make.person("aino"), await make.person("olli")
    await aino.follow(olli)
    await olli.follow(aino)
    return aino, olli


async def _count(services: Services) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Call)) or 0)


async def _state(services: Services, call_id: str) -> str:
    async with services.db.read() as session:
        found = await session.get(Call, int(call_id))
    assert found is not None
    return found.state


async def test_only_mutual_followers_can_call_each_other(services: Services, make: Factory) -> None:
    aino, olli, stranger = await make.person("aino"), await make.person("olli"), await make.person()
    await aino.follow(olli)  # one way only
    heard = record(services)
    refused = await ring(aino, account_id=olli.id)
    assert refused.status_code == 403 and "follow" in refused.json()["error"]
    assert await _count(services) == 0 and heard.calls(olli.id) == []
    await olli.follow(aino)
    placed = await ring(aino, account_id=olli.id)
    assert placed.status_code == 200, placed.text
    assert placed.json()["ice_servers"] == [] and placed.json()["state"] == "ringing"
    [rang] = heard.calls(olli.id)
    assert rang["type"] == "ring" and rang["id"] == placed.json()["id"]
    assert rang["account"]["id"] == aino.id and rang["account"]["acct"] == "aino"
    assert (await ring(stranger, account_id=aino.id)).status_code == 403


async def test_unknown_and_other_peoples_calls_are_404(services: Services, make: Factory) -> None:
    aino, olli = await _friends(make)
    eve = await make.person("eve")
    call_id = (await ring(aino, account_id=olli.id)).json()["id"]
    heard = record(services)
    for who, target in ((eve, call_id), (aino, "123456789"), (aino, "not-an-id")):
        refused = await signal(who, target, "offer", offer())
        assert refused.status_code == 404 and "error" in refused.json(), (who, target)
    assert (await ring(aino, account_id="999999999")).status_code == 404
    assert (await ring(aino, desk_conversation_id="999999999")).status_code == 404
    assert heard.sent == [] and await _state(services, call_id) == "ringing"


async def test_bad_signals_are_422_and_change_nothing(services: Services, make: Factory) -> None:
    aino, olli = await _friends(make)
    call_id = (await ring(aino, account_id=olli.id)).json()["id"]
    heard = record(services)
    bad: list[tuple[Person, str, Any]] = [
        (aino, "shout", {}),
        (aino, "offer", None),
        (aino, "offer", {"sdp": 5}),
        (aino, "offer", "v=0"),
        (aino, "candidate", {"candidate": 1}),
        (aino, "candidate", {**CANDIDATE, "sdpMLineIndex": "x"}),
        (aino, "answer", answer()),  # only the callee answers
        (aino, "decline", None),  # only the callee declines
        (olli, "offer", offer()),  # the callee answers a ringing call
    ]
    for who, kind, data in bad:
        refused = await signal(who, call_id, kind, data)
        assert refused.status_code == 422 and "error" in refused.json(), (kind, data)
    missing = await aino.post(f"/api/porina/v1/calls/{call_id}/signal", json={})
    assert missing.status_code == 422
    assert (await ring(aino)).status_code == 422
    assert (await ring(aino, account_id=olli.id, desk_conversation_id="1")).status_code == 422
    assert (await ring(aino, account_id=aino.id)).status_code == 422
    assert heard.sent == [] and await _state(services, call_id) == "ringing"


async def _accepted(services: Services, make: Factory) -> tuple[Person, Person, str, Recorder]:
    aino, olli = await _friends(make)
    heard = record(services)
    call_id = (await ring(aino, account_id=olli.id)).json()["id"]
    assert (await signal(aino, call_id, "offer", offer())).status_code == 200
    assert (await signal(aino, call_id, "candidate", CANDIDATE)).status_code == 200
    took = await signal(olli, call_id, "answer", answer())
    assert took.status_code == 200 and took.json()["state"] == "accepted"
    return aino, olli, call_id, heard


async def test_a_call_rings_is_answered_and_ends(services: Services, make: Factory) -> None:
    aino, olli, call_id, heard = await _accepted(services, make)
    assert (await signal(olli, call_id, "candidate", CANDIDATE)).status_code == 200
    assert [c["type"] for c in heard.calls(olli.id)] == ["ring", "offer", "candidate"]
    assert heard.calls(olli.id)[1]["data"]["sdp"].startswith("v=0")
    assert [c["type"] for c in heard.calls(aino.id)] == ["answer", "candidate"]
    assert heard.calls(aino.id)[0]["state"] == "accepted"
    assert heard.calls(aino.id)[0]["account"]["id"] == olli.id
    ended = await signal(aino, call_id, "hangup")
    assert ended.json()["state"] == "ended"
    assert heard.calls(olli.id)[-1]["type"] == "hangup"
    assert heard.calls(olli.id)[-1]["state"] == "ended"
    heard_before = len(heard.calls(aino.id))
    late = await signal(olli, call_id, "candidate", CANDIDATE)  # trickle ICE after the end
    assert late.status_code == 200 and late.json()["state"] == "ended"
    assert len(heard.calls(aino.id)) == heard_before  # dropped, not relayed
    refused = await signal(olli, call_id, "offer", {"type": "offer", "sdp": "v=0"})
    assert refused.status_code == 422 and "ended" in refused.json()["error"]


async def _missed_notes(person: Person, **params: Any) -> list[dict[str, Any]]:
    response = await person.get("/api/v1/notifications", params=params)
    assert response.status_code == 200
    return [n for n in response.json() if n["type"] == "porina.missed_call"]


async def test_declined_calls_notify_nobody_and_cancelled_ones_are_missed(
    services: Services, make: Factory
) -> None:
    aino, olli = await _friends(make)
    heard = record(services)
    first = (await ring(aino, account_id=olli.id)).json()["id"]
    assert (await signal(olli, first, "decline")).json()["state"] == "declined"
    assert heard.calls(aino.id)[-1]["type"] == "decline"
    second = (await ring(aino, account_id=olli.id)).json()["id"]
    assert (await signal(aino, second, "hangup")).json()["state"] == "missed"
    assert heard.calls(olli.id)[-1]["type"] == "hangup"
    assert heard.calls(olli.id)[-1]["state"] == "missed"
    asked = await _missed_notes(olli, **{"types[]": "porina.missed_call"})
    assert [n["account"]["id"] for n in asked] == [aino.id]
    assert await _missed_notes(olli) == []  # Mastodon clients are not shown a type they lack
    assert await _missed_notes(aino, **{"types[]": "porina.missed_call"}) == []


async def test_a_call_nobody_answers_is_missed_after_the_ringing_time(
    services: Services, make: Factory
) -> None:
    aino, olli = await _friends(make)
    heard = record(services)
    ring_for = timedelta(seconds=services.settings.call_ring_seconds + 5)
    with back_dated(ring_for):
        async with services.db.transaction() as tx:
            call = await actions.start(tx, aino.actor, account_id=olli.account.id)
    await services.runner.drain()  # the ringing timeout, due already
    assert await _state(services, str(call.id)) == "missed"
    assert [c["type"] for c in heard.calls(olli.id)] == ["ring", "missed"]
    assert heard.calls(aino.id)[-1]["type"] == "missed"
    notes = await _missed_notes(olli, **{"types[]": "porina.missed_call"})
    assert len(notes) == 1 and notes[0]["account"]["id"] == aino.id
    too_late = await signal(olli, str(call.id), "answer", answer())
    assert too_late.status_code == 422 and "missed" in too_late.json()["error"]


async def test_ice_servers_come_from_the_settings(services: Services) -> None:
    turn = dataclasses.replace(
        services.settings,
        call_stun_urls="stun:stun.example.org:3478",
        call_turn_urls="turn:turn.example.org:3478, turns:turn.example.org:5349",
        call_turn_secret="north",
        call_turn_ttl=600,
    )
    stun, relay = ice.servers(turn, 42)
    assert stun == {"urls": ["stun:stun.example.org:3478"]}
    assert relay["urls"] == ["turn:turn.example.org:3478", "turns:turn.example.org:5349"]
    expiry, account = relay["username"].split(":")
    assert account == "42" and int(expiry) > 0
    # what coturn computes from its static-auth-secret for that user name
    mac = hmac.new(b"north", relay["username"].encode(), hashlib.sha1).digest()
    assert relay["credential"] == base64.b64encode(mac).decode()
    fixed = dataclasses.replace(
        services.settings,
        call_turn_urls="turn:t.example.org",
        call_turn_username="u",
        call_turn_credential="p",
    )
    assert ice.servers(fixed, 42) == [
        {"urls": ["turn:t.example.org"], "username": "u", "credential": "p"}
    ]
