"""The benchmark's ceiling is a bare app answering a fixed 20-item JSON list, and the load
driver asks each phase's endpoint with what the seeded world holds: API requests with a
client's token, pages as an anonymous visitor (HTML, no token)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from dataclasses import replace

from litestar.testing import TestClient

from porina.bench import SINGLE, load, report
from porina.bench.ceiling import app


def test_the_ceiling_app_answers_a_fixed_list_of_twenty_items_and_nothing_else() -> None:
    with TestClient(app) as client:
        first, again = client.get("/"), client.get("/")
        assert first.status_code == 200
        assert first.headers["content-type"].startswith("application/json")
        assert len(first.json()) == 20 and first.content == again.content
        assert "set-cookie" not in first.headers
        assert client.get("/health").status_code == 404
        assert client.get("/schema").status_code == 404  # no OpenAPI either


def _plan() -> load.Plan:
    return load.Plan(
        name="all",
        weights={},
        seconds=1,
        connections=1,
        host="127.0.0.1",
        port=8000,
        tokens=["tok"],
        status_ids=[11],
        thread_ids=[12],
        account_ids=[22],
        names=["u7"],
        tags=["benchtag3"],
        words=["harbour4"],
        follow_ids=[33],
        status_pages=["/@u7/11"],
        cookies=["sess"],
        lists={"tok": 44},
    )


def test_every_phase_requests_its_endpoint_with_the_worlds_values() -> None:
    plan, rng = _plan(), random.Random(1)
    heads = {name: load._request(plan, name, rng).decode() for name in SINGLE}
    first_lines = {name: head.split("\r\n", 1)[0] for name, head in heads.items()}
    assert first_lines["ceiling"] == "GET / HTTP/1.1"
    assert first_lines["health"] == "GET /health HTTP/1.1"
    assert first_lines["status"] == "GET /api/v1/statuses/11 HTTP/1.1"
    assert first_lines["context"] == "GET /api/v1/statuses/12/context HTTP/1.1"
    assert first_lines["account_statuses"] == "GET /api/v1/accounts/22/statuses?limit=20 HTTP/1.1"
    assert first_lines["tag"] == "GET /api/v1/timelines/tag/benchtag3?limit=20 HTTP/1.1"
    assert first_lines["search"] == "GET /api/v2/search?q=harbour4 HTTP/1.1"
    assert first_lines["public_local"].startswith("GET /api/v1/timelines/public?local=true")
    assert first_lines["profile_page"] == "GET /@u7 HTTP/1.1"
    assert first_lines["favourite"] == "POST /api/v1/statuses/11/favourite HTTP/1.1"
    assert first_lines["boost"] == "POST /api/v1/statuses/11/reblog HTTP/1.1"
    assert first_lines["follow"] == "POST /api/v1/accounts/33/follow HTTP/1.1"
    assert first_lines["status_page"] == "GET /@u7/11 HTTP/1.1"
    assert first_lines["tag_page"] == "GET /tags/benchtag3 HTTP/1.1"
    assert first_lines["home_page"] == "GET /home HTTP/1.1"
    assert first_lines["list"] == "GET /api/v1/timelines/list/44?limit=20 HTTP/1.1"
    assert first_lines["favourites"] == "GET /api/v1/favourites?limit=20 HTTP/1.1"
    assert first_lines["bookmarks"] == "GET /api/v1/bookmarks?limit=20 HTTP/1.1"
    assert first_lines["relationships"] == "GET /api/v1/accounts/relationships?id[]=22 HTTP/1.1"
    assert first_lines["conversations"] == "GET /api/v1/conversations?limit=20 HTTP/1.1"
    for name in ("profile_page", "local_page", "status_page", "tag_page", "home_page"):
        assert "Authorization" not in heads[name] and "Accept: text/html" in heads[name]
        assert ("Cookie: porina_session=sess\r\n" in heads[name]) == (name == "home_page")
    for name in ("home", "status", "search", "verify_credentials", "post", "list"):
        assert "Authorization: Bearer tok\r\n" in heads[name], name
    assert heads["post"].endswith('"}') and "Content-Length: " in heads["post"]


def test_a_list_request_names_the_list_of_its_own_token() -> None:
    """Each client's token asks for that client's list (another's list is 404)."""
    lists = {f"tok{n}": 100 + n for n in range(6)}
    plan, rng = replace(_plan(), tokens=list(lists), lists=lists), random.Random(2)
    seen = set()
    for _ in range(60):
        lines = load._request(plan, "list", rng).decode().split("\r\n")
        token = next(x for x in lines if x.startswith("Authorization: Bearer "))[22:]
        assert lines[0] == f"GET /api/v1/timelines/list/{lists[token]}?limit=20 HTTP/1.1"
        seen.add(token)
    assert seen == set(lists)


def test_a_relationships_request_asks_about_five_to_twenty_distinct_authors() -> None:
    plan, rng = replace(_plan(), account_ids=list(range(1000, 1100))), random.Random(3)
    counts = set()
    for _ in range(200):
        line = load._request(plan, "relationships", rng).decode().split("\r\n", 1)[0]
        query = line.split(" ")[1].split("?", 1)[1]
        ids = [int(part.removeprefix("id[]=")) for part in query.split("&")]
        assert len(set(ids)) == len(ids) and set(ids) <= set(plan.account_ids), line
        counts.add(len(ids))
    assert min(counts) == 5 and max(counts) == 20


def test_a_warmed_phase_asks_each_profile_once_before_it_is_measured() -> None:
    """The profile phases draw from a fixed set of keys: warming asks each exactly once (the
    phase then measures pages read before, as the home phase's feeds are warmed)."""
    asked: list[str] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError):  # the driver hung up
            while head := await reader.readuntil(b"\r\n\r\n"):
                lines = head.decode().split("\r\n")
                cookie = next((x for x in lines if x.startswith("Cookie: ")), "")
                asked.append(f"{lines[0].split(' ')[1]} {cookie}".strip())
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()

    def serve_and_warm(plan: load.Plan) -> int:
        """The server on a loop of its own; ``warm`` called from inside a running loop, as
        the bench calls it."""
        loop = asyncio.new_event_loop()
        server = loop.run_until_complete(asyncio.start_server(answer, "127.0.0.1", 0))
        port = server.sockets[0].getsockname()[1]
        serving = threading.Thread(target=loop.run_forever)
        serving.start()

        async def bench() -> int:
            return load.warm(replace(plan, port=port))

        try:
            return asyncio.run(bench())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            serving.join()
            server.close()
            loop.close()

    names = [f"u{n}" for n in range(9)]
    plan = replace(_plan(), weights={"profile_page": 1.0}, names=[*names, "u3"], connections=4)
    assert serve_and_warm(plan) == 9
    assert sorted(asked) == sorted(f"/@{name}" for name in names)
    asked.clear()
    readers = replace(plan, weights={"home_page": 1.0}, cookies=["s1", "s2", "s1"])
    assert serve_and_warm(readers) == 2  # each signed-in reader's /home once
    assert sorted(asked) == ["/home Cookie: porina_session=s1", "/home Cookie: porina_session=s2"]
    asked.clear()
    asked.clear()
    own = replace(plan, weights={"list": 1.0}, tokens=["tok", "t2"], lists={"tok": 44, "t2": 45})
    assert serve_and_warm(own) == 2  # each client's own list once
    assert sorted(asked) == [
        "/api/v1/timelines/list/44?limit=20",
        "/api/v1/timelines/list/45?limit=20",
    ]
    asked.clear()
    assert serve_and_warm(replace(plan, weights={"home": 1.0})) == 0
    assert asked == []


