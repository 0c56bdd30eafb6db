"""``create_app(settings)``: the ASGI application (Mastodon API, streaming, web pages)."""

from __future__ import annotations

import gc
import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager, nullcontext
from pathlib import Path
from types import ModuleType
from typing import Any

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import ResponseHeader
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import Middleware

from porina import __version__
from porina import settings as settings_module
from porina.api.mastodon.errors import HANDLERS
from porina.api.mastodon.localized import error_language
from porina.api.mastodon.ratelimit import RateLimitMiddleware
from porina.core import inputs
from porina.http.head import head_as_get
from porina.http.inbound import ServedFiles, inbound
from porina.http.media_files import media_headers
from porina.http.negotiation import activity_paths
from porina.services import Services, build
from porina.settings import Settings
from porina.web.common import page_locale
from porina.web.errors import web_aware
from porina.web.security import security_headers
from porina.web.templating import configure_engine

log = logging.getLogger(__name__)

# Bearer-token routes (the API, and OAuth's token, revoke and userinfo) are not
# cookie-authenticated: no CSRF, no session, no page language (``route_groups``).
API_PATHS = ("/api/", "/oauth/")


def _modules(package: ModuleType) -> list[ModuleType]:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]


def collect_routes(*packages: str) -> list[Any]:
    """Every ``ROUTES`` list in the named packages' modules, so adding an endpoint module
    needs no edit elsewhere."""
    routes: list[Any] = []
    for name in packages:
        for module in _modules(importlib.import_module(name)):
            routes.extend(getattr(module, "ROUTES", []))
    return routes


