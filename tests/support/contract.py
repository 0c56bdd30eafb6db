"""Drive an endpoint and validate its answer against the OpenAPI document, or note that the
app does not serve it (the test then fails at ``assert_all_served``, naming exactly those
endpoints, after validating everything that is served)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar

from .openapi import assert_response
from .routes import has_route


class Contract:
    def __init__(self, app: Litestar) -> None:
        self.app = app
        self.missing: list[str] = []
        self.validated: list[str] = []

    def has(self, endpoint: str) -> bool:
        method, path = endpoint.split(" ", 1)
        return has_route(self.app, method, path)

    async def check(
        self,
        endpoint: str,
        call: Callable[[], Awaitable[httpx.Response]],
        status: int | tuple[int, ...] = 200,
    ) -> Any:
        """``endpoint`` is ``"GET /api/v1/statuses/{id}"`` as the OpenAPI document names it.
        Returns the validated body, or ``None`` when the app does not serve it (noted, so
        ``assert_all_served`` fails)."""
        if not self.has(endpoint):
            self.missing.append(endpoint)
            return None
        method, path = endpoint.split(" ", 1)
        response = await call()
        accepted = (status,) if isinstance(status, int) else status
        code = response.status_code if response.status_code in accepted else accepted[0]
        body = assert_response(response, path, method, code)
        self.validated.append(endpoint)
        return body

    def assert_all_served(self) -> None:
        """Fail, naming every endpoint checked that the app does not serve."""
        if self.missing:
            pytest.fail(
                "endpoint not served: "
                + ", ".join(dict.fromkeys(self.missing))
                + f" (validated {len(self.validated)} others)",
                pytrace=False,
            )