def test_a_paced_probe_keeps_its_timetable_and_counts_a_stall_against_the_requests_behind() -> None:
    """With ``rate``, the driver sends on a timetable instead of flat out (the streaming
    phase's light REST probe), and a request's latency runs from when it was due: one answer
    held for 0.4 s shows in the requests queued behind it too, not only in its own."""
    answered: list[float] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while await reader.readuntil(b"\r\n\r\n"):
                if len(answered) == 2:
                    await asyncio.sleep(0.4)
                answered.append(0.0)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()

    async def serve_and_probe() -> load.Result:
        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        plan = replace(_plan(), weights={"health": 1.0}, port=port, seconds=1.0, rate=20.0)
        try:
            return await load._drive(plan)
        finally:
            server.close()

    result = asyncio.run(serve_and_probe())
    took = result.latencies["health"]
    assert len(took) <= 21  # 20 a second for one second, never more whatever the answers take
    held = [t for t in took if t >= 0.2]
    assert len(held) >= 3  # the stalled request and those that were due while it waited


def test_errors_are_counted_with_the_statuses_that_answered_them() -> None:
    """A phase's errors say which statuses answered them, in the summary and the report's
    table (one POST error in a run said nothing of whether it was a 500 or a refusal)."""
    answers = [b"500 Internal Server Error", b"404 Not Found", b"200 OK", b"500 Oops"]

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while await reader.readuntil(b"\r\n\r\n"):
                line = answers.pop(0) if answers else b"200 OK"
                writer.write(b"HTTP/1.1 " + line + b"\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()

    async def serve_and_drive() -> load.Result:
        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        plan = replace(
            _plan(), weights={"health": 1.0}, port=port, seconds=0.3, connections=1, rate=40.0
        )
        try:
            return await load._drive(plan)
        finally:
            server.close()

    summary = load.summarise(asyncio.run(serve_and_drive()))["health"]
    assert summary["errors"] == 3
    assert summary["error_statuses"] == {"404": 1, "500": 2}
    world = {
        "users": 1,
        "seed_seconds": 0.1,
        "rows": {},
        "phases": {"health": {"health": {**summary, "of_ceiling": 0.5}}},
    }
    machine = {"cpus": 2, "cpu": "test", "python": "3.11"}
    results = {"started": "now", "machine": machine, "stack": "sqlite", "drivers": 1}
    table = report.markdown({**results, "worlds": [world]})
    assert "| 3 (404: 1, 500: 2) |" in table