def create_app(
    settings: Settings | None = None,
    services: Services | None = None,
    *,
    freeze_heap: bool = False,
) -> Litestar:
    """``freeze_heap``: the serving process's app (``app_from_env``) leaves its startup heap
    out of the cycle collector while it serves (``startup_heap_frozen``); a process that builds
    apps one after another (the tests, the scripts) must not."""
    settings = settings or (services.settings if services else settings_module.load())
    svc = services or build(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # the app's services, not the ones it was built with: ``rebind`` gives a built app
        # the services of another database (the tests build one app per worker)
        services: Services = app.state.services
        await services.start()
        try:
            with startup_heap_frozen() if freeze_heap else nullcontext():
                yield
        finally:
            await services.stop()

    with collector_paused():
        app = _litestar(settings, lifespan)
    app.asgi_handler = head_as_get(app.asgi_handler)  # HEAD as GET, around the router
    app.asgi_handler = activity_paths(app.asgi_handler)  # /@NAME: the actor to a peer
    app.state.services = svc
    return app


def rebind(app: Litestar, services: Services) -> Litestar:
    """The built ``app`` serving ``services`` from its next start, with nothing kept from its
    earlier runs (``app.state``: the rate limiter's counter). Building an app registers its
    ~1,100 handlers (~0.5 s); the test suite builds one per worker and settings and rebinds it
    to each test's services. The services' settings must be the ones the app was built for
    where routes read them at build time (the CSRF secret, the media folder)."""
    app.state.clear()
    app.state.services = services
    return app


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while the app is built. Registering ~1,100 handlers
    allocates objects by the hundred thousand, nearly all kept for the app's life, and each
    allocation burst set off collections that walked the whole heap again: half of
    ``create_app``'s CPU (0.7 s -> 0.35 s). Cycles made meanwhile are collected afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


SERVING_THRESHOLDS = (10_000, 50, 20)
"""The cycle collector's thresholds while an app serves (Python's are 700, 10, 10). A
collection of the young objects every 10,000 allocations (not 700), of the middle generation
every 50 of those, of everything every 20 of those: under 1,000 open streams and 50 posts a
second (PostgreSQL + Redis) the defaults ran a full collection every 1.4 s, each 63-128 ms of
the event loop's CPU over ~200,000 objects, and those pauses were the REST probe's p99
(95-127 ms against 4-8 ms idle); with these none ran in the 20 s, a young collection took
~5 ms, and the probe's p99 fell to 23-28 ms (docs/performance.md, 2026-12-07, session 26).
Most of what a request allocates is freed by reference counting before any collection; the
cycles among it wait a little longer, a few MB at most."""


@contextmanager
def startup_heap_frozen() -> Iterator[None]:
    """While the app serves, the objects alive once it has started (its ~1,100 routes,
    SQLAlchemy's mappers and compiled statements, templates: ~390,000 tracked objects) are
    left out of the cycle collector's full collections (``gc.freeze``). Each full collection
    walked them all again with the event loop stopped: 170-310 ms (in process, 1,000-account
    world), and the status cache's churn (a profile's statuses read at random) sets them off;
    the bench's p99 of ~317 ms for an author's statuses was one of them. Frozen, a full
    collection walks what was made since (~75 ms with a full cache). Startup objects that
    become garbage are still freed by their reference counts; only cycles among them wait
    until the app stops, when the heap is unfrozen.

    Only for a process that serves one app (``create_app(freeze_heap=True)``, which
    ``app_from_env`` asks for): each freeze also freezes every cycle not yet collected, and
    full collections are rare, so in a process that builds apps one after another the earlier
    apps' cycles were frozen again at each start and never collected (the test workers grew
    to 5-10 GB and the kernel's OOM killer ended one)."""
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(*SERVING_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _litestar(
    settings: Settings, lifespan: Callable[[Litestar], AbstractAsyncContextManager[None]]
) -> Litestar:
    return Litestar(
        route_handlers=[*route_groups(settings), *_files(settings)],
        exception_handlers=web_aware(HANDLERS),
        middleware=[inbound],
        template_config=TemplateConfig(
            directory=_web_dir() / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_engine,
        ),
        lifespan=[lifespan],
        request_max_body_size=inputs.MAX_BODY_BYTES,  # upload routes set their own
        openapi_config=openapi_config(),
        debug=False,
    )


def route_groups(settings: Settings) -> list[Router]:
    """The routes in three groups, each with only the middleware its routes need. Litestar
    builds each route's middleware stack once, at start-up, so a route outside a group pays
    nothing for that group's middleware (``inbound``, app-wide, runs on every route):

    - **plain** (``/health``, ``/.well-known/...``, ``/nodeinfo/...``): none. No cookie,
      session, CSRF or language work.
    - **API** (``/api/``, ``/oauth/token``, ``/oauth/revoke``, ``/oauth/userinfo``): error
      bodies in the client's language, rate limits. Bearer tokens: no cookie is read or set.
    - **pages** (``porina.web``): security headers and ``Server-Timing``, the page language
      (reads the session), rate limits (``/oauth/authorize``), CSRF (sets ``porina_csrf``
      on a page read, checks it on a form post).
    """
    limiter = RateLimitMiddleware()  # one counter: /oauth/authorize shares the API's buckets
    api: list[Any] = []
    plain: list[Any] = []
    for handler in collect_routes(
        "porina.api.mastodon", "porina.api.porina", "porina.api.activitypub"
    ):
        paths = getattr(handler, "paths", ())
        (api if any(p.startswith(API_PATHS) for p in paths) else plain).append(handler)
    pages = collect_routes("porina.web")
    page_middleware: list[Middleware] = [security_headers, page_locale, limiter, _csrf(settings)]
    nosniff = [ResponseHeader(name="X-Content-Type-Options", value="nosniff")]  # as Mastodon
    return [
        Router("/", route_handlers=plain, response_headers=nosniff),
        Router(
            "/", route_handlers=api, middleware=[error_language, limiter], response_headers=nosniff
        ),
        Router("/", route_handlers=pages, middleware=page_middleware),
    ]


def _csrf(settings: Settings) -> DefineMiddleware:
    config = CSRFConfig(
        secret=settings.resolved_secret(),
        cookie_name="porina_csrf",
        cookie_secure=settings.base_url.startswith("https://"),
        cookie_samesite="lax",
        header_name="x-csrftoken",
    )
    return DefineMiddleware(CSRFMiddleware, config=config)


def _files(settings: Settings) -> list[Router]:
    """``/static`` (the app's own) and ``/media`` (uploads, with their verified type, nosniff
    and a sandboxing policy: ``http/media_files.py``)."""
    static = create_static_files_router(
        path="/static",
        directories=[_static_dir()],
        file_system=ServedFiles(),
        name="static",
        include_in_schema=False,
    )
    media = create_static_files_router(
        path="/media",
        directories=[settings.media_dir],
        file_system=ServedFiles(),
        name="media",
        middleware=[media_headers(settings.media_dir)],
        include_in_schema=False,
    )
    return [static, media]


def openapi_config() -> OpenAPIConfig:
    """The served description of every route, Mastodon's and Porina's own, generated from the
    handlers at ``/openapi/openapi.json`` (JSON only: the browsable renderers load scripts from
    CDNs). docs/api.md says what each Porina extension does."""
    return OpenAPIConfig(
        title="Porina API",
        version=__version__,
        description="The Mastodon client API as Porina serves it, and Porina's own extensions "
        "(docs/api.md).",
        path="/openapi",
        render_plugins=[JsonRenderPlugin()],
        create_examples=False,
    )


def _web_dir() -> Path:
    return Path(__file__).parent / "web"


def _static_dir() -> Path:
    return _web_dir() / "static"


def app_from_env() -> Litestar:
    """Factory for the ASGI server (``granian --factory porina.app:app_from_env``)."""
    logging.basicConfig(level=settings_module.load().log_level)
    return create_app(freeze_heap=True)
