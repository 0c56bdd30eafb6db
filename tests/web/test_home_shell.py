"""The signed-in home page's kept shell (``web/home_shell.py``) equals, byte for byte, the page
rendered whole for each reader: another reader's name and picture, follow requests waiting,
a default visibility, the dark theme, Finnish, an older page (``max_id``) with its "Older
posts" link; a reader acting as a brand or not yet confirmed goes the complete way. A
reader's like shows at once on their next page, and a page costs a pinned number of
statements, cold and warm."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update

from porina.accounts.models import User
from porina.core.clock import now
from porina.services import Services
from porina.web import home_shell, reader_fragments
from tests.factories import Factory, Person
from tests.web.conftest import HTML, Browser, sign_in_as
from tests.web.test_reader_fragments import freeze

LIKED = 'class="action action-favourite" aria-pressed="true"'


async def _page(client: httpx.AsyncClient, path: str = "/home") -> httpx.Response:
    response = await client.get(path, headers=HTML)
    assert response.status_code == 200, response.text
    return response


async def _both(
    monkeypatch: pytest.MonkeyPatch, client: httpx.AsyncClient, path: str = "/home"
) -> tuple[str, str]:
    """The page as the kept shell joins it, and rendered whole (template and posts)."""
    kept = await _page(client, path)
    with monkeypatch.context() as patch:
        patch.setattr(reader_fragments, "fragments", lambda *a, **k: [])
        patch.setattr(home_shell, "covers", lambda *a, **k: False)
        complete = await _page(client, path)
    assert kept.headers["content-type"] == complete.headers["content-type"]
    return kept.text, complete.text


async def _as(services: Services, client: httpx.AsyncClient, person: Person) -> None:
    client.cookies.clear()
    await sign_in_as(services, client, person)
    await Browser(client).get("/about")


async def _world(make: Factory) -> tuple[Person, list[Person]]:
    alice = await make.person("alice")
    readers = [await make.person(name) for name in ("rauha", "sulo", "tuuli")]
    for reader in readers:
        await reader.follow(alice)
    for n in range(23):  # more than a page: the "Older posts" link and a second page
        await alice.status(f"Loaf number {n}")
    return alice, readers


async def test_each_readers_home_equals_its_complete_rendering(
    services: Services, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, (rauha, sulo, tuuli) = await _world(make)
    locked = await sulo.patch("/api/v1/accounts/update_credentials", data={"locked": "true"})
    assert locked.status_code == 200, locked.text
    await tuuli.post(f"/api/v1/accounts/{sulo.id}/follow")  # waits for sulo's approval
    private = await tuuli.patch(
        "/api/v1/accounts/update_credentials", data={"source[privacy]": "private"}
    )
    assert private.status_code == 200, private.text
    freeze(monkeypatch, now())
    home_shell.KEPT.clear()
    seen: list[str] = []
    for reader in (rauha, sulo, tuuli, rauha):
        await _as(services, client, reader)
        kept, complete = await _both(monkeypatch, client)
        assert kept == complete, reader.username
        assert f'href="/@{reader.username}"' in kept
        seen.append(kept)
        older = kept.split('<p class="more"><a class="button" href="')[1].split('"')[0]
        kept, complete = await _both(monkeypatch, client, older.replace("&amp;", "&"))
        assert kept == complete, (reader.username, older)
        assert "Loaf number 0" in kept
    assert home_shell.KEPT  # the pages above came from kept shells
    assert 'href="/@rauha"' not in seen[1] and 'href="/@sulo"' not in seen[2]
    assert "/follow_requests" in seen[1] and "/follow_requests" not in seen[0]
    assert '<option value="private" selected>' in seen[2]
    assert '<option value="public" selected>' in seen[0]


async def test_theme_and_finnish_and_the_complete_ways(
    services: Services, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, (rauha, sulo, _) = await _world(make)
    freeze(monkeypatch, now())
    await _as(services, client, rauha)
    switched = await Browser(client).post("/lang", {"lang": "fi", "next": "/home"})
    assert switched.status_code == 303, switched.text
    client.cookies.set("theme", "dark")
    for _ in range(2):
        kept, complete = await _both(monkeypatch, client)
        assert kept == complete
    assert '<html lang="fi" data-theme="dark">' in kept
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(User).where(User.id == sulo.user.id).values(confirmed_at=None)
        )
    await _as(services, client, sulo)
    kept, complete = await _both(monkeypatch, client)
    assert kept == complete and "/auth/confirm" in kept  # the notice: the complete way


async def test_a_like_shows_at_once_and_statements_are_pinned(
    services: Services, make: Factory, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, (rauha, _, _) = await _world(make)
    newest = await alice.status("Fresh rye")
    freeze(monkeypatch, now())
    await _as(services, client, rauha)
    before = services.db.query_count
    first = (await _page(client)).text
    cold = services.db.query_count - before
    before = services.db.query_count
    again = (await _page(client)).text
    warm = services.db.query_count - before
    assert LIKED not in first and again == first
    liked = await rauha.post(f"/api/v1/statuses/{newest['id']}/favourite")
    assert liked.status_code == 200, liked.text
    assert LIKED in (await _page(client)).text
    # the session and the page rows (the statuses were cached as they were posted; none is
    # in a group, as their cached rows say: no read of groups), and the in-process job
    # runner's claim after each request
    assert (cold, warm) == (3, 3)
