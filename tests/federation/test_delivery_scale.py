"""Delivery at scale (issue 20, point 4), against real HTTP receivers on loopback: at most
``federation_domain_concurrency`` deliveries to one domain at once (the rest put back without
counting an attempt), retries for days on the delivery schedule, a domain failing for days
marked unavailable and skipped until it answers, and retries that outlive the process."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from sqlalchemy import select, update

from porina.accounts import graph
from porina.core.actor import Actor
from porina.core.clock import now
from porina.federation import dispatch, domains
from porina.federation.domain_models import Instance
from porina.federation.keys import new_key_pair
from porina.federation.remote import actor_columns, store_actor
from porina.jobs.models import Job
from porina.jobs.queue import Postpone, Runner
from porina.services import Services
from porina.settings import Settings
from tests.federation.peers import loopback

from ..factories import Factory

PEM = new_key_pair()[1]


class Receiver:
    """A remote server: records each POST ``(path, activity)``, answers ``status``; with
    ``gate`` set up, each POST waits for it (``waiting`` counts them)."""

    def __init__(self) -> None:
        self.status = 202
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.gate: threading.Event | None = None
        self.waiting = threading.Semaphore(0)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                if receiver.gate is not None:
                    receiver.waiting.release()
                    receiver.gate.wait(10)
                receiver.received.append((self.path, json.loads(body)))
                self._answer()

            def do_GET(self) -> None:
                self._answer(b'{"links": []}')

            def _answer(self, body: bytes = b"") -> None:
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = loopback(Handler)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    def actor_document(self, name: str, *, shared: bool = True) -> dict[str, Any]:
        me = f"http://{self.host}/users/{name}"
        doc: dict[str, Any] = {
            "id": me,
            "type": "Person",
            "preferredUsername": name,
            "inbox": f"{me}/inbox",
            "publicKey": {"id": f"{me}#main-key", "owner": me, "publicKeyPem": PEM},
        }
        if shared:
            doc["endpoints"] = {"sharedInbox": f"http://{self.host}/inbox"}
        return doc

    def reset(self, status: int = 202) -> None:
        self.status, self.gate = status, None
        self.received.clear()


def running_receivers() -> Iterator[list[Receiver]]:
    servers = [Receiver() for _ in range(3)]
    yield servers
    for r in servers:
        r.server.shutdown()


def reaching(settings: Settings, receivers: list[Receiver]) -> Settings:
    """``settings`` that let the app reach ``receivers`` over plain http, each reset."""
    for r in receivers:
        r.reset()
    domains.forget()
    hosts = ",".join([settings.federation_allow_http_hosts, *(r.host for r in receivers)])
    return dataclasses.replace(
        settings, federation_allow_http_hosts=hosts.strip(","), federation_domain_concurrency=2
    )


@pytest.fixture(scope="module")
def receivers() -> Iterator[list[Receiver]]:
    yield from running_receivers()


@pytest.fixture
def settings(settings: Settings, receivers: list[Receiver]) -> Settings:
    return reaching(settings, receivers)


async def remote_follower(
    services: Services, r: Receiver, name: str, local_id: int, *, shared: bool = True
) -> int:
    """A remote account on ``r`` following ``local_id`` (stored as a fetch would)."""
    doc = r.actor_document(name, shared=shared)
    async with services.db.transaction() as tx:
        account = await store_actor(tx, actor_columns(doc, doc["id"]))
        await graph.follow(tx, Actor(account_id=account.id), local_id)
    await services.runner.drain()  # the Accept goes out now
    r.received.clear()
    return account.id


async def queued_deliveries(services: Services) -> list[Job]:
    async with services.db.read() as session:
        rows = await session.scalars(select(Job).where(Job.kind == "federation.deliver"))
        return list(rows)


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():  # noqa: ASYNC110 (tasks finishing, not an event to wait on)
        await asyncio.sleep(0.01)


async def test_one_domain_gets_at_most_its_share_of_deliveries_at_once(
    make: Factory, services: Services, receivers: list[Receiver]
) -> None:
    """Five inboxes on one slow server: two deliveries wait on it, three are put back at once
    (their attempt not counted) instead of holding job slots; all five arrive once it answers."""
    aino = await make.person("aino")
    slow = receivers[0]
    payloads = [
        {"sender_id": aino.id, "inbox": f"http://{slow.host}/users/p{i}/inbox", "body": "{}"}
        for i in range(5)
    ]
    slow.gate = threading.Event()
    tasks = [asyncio.ensure_future(dispatch.deliver(services, p)) for p in payloads]
    for _ in range(2):
        assert await asyncio.to_thread(slow.waiting.acquire, True, 10)
    await asyncio.wait_for(_until(lambda: sum(t.done() for t in tasks) >= 3), 10)
    postponed = [t for t in tasks if t.done() and isinstance(t.exception(), Postpone)]
    assert len(postponed) == 3
    slow.gate.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    again = [p for p, t in zip(payloads, tasks, strict=True) if t in postponed]
    for payload in again:
        await dispatch.deliver(services, payload)
    assert sorted(p for p, _ in slow.received) == sorted(f"/users/p{i}/inbox" for i in range(5))


async def test_a_failing_server_is_retried_for_days_and_the_job_survives_a_restart(
    make: Factory, services: Services, receivers: list[Receiver]
) -> None:
    aino = await make.person("aino")
    down = receivers[1]
    await remote_follower(services, down, "bo", int(aino.id))
    down.reset(status=503)
    await aino.status("fresh buns")  # the client runs the jobs: the delivery fails once
    jobs = await queued_deliveries(services)
    assert len(jobs) == 1 and jobs[0].attempts == 1
    assert jobs[0].max_attempts == dispatch.MAX_ATTEMPTS
    assert (
        3.5
        < sum((dispatch.retry_delay(n) for n in range(1, dispatch.MAX_ATTEMPTS)), timedelta())
        / timedelta(days=1)
        < 4.5
    )
    assert await domains.started_failing(services.db, down.host) is not None
    # a new process (another runner on the same database) sends it once it is due
    down.reset(status=202)
    async with services.db.transaction() as tx:
        await tx.session.execute(update(Job).values(run_at=now()))
    assert await Runner(services).drain() == 1
    assert [a["type"] for _, a in down.received] == ["Create"]
    assert await queued_deliveries(services) == []
    assert await domains.started_failing(services.db, down.host) is None


async def test_a_server_failing_for_days_is_skipped_until_it_answers_the_probe(
    make: Factory, services: Services, receivers: list[Receiver]
) -> None:
    aino = await make.person("aino")
    dead = receivers[2]
    await remote_follower(services, dead, "cy", int(aino.id))
    dead.reset(status=500)
    await aino.status("first")
    async with services.db.transaction() as tx:  # as if it had failed for eight days
        await tx.session.execute(update(Instance).values(failing_since=now() - timedelta(days=8)))
        await tx.session.execute(update(Job).values(run_at=now()))
    domains.forget()
    await services.runner.drain()  # the retry fails again: now unavailable
    assert await domains.unavailable_domains(services.db) == [dead.host]
    dead.reset(status=202)
    await aino.status("second")  # nothing is queued for it, and the old retry was dropped
    await services.runner.drain()
    assert dead.received == [] and await queued_deliveries(services) == []
    # the daily probe finds it answering: deliveries resume
    assert await domains.probe_all(services.db, services.outbound) == 1
    assert await domains.unavailable_domains(services.db) == []
    await aino.status("third")
    assert [a["object"]["content"] for _, a in dead.received] == ["<p>third</p>"]


async def test_a_postponed_delivery_keeps_its_attempts_and_runs_again(
    make: Factory, services: Services, receivers: list[Receiver]
) -> None:
    """A delivery put back because its domain is busy does not use up a retry."""
    aino = await make.person("aino")
    busy = receivers[0]
    inbox = f"http://{busy.host}/inbox"
    async with services.db.transaction() as tx:
        await dispatch.queue_delivery(tx, int(aino.id), inbox, {"id": "urn:test:1"})
    dispatch._sending[busy.host] = 2  # both of the domain's slots taken by other deliveries
    try:
        await services.runner.drain()
        (job,) = await queued_deliveries(services)
        assert (job.attempts, job.state, job.last_error) == (0, "queued", None)
    finally:
        del dispatch._sending[busy.host]
    async with services.db.transaction() as tx:
        await tx.session.execute(update(Job).values(run_at=now()))
    await services.runner.drain()
    assert [p for p, _ in busy.received] == ["/inbox"]
