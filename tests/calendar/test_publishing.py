"""Publishing approved drafts: at their time, once however often the job runs, and never
silently dropped — a post that cannot be made is shown as missed with its reason, and a retry
publishes it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from porina.calendar import actions, publishing
from porina.core.actor import Actor
from porina.core.clock import back_dated, now
from porina.moderation import reports
from porina.services import Services
from tests.calendar.calendar_world import DRAFTS, Team, draft, ok, step, team
from tests.desk.inbox_support import Staff
from tests.factories import Factory
from tests.operators.support import brand_token


def as_staff(who: Staff) -> Actor:
    return Actor(who.brand.account.id, who.person.user.id, operated=True)


async def _posts(make: Factory, brand_id: str) -> list[dict[str, Any]]:
    response = await make.client.get(f"/api/v1/accounts/{brand_id}/statuses")
    assert response.status_code == 200, response.text
    posts: list[dict[str, Any]] = response.json()
    return posts


async def _approved_for_soon(services: Services, t: Team, text: str) -> int:
    """A draft approved an hour ago for ten minutes after that: due now, not yet run."""
    with back_dated(timedelta(hours=1)):
        async with services.db.transaction() as tx:
            at = (now() + timedelta(minutes=10)).isoformat()
            row = await actions.create(
                tx, as_staff(t.agent), {"status": text, "scheduled_at": at}, "UTC"
            )
            await actions.submit(tx, as_staff(t.agent), row.id)
            await actions.approve(tx, as_staff(t.manager), row.id)
            assert row.state == "scheduled"
            return row.id


async def test_a_scheduled_post_publishes_at_its_time(services: Services, make: Factory) -> None:
    t = await team(services, make)
    draft_id = await _approved_for_soon(services, t, "Morning buns at eight")
    await services.runner.drain()
    shown = ok(await t.manager.get(f"{DRAFTS}/{draft_id}"))
    assert shown["state"] == "published"
    posts = await _posts(make, t.brand.id)
    assert [p["id"] for p in posts] == [shown["published_status_id"]]


async def test_publishing_twice_posts_once(services: Services, make: Factory) -> None:
    t = await team(services, make)
    draft_id = await _approved_for_soon(services, t, "Only once, please")
    payload = {"draft_id": str(draft_id)}
    await asyncio.gather(
        publishing.publish_job(services, payload), publishing.publish_job(services, payload)
    )
    await publishing.publish_job(services, payload)
    await services.runner.drain()
    posts = await _posts(make, t.brand.id)
    assert len(posts) == 1 and "Only once, please" in posts[0]["content"]


async def test_a_suspended_brand_misses_the_post_with_the_reason_and_retry_publishes(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    moderator = await make.person("moderaattori")
    draft_id = await _approved_for_soon(services, t, "Sale starts now")
    async with services.db.transaction() as tx:
        await reports.act_on_account(tx, moderator.actor, t.brand.account.id, "suspend")
    await services.runner.drain()
    async with services.db.transaction() as tx:
        row = await actions.own(tx, Actor(t.brand.account.id), draft_id)
        assert (row.state, row.missed_reason) == ("missed", publishing.SUSPENDED)
        await reports.undo_on_account(tx, t.brand.account.id, "unsuspend")
    manager = await team_manager_again(services, make, t)
    missed = ok(await manager.get(f"{DRAFTS}/{draft_id}"))
    assert missed["state"] == "missed"
    assert missed["missed_reason"] == "The brand account is suspended"
    assert await _posts(make, t.brand.id) == []
    ok(await step(manager, str(draft_id), "retry"))
    shown = ok(await manager.get(f"{DRAFTS}/{draft_id}"))
    assert shown["state"] == "published"
    assert [p["id"] for p in await _posts(make, t.brand.id)] == [shown["published_status_id"]]


async def team_manager_again(services: Services, make: Factory, t: Team) -> Staff:
    """A fresh token for the manager (suspending the brand revoked the old ones)."""
    headers = await brand_token(services, t.brand, t.manager.person)
    return Staff(t.manager.person, t.brand, headers, make.client)


async def test_a_job_that_keeps_failing_ends_missed_with_the_last_error(
    services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = await team(services, make)
    draft_id = await _approved_for_soon(services, t, "Flaky network day")

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("database went away")

    monkeypatch.setattr(publishing, "create_status", broken)
    payload = {"draft_id": str(draft_id)}
    for _ in range(publishing.MAX_ATTEMPTS - 1):
        with pytest.raises(ConnectionError):
            await publishing.publish_job(services, payload)
    await publishing.publish_job(services, payload)  # the last attempt: missed, not raised
    monkeypatch.undo()
    shown = ok(await t.manager.get(f"{DRAFTS}/{draft_id}"))
    assert shown["state"] == "missed"
    assert shown["missed_reason"] == (
        "Publishing kept failing (5 attempts): ConnectionError: database went away"
    )
    ok(await step(t.manager, str(draft_id), "retry"))
    assert ok(await t.manager.get(f"{DRAFTS}/{draft_id}"))["state"] == "published"
    assert len(await _posts(make, t.brand.id)) == 1


async def test_a_draft_never_approved_never_publishes(services: Services, make: Factory) -> None:
    t = await team(services, make)
    made = await draft(t.agent, "Not yet")
    ok(await step(t.agent, made["id"], "submit"))
    await publishing.publish_job(services, {"draft_id": made["id"]})
    assert await _posts(make, t.brand.id) == []
    assert ok(await t.manager.get(f"{DRAFTS}/{made['id']}"))["state"] == "submitted"


async def test_an_approved_post_whose_job_never_ran_is_missed_once_overdue(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    draft_id = await _approved_for_soon(services, t, "Nobody ran my job")
    # its time was 50 minutes ago: 25 minutes after it, it was not overdue yet
    assert await publishing.sweep_overdue(services.db, now() - timedelta(minutes=25)) == 0
    later = now()
    assert await publishing.sweep_overdue(services.db, later) == 1
    await services.runner.drain()  # the job runs at last: the post stays missed, unposted
    shown = ok(await t.manager.get(f"{DRAFTS}/{draft_id}"))
    assert shown["state"] == "missed"
    assert shown["missed_reason"] == publishing.NOT_RUN
    assert await _posts(make, t.brand.id) == []
    assert await publishing.sweep_overdue(services.db, later) == 0


async def test_a_draft_approved_after_its_time_publishes_at_once(
    services: Services, make: Factory
) -> None:
    t = await team(services, make)
    with back_dated(timedelta(hours=2)):
        async with services.db.transaction() as tx:
            at = (now() + timedelta(minutes=30)).isoformat()
            row = await actions.create(
                tx, as_staff(t.agent), {"status": "Late approval", "scheduled_at": at}, "UTC"
            )
            await actions.submit(tx, as_staff(t.agent), row.id)
    approved = ok(await step(t.manager, str(row.id), "approve"))
    assert approved["state"] == "approved"
    shown = ok(await t.manager.get(f"{DRAFTS}/{row.id}"))
    assert shown["state"] == "published"
    assert [p["id"] for p in await _posts(make, t.brand.id)] == [shown["published_status_id"]]
