"""Fresh, isolated worlds for hypothesis examples.

Function-scoped fixtures are not reset between the examples of one ``@given`` test, so a
property test takes a ``Reusable`` app instead: built once per test (building the Litestar app
is the slow part), with the database put back to the freshly migrated template before every
example — the SQLite file copied again from the template, or every PostgreSQL table truncated.
The wiring is the same as the ``services``/``app``/``client`` fixtures in ``tests/conftest.py``
(an HTTP client that drains background jobs after each response) but on one event loop: the
app's lifespan and every request run on the loop that entered ``isolated``, the one the test
uses for its own calls (streams, the broker, the database), where Litestar's test client would
run the app on a loop of its own in another thread. A connection pool shared by the two (the
Redis broker's) then hands a connection opened on one loop to the other.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from porina.app import create_app
from porina.schema import metadata
from porina.services import Services, build
from porina.settings import Settings

from ..factories import Factory

# One statement names the tables that hold rows (a test writes to a few of the ~120), and
# their rows are deleted with the foreign keys' triggers off for the transaction. TRUNCATE
# costs per table named, the empty ones too: all of them took 0.3-0.6 s a test, and those
# with rows 0.1-0.4 s. The schema has no sequences to restart.
_USED_TABLES = " UNION ALL ".join(
    f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in metadata.sorted_tables
)


async def truncate_pg(url: str) -> None:
    """Every table of the PostgreSQL database at ``url`` emptied (each test's, and each
    property example's)."""
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        used = [name for (name,) in await conn.execute(text(_USED_TABLES))]
        if used:
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            deletes = " ".join(f'DELETE FROM "{name}";' for name in used)
            await conn.execute(text(f"DO $$ BEGIN {deletes} END $$"))
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
            # on PostgreSQL the tables are emptied through a connection of our own
            assert isinstance(self.template, str)
            await truncate_pg(self.template)
            return
        await self.services.db.dispose()  # the file is replaced under the connections
        _restore(self.template, self.db_path)


class _RequestTask(httpx.ASGITransport):
    """Each request in a task of its own, as a server runs it: what the app sets in its
    context (the page's locale) stays with the request, not with the test's next call."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await asyncio.create_task(super().handle_async_request(request))


@asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    """The app's lifespan in a task of its own, as a server holds it: ``isolated`` may be
    entered and left by different tasks (a property test's ``run_until_complete`` calls),
    and the lifespan's task group must be left by the task that entered it."""
    ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()

    async def hold() -> None:
        async with app.lifespan():
            ready.set_result(None)
            await stop.wait()

    task = asyncio.create_task(hold())
    await asyncio.wait([task, ready], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # the startup failed: its error, here
    try:
        yield
    finally:
        stop.set()
        await task


@asynccontextmanager
async def serving(
    app: Litestar, settle: Callable[[httpx.Response], Awaitable[None]]
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling ``app`` on the running loop, inside the app's lifespan; the
    same scope, headers and redirects as Litestar's test client."""
    transport = _RequestTask(app=app, client=("testclient", 50000))
    async with (
        _lifespan(app),
        httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver.local",
            headers={"user-agent": "testclient"},
            follow_redirects=True,
            event_hooks={"response": [settle]},
        ) as client,
    ):
        yield client


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

            async with serving(app, settle) as client:
                yield Isolated(services, app, client, Factory(services, client), template, db_path)
        finally:
            await services.stop()
