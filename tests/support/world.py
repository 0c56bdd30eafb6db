"""Fresh, isolated worlds for hypothesis examples.

Function-scoped fixtures are not reset between the examples of one ``@given`` test, so a
property test takes a ``Reusable`` app instead: built once per test (building the Litestar app
is the slow part), with the database put back to the freshly migrated template before every
example — the SQLite file copied again from the template, or every PostgreSQL table truncated.
The wiring is the same as the ``services``/``app``/``client`` fixtures in ``tests/conftest.py``:
an HTTP client that drains background jobs after each response.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from porina.app import create_app
from porina.schema import metadata
from porina.services import Services, build
from porina.settings import Settings

from ..factories import Factory


async def truncate_pg(url: str) -> None:
    engine = create_async_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@dataclass
class Isolated:
    services: Services
    app: Litestar
    client: httpx.AsyncClient
    make: Factory
    template: Path | str
    db_path: Path | None

    async def reset(self) -> None:
        """Back to an empty, migrated database."""
        await self.services.runner.drain()
        if self.db_path is None:
            # Pooled asyncpg connections belong to the test client's event loop: leave them
            # be (idle ones hold no locks) and truncate through a connection of our own.
            assert isinstance(self.template, str)
            await truncate_pg(self.template)
            return
        await self.services.db.dispose()  # the file is replaced under the connections
        _restore(self.template, self.db_path)


def _restore(template: Path | str, db_path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, db_path)


@asynccontextmanager
async def isolated(template: Path | str, **overrides: Any) -> AsyncIterator[Isolated]:
    """``async with isolated(template) as world:`` — an app on a clean database; call
    ``await world.reset()`` to empty it again. ``overrides``: other settings (e.g. the Redis
    broker: ``broker="redis", redis_url=..., redis_prefix=...``)."""
    with tempfile.TemporaryDirectory(prefix="porina-world-") as tmp:
        data = Path(tmp)
        db_path: Path | None = None
        if isinstance(template, str):
            url = template
            await truncate_pg(url)
        else:
            db_path = data / "porina.db"
            shutil.copyfile(template, db_path)
            url = f"sqlite+aiosqlite:///{db_path}"
        settings = Settings(
            data_dir=data,
            database_url=url,
            base_url="http://testserver.local",
            rate_limits=False,
            run_jobs_in_process=False,
            analytics_flush_seconds=0,  # impressions are flushed by the tests that count them
            secret_key="test-secret",
            **overrides,
        )
        services = build(settings, pooled=not url.startswith("postgresql"))  # as conftest
        try:
            app = create_app(services=services)

            async def settle(response: httpx.Response) -> None:
                await services.runner.drain()

            async with AsyncTestClient(app, base_url="http://testserver.local") as client:
                client.event_hooks["response"].append(settle)
                yield Isolated(services, app, client, Factory(services, client), template, db_path)
        finally:
            await services.stop()
