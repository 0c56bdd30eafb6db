"""``create_app(settings)``: the ASGI application (Mastodon API, streaming, web pages)."""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from porina import __version__
from porina import settings as settings_module
from porina.api.mastodon.errors import HANDLERS
from porina.api.mastodon.localized import error_language
from porina.api.mastodon.ratelimit import RateLimitMiddleware
from porina.core import inputs
from porina.http.head import head_as_get
from porina.http.inbound import ServedFiles, inbound
from porina.http.media_files import media_headers
from porina.services import Services, build
from porina.settings import Settings
from porina.web.common import page_locale
from porina.web.errors import web_aware
from porina.web.security import security_headers
from porina.web.templating import configure_engine

log = logging.getLogger(__name__)

# Bearer-token APIs are not cookie-authenticated, so CSRF does not apply to them.
CSRF_EXEMPT = [r"^/api/", r"^/oauth/token", r"^/oauth/revoke", r"^/\.well-known/", r"^/nodeinfo/"]


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


def create_app(settings: Settings | None = None, services: Services | None = None) -> Litestar:
    settings = settings or (services.settings if services else settings_module.load())
    svc = services or build(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await svc.start()
        try:
            yield
        finally:
            await svc.stop()

    app = Litestar(
        route_handlers=[*collect_routes("porina.api.mastodon", "porina.web"), *_files(settings)],
        exception_handlers=web_aware(HANDLERS),
        middleware=[inbound, security_headers, page_locale, error_language, RateLimitMiddleware()],
        template_config=TemplateConfig(
            directory=_web_dir() / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_engine,
        ),
        csrf_config=CSRFConfig(
            secret=settings.resolved_secret(),
            cookie_name="porina_csrf",
            cookie_secure=settings.base_url.startswith("https://"),
            cookie_samesite="lax",
            header_name="x-csrftoken",
            exclude=CSRF_EXEMPT,
        ),
        lifespan=[lifespan],
        request_max_body_size=inputs.MAX_BODY_BYTES,  # upload routes set their own
        openapi_config=openapi_config(),
        debug=False,
    )
    app.asgi_handler = head_as_get(app.asgi_handler)  # HEAD as GET, around the router
    app.state.services = svc
    return app


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
        middleware=[media_headers],
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
    return create_app()
