"""``porina serve``: Granian serving the app. Imports nothing of the app here: Granian's
supervisor only forks workers, each of which builds the app from the environment."""

from __future__ import annotations

import argparse
import os

from granian import Granian
from granian.constants import Interfaces

from porina.cli.bounce_child import start_beside_serve, stop_beside_serve
from porina.settings import Settings


def serve(settings: Settings, args: argparse.Namespace) -> int:
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    # The workers load their settings from the environment: --host and --port reach them there,
    # and a BASE_URL left empty follows them.
    if args.host:
        os.environ["PORINA_HOST"] = host
    if args.port:
        os.environ["PORINA_PORT"] = str(port)
    public = settings.with_(host=host, port=port).base_url
    print(
        f"Porina is serving on http://{host}:{port}  (public address: {public})",
        flush=True,
    )
    receiver = start_beside_serve(settings)
    try:
        _granian(host, port, workers)
    finally:
        stop_beside_serve(receiver)
    return 0


def _granian(host: str, port: int, workers: int) -> None:
    Granian(
        "porina.app:app_from_env",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        log_access=False,
        websockets=True,
    ).serve()
