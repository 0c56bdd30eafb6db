"""Mastodon's ``/api/v1/admin/dimensions`` and ``/api/v1/admin/retention`` on a small world
whose rows are written with known times, against hand-computed values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update

from porina.accounts.models import Account, OAuthApp, OAuthToken, User
from porina.core.ids import new_id
from porina.posts.models import MediaAttachment, Status, StatusTag, Tag
from porina.services import Services

from ..factories import Factory, Person
from ..support.openapi import assert_component

ADMIN_SCOPES = "read write follow push admin:read admin:write"


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


async def _user(services: Services, person: Person, **values: Any) -> None:
    """Sets the user's columns; the account's last activity is cleared (the API calls that
    built the world touched it)."""
    async with services.db.transaction() as tx:
        await tx.session.execute(update(User).where(User.id == person.user.id).values(**values))
        await tx.session.execute(
            update(Account)
            .where(Account.id == person.account.id)
            .values(last_active_at=None, version=Account.version + 1)
        )


async def _remote(services: Services, person: Person) -> None:
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account)
            .where(Account.id == person.account.id)
            .values(domain="far.example", version=Account.version + 1)
        )


async def world(services: Services, make: Factory) -> dict[str, Person]:
    """Local alice (fi), bob (en, signed up with Tusky), eve, frank (fi) and the moderator
    (en); remote carol and dave at far.example, carol followed by alice and bob."""
    mod = await make.person("mod", role="moderator", scopes=ADMIN_SCOPES)
    people = {"mod": mod}
    for name in ("alice", "bob", "eve", "frank", "carol", "dave"):
        people[name] = await make.person(name)
    await people["alice"].follow(people["carol"])
    await people["bob"].follow(people["carol"])
    for name in ("carol", "dave"):
        await _remote(services, people[name])
    await _user(services, mod, locale="en", created_at=at(1, 1), last_sign_in_at=at(4, 4))
    await _user(
        services, people["alice"], locale="fi", created_at=at(3, 10, 9), last_sign_in_at=at(4, 5)
    )
    await _user(
        services,
        people["bob"],
        locale="en",
        created_at=at(3, 10, 20),
        last_sign_in_at=at(3, 10, 21),
    )
    await _user(services, people["eve"], created_at=at(3, 11))
    await _user(
        services, people["frank"], locale="fi", created_at=at(4, 2), last_sign_in_at=at(4, 3)
    )
    await _rows(services, people)
    return people


async def _rows(services: Services, people: dict[str, Person]) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    async with services.db.transaction() as tx:
        app = OAuthApp(
            id=new_id(),
            name="Tusky",
            redirect_uris="urn:ietf:wg:oauth:2.0:oob",
            scopes="read",
            client_id="tusky-client",
            client_secret="secret",
            created_at=at(1, 1),
        )
        tx.session.add(app)
        await tx.session.flush()
        tx.session.add(
            OAuthToken(
                id=new_id(),
                token_hash="f" * 64,
                app_id=app.id,
                user_id=bob.user.id,
                scopes="read",
                created_at=datetime(2026, 3, 10, 20, 0, 30, tzinfo=UTC),
            )
        )
        kahvi = Tag(id=new_id(), name="kahvi", display_name="kahvi", created_at=at(1, 1))
        tx.session.add(kahvi)
        await tx.session.flush()
        written = [
            (alice, "fi", True, at(3, 10), None),
            (alice, "fi", False, at(3, 11), None),
            (alice, "fi", False, at(3, 20), None),  # after the stretch
            (bob, "en", True, at(3, 11), None),
            (carol, None, True, at(3, 12), None),
            (carol, "de", True, at(3, 12), at(3, 13)),  # deleted
        ]
        for author, language, tagged, created, deleted in written:
            status_id = new_id()
            tx.session.add(
                Status(
                    id=status_id,
                    account_id=author.account.id,
                    language=language,
                    local=author is not carol,
                    thread_id=status_id,
                    created_at=created,
                    deleted_at=deleted,
                )
            )
            await tx.session.flush()
            if tagged:
                tx.session.add(StatusTag(tag_id=kahvi.id, status_id=status_id))
        for size, remote in ((1000, None), (536, None), (9999, "https://far.example/a.png")):
            tx.session.add(
                MediaAttachment(
                    id=new_id(),
                    account_id=alice.account.id,
                    type="image",
                    mime_type="image/png",
                    file_size=size,
                    remote_url=remote,
                    created_at=at(3, 10),
                )
            )


async def dims(mod: Person, **data: Any) -> dict[str, list[dict[str, Any]]]:
    response = await mod.post("/api/v1/admin/dimensions", data=data)
    assert response.status_code == 200, response.text
    body = response.json()
    assert_component(body, "AdminDimension", many=True)
    return {d["key"]: d["data"] for d in body}


def pairs(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(r["key"], r["human_key"], r["value"]) for r in rows]


async def test_dimensions_and_retention_match_hand_computed_values(
    services: Services, make: Factory
) -> None:
    people = await world(services, make)
    mod, local = people["mod"], services.settings.local_domain
    kahvi = (await people["mod"].get("/api/v1/tags/kahvi")).json()["id"]
    march = {"start_at": "2026-03-10", "end_at": "2026-03-12"}
    found = await dims(
        mod,
        **march,
        **{
            "keys[]": ["servers", "sources", "tag_servers", "tag_languages", "nope"],
            "tag_servers[id]": kahvi,
            "tag_languages[id]": kahvi,
            "instance_languages[domain]": "far.example",
        },
    )
    assert list(found) == ["servers", "sources", "tag_servers", "tag_languages"]
    # alice's two and bob's one are local; carol's deleted post is left out
    assert pairs(found["servers"]) == [(local, local, "3"), ("far.example", "far.example", "1")]
    # sign-ups 10-12 March: alice and eve on the web, bob by Tusky's token 30 s later
    assert pairs(found["sources"]) == [("web", "Website", "2"), ("Tusky", "Tusky", "1")]
    assert pairs(found["tag_servers"]) == [(local, local, "2"), ("far.example", "far.example", "1")]
    assert pairs(found["tag_languages"]) == [
        ("en", "English", "1"),
        ("fi", "Finnish", "1"),
        ("und", "Unknown language", "1"),
    ]
    far = await dims(
        mod,
        **march,
        **{
            "keys[]": ["instance_languages", "instance_accounts"],
            "instance_languages[domain]": "far.example",
            "instance_accounts[domain]": "far.example",
            "limit": "1",
        },
    )
    assert pairs(far["instance_languages"]) == [("und", "Unknown language", "1")]
    assert pairs(far["instance_accounts"]) == [("carol", "carol", "2")]  # limit 1
    april = {"start_at": "2026-04-01T00:00:00Z", "end_at": "2026-04-05T23:59:59Z"}
    found = await dims(
        mod, **april, **{"keys[]": ["languages", "space_usage", "software_versions"]}
    )
    # signed in 1-5 April: alice and frank (fi), the moderator (en)
    assert pairs(found["languages"]) == [("fi", "Finnish", "2"), ("en", "English", "1")]
    space = {r["key"]: r for r in found["space_usage"]}
    assert space["media"] == {
        "key": "media",
        "human_key": "Media storage",
        "value": "1536",
        "unit": "bytes",
        "human_value": "1.5 KB",
    }
    database = next(r for k, r in space.items() if k != "media")
    assert database["key"] in {"sqlite", "postgresql"} and int(database["value"]) > 0
    versions = [r["key"] for r in found["software_versions"]]
    assert versions[:2] == ["porina", "python"] and versions[2] == database["key"]

    response = await mod.post("/api/v1/admin/retention", data={**march, "frequency": "day"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert_component(body, "AdminCohort", many=True)
    day = [
        (c["period"][:10], [(d["date"][:10], d["value"], d["rate"]) for d in c["data"]])
        for c in body
    ]
    # 10 March: alice (last seen 5 April) and bob (last seen 10 March); 11 March: eve, never
    assert day == [
        (
            "2026-03-10",
            [("2026-03-10", "2", 1.0), ("2026-03-11", "1", 0.5), ("2026-03-12", "1", 0.5)],
        ),
        ("2026-03-11", [("2026-03-11", "0", 0.0), ("2026-03-12", "0", 0.0)]),
        ("2026-03-12", [("2026-03-12", "0", 0.0)]),
    ]
    assert {c["frequency"] for c in body} == {"day"}
    response = await mod.post(
        "/api/v1/admin/retention",
        data={"start_at": "2026-03-01", "end_at": "2026-04-30", "frequency": "month"},
    )
    month = [
        (c["period"][:10], [(d["date"][:10], d["value"], round(d["rate"], 4)) for d in c["data"]])
        for c in response.json()
    ]
    # March: alice, bob, eve (2 seen in March or later, 1 in April); April: frank
    assert month == [
        ("2026-03-01", [("2026-03-01", "2", 0.6667), ("2026-04-01", "1", 0.3333)]),
        ("2026-04-01", [("2026-04-01", "1", 1.0)]),
    ]


async def test_dimensions_and_retention_are_for_staff_with_admin_read(make: Factory) -> None:
    alice = await make.person("alice")
    window = {"start_at": "2026-03-10", "end_at": "2026-03-12", "keys[]": "servers"}
    assert (await alice.post("/api/v1/admin/dimensions", data=window)).status_code == 403
    assert (await alice.post("/api/v1/admin/retention", data=window)).status_code == 403
    narrow = await make.person("narrow", role="moderator", scopes="read")
    assert (await narrow.post("/api/v1/admin/dimensions", data=window)).status_code == 403
    mod = await make.person("mod", role="moderator", scopes=ADMIN_SCOPES)
    missing = await mod.post("/api/v1/admin/dimensions", data={"keys[]": "servers"})
    assert missing.status_code == 422 and "error" in missing.json()
    no_tag = await mod.post("/api/v1/admin/dimensions", data={**window, "keys[]": "tag_servers"})
    assert no_tag.status_code == 400 and "tag_servers" in no_tag.json()["error"]
    backwards = {"start_at": "2026-03-12", "end_at": "2026-03-10"}
    assert (await mod.post("/api/v1/admin/retention", data=backwards)).status_code == 422
