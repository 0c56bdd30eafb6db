"""Which endpoints the app serves, so a test of a missing one fails and names it."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar

_PARAM = re.compile(r"\{[^}]*\}")


def shape(path: str) -> str:
    """``/api/v1/statuses/{status_id:str}`` and ``/api/v1/statuses/{id}`` both give
    ``/api/v1/statuses/{}``."""
    return _PARAM.sub("{}", path.rstrip("/") or "/")


def served(app: Litestar) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for route in app.routes:
        for method in getattr(route, "methods", ()):
            out.add((str(method).upper(), shape(route.path)))
    return out


def has_route(app: Litestar, method: str, path: str) -> bool:
    return (method.upper(), shape(path)) in served(app)


def missing(app: Litestar, *endpoints: str) -> list[str]:
    """``endpoints`` as ``"GET /api/v1/x/{id}"``; those the app does not serve."""
    have = served(app)
    out = []
    for endpoint in endpoints:
        method, path = endpoint.split(" ", 1)
        if (method.upper(), shape(path)) not in have:
            out.append(endpoint)
    return out


def assert_served(app: Litestar, *endpoints: str) -> None:
    """Fail the calling test, naming each endpoint the app does not serve."""
    absent = missing(app, *endpoints)
    if absent:
        pytest.fail("endpoint not served: " + ", ".join(absent), pytrace=False)
