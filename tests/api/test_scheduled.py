from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from porina.core.clock import iso, now
from porina.jobs.models import Job
from porina.posts.models import ScheduledStatus, Status
from porina.services import Services

from ..factories import Factory, Person
from ..posts.support import media


def later(minutes: int = 60) -> str:
    return iso(now() + timedelta(minutes=minutes)) or ""


async def make_due(services: Services, scheduled_id: str) -> None:
    """Move the clock forward for one scheduled status: its time and its job are now past."""
    past = now() - timedelta(seconds=1)
    async with services.db.transaction() as tx:
        row = update(ScheduledStatus).where(ScheduledStatus.id == int(scheduled_id))
        await tx.session.execute(row.values(scheduled_at=past))
        job = update(Job).where(Job.kind == "posts.publish_scheduled")
        await tx.session.execute(job.values(run_at=past))


async def statuses_of(services: Services, person: Person) -> list[Status]:
    async with services.db.read() as session:
        rows = await session.scalars(
            select(Status).where(
                Status.account_id == person.account.id, Status.deleted_at.is_(None)
            )
        )
        return list(rows)


async def test_scheduling_less_than_five_minutes_ahead_is_refused(make: Factory) -> None:
    alice = await make.person()
    response = await alice.post(
        "/api/v1/statuses", json={"status": "soon", "scheduled_at": later(minutes=2)}
    )
    assert response.status_code == 422
    bad = await alice.post("/api/v1/statuses", json={"status": "x", "scheduled_at": "tomorrow"})
    assert bad.status_code == 422


async def test_scheduled_status_is_kept_and_published_when_its_time_comes(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    mid = await media(services, alice)
    response = await alice.post(
        "/api/v1/statuses",
        json={
            "status": "from the past",
            "scheduled_at": later(),
            "media_ids": [mid],
            "visibility": "unlisted",
        },
    )
    assert response.status_code == 200, response.text
    scheduled = response.json()
    assert scheduled["params"]["text"] == "from the past"
    assert scheduled["params"]["visibility"] == "unlisted"
    assert [m["id"] for m in scheduled["media_attachments"]] == [mid]
    assert await statuses_of(services, alice) == []
    listed = (await alice.get("/api/v1/scheduled_statuses")).json()
    assert [s["id"] for s in listed] == [scheduled["id"]]

    await make_due(services, scheduled["id"])
    await services.runner.drain()

    [status] = await statuses_of(services, alice)
    assert status.text == "from the past"
    assert status.visibility == "unlisted"
    assert [m["id"] for m in status.media] == [mid]
    assert (await alice.get("/api/v1/scheduled_statuses")).json() == []
    gone = await alice.get(f"/api/v1/scheduled_statuses/{scheduled['id']}")
    assert gone.status_code == 404


async def test_scheduled_poll_is_published_with_its_poll(make: Factory, services: Services) -> None:
    alice = await make.person()
    poll = {"options": ["a", "b"], "expires_in": 600, "multiple": "1"}
    scheduled = (
        await alice.post(
            "/api/v1/statuses", json={"status": "q", "poll": poll, "scheduled_at": later()}
        )
    ).json()
    await make_due(services, scheduled["id"])
    await services.runner.drain()
    [status] = await statuses_of(services, alice)
    shown = (await alice.get(f"/api/v1/statuses/{status.id}")).json()
    assert [o["title"] for o in shown["poll"]["options"]] == ["a", "b"]
    assert shown["poll"]["multiple"] is True


async def test_rescheduling_moves_the_time_and_the_old_job_does_not_publish(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    scheduled = (
        await alice.post("/api/v1/statuses", json={"status": "x", "scheduled_at": later(10)})
    ).json()
    new_time = later(120)
    moved = await alice.put(
        f"/api/v1/scheduled_statuses/{scheduled['id']}", json={"scheduled_at": new_time}
    )
    assert moved.status_code == 200
    assert moved.json()["scheduled_at"] == new_time
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Job).where(Job.kind == "posts.publish_scheduled").values(run_at=now())
        )
    await services.runner.drain()
    assert await statuses_of(services, alice) == []
    too_soon = await alice.put(
        f"/api/v1/scheduled_statuses/{scheduled['id']}", json={"scheduled_at": later(1)}
    )
    assert too_soon.status_code == 422


async def test_cancelled_scheduled_status_is_never_published(
    make: Factory, services: Services
) -> None:
    alice = await make.person()
    bob = await make.person()
    scheduled = (
        await alice.post("/api/v1/statuses", json={"status": "x", "scheduled_at": later()})
    ).json()
    path = f"/api/v1/scheduled_statuses/{scheduled['id']}"
    assert (await bob.get(path)).status_code == 404
    assert (await bob.delete(path)).status_code == 404
    assert (await alice.get(path)).status_code == 200
    deleted = await alice.delete(path)
    assert deleted.status_code == 200
    assert deleted.json() == {}
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Job).where(Job.kind == "posts.publish_scheduled").values(run_at=now())
        )
    await services.runner.drain()
    assert await statuses_of(services, alice) == []
