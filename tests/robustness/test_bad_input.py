"""Bad input gets a clear error, never a 500 (issue 13): the requests a hostile review sent, and
the rest of their families, each answered as a client error in Mastodon's shape, or as a page
in the reader's language. The NUL cases fail differently on PostgreSQL (which cannot store
U+0000), so this file runs in both passes of ``make test``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.factories import Factory, Person
from tests.web.conftest import HTML, Browser, text_of

DEEP = b"[" * 100_000 + b"]" * 100_000
NOT_UTF8 = b'{"status": "caf\xc3", "client_name": "\xff\xfe", "grant_type": "\xed\xa0\x80"}'


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str), body
    message: str = body.get("error_description") or body["error"]
    return message


def later(**delta: Any) -> str:
    return (datetime.now(UTC) + timedelta(**(delta or {"days": 1}))).isoformat()


@pytest.fixture
async def alice(make: Factory) -> Person:
    return await make.person("alice")


# --- a NUL byte in text -------------------------------------------------------------------------


async def test_account_lookup_with_a_nul_byte_finds_no_one(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/accounts/lookup?acct=a%00b")
    assert response.status_code == 404
    assert error_of(response) == "Record not found"


async def test_tag_timeline_named_with_a_nul_byte_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/timelines/tag/a%00b")
    assert response.status_code == 404
    assert error_of(response) == "Record not found"


async def test_search_terms_with_a_nul_byte_find_nothing(
    alice: Person, client: httpx.AsyncClient
) -> None:
    await alice.status("hello #coffee")
    for path in ("/api/v2/search?q=a%00b", "/api/v2/search?q=%00&resolve=true&offset=1"):
        response = await alice.get(path)
        assert response.status_code == 200, response.text
        assert response.json() == {"accounts": [], "statuses": [], "hashtags": []}
    anonymous = await client.get("/api/v2/search?q=coffee%00")
    assert anonymous.json() == {"accounts": [], "statuses": [], "hashtags": []}
    people = await alice.get("/api/v1/accounts/search?q=ali%00")
    assert people.status_code == 200 and people.json() == []


async def test_a_post_with_a_nul_byte_is_refused_and_nothing_is_posted(alice: Person) -> None:
    as_json = await alice.post("/api/v1/statuses", json={"status": "a\u0000b"})
    as_form = await alice.post("/api/v1/statuses", data={"status": "ok", "spoiler_text": "\x00"})
    in_query = await alice.post("/api/v1/statuses?status=a%00b")
    for response in (as_json, as_form, in_query):
        assert response.status_code == 422, response.text
        assert "NUL character" in error_of(response)
    posted = await alice.get(f"/api/v1/accounts/{alice.id}/statuses")
    assert posted.json() == []


async def test_an_app_named_with_a_nul_byte_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/apps",
        json={"client_name": "a\u0000b", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
    )
    assert response.status_code == 422
    assert "NUL character" in error_of(response)


async def test_search_page_for_a_nul_byte_shows_no_results(browser: Browser) -> None:
    page = await browser.get("/search?q=%00")
    assert page.status_code == 200
    assert "No hashtags found." in text_of(page.text)


async def test_profile_page_named_with_a_nul_byte_is_a_not_found_page_in_finnish(
    browser: Browser,
) -> None:
    page = await browser.get("/@a%00b", headers={"accept-language": "fi"})
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "Sivua ei ole olemassa." in text_of(page.text)


async def test_web_forms_with_a_nul_byte_are_refused_with_a_page_in_the_readers_language(
    make: Factory, signed_in: Any
) -> None:
    aino = await make.person("aino", locale="fi")
    browser = await signed_in(aino)
    for path, field in (
        ("/lists", "title"),
        ("/settings/profile", "display_name"),
        ("/auth/password/new", "email"),
        ("/auth/confirmation/new", "email"),
    ):
        page = await browser.post(path, {field: "a\x00b"})
        assert page.status_code == 422, (path, page.status_code)
        assert "text/html" in page.headers["content-type"]
        assert "Osa lähettämistäsi tiedoista ei kelpaa." in text_of(page.text), path


async def test_webfinger_for_a_nul_byte_is_a_client_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/webfinger?resource=acct:a%00b@testserver.local")
    assert 400 <= response.status_code < 500
    error_of(response)


# --- JSON bodies: too deep, not UTF-8 -----------------------------------------------------------

ENDPOINTS = ["/api/v1/statuses", "/api/v1/apps", "/oauth/token"]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("body", [DEEP, b'{"status": ' + b"[" * 40 + b"]" * 40 + b"}"])
async def test_deeply_nested_json_is_a_400(
    alice: Person, client: httpx.AsyncClient, path: str, body: bytes
) -> None:
    headers = {**alice.headers, "content-type": "application/json"}
    response = await client.post(path, content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert error_of(response) == "The request body is nested too deeply"


@pytest.mark.parametrize("path", ENDPOINTS)
async def test_json_that_is_not_utf8_is_a_400(
    alice: Person, client: httpx.AsyncClient, path: str
) -> None:
    headers = {**alice.headers, "content-type": "application/json"}
    response = await client.post(path, content=NOT_UTF8, headers=headers)
    assert response.status_code == 400, response.text
    assert error_of(response) == "The request body is not valid UTF-8"


async def test_form_keys_bracketed_thousands_deep_are_a_400(alice: Person) -> None:
    key = "poll" + "[options]" * 5_000
    response = await alice.post("/api/v1/statuses", data={key: "x", "status": "hi"})
    assert response.status_code == 400
    assert error_of(response) == "The request body is nested too deeply"


# --- integers past 64 bits ----------------------------------------------------------------------


async def test_offsets_past_64_bits_are_a_422(alice: Person, client: httpx.AsyncClient) -> None:
    for path in (
        "/api/v2/search?q=x&offset=9223372036854775808",
        "/api/v1/accounts/search?q=x&offset=9223372036854775808",
        "/api/v1/trends/tags?offset=9223372036854775808",
        "/api/v1/trends/statuses?offset=-9223372036854775809",
    ):
        response = await alice.get(path)
        assert response.status_code == 422, (path, response.text)
        assert error_of(response) == "Validation failed: offset is out of range"
    anonymous = await client.get("/api/v1/trends?offset=" + "9" * 30)
    assert anonymous.status_code == 422


async def test_a_marker_past_64_bits_is_a_422(alice: Person) -> None:
    response = await alice.post("/api/v1/markers", json={"home": {"last_read_id": 2**64}})
    assert response.status_code == 422
    assert error_of(response) == "Validation failed: home[last_read_id] is not a valid id"


# --- dates at the ends of the calendar ----------------------------------------------------------

RANGE = "must be a date and time between 1970-01-01 and 2999-12-31"


async def test_scheduling_in_the_year_9999_is_a_422_in_mastodons_words(alice: Person) -> None:
    when = "9999-12-31T23:59:59Z"
    response = await alice.post("/api/v1/statuses", json={"status": "x", "scheduled_at": when})
    assert response.status_code == 422, response.text
    assert error_of(response) == f"Validation failed: Scheduled at {RANGE}"
    assert (await alice.get("/api/v1/scheduled_statuses")).json() == []


async def test_rescheduling_to_the_year_9999_is_a_422(alice: Person) -> None:
    scheduled = await alice.post(
        "/api/v1/statuses", json={"status": "later", "scheduled_at": later()}
    )
    assert scheduled.status_code == 200, scheduled.text
    response = await alice.put(
        f"/api/v1/scheduled_statuses/{scheduled.json()['id']}",
        json={"scheduled_at": "9999-12-31T23:59:59Z"},
    )
    assert response.status_code == 422
    assert error_of(response) == f"Validation failed: Scheduled at {RANGE}"


@pytest.mark.parametrize(
    "fields",
    [
        {"scheduled_at": "9999-12-31T23:59", "tz_offset": "-120"},
        {"scheduled_at": (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}
        | {"tz_offset": "9" * 30},
    ],
)
async def test_compose_page_refuses_a_time_outside_the_calendar(
    alice: Person, signed_in: Any, fields: dict[str, str]
) -> None:
    browser = await signed_in(alice)
    page = await browser.post("/compose", {"status": "later", **fields})
    assert page.status_code == 422, page.text[:300]
    assert "The time to publish is not valid." in text_of(page.text)


# --- names no file can have ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/static/a%00b.css", "/media/a%00b.png", "/static/" + "x" * 300, "/media/" + "é" * 200]
)
async def test_file_paths_no_file_can_have_are_not_found(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, headers=HTML)
    assert response.status_code == 404
