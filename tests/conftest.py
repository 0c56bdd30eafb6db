"""Test harness: a real database per test (a SQLite file, or PostgreSQL when
PORINA_TEST_DATABASE_URL is set), built by the real migrations, and an HTTP client that lets
background jobs settle after each request so tests see what a person would see a moment later."""

from __future__ import annotations

import asyncio
import functools
import gc
import inspect
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from porina.app import create_app, rebind
from porina.federation import domains
from porina.http import StaticResolver, build_outbound
from porina.services import Services, build
from porina.settings import Settings
from porina.storage import migrate

from .factories import Factory
from .support.smtp import SmtpServer, running_smtp
from .support.world import truncate_pg

PG_URL = os.environ.get("PORINA_TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Every module is imported now: what is alive is the process's for good (code, the app's
    modules, SQLAlchemy's and Litestar's tables). Frozen, the cycle collector's full passes
    skip it and walk only what the tests make (``gc.freeze``); nothing frozen is garbage."""
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each pass runs the tests it can run. The PostgreSQL pass: those that can reach its
    database, with a database (the ``template`` fixture's) or in modules that read
    ``PORINA_TEST_DATABASE_URL`` themselves (or this module's ``PG_URL``); the others
    (parsers, signatures, the bench on SQLite...) would run exactly as in the SQLite pass, so
    they run there alone. The SQLite pass: all but those marked ``postgres``, which need
    PostgreSQL itself (several servers on one database, the PostgreSQL connection pool)."""
    if PG_URL:
        kept = [item for item in items if _reaches_database(item)]
    else:
        kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def _reaches_database(item: pytest.Item) -> bool:
    if "template" in getattr(item, "fixturenames", ()):
        return True
    module = getattr(item, "module", None)
    return module is not None and _reads_database_url(module)


@functools.cache
def _reads_database_url(module: ModuleType) -> bool:
    source = inspect.getsource(module)
    return "PORINA_TEST_DATABASE_URL" in source or "PG_URL" in source


def _pg_reachable(url: str) -> str | None:
    async def probe() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("select 1"))
        finally:
            await engine.dispose()

    try:
        asyncio.run(probe())
    except Exception as exc:
        return repr(exc)
    return None


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | str]:
    """The migrated schema: a SQLite file to copy, or the PostgreSQL URL, migrated once."""
    if PG_URL:
        problem = _pg_reachable(PG_URL)
        if problem:
            if IN_CI:
                pytest.fail(f"PostgreSQL at {PG_URL} is required in CI: {problem}")
            pytest.skip(f"PostgreSQL not reachable at {PG_URL} ({problem}); start it to run these")
        url = _create_pg_database(PG_URL)
        try:
            migrate.upgrade(url)
            yield url
        finally:
            _drop_pg_database(PG_URL, url)
        return
    path = tmp_path_factory.mktemp("template") / "porina.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    yield path


@pytest.fixture(scope="session")
def sqlite_schema(template: Path | str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated schema as a SQLite file whichever database the suite runs on: tests of
    SQLite's own plans (``support/sqlite_work.py``) run on the PostgreSQL pass too."""
    if isinstance(template, Path):
        return template
    path = tmp_path_factory.mktemp("sqlite_schema") / "porina.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_schema: Path) -> str:
    """An empty SQLite database of the schema, this test's own (no app runs on it)."""
    copy = tmp_path / "sqlite-plans.db"
    shutil.copy(sqlite_schema, copy)
    return str(copy)


def _admin(url: str, statement: str) -> None:
    async def go() -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(go())


def _create_pg_database(url: str) -> str:
    """A throwaway database for this test session, so concurrent runs never collide."""
    name = f"porina_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    _admin(url, f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def worker_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder of this worker's tests, emptied before each (``settings``): one
    folder, so the app built for it serves every test's media (``app``)."""
    return tmp_path_factory.mktemp("data")


def _emptied(folder: Path) -> Path:
    shutil.rmtree(folder)
    folder.mkdir()
    return folder


@pytest.fixture
def settings(tmp_path: Path, template: Path | str, worker_data: Path) -> Settings:
    if isinstance(template, str):
        url = template
    else:
        target = tmp_path / "porina.db"
        shutil.copyfile(template, target)
        url = f"sqlite+aiosqlite:///{target}"
    return Settings(
        data_dir=_emptied(worker_data),
        database_url=url,
        base_url="http://testserver.local",
        rate_limits=False,
        run_jobs_in_process=False,
        analytics_flush_seconds=0,  # impressions are flushed by the tests that count them
        secret_key="test-secret",
    )


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    if settings.database_url.startswith("postgresql"):
        await truncate_pg(settings.database_url)
    # The test client runs the app on its own event loop; asyncpg connections are bound to the
    # loop that opened them, so PostgreSQL tests keep their connections per loop (LoopPool).
    svc = build(settings, pooled=not settings.database_url.startswith("postgresql"))
    # Tests never reach the internet: the outbound client (link previews...) resolves only
    # localhost; a test of a feature allow-lists its local server or sets its own client.
    await svc.outbound.aclose()
    svc.outbound = build_outbound(settings, resolver=StaticResolver({"localhost": ["127.0.0.1"]}))
    yield svc
    await svc.stop()
    # the suspended domains are kept per process for a few seconds: the next test's database
    # has none of this one's, though its peers may have the same hosts
    domains.forget()


# Apps built in this worker, by what their routes read from the settings when built; one is
# rebuilt only when a test's settings differ there (most tests share one app: ``rebind``).
_APPS: dict[tuple[str, str, Path], Litestar] = {}


@pytest.fixture
def app(services: Services) -> Litestar:
    settings = services.settings
    key = (settings.resolved_secret(), settings.base_url, settings.media_dir)
    built = _APPS.get(key)
    if built is None:
        _APPS.clear()
        built = _APPS[key] = create_app(services=services)
    return rebind(built, services)


@pytest.fixture
async def client(app: Litestar, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    async def settle(response: httpx.Response) -> None:
        await services.runner.drain()

    async with AsyncTestClient(app, base_url="http://testserver.local") as test_client:
        test_client.event_hooks["response"].append(settle)
        yield test_client


@pytest.fixture
def make(services: Services, client: httpx.AsyncClient) -> Factory:
    return Factory(services, client)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) for the tests that send mail; with
    ``tests.support.smtp.sending_to`` in a ``settings`` fixture, the app sends to it."""
    with running_smtp() as server:
        yield server
