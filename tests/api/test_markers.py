from __future__ import annotations

from ..factories import Factory


async def test_marker_round_trip_with_form_fields_and_version_bump(make: Factory) -> None:
    alice = await make.person("alice")
    assert (await alice.get("/api/v1/markers", params={"timeline[]": "home"})).json() == {}
    saved = await alice.post("/api/v1/markers", data={"home[last_read_id]": "103"})
    assert saved.status_code == 200
    assert saved.json()["home"]["last_read_id"] == "103"
    assert saved.json()["home"]["version"] == 0
    again = await alice.post(
        "/api/v1/markers",
        json={"home": {"last_read_id": "110"}, "notifications": {"last_read_id": "7"}},
    )
    assert again.json()["home"]["version"] == 1
    got = await alice.get(
        "/api/v1/markers", params=[("timeline[]", "home"), ("timeline[]", "notifications")]
    )
    body = got.json()
    assert body["home"]["last_read_id"] == "110"
    assert body["notifications"]["last_read_id"] == "7"
    assert body["home"]["updated_at"].endswith("Z")
    only_home = await alice.get("/api/v1/markers", params={"timeline[]": "home"})
    assert set(only_home.json()) == {"home"}


async def test_markers_are_private_to_each_person(make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await alice.post("/api/v1/markers", data={"home[last_read_id]": "5"})
    assert (await bob.get("/api/v1/markers", params={"timeline[]": "home"})).json() == {}


async def test_bad_marker_input_is_422(make: Factory) -> None:
    alice = await make.person("alice")
    assert (await alice.post("/api/v1/markers", data={})).status_code == 422
    bad = await alice.post("/api/v1/markers", data={"home[last_read_id]": "abc"})
    assert bad.status_code == 422 and "error" in bad.json()
