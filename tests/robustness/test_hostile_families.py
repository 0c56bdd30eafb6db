"""Every route the app serves answers every family of hostile input (``hostile.py``: NUL bytes,
deep JSON, invalid UTF-8, huge integers, extreme dates, overlong text) with a success or a
client error, never a 5xx: anonymous and signed in (bearer token and session cookie), with
hostile path values and with real ones (so bodies reach handlers past their "not found").
API errors keep Mastodon's shape ``{"error": ...}``; pages answer with a readable page.

This runs in both passes of ``make test`` (SQLite, and PostgreSQL with
``PORINA_TEST_DATABASE_URL``), where NUL bytes and 64-bit overflows fail differently."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import httpx
import pytest
from litestar import Litestar

from porina.services import Services
from porina.web import sessions
from tests.factories import Factory, Person
from tests.robustness.hostile import FAMILIES, Hostile, fill, form_pairs, is_api, routes

# What a real path parameter is, by its name; other names get the status id (and 404).
REAL = {"account_id": "account", "handle": "handle", "name": "tag", "hashtag": "tag"}
GUARD_LOGGER = "porina.storage.faults"


class Sender:
    """Sends one family's request to one route, as the anonymous reader or the fuzzer."""

    def __init__(self, client: httpx.AsyncClient, person: Person, session: tuple[str, str]):
        self.client = client
        self.person = person
        self.session = session
        self.real = {
            "account": person.id,
            "handle": f"@{person.username}",
            "tag": "hostile",
            "status": person.extra_ids[0],
        }

    def path_value(self, template: str, hostile: Hostile, real: bool) -> str:
        if not real:
            return hostile.path_value
        name = template.split("{", 1)[1].split(":", 1)[0].split("}", 1)[0]
        return self.real[REAL.get(name, "status")]

    async def send(
        self, method: str, template: str, hostile: Hostile, *, authed: bool, real: bool, turn: int
    ) -> httpx.Response:
        """``turn`` alternates JSON and form bodies on API routes."""
        api = is_api(template)
        url = fill(template, self.path_value(template, hostile, real))
        query = hostile.raw_query if hostile.raw_query is not None else urlencode(hostile.query)
        headers = {"accept": "application/json" if api else "text/html"}
        if authed:
            headers.update(self.person.headers)
            self.client.cookies.set(*self.session)
        else:
            self.client.cookies.delete(self.session[0])
        content = None
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            as_json = api and turn % 2 == 0
            content = self._body(hostile, as_json=as_json, page=not api)
            headers["content-type"] = (
                "application/json" if as_json else "application/x-www-form-urlencoded"
            )
            headers["x-csrftoken"] = self.csrf()
        return await self.client.request(
            method, f"{url}?{query}", content=content, headers=headers, follow_redirects=False
        )

    def csrf(self) -> str:
        return self.client.cookies.get("porina_csrf") or ""

    def _body(self, hostile: Hostile, *, as_json: bool, page: bool) -> bytes:
        if as_json:
            if hostile.json_body is not None:
                return hostile.json_body
            return json.dumps(hostile.fields).encode()
        token = urlencode({"_csrf_token": self.csrf()}).encode() if page else b""
        if hostile.form_body is not None:
            return hostile.form_body + b"&" + token
        pairs = form_pairs(hostile.fields)
        return urlencode([*pairs, ("_csrf_token", self.csrf())] if page else pairs).encode()


def problem(response: httpx.Response, what: str, template: str) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{what} -> {status}: {response.text[:160]!r}"
    kind = response.headers.get("content-type", "")
    if status >= 400 and is_api(template) and kind.startswith("application/json"):
        body = response.json()
        if not (isinstance(body, dict) and isinstance(body.get("error"), str)):
            return f"{what} -> {status}: not Mastodon's error shape: {body!r:.160}"
    if status >= 400 and not is_api(template) and "text/html" not in kind and status != 405:
        return f"{what} -> {status}: not a page ({kind}): {response.text[:160]!r}"
    return None


@pytest.fixture
async def fuzzer(make: Factory) -> Person:
    person = await make.person(
        "hostile", role="admin", scopes="read write follow push admin:read admin:write"
    )
    person.extra_ids = [(await person.status("hello #hostile"))["id"]]
    return person


@pytest.mark.parametrize("family", list(FAMILIES))
async def test_no_route_answers_hostile_input_with_a_server_error(
    family: str,
    app: Litestar,
    client: httpx.AsyncClient,
    services: Services,
    fuzzer: Person,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await client.get("/about", headers={"accept": "text/html"})  # the CSRF cookie, as a browser
    served = routes(app)
    assert len(served) > 200, "the route table looks incomplete"
    failures: list[str] = []
    sent = 0
    started = time.monotonic()
    caplog.set_level(logging.WARNING, logger=GUARD_LOGGER)
    cookie = await sessions.sign_in(services, fuzzer.user)
    sender = Sender(client, fuzzer, (cookie.key, cookie.value or ""))
    for index, (method, template) in enumerate(served):
        cases = [(False, False), (True, False)] + ([(True, True)] if "{" in template else [])
        for case, (authed, real) in enumerate(cases):
            hostile = FAMILIES[family](index + case)  # the family's variants take turns
            response = await sender.send(
                method, template, hostile, authed=authed, real=real, turn=index + case
            )
            sent += 1
            who = "signed-in" if authed else "anonymous"
            where = "real path" if real else "hostile path"
            what = f"{who} {where}: {method} {template}"
            if found := problem(response, what, template):
                failures.append(found)
    elapsed = time.monotonic() - started
    print(f"{family}: {sent} hostile requests in {elapsed:.1f} s, {len(failures)} failures")
    assert not failures, f"{len(failures)} of {sent} hostile requests failed:\n" + "\n".join(
        failures
    )
    unguarded = {
        r.getMessage().rsplit(" on ", 1)[1] for r in caplog.records if r.name == GUARD_LOGGER
    }
    assert not unguarded, f"client input reached the database unvalidated: {unguarded}"
