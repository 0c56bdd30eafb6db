"""The admin API's accounts (list v1 and v2, approve, reject) and measures, as a moderator's
client sees them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from porina.core.clock import now
from porina.lists.models import ListAccount
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory, Person
from ..interactions.support import favourite, post
from ..privacy.test_account_deletion import _delete as delete_own
from ..support.openapi import assert_component
from .test_accounts import app_token, signup

ADMIN_SCOPES = "read write follow push admin:read admin:write"
ACCOUNTS = "/api/v1/admin/accounts"


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    assert_component(body, "AdminAccount", many=True)
    return [a["username"] for a in body]


async def _staff(make: Factory) -> Person:
    return await make.person("mod", role="moderator", scopes=ADMIN_SCOPES)


async def _pending(settings: Settings, services: Services, client: httpx.AsyncClient) -> str:
    """A sign-up waiting for approval (registrations by approval), through the API."""
    services.settings = settings.with_(registrations="approval")
    headers = {"Authorization": f"Bearer {await app_token(client)}"}
    response = await client.post("/api/v1/accounts", data=signup(), headers=headers)
    assert response.status_code == 200, response.text
    return "newbie"


async def test_v1_lists_local_active_accounts_newest_first_and_filters(
    make: Factory, services: Services
) -> None:
    mod = await _staff(make)
    alice = await make.person("alice", display_name="Alice Liddell")
    troll = await make.person("troll")
    assert names(await mod.get(ACCOUNTS)) == ["troll", "alice", "mod"]
    acted = await mod.post(f"{ACCOUNTS}/{troll.id}/action", data={"type": "suspend"})
    assert acted.status_code == 200, acted.text
    assert names(await mod.get(ACCOUNTS)) == ["alice", "mod"]
    assert names(await mod.get(ACCOUNTS, params={"suspended": "true"})) == ["troll"]
    assert names(await mod.get(ACCOUNTS, params={"staff": "true"})) == ["mod"]
    assert names(await mod.get(ACCOUNTS, params={"username": "AL"})) == ["alice"]
    assert names(await mod.get(ACCOUNTS, params={"display_name": "alice l"})) == ["alice"]
    assert names(await mod.get(ACCOUNTS, params={"email": "alice@"})) == ["alice"]
    assert names(await mod.get(ACCOUNTS, params={"username": "%"})) == []
    assert names(await mod.get(ACCOUNTS, params={"ip": "127.0.0.1"})) == []
    assert names(await mod.get(ACCOUNTS, params={"remote": "true"})) == []
    first = await mod.get(ACCOUNTS, params={"limit": 1})
    assert names(first) == ["alice"] and 'rel="next"' in first.headers["link"]
    rest = await mod.get(ACCOUNTS, params={"max_id": alice.id})
    assert names(rest) == ["mod"]


async def test_v2_filters_by_origin_status_permissions_and_role(make: Factory) -> None:
    mod = await _staff(make)
    admin = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    silly = await make.person("silly")
    await make.person("plain")
    await mod.post(f"{ACCOUNTS}/{silly.id}/action", data={"type": "silence"})
    v2 = "/api/v2/admin/accounts"
    assert names(await mod.get(v2)) == ["plain", "silly", "boss", "mod"]
    assert names(await mod.get(v2, params={"status": "silenced"})) == ["silly"]
    assert names(await mod.get(v2, params={"origin": "local", "permissions": "staff"})) == [
        "boss",
        "mod",
    ]
    assert names(await mod.get(v2, params={"role_ids[]": "2"})) == ["boss"]
    bad = await mod.get(v2, params={"status": "sleepy"})
    assert bad.status_code == 400 and "error" in bad.json()
    assert (await admin.get(v2, params={"origin": "mars"})).status_code == 400


async def test_approving_lets_a_pending_sign_up_in_and_rejecting_removes_it(
    make: Factory, settings: Settings, services: Services, client: httpx.AsyncClient
) -> None:
    mod = await _staff(make)
    await _pending(settings, services, client)
    assert names(await mod.get(ACCOUNTS)) == ["newbie", "mod"]  # v1's default: active
    waiting = (await mod.get(ACCOUNTS, params={"pending": "true"})).json()
    assert [(a["username"], a["approved"]) for a in waiting] == [("newbie", False)]
    newbie_id = waiting[0]["id"]
    approved = await mod.post(f"{ACCOUNTS}/{newbie_id}/approve")
    assert approved.status_code == 200, approved.text
    assert_component(approved.json(), "AdminAccount")
    assert approved.json()["approved"] is True
    assert names(await mod.get(ACCOUNTS, params={"pending": "true"})) == []
    again = await mod.post(f"{ACCOUNTS}/{newbie_id}/approve")
    assert again.status_code == 403  # approved already, as Mastodon's policy

    second = await client.post(
        "/api/v1/accounts",
        data=signup(username="spammer", email="spam@example.com"),
        headers={"Authorization": f"Bearer {await app_token(client)}"},
    )
    assert second.status_code == 200, second.text
    spammer = (await mod.get(ACCOUNTS, params={"pending": "true"})).json()[0]["id"]
    rejected = await mod.post(f"{ACCOUNTS}/{spammer}/reject")
    assert rejected.status_code == 200 and rejected.json() == {}
    assert (await mod.get(f"{ACCOUNTS}/{spammer}")).status_code == 404
    assert (
        await client.get("/api/v1/accounts/lookup", params={"acct": "spammer"})
    ).status_code == 404
    assert (await mod.post(f"{ACCOUNTS}/{mod.id}/reject")).status_code == 403


async def test_suspending_through_the_api_locks_the_person_out_until_unsuspended(
    make: Factory, client: httpx.AsyncClient
) -> None:
    mod = await _staff(make)
    troll = await make.person("troll")
    assert (await troll.get("/api/v1/accounts/verify_credentials")).status_code == 200
    acted = await mod.post(f"{ACCOUNTS}/{troll.id}/action", data={"type": "suspend"})
    assert acted.status_code == 200, acted.text
    assert (await troll.get("/api/v1/accounts/verify_credentials")).status_code == 401
    shown = await mod.get(f"{ACCOUNTS}/{troll.id}")
    assert_component(shown.json(), "AdminAccount")
    assert shown.json()["suspended"] is True
    assert names(await mod.get("/api/v2/admin/accounts", params={"status": "suspended"})) == [
        "troll"
    ]
    lifted = await mod.post(f"{ACCOUNTS}/{troll.id}/unsuspend")
    assert lifted.status_code == 200 and lifted.json()["suspended"] is False
    assert (await troll.get("/api/v1/accounts/verify_credentials")).status_code == 200


async def test_only_staff_with_admin_scopes_reach_accounts_and_measures(make: Factory) -> None:
    alice = await make.person("alice", scopes=ADMIN_SCOPES)
    mod_without_scope = await make.person("mod", role="moderator")
    window = {"keys[]": "new_users", "start_at": "2026-01-01", "end_at": "2026-01-02"}
    for who in (alice, mod_without_scope):
        assert (await who.get(ACCOUNTS)).status_code == 403
        assert (await who.get("/api/v2/admin/accounts")).status_code == 403
        assert (await who.post(f"{ACCOUNTS}/{alice.id}/approve")).status_code == 403
        assert (await who.post("/api/v1/admin/measures", data=window)).status_code == 403
    assert (await make.client.get(ACCOUNTS)).status_code == 401


async def test_measures_count_each_day_from_porinas_own_rows(
    make: Factory, services: Services
) -> None:
    mod = await _staff(make)
    alice, bob = await make.person("alice"), await make.person("bob")
    await favourite(services, bob, await post(services, alice, "hello"))
    reported = await alice.post("/api/v1/reports", data={"account_id": bob.id})
    assert reported.status_code == 200, reported.text
    today = now().date()
    window = {
        "keys[]": ["new_users", "interactions", "opened_reports", "resolved_reports", "nope"],
        "start_at": (today - timedelta(days=2)).isoformat(),
        "end_at": today.isoformat(),
    }
    response = await mod.post("/api/v1/admin/measures", data=window)
    assert response.status_code == 200, response.text
    body = response.json()
    assert_component(body, "AdminMeasure", many=True)
    by_key = {m["key"]: m for m in body}
    assert list(by_key) == ["new_users", "interactions", "opened_reports", "resolved_reports"]
    assert by_key["new_users"]["total"] == "3" and by_key["new_users"]["previous_total"] == "0"
    assert [d["value"] for d in by_key["new_users"]["data"]] == ["0", "0", "3"]
    assert by_key["new_users"]["data"][-1]["date"] == f"{today.isoformat()}T00:00:00Z"
    assert by_key["interactions"]["total"] == "1"
    assert by_key["opened_reports"]["total"] == "1"
    assert by_key["resolved_reports"]["total"] == "0"
    active = await mod.post("/api/v1/admin/measures", data={**window, "keys[]": "active_users"})
    assert int(active.json()[0]["total"]) >= 2  # alice and bob acted today
    missing = await mod.post("/api/v1/admin/measures", data={"keys[]": "new_users"})
    assert missing.status_code == 422 and "error" in missing.json()


async def test_deleting_a_suspended_account_removes_what_it_left_with_others(
    make: Factory, services: Services
) -> None:
    mod = await _staff(make)
    alice, troll = await make.person("alice"), await make.person("troll")
    mine = await post(services, alice, "hello")
    await favourite(services, troll, mine)
    await troll.follow(alice)
    await alice.follow(troll)
    await post(services, troll, "rude words")
    refused = await mod.delete(f"{ACCOUNTS}/{troll.id}")
    assert refused.status_code == 403  # only a suspended account, as Mastodon
    assert (await mod.post(f"{ACCOUNTS}/{troll.id}/action", data={"type": "suspend"})).is_success

    deleted = await mod.delete(f"{ACCOUNTS}/{troll.id}")  # the client runs the queued job
    assert deleted.status_code == 200 and deleted.json() == {}
    me = (await alice.get("/api/v1/accounts/verify_credentials")).json()
    assert (me["followers_count"], me["following_count"]) == (0, 0)
    assert (await alice.get(f"/api/v1/statuses/{mine}")).json()["favourites_count"] == 0
    # a deleted account stays deleted: it cannot be unsuspended, and nothing comes back
    lifted = await mod.post(f"{ACCOUNTS}/{troll.id}/unsuspend")
    assert lifted.status_code == 403
    assert lifted.json() == {"error": "This action is not allowed"}
    assert (await mod.get(f"{ACCOUNTS}/{troll.id}")).json()["suspended"] is True
    assert (await alice.get(f"/api/v1/accounts/{troll.id}")).status_code == 404
    assert (await alice.get(f"/api/v1/accounts/{troll.id}/statuses")).json() == []
    assert (await alice.delete(f"{ACCOUNTS}/{troll.id}")).status_code == 403


async def _in_list(person: Person, members: list[Person]) -> str:
    list_id = str((await person.post("/api/v1/lists", data={"title": "watch"})).json()["id"])
    ids = {"account_ids[]": [m.id for m in members]}
    assert (await person.post(f"/api/v1/lists/{list_id}/accounts", data=ids)).is_success
    return list_id


async def _list_rows(services: Services, list_id: str) -> int:
    async with services.db.read() as session:
        found = select(func.count()).where(ListAccount.list_id == int(list_id))
        return int(await session.scalar(found) or 0)


async def test_a_deleted_account_leaves_the_lists_counts_and_feeds_of_those_it_followed(
    make: Factory, services: Services
) -> None:
    """alice and bea follow the troll and keep it in a list, the troll follows both back and
    likes bea's post; bea is suspended meanwhile (the troll can no longer see her) and comes
    back after the troll's deletion. Both find their lists, counts and home feeds without
    it."""
    mod = await _staff(make)
    alice, bea, troll = [await make.person(n) for n in ("alice", "bea", "troll")]
    for person in (alice, bea):
        await person.follow(troll)
        await troll.follow(person)
    lists = {p.username: await _in_list(p, [troll]) for p in (alice, bea)}
    beas = await post(services, bea, "my post", visibility="private")
    await favourite(services, troll, beas)
    await post(services, troll, "rude words")
    assert [s["content"] for s in (await alice.get("/api/v1/timelines/home")).json()]
    for who in (bea, troll):
        suspended = await mod.post(f"{ACCOUNTS}/{who.id}/action", data={"type": "suspend"})
        assert suspended.is_success
    assert (await mod.delete(f"{ACCOUNTS}/{troll.id}")).status_code == 200  # the job runs
    assert (await mod.post(f"{ACCOUNTS}/{bea.id}/unsuspend")).status_code == 200

    for person in (alice, bea):
        me = (await person.get("/api/v1/accounts/verify_credentials")).json()
        assert (me["followers_count"], me["following_count"]) == (0, 0), person.username
        members = await person.get(f"/api/v1/lists/{lists[person.username]}/accounts")
        assert members.json() == []
        assert await _list_rows(services, lists[person.username]) == 0  # not merely hidden
        home = (await person.get("/api/v1/timelines/home")).json()
        assert [s for s in home if s["account"]["id"] == troll.id] == []
    assert (await bea.get(f"/api/v1/statuses/{beas}")).json()["favourites_count"] == 0


async def test_an_account_its_owner_deleted_cannot_be_unsuspended(
    make: Factory, services: Services
) -> None:
    mod = await _staff(make)
    leaver = await make.person("leaver")
    await post(services, leaver, "goodbye")
    # a suspension alone can be lifted...
    assert (await mod.post(f"{ACCOUNTS}/{leaver.id}/action", data={"type": "suspend"})).is_success
    assert (await mod.post(f"{ACCOUNTS}/{leaver.id}/unsuspend")).status_code == 200
    # ...the owner's deletion cannot
    await delete_own(services, leaver)
    await services.runner.drain()
    lifted = await mod.post(f"{ACCOUNTS}/{leaver.id}/unsuspend")
    assert lifted.status_code == 403
    assert (await mod.get(f"{ACCOUNTS}/{leaver.id}")).json()["suspended"] is True
    assert (await mod.get(f"/api/v1/accounts/{leaver.id}/statuses")).json() == []
