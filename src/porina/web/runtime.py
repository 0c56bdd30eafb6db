"""The running system as the pages see it (``render.runtime.Runtime``, which the
composition root's ``Services`` satisfies); the web never imports ``porina.services``."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from porina.render.runtime import Runtime


def services(conn: ASGIConnection[Any, Any, Any, Any]) -> Runtime:
    svc: Runtime = conn.app.state.services
    return svc
