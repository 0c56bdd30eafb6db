"""Groups through the API (issue 21, point 1): creating, joining and leaving public, private
and hidden groups, posting into them (``porina_group_id``, replies from any app, mentioning
the group), and what owners and moderators do; refusals write nothing."""

from __future__ import annotations

from porina.services import Services
from tests.factories import Factory

from .support import GROUPS, count_statuses, create, join, notified, post_in, timeline


async def test_public_group_is_an_account_anyone_joins_and_members_post_in(
    services: Services, make: Factory
) -> None:
    owner, aino, outsider = (
        await make.person("owner"),
        await make.person("aino"),
        await make.person(),
    )
    group = await create(owner, "cafe_friends", display_name="Café friends", rules=["Be kind"])
    assert group["account"]["group"] is True and group["account"]["acct"] == "cafe_friends"
    assert group["account"]["id"] == group["id"] and group["display_name"] == "Café friends"
    assert (group["privacy"], group["role"], group["membership"]) == ("public", "owner", "member")
    assert group["member_count"] == 1 and group["rules"] == ["Be kind"]
    refused = await outsider.post(
        "/api/v1/statuses", json={"status": "hi", "porina_group_id": group["id"]}
    )
    assert refused.status_code == 403 and "members" in refused.json()["error"]
    assert await count_statuses(services) == 0
    joined = await join(aino, group)
    assert (joined["role"], joined["membership"], joined["member_count"]) == ("member", "member", 2)
    first = await post_in(aino, group, "Which cake today?")
    second = await post_in(owner, group, "Opening hours change")
    assert first["visibility"] == "public"
    page = await aino.get(f"{GROUPS}/{group['id']}/timeline", params={"limit": 1})
    assert [s["id"] for s in page.json()] == [second["id"]] and "max_id" in page.headers["link"]
    assert await timeline(outsider, group) == [second["id"], first["id"]]
    assert (await aino.post(f"{GROUPS}/{group['id']}/leave")).status_code == 200
    after = (await aino.get(f"{GROUPS}/{group['id']}")).json()
    assert (after["role"], after["membership"], after["member_count"]) == (None, None, 1)


async def test_reply_to_a_group_post_from_a_non_member_is_refused(
    services: Services, make: Factory
) -> None:
    owner, outsider = await make.person("owner"), await make.person()
    group = await create(owner, "quiet")
    thread = await post_in(owner, group, "Welcome")
    before = await count_statuses(services)
    refused = await outsider.post(
        "/api/v1/statuses", json={"status": "hello", "in_reply_to_id": thread["id"]}
    )
    assert refused.status_code == 403, refused.text
    assert await count_statuses(services) == before


async def test_private_group_content_is_for_members_only_and_joining_is_a_request(
    services: Services, make: Factory
) -> None:
    owner, aino, fan = await make.person("owner"), await make.person("aino"), await make.person()
    await fan.follow(aino)
    group = await create(owner, "staff_room", privacy="private")
    assert group["account"]["locked"] is True
    asked = await join(aino, group)
    assert (asked["role"], asked["membership"]) == (None, "requested")
    assert (await aino.get(f"{GROUPS}/{group['id']}/timeline")).status_code == 403
    refused = await aino.post(
        "/api/v1/statuses", json={"status": "x", "porina_group_id": group["id"]}
    )
    assert refused.status_code == 403 and await count_statuses(services) == 0
    secret = await post_in(owner, group, f"Members only, @{fan.username} and @{aino.username}")
    assert secret["visibility"] == "private"
    assert await notified(services, fan.id) == 0  # mentioned, not a member: hears nothing
    assert (await aino.get(f"/api/v1/statuses/{secret['id']}")).status_code == 404
    requests = await owner.get(f"{GROUPS}/{group['id']}/join_requests")
    assert [a["id"] for a in requests.json()] == [aino.id]
    assert (await aino.get(f"{GROUPS}/{group['id']}/join_requests")).status_code == 403
    assert await notified(services, aino.id) == 0  # asked to join, not yet a member
    approved = await owner.post(f"{GROUPS}/{group['id']}/join_requests/{aino.id}/authorize")
    assert approved.status_code == 200 and approved.json()["member_count"] == 2
    assert await timeline(aino, group) == [secret["id"]]
    # A reply from any app stays in the group, for members only, whatever it asked for.
    reply = await aino.status("Thanks!", in_reply_to_id=secret["id"], visibility="public")
    assert reply["visibility"] == "private"
    for path in (f"/api/v1/statuses/{reply['id']}", f"/api/v1/statuses/{secret['id']}"):
        assert (await fan.get(path)).status_code == 404
    fan_home = await fan.get("/api/v1/timelines/home")
    assert reply["id"] not in [s["id"] for s in fan_home.json()]
    context = await owner.get(f"/api/v1/statuses/{secret['id']}/context")
    assert [s["id"] for s in context.json()["descendants"]] == [reply["id"]]


