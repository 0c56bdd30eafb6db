"""A form body is UTF-8, as browsers send it and Mastodon reads it, whatever its Content-Type
says or leaves out: ``curl -d 'status=café 5 €'`` posts the raw UTF-8 bytes with no charset,
and the post must read "café 5 €", not its Latin-1 misreading "cafÃ© 5 â..." (issue 13, 11)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.factories import Factory, Person
from tests.web.conftest import HTML

TEXT = "café 5 €"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def alice(make: Factory) -> Person:
    return await make.person("alice")


@pytest.mark.parametrize("content_type", [FORM, f"{FORM}; charset=utf-8", f"{FORM}; charset=UTF-8"])
async def test_a_status_posted_as_a_raw_utf8_form_reads_back_as_written(
    alice: Person, client: httpx.AsyncClient, content_type: str
) -> None:
    response = await client.post(
        "/api/v1/statuses",
        content=f"status={TEXT}&spoiler_text=Kahvila Ö".encode(),
        headers={**alice.headers, "content-type": content_type},
    )
    assert response.status_code == 200, response.text
    assert response.json()["content"] == f"<p>{TEXT}</p>"
    source = await alice.get(f"/api/v1/statuses/{response.json()['id']}/source")
    assert source.json()["text"] == TEXT
    assert source.json()["spoiler_text"] == "Kahvila Ö"


async def test_percent_escaped_and_raw_utf8_in_one_form_both_read_as_utf8(
    alice: Person, client: httpx.AsyncClient
) -> None:
    body = f"status={quote('Hyvää')}+{TEXT}".encode()
    response = await client.post(
        "/api/v1/statuses", content=body, headers={**alice.headers, "content-type": FORM}
    )
    assert response.json()["content"] == f"<p>Hyvää {TEXT}</p>"


async def test_a_web_form_posted_as_raw_utf8_reads_back_as_written(
    alice: Person, signed_in: Any, client: httpx.AsyncClient
) -> None:
    browser = await signed_in(alice)
    await browser.get("/compose")
    body = f"status={TEXT}&visibility=public&_csrf_token={browser.token()}".encode()
    page = await client.post(
        "/compose", content=body, headers={**HTML, "content-type": FORM}, follow_redirects=False
    )
    assert page.status_code == 303, page.text[:300]
    posted = await alice.get(f"/api/v1/accounts/{alice.id}/statuses")
    assert [s["content"] for s in posted.json()] == [f"<p>{TEXT}</p>"]
