"""``GET /health``: a fixed JSON answer for load balancers and the benchmark's ceiling.

It runs through the same stack as every API route (Granian, Litestar, the middleware) and
does no I/O, so ``porina bench`` uses it as the ceiling every other figure is compared with.
"""

from __future__ import annotations

from typing import Any

from litestar import get

HEALTHY: dict[str, Any] = {"status": "ok"}


@get("/health", sync_to_thread=False)
def health() -> dict[str, Any]:
    return HEALTHY


ROUTES = [health]