async def test_hidden_group_is_unknown_to_strangers_until_invited(make: Factory) -> None:
    owner, guest, stranger = await make.person("owner"), await make.person(), await make.person()
    group = await create(owner, "board", privacy="hidden")
    gid = group["id"]
    for path in (f"{GROUPS}/{gid}", f"{GROUPS}/{gid}/timeline", f"{GROUPS}/{gid}/members"):
        assert (await stranger.get(path)).status_code == 404
    assert (await stranger.post(f"{GROUPS}/{gid}/join")).status_code == 404
    assert gid not in [g["id"] for g in (await stranger.get(GROUPS)).json()]
    for path in (f"/api/v1/accounts/{gid}", "/api/v1/accounts/lookup?acct=board"):
        assert (await stranger.get(path)).status_code == 404
    profile = await stranger.client.get("/@board", headers={"accept": "text/html"})
    assert profile.status_code == 404  # the web profile page looks the account up the same way
    ap = {"accept": "application/activity+json"}
    assert (await stranger.client.get("/users/board", headers=ap)).status_code == 404
    finger = "/.well-known/webfinger?resource=acct:board@" + stranger.client.base_url.host
    assert (await stranger.client.get(finger)).status_code == 404
    public = await create(owner, "lounge")
    assert (await stranger.client.get("/users/lounge", headers=ap)).status_code == 200
    assert public["id"] != gid
    found = await stranger.get("/api/v2/search", params={"q": "board", "type": "accounts"})
    assert found.json()["accounts"] == []
    assert (await owner.get(f"/api/v1/accounts/{gid}")).json()["group"] is True
    assert gid in [g["id"] for g in (await owner.get(GROUPS)).json()]
    assert (await stranger.post(f"{GROUPS}/{gid}/invitations/{guest.id}")).status_code == 404
    invited = await owner.post(f"{GROUPS}/{gid}/invitations/{guest.id}")
    assert invited.status_code == 200, invited.text
    assert (await guest.get(f"{GROUPS}/{gid}")).json()["membership"] == "invited"
    joined = await join(guest, group)
    assert (joined["membership"], joined["member_count"]) == ("member", 2)


