"""Length and size limits a client cannot talk its way around (issue 13, point 2).

A status's limit counts code points (a URL as 23, a mention by its ``@username``), so one base
character with 400,000 combining marks is 400,001 characters, not one. Every text field holds
at most ``MAX_FIELD_BYTES`` of UTF-8 whatever it counts in characters (a status of a few very
long URLs is short in characters), and every request body but a media upload at most
``MAX_BODY_BYTES``: past that, 413 in Mastodon's shape, never a 500. Runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import io
import random
from typing import Any

import httpx
import pytest
from PIL import Image

from porina.core import inputs
from tests.factories import Factory, Person
from tests.web.conftest import Browser

from .test_bad_input import error_of

MARKS = "e" + "\u0301" * 400_000  # one grapheme cluster, 800 KB of UTF-8
LONG_URL = "https://example.com/" + "a" * 180  # 200 characters


@pytest.fixture
async def alice(make: Factory) -> Person:
    return await make.person("alice")


async def test_a_letter_with_400000_combining_marks_is_not_one_character(alice: Person) -> None:
    for text in (MARKS, "e" + "\u0301" * 600):  # 800 KB; and 1.2 KB, 601 characters
        response = await alice.post("/api/v1/statuses", json={"status": text})
        assert response.status_code == 422, response.text[:200]
        assert error_of(response).startswith("Validation failed: ")
    small = await alice.post("/api/v1/statuses", json={"status": "e" + "\u0301" * 600})
    assert error_of(small) == "Validation failed: Text character limit of 500 exceeded"
    assert (await alice.get(f"/api/v1/accounts/{alice.id}/statuses")).json() == []


async def test_emoji_and_accents_count_their_code_points(alice: Person) -> None:
    thumbs = "👍🏽" * 250  # 500 code points: at the limit
    assert (await alice.post("/api/v1/statuses", json={"status": thumbs})).status_code == 200
    over = await alice.post("/api/v1/statuses", json={"status": thumbs + "!"})
    assert over.status_code == 422
    assert error_of(over) == "Validation failed: Text character limit of 500 exceeded"


async def test_a_200_character_url_counts_23(alice: Person) -> None:
    text = "x" * 470 + " " + LONG_URL  # 471 + 23 = 494 as counted, 671 as written
    response = await alice.post("/api/v1/statuses", json={"status": text})
    assert response.status_code == 200, response.text
    assert f'href="{LONG_URL}"' in response.json()["content"]
    too_long = await alice.post("/api/v1/statuses", json={"status": "x" * 480 + " " + LONG_URL})
    assert too_long.status_code == 422  # 481 + 23 = 504


async def test_a_status_of_a_url_too_large_for_any_field_is_refused(alice: Person) -> None:
    """One URL counts 23 characters whatever its length: the field's byte cap bounds it."""
    huge = "https://example.com/" + "a" * inputs.MAX_FIELD_BYTES
    for sent in ({"json": {"status": huge}}, {"data": {"status": huge}}):
        response = await alice.post("/api/v1/statuses", **sent)
        assert response.status_code == 422, response.text[:200]
        assert error_of(response) == (
            f"Validation failed: Status is too long (maximum is {inputs.MAX_FIELD_BYTES} bytes)"
        )
    fits = "https://example.com/" + "a" * 10_000
    assert (await alice.post("/api/v1/statuses", json={"status": fits})).status_code == 200


async def test_every_text_field_and_name_has_a_byte_cap(alice: Person) -> None:
    big = "é" * (inputs.MAX_FIELD_BYTES // 2 + 1)  # fewer characters than bytes
    cases = [
        ("/api/v1/lists", {"title": big}, "Title"),
        ("/api/v1/statuses", {"status": "hi", "spoiler_text": big}, "Spoiler text"),
        ("/api/v1/statuses", {"status": "hi", "poll": {"options": [big, "b"]}}, "Options"),
        ("/api/v2/filters", {"title": "t", "context": ["home"], "x" * 70_000: "1"}, "Parameter"),
        ("/api/v1/apps", {"client_name": big, "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}, ""),
    ]
    for path, body, label in cases:
        response = await alice.post(path, json=body)
        assert response.status_code == 422, (path, response.text[:200])
        assert error_of(response).startswith(f"Validation failed: {label}"), error_of(response)
        assert error_of(response).endswith(
            f"is too long (maximum is {inputs.MAX_FIELD_BYTES} bytes)"
        )
    assert (await alice.get("/api/v1/lists")).json() == []


async def test_a_body_past_one_mebibyte_is_413_in_mastodons_shape(
    alice: Person, client: httpx.AsyncClient
) -> None:
    filler = "x" * (inputs.MAX_BODY_BYTES + 1)
    requests = [
        alice.post("/api/v1/statuses", json={"status": "hi", "filler": filler}),
        alice.post("/api/v1/statuses", data={"status": "hi", "filler": filler}),
        alice.post("/api/v1/lists", json={"title": "x", "filler": filler}),
        client.post("/oauth/token", data={"grant_type": "password", "filler": filler}),
    ]
    for request in requests:
        response = await request
        assert response.status_code == 413, response.text[:200]
        assert isinstance(error_of(response), str)
    assert (await alice.get(f"/api/v1/accounts/{alice.id}/statuses")).json() == []


async def test_media_uploads_keep_their_larger_limit(alice: Person) -> None:
    noise = random.Random(13).randbytes(700 * 700 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (700, 700), noise).save(out, "PNG")
    assert len(out.getvalue()) > inputs.MAX_BODY_BYTES
    files = {"file": ("noise.png", out.getvalue(), "image/png")}
    response = await alice.post("/api/v2/media", files=files)
    assert response.status_code in {200, 202}, response.text[:200]


async def test_the_compose_page_applies_the_same_caps(alice: Person, signed_in: Any) -> None:
    browser: Browser = await signed_in(alice)
    huge = "https://example.com/" + "a" * inputs.MAX_FIELD_BYTES
    page = await browser.post("/compose", {"status": huge})
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]
    marks = await browser.post("/compose", {"status": "e" + "\u0301" * 600})
    assert marks.status_code == 422
    assert (await alice.get(f"/api/v1/accounts/{alice.id}/statuses")).json() == []
