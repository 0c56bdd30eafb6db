from __future__ import annotations

from porina.services import Services

from ..factories import Factory
from ..interactions.support import post
from .test_media import png

ADMIN_SCOPES = "read write follow push admin:read admin:write"


async def test_report_suspend_hides_the_reported_accounts_statuses(
    make: Factory, services: Services
) -> None:
    alice, troll = await make.person("alice"), await make.person("troll")
    mod = await make.person("mod", role="moderator", scopes=ADMIN_SCOPES)
    bad = await post(services, troll, "rude words")
    assert (await alice.get(f"/api/v1/statuses/{bad}")).status_code == 200

    reported = await alice.post(
        "/api/v1/reports/",
        data={
            "account_id": troll.id,
            "status_ids[]": str(bad),
            "comment": "rude",
            "category": "spam",
            "forward": "0",
        },
    )
    assert reported.status_code == 200, reported.text
    report = reported.json()
    assert report["target_account"]["id"] == troll.id
    assert report["status_ids"] == [str(bad)] and report["action_taken"] is False

    notes = (await mod.get("/api/v1/notifications")).json()
    assert [(n["type"], n["report"]["id"]) for n in notes] == [("admin.report", report["id"])]

    listed = await mod.get("/api/v1/admin/reports")
    assert [r["id"] for r in listed.json()] == [report["id"]]
    assert listed.json()[0]["statuses"][0]["id"] == str(bad)
    mine = await mod.post(f"/api/v1/admin/reports/{report['id']}/assign_to_self")
    assert mine.json()["assigned_account"]["id"] == mod.id

    acted = await mod.post(
        f"/api/v1/admin/accounts/{troll.id}/action",
        data={"type": "suspend", "report_id": report["id"], "text": "bye"},
    )
    assert acted.status_code == 200, acted.text
    assert (await alice.get(f"/api/v1/statuses/{bad}")).status_code == 404
    shown = (await mod.get(f"/api/v1/admin/reports/{report['id']}")).json()
    assert shown["action_taken"] is True
    assert shown["action_taken_by_account"]["id"] == mod.id
    assert (await mod.get("/api/v1/admin/reports")).json() == []
    resolved = await mod.get("/api/v1/admin/reports", params={"resolved": "true"})
    assert [r["id"] for r in resolved.json()] == [report["id"]]
    account = (await mod.get(f"/api/v1/admin/accounts/{troll.id}")).json()
    assert account["suspended"] is True and account["username"] == "troll"

    reopened = await mod.post(f"/api/v1/admin/reports/{report['id']}/reopen")
    assert reopened.json()["action_taken"] is False


async def test_report_statuses_must_belong_to_the_account(
    make: Factory, services: Services
) -> None:
    alice, bob, carol = [await make.person(n) for n in ("alice", "bob", "carol")]
    carols = await post(services, carol, "fine")
    response = await alice.post(
        "/api/v1/reports", data={"account_id": bob.id, "status_ids[]": str(carols)}
    )
    assert response.status_code == 422
    too_long = await alice.post(
        "/api/v1/reports", data={"account_id": bob.id, "comment": "x" * 1001}
    )
    assert too_long.status_code == 422
    bad_category = await alice.post(
        "/api/v1/reports", data={"account_id": bob.id, "category": "boring"}
    )
    assert bad_category.status_code == 422
    assert (await alice.post("/api/v1/reports", data={"account_id": "42"})).status_code == 404
    assert (await alice.post("/api/v1/reports", data={})).status_code == 422


async def test_admin_endpoints_refuse_ordinary_people(make: Factory) -> None:
    alice = await make.person("alice", scopes=ADMIN_SCOPES)
    bob = await make.person("bob")
    assert (await alice.get("/api/v1/admin/reports")).status_code == 403
    assert (await bob.get("/api/v1/admin/reports")).status_code == 403
    action = await alice.post(f"/api/v1/admin/accounts/{bob.id}/action", data={"type": "suspend"})
    assert action.status_code == 403


async def test_admin_bad_input_is_a_json_error(make: Factory) -> None:
    mod = await make.person("mod", role="admin", scopes=ADMIN_SCOPES)
    bob = await make.person("bob")
    assert (await mod.get("/api/v1/admin/reports/nope")).status_code == 404
    assert (await mod.get("/api/v1/admin/reports/123")).status_code == 404
    bad = await mod.post(f"/api/v1/admin/accounts/{bob.id}/action", data={"type": "explode"})
    assert bad.status_code == 422 and "error" in bad.json()


async def test_a_suspended_or_disabled_account_is_refused_at_once(make: Factory) -> None:
    mod = await make.person("mod", role="admin", scopes=ADMIN_SCOPES)
    for action in ("suspend", "disable"):
        troll = await make.person(f"troll_{action}")
        assert (await troll.get("/api/v1/accounts/verify_credentials")).status_code == 200
        acted = await mod.post(f"/api/v1/admin/accounts/{troll.id}/action", data={"type": action})
        assert acted.status_code == 200, acted.text
        # its token was cached a moment ago; the restriction is announced, not waited out
        assert (await troll.get("/api/v1/accounts/verify_credentials")).status_code == 401


async def test_the_sensitive_action_marks_the_accounts_media_until_lifted(make: Factory) -> None:
    mod = await make.person("mod", role="moderator", scopes=ADMIN_SCOPES)
    troll = await make.person("troll")

    async def media_post() -> dict[str, object]:
        upload = await troll.post("/api/v2/media", files={"file": ("red.png", png(), "image/png")})
        assert upload.status_code in (200, 202), upload.text
        posted = await troll.post(
            "/api/v1/statuses", data={"status": "look", "media_ids[]": upload.json()["id"]}
        )
        assert posted.status_code == 200, posted.text
        body: dict[str, object] = posted.json()
        return body

    assert (await media_post())["sensitive"] is False
    acted = await mod.post(f"/api/v1/admin/accounts/{troll.id}/action", data={"type": "sensitive"})
    assert acted.status_code == 200
    assert (await mod.get(f"/api/v1/admin/accounts/{troll.id}")).json()["sensitized"] is True
    assert (await media_post())["sensitive"] is True
    text_only = await troll.post("/api/v1/statuses", data={"status": "words only"})
    assert text_only.json()["sensitive"] is False
    lifted = await mod.post(f"/api/v1/admin/accounts/{troll.id}/unsensitive")
    assert lifted.status_code == 200 and lifted.json()["sensitized"] is False
    assert (await media_post())["sensitive"] is False


async def test_silence_and_suspension_can_be_lifted(make: Factory) -> None:
    mod = await make.person("mod", role="admin", scopes=ADMIN_SCOPES)
    troll = await make.person("troll")
    for action, undo, field in (
        ("silence", "unsilence", "silenced"),
        ("suspend", "unsuspend", "suspended"),
    ):
        await mod.post(f"/api/v1/admin/accounts/{troll.id}/action", data={"type": action})
        assert (await mod.get(f"/api/v1/admin/accounts/{troll.id}")).json()[field] is True
        lifted = await mod.post(f"/api/v1/admin/accounts/{troll.id}/{undo}")
        assert lifted.status_code == 200 and lifted.json()[field] is False
    unknown = await mod.post(f"/api/v1/admin/accounts/{troll.id}/explode")
    assert unknown.status_code == 404 and "error" in unknown.json()
    refused = await troll.post(f"/api/v1/admin/accounts/{mod.id}/unsuspend")
    assert refused.status_code == 403
