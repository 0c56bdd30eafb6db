"""A fresh, isolated app per hypothesis example: its own database (a copy of the migrated
SQLite template, or the session's PostgreSQL database truncated), its own services and an
HTTP client that drains background jobs after every response — the same wiring as the
``services``/``app``/``client`` fixtures in ``tests/conftest.py``, usable inside ``@given``
where function-scoped fixtures are not reset between examples."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from porina.app import create_app
from porina.services import Services, build
from porina.settings import Settings
from porina.storage.models import metadata

from ..factories import Factory


@dataclass
class Isolated:
    services: Services
    app: Litestar
    client: httpx.AsyncClient
    make: Factory


async def truncate_pg(url: str) -> None:
    engine = create_async_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@asynccontextmanager
async def isolated(template: Path | str) -> AsyncIterator[Isolated]:
    """``async with isolated(template) as world:`` — a clean database and app."""
    with tempfile.TemporaryDirectory(prefix="porina-world-") as tmp:
        data = Path(tmp)
        if isinstance(template, str):
            url = template
            await truncate_pg(url)
        else:
            shutil.copyfile(template, data / "porina.db")
            url = f"sqlite+aiosqlite:///{data / 'porina.db'}"
        settings = Settings(
            data_dir=data,
            database_url=url,
            base_url="http://testserver.local",
            rate_limits=False,
            run_jobs_in_process=False,
            secret_key="test-secret",
        )
        services = build(settings)
        try:
            app = create_app(services=services)

            async def settle(response: httpx.Response) -> None:
                await services.runner.drain()

            async with AsyncTestClient(app, base_url="http://testserver.local") as client:
                client.event_hooks["response"].append(settle)
                yield Isolated(services, app, client, Factory(services, client))
        finally:
            await services.stop()
