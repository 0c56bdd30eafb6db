"""``GET /health``: a fixed JSON answer for load balancers.

It does no I/O and passes only the ``inbound`` middleware (no cookie, session or CSRF work:
``app.route_groups``), so ``porina bench`` measures it as the cost of Porina's own request
stack, as a share of the bare app's ceiling (``bench/ceiling.py``).
"""

from __future__ import annotations

from typing import Any

from litestar import get

HEALTHY: dict[str, Any] = {"status": "ok"}


@get("/health", sync_to_thread=False)
def health() -> dict[str, Any]:
    return HEALTHY


ROUTES = [health]
