"""HEAD answers as GET without a body on every route that answers GET (issue 13: clients
probe with it, e.g. for the server's time)."""

from __future__ import annotations

import httpx

from ..factories import Factory

SAME = ("content-type", "content-length", "cache-control", "link")


def _same_headers(head: httpx.Response, get: httpx.Response) -> None:
    for name in SAME:
        assert head.headers.get(name) == get.headers.get(name), name


async def test_head_on_the_instance_answers_like_get_without_a_body(
    client: httpx.AsyncClient,
) -> None:
    get = await client.get("/api/v1/instance")
    head = await client.head("/api/v1/instance")
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == len(get.content) > 0
    _same_headers(head, get)


async def test_head_on_a_page_a_static_file_and_well_known(client: httpx.AsyncClient) -> None:
    for path in (
        "/about",
        "/static/porina.css",
        "/.well-known/nodeinfo",
        "/api/v1/timelines/public",
    ):
        get = await client.get(path)
        head = await client.head(path)
        assert (head.status_code, head.content) == (get.status_code, b""), path
        assert get.status_code == 200 and get.content, path
        _same_headers(head, get)


async def test_head_keeps_authentication_and_errors(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    head = await client.head("/api/v1/accounts/verify_credentials", headers=alice.headers)
    assert head.status_code == 200 and head.content == b""
    anonymous = await client.head("/api/v1/accounts/verify_credentials")
    assert anonymous.status_code == 401 and anonymous.content == b""
    missing = await client.head("/api/v1/statuses/1")
    assert missing.status_code == 404


async def test_head_does_not_open_a_post_only_route(client: httpx.AsyncClient) -> None:
    head = await client.head("/api/v1/apps")
    assert head.status_code == 405


async def test_head_on_a_stream_ends_after_its_headers(
    make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    head = await client.head("/api/v1/streaming/public", headers=alice.headers)
    assert head.status_code == 200
    assert head.headers["content-type"].startswith("text/event-stream")
    assert head.content == b""
