"""``/admin/domain_blocks``: an administrator blocks a server and lifts the block from the
page (the same actions as the API); everyone else gets a 404."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from porina.services import Services
from tests.factories import Factory, Person
from tests.web.conftest import Browser, sign_in_as, text_of

PAGE = "/admin/domain_blocks"


@pytest.fixture
def browser(client: httpx.AsyncClient) -> Browser:
    return Browser(client)


@pytest.fixture
def signed_in(services: Services, client: httpx.AsyncClient) -> Any:
    async def go(person: Person) -> Browser:
        await sign_in_as(services, client, person)
        return Browser(client)

    return go


async def test_an_admin_blocks_and_lifts_a_server_from_the_page(
    make: Factory,
    services: Services,
    signed_in: Any,
) -> None:
    boss = await signed_in(await make.person("boss", role="admin"))
    empty = await boss.get(PAGE)
    assert empty.status_code == 200 and "No server is blocked." in text_of(empty.text)
    made = await boss.post(
        PAGE, {"domain": "Spam.Example", "severity": "suspend", "private_comment": "spam waves"}
    )
    assert (made.status_code, made.headers["location"]) == (303, f"{PAGE}?done=blocked")
    page = text_of((await boss.get(f"{PAGE}?done=blocked")).text)
    assert "The server is blocked." in page and "spam.example" in page and "spam waves" in page
    again = await boss.post(PAGE, {"domain": "spam.example", "severity": "silence"})
    assert again.status_code == 422 and 'role="alert"' in again.text
    public = await boss.client.get("/api/v1/instance/domain_blocks")
    assert [(b["domain"], b["severity"]) for b in public.json()] == [("spam.example", "suspend")]
    block_id = _id_in((await boss.get(PAGE)).text)
    lifted = await boss.post(f"{PAGE}/{block_id}/delete")
    assert lifted.status_code == 303
    assert "No server is blocked." in text_of((await boss.get(PAGE)).text)


def _id_in(html: str) -> str:
    return html.split('action="/admin/domain_blocks/', 1)[1].split("/delete", 1)[0]


async def test_only_an_admin_sees_the_page(
    make: Factory,
    signed_in: Any,
    browser: Browser,
) -> None:
    assert (await browser.get(PAGE)).status_code == 404
    someone = await signed_in(await make.person("someone"))
    assert (await someone.get(PAGE)).status_code == 404
    assert (await someone.post(PAGE, {"domain": "x.example"})).status_code == 404
