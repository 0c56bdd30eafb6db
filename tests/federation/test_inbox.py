"""The inbox refuses what is not a signed activity from its own actor, before any fetch."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from porina.core.clock import now
from porina.federation.keys import new_key_pair
from porina.federation.signatures import sign_request

from ..factories import Factory

BASE = "http://testserver.local"
FOLLOW = {
    "id": "https://b.example/users/bo#follows/1",
    "type": "Follow",
    "actor": "https://b.example/users/bo",
    "object": f"{BASE}/users/aino",
}


def _signed(body: bytes, key_id: str, *, hours: int = 0) -> dict[str, str]:
    private, _ = new_key_pair()
    when = now() + timedelta(hours=hours)
    return sign_request(
        "POST", f"{BASE}/inbox", key_id=key_id, private_pem=private, body=body, when=when
    )


async def test_an_unsigned_delivery_is_401(make: Factory, client: httpx.AsyncClient) -> None:
    await make.person("aino")
    for path in ("/inbox", "/users/aino/inbox"):
        response = await client.post(path, content=json.dumps(FOLLOW).encode())
        assert response.status_code == 401, path
        assert response.json() == {"error": "Request not signed"}


async def test_a_body_that_is_not_an_activity_is_400(client: httpx.AsyncClient) -> None:
    for body in (b"not json", b"[1, 2]", b"\x00\xff"):
        response = await client.post("/inbox", content=body)
        assert response.status_code == 400
        assert "error" in response.json()


async def test_a_key_of_someone_else_is_403(client: httpx.AsyncClient) -> None:
    body = json.dumps(FOLLOW).encode()
    headers = _signed(body, "https://c.example/users/mallory#main-key")
    response = await client.post("/inbox", content=body, headers=headers)
    assert response.status_code == 403
    assert response.json()["error"] == "The signing key does not belong to the activity's actor"


async def test_an_activity_off_the_actors_origin_is_403(client: httpx.AsyncClient) -> None:
    forged = {**FOLLOW, "id": "https://c.example/follows/1"}
    body = json.dumps(forged).encode()
    response = await client.post(
        "/inbox", content=body, headers=_signed(body, "https://b.example/users/bo#main-key")
    )
    assert response.status_code == 403
    assert response.json()["error"] == "Activity is not on the actor's origin"


async def test_a_stale_date_is_401(client: httpx.AsyncClient) -> None:
    body = json.dumps(FOLLOW).encode()
    headers = _signed(body, "https://b.example/users/bo#main-key", hours=-13)
    response = await client.post("/inbox", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "Date is outside the accepted window"


async def test_resolving_a_server_that_does_not_answer_finds_nobody(
    make: Factory,
) -> None:
    aino = await make.person("aino")
    response = await aino.get(
        "/api/v2/search", params={"q": "@bo@nowhere.invalid", "resolve": "true"}
    )
    assert response.status_code == 200
    assert response.json()["accounts"] == []