async def test_moderators_pin_lock_remove_ban_and_handle_reports(
    services: Services, make: Factory
) -> None:
    owner, mod, aino = await make.person("owner"), await make.person("mod"), await make.person()
    group = await create(owner, "forum")
    gid = group["id"]
    await join(mod, group)
    await join(aino, group)
    assert (
        await aino.post(f"{GROUPS}/{gid}/members/{mod.id}/role", json={"role": "moderator"})
    ).status_code == 403
    made = await owner.post(f"{GROUPS}/{gid}/members/{mod.id}/role", json={"role": "moderator"})
    assert made.status_code == 200
    rules = await mod.patch(f"{GROUPS}/{gid}", json={"rules": ["No spam", "Be kind"]})
    assert rules.json()["rules"] == ["No spam", "Be kind"]
    old = await post_in(aino, group, "First")
    news = await post_in(owner, group, "News")
    assert (await aino.post(f"{GROUPS}/{gid}/threads/{old['id']}/pin")).status_code == 403
    pinned = await mod.post(f"{GROUPS}/{gid}/threads/{old['id']}/pin")
    assert pinned.json() == {"status_id": old["id"], "pinned": True, "locked": False}
    assert await timeline(aino, group, pinned="true") == [old["id"]]
    assert (await aino.get(f"{GROUPS}/{gid}")).json()["pinned"] == [old["id"]]
    await mod.post(f"{GROUPS}/{gid}/threads/{news['id']}/lock")
    before = await count_statuses(services)
    locked = await aino.post(
        "/api/v1/statuses", json={"status": "but", "in_reply_to_id": news["id"]}
    )
    assert locked.status_code == 403 and "locked" in locked.json()["error"]
    assert await count_statuses(services) == before
    await mod.status("Closing this", in_reply_to_id=news["id"])  # moderators still may
    filed = await mod.post(
        f"{GROUPS}/{gid}/reports", json={"status_id": old["id"], "comment": "rude"}
    )
    assert filed.status_code == 200 and filed.json()["target_account_id"] == aino.id
    assert (await aino.get(f"{GROUPS}/{gid}/reports")).status_code == 403
    assert [r["id"] for r in (await owner.get(f"{GROUPS}/{gid}/reports")).json()] == [
        filed.json()["id"]
    ]
    removed = await mod.delete(f"{GROUPS}/{gid}/statuses/{old['id']}")
    assert removed.status_code == 200
    assert (await aino.get(f"/api/v1/statuses/{old['id']}")).status_code == 404
    banned = await mod.post(f"{GROUPS}/{gid}/members/{aino.id}/ban")
    assert banned.json()["member_count"] == 2
    assert (await aino.post(f"{GROUPS}/{gid}/join")).status_code == 403
    assert (await aino.post(f"/api/v1/accounts/{gid}/follow")).status_code == 403
    assert (await mod.post(f"{GROUPS}/{gid}/members/{owner.id}/remove")).status_code == 403
    assert [a["id"] for a in (await owner.get(f"{GROUPS}/{gid}/bans")).json()] == [aino.id]


async def test_mentioning_a_public_group_posts_into_it_and_reaches_members_homes(
    make: Factory,
) -> None:
    owner, aino, reader = await make.person("owner"), await make.person(), await make.person()
    group = await create(owner, "runners")
    await join(aino, group)
    await join(reader, group)
    shared = await aino.status("@runners who is in for Sunday?")
    assert await timeline(reader, group) == [shared["id"]]
    home = (await reader.get("/api/v1/timelines/home")).json()
    assert [(s["account"]["id"], s["reblog"]["id"]) for s in home if s["reblog"]] == [
        (group["id"], shared["id"])
    ]
    stranger = await make.person()
    ignored = await stranger.status("@runners hello")
    assert ignored["id"] not in await timeline(owner, group)


async def test_bad_group_input_is_a_clear_422(services: Services, make: Factory) -> None:
    owner = await make.person("owner")
    for body in (
        {"name": "bad name!", "privacy": "public"},
        {"name": "fine", "privacy": "secret"},
        {"name": "owner", "privacy": "public"},
        {"name": "fine", "rules": ["x" * 501]},
    ):
        response = await owner.post(GROUPS, json=body)
        assert response.status_code == 422, (body, response.text)
    group = await create(owner, "fine")
    assert (await owner.post(f"{GROUPS}/{group['id']}/leave")).status_code == 422
    fi = {**owner.headers, "Accept-Language": "fi"}
    stranger = await make.person()
    refused = await stranger.client.post(
        "/api/v1/statuses",
        json={"status": "x", "porina_group_id": group["id"]},
        headers={**stranger.headers, "Accept-Language": "fi"},
    )
    assert refused.json() == {"error": "Vain tämän ryhmän jäsenet voivat tehdä tämän"}
    taken = await owner.client.post(GROUPS, json={"name": "fine"}, headers=fi)
    assert taken.json() == {"error": "Validointi epäonnistui: Nimi on jo käytössä"}
    assert (await owner.get(f"{GROUPS}/12345")).status_code == 404
    assert (await owner.get(f"{GROUPS}/nope")).status_code == 404
