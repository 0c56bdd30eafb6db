"""Nothing a client can send gives a 500: every registered API route, every method, with
garbage path parameters, query strings and bodies (JSON, form, multipart), authenticated and
not, answers with a client error in Mastodon's JSON shape or a success."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar

from tests.factories import Factory, Person

JUNK_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e309",
            "9" * 40,
            "null",
            "true",
            "[]",
            "{}",
            "%00",
            "../..",
            "<script>",
            "' OR 1=1 --",
            "\u202e",
            "1,2",
            " ",
        ]
    ),
)
JUNK_VALUE: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), JUNK_TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(JUNK_TEXT, inner, max_size=3)
    ),
    max_leaves=6,
)
FIELD_NAMES = st.sampled_from(
    [
        "status",
        "id",
        "ids",
        "id[]",
        "limit",
        "max_id",
        "since_id",
        "min_id",
        "visibility",
        "media_ids[]",
        "poll[options][]",
        "poll[expires_in]",
        "in_reply_to_id",
        "q",
        "type",
        "choices[]",
        "title",
        "context[]",
        "account_ids[]",
        "scheduled_at",
        "file",
        "description",
        "focus",
        "timeline[]",
        "home[last_read_id]",
        "grant_type",
        "client_id",
        "scope",
        "tag",
        "stream",
        "list",
        "display_name",
        "note",
        "fields_attributes[0][name]",
        "expires_in",
        "keywords_attributes[][keyword]",
        "status_ids[]",
        "category",
        "resolve",
        "offset",
    ]
)


def _routes(app: Litestar) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for route in app.routes:
        path = route.path
        if not path.startswith(("/api/", "/oauth/", "/.well-known/", "/nodeinfo/")):
            continue
        if "streaming" in path:
            continue  # long-lived responses; covered by the streaming tests
        for method in sorted(getattr(route, "methods", ())):
            if method in {"HEAD", "OPTIONS"}:
                continue
            out.append((method, path))
    return sorted(set(out))


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", quote(value, safe="") or "x", path)


REAL = "<a real id>"


@pytest.fixture
async def person(make: Factory) -> Person:
    """A person with a post, so garbage also reaches handlers past their "not found" checks."""
    fuzzer = await make.person("fuzzer", scopes="read write follow push admin:read admin:write")
    fuzzer.extra_ids = [fuzzer.id, (await fuzzer.status("hello #fuzz"))["id"]]
    return fuzzer


def _check(response: httpx.Response, method: str, path: str) -> None:
    assert response.status_code < 500, (
        f"{method} {path} -> {response.status_code}: {response.text[:300]}"
    )
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith(
        "application/json"
    ):
        body = response.json()
        assert isinstance(body, dict) and "error" in body, f"{method} {path}: {body}"


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    path_value=st.one_of(JUNK_TEXT, st.just(REAL)),
    query=st.dictionaries(FIELD_NAMES, JUNK_TEXT, max_size=4),
    body=st.dictionaries(FIELD_NAMES, JUNK_VALUE, max_size=4),
    kind=st.sampled_from(["json", "form", "multipart", "raw", "none"]),
    authed=st.booleans(),
)
async def test_every_route_answers_garbage_without_a_server_error(
    app: Litestar,
    client: httpx.AsyncClient,
    person: Person,
    path_value: str,
    query: dict[str, str],
    body: dict[str, Any],
    kind: str,
    authed: bool,
) -> None:
    routes = _routes(app)
    assert len(routes) > 100, "the route table looks incomplete"
    headers = person.headers if authed else {}
    for index, (method, template) in enumerate(routes):
        value = person.extra_ids[index % 2] if path_value == REAL else path_value
        url = _fill(template, value)
        kwargs: dict[str, Any] = {"params": query, "headers": dict(headers)}
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            _body(kwargs, kind, body)
        response = await client.request(method, url, **kwargs)
        _check(response, method, template)


def _body(kwargs: dict[str, Any], kind: str, body: dict[str, Any]) -> None:
    if kind == "json":
        kwargs["json"] = body
    elif kind == "form":
        kwargs["data"] = {k: str(v) for k, v in body.items()}
    elif kind == "multipart":
        kwargs["files"] = {"file": ("x.png", b"\x89PNG\r\n\x1a\nnot really", "image/png")}
        kwargs["data"] = {k: str(v) for k, v in body.items()}
    elif kind == "raw":
        kwargs["content"] = b"\xff\xfe{not json"
        kwargs["headers"]["content-type"] = "application/json"
