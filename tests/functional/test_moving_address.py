"""The public address follows the settings: PORINA_PORT alone moves every link, and nothing
derived from the address is frozen into the database (issue 13, point 10)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import JSON, Connection, MetaData, Table, text
from sqlalchemy.ext.asyncio import create_async_engine

from porina.app import create_app
from porina.services import build
from porina.settings import Settings, load
from porina.storage import migrate

from ..conftest import PG_URL, _create_pg_database
from ..factories import Factory


def test_an_empty_base_url_follows_host_and_port() -> None:
    assert load({}).base_url == "http://127.0.0.1:8000"
    assert load({"PORINA_PORT": "9000"}).base_url == "http://127.0.0.1:9000"
    assert load({"PORINA_HOST": "0.0.0.0", "PORINA_PORT": "9000"}).base_url == (
        "http://127.0.0.1:9000"
    )
    assert load({"PORINA_HOST": "::1", "PORINA_PORT": "81"}).base_url == "http://[::1]:81"
    chosen = {"PORINA_BASE_URL": "https://cafe.example", "PORINA_PORT": "9000"}
    assert load(chosen).base_url == "https://cafe.example"


def test_a_derived_address_follows_a_port_given_later_a_chosen_one_stays() -> None:
    """``porina serve --port`` and tests change the port after loading."""
    assert load({}).with_(port=9001).base_url == "http://127.0.0.1:9001"
    chosen = load({"PORINA_BASE_URL": "https://cafe.example"})
    assert chosen.with_(port=9001).base_url == "https://cafe.example"


async def _dump(url: str) -> str:
    """Every text the database holds about accounts and statuses, as one string."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            accounts = (await conn.execute(text("SELECT * FROM accounts"))).all()
            statuses = (await conn.execute(text("SELECT * FROM statuses"))).all()
    finally:
        await engine.dispose()
    return repr(accounts) + repr(statuses)


async def _read(settings: Settings, path: str, token: str) -> Any:
    services = build(settings, pooled=False)
    try:
        async with AsyncTestClient(create_app(services=services)) as client:
            response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text
            return response.json()
    finally:
        await services.stop()


async def test_moving_to_another_port_leaves_no_stale_link(
    make: Factory, settings: Settings
) -> None:
    first = settings.with_(base_url="", port=8000)
    assert first.base_url == "http://127.0.0.1:8000"
    aino, bo = await make.person("aino"), await make.person("bo")
    posted = await aino.status("Hei @bo, katso #kahvi")
    assert "testserver.local" not in await _dump(settings.database_url), (
        "a link derived from the address was stored"
    )

    moved = settings.with_(base_url="", port=9000)
    status = await _read(moved, f"/api/v1/statuses/{posted['id']}", aino.token)
    links = [status["url"], status["uri"], status["account"]["url"], status["account"]["uri"]]
    links += [m["url"] for m in status["mentions"]] + [t["url"] for t in status["tags"]]
    assert all(link.startswith("http://127.0.0.1:9000/") for link in links), links
    assert 'href="http://127.0.0.1:9000/tags/kahvi"' in status["content"]
    assert 'href="http://127.0.0.1:9000/@bo"' in status["content"]
    assert status["mentions"][0]["id"] == bo.id
    account = await _read(moved, "/api/v1/accounts/verify_credentials", aino.token)
    assert account["url"] == "http://127.0.0.1:9000/@aino"


def _frozen_world(url: str) -> None:
    """A database at revision 0010 holding what earlier versions stored: local URLs."""
    migrate.upgrade(url, "0010")
    base = "http://127.0.0.1:8000"
    mentions = [{"id": "2", "username": "bo", "acct": "bo", "url": f"{base}/@bo"}]
    content = (
        f'<p><span class="h-card"><a href="{base}/@bo" class="u-url mention">@bo</a></span> '
        f'<a href="{base}/tags/kahvi" class="mention hashtag" rel="tag">#kahvi</a> '
        '<a href="https://elsewhere.example/x">link</a></p>'
    )

    async def go() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as conn:
                tables = await conn.run_sync(_reflect)
                for account_id, name in ((1, "aino"), (2, "bo")):
                    await conn.execute(
                        tables["accounts"].insert(),
                        _filled(
                            tables["accounts"],
                            id=account_id,
                            username=name,
                            uri=f"{base}/users/{name}",
                            url=f"{base}/@{name}",
                            inbox_url=f"{base}/users/{name}/inbox",
                        ),
                    )
                await conn.execute(
                    tables["statuses"].insert(),
                    _filled(
                        tables["statuses"],
                        id=10,
                        account_id=1,
                        content=content,
                        visibility="public",
                        mentions=mentions,
                    ),
                )
        finally:
            await engine.dispose()

    asyncio.run(go())


def _reflect(conn: Connection) -> dict[str, Table]:
    meta = MetaData()
    meta.reflect(conn, only=["accounts", "statuses"])
    return dict(meta.tables)


def _filled(table: Table, **values: Any) -> dict[str, Any]:
    """``values`` and a plain value for every other column that may not be NULL."""
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        kind = column.type.python_type if not isinstance(column.type, JSON) else list
        row[column.name] = {
            bool: False,
            int: 0,
            str: "",
            datetime: datetime(2026, 1, 1, tzinfo=UTC),
            list: [],
        }[kind if kind in (bool, int, str, datetime, list) else str]
    return row


@pytest.fixture
def empty_database(tmp_path: Path) -> str:
    if PG_URL:
        return _create_pg_database(PG_URL)
    return f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"


def test_the_upgrade_unfreezes_what_earlier_versions_stored(empty_database: str) -> None:
    _frozen_world(empty_database)
    migrate.upgrade(empty_database)
    dump = asyncio.run(_dump(empty_database))
    assert "127.0.0.1:8000" not in dump
    assert 'href="/tags/kahvi"' in dump
    assert "https://elsewhere.example/x" in dump, "a link to another site keeps its address"
