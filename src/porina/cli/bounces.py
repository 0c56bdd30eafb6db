"""``porina bounces serve``: the newsletter's bounce receiver (SMTP) on its own; ``porina
serve`` starts it too, as a child process, when ``PORINA_BOUNCE_SMTP_PORT`` is set
(docs/newsletter.md, "Bounces and complaints")."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from porina.newsletter import bounces_smtp, verp
from porina.services import build
from porina.settings import Settings


def serve(settings: Settings, args: argparse.Namespace) -> int:
    logging.basicConfig(level=settings.log_level)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    host = args.host or settings.bounce_smtp_host
    port = args.port or settings.bounce_smtp_port
    if not port:
        print("porina: give --port or PORINA_BOUNCE_SMTP_PORT", file=sys.stderr)
        return 2

    async def run() -> None:
        svc = build(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await svc.start(run_jobs=False)  # it writes; `porina serve` or workers run the jobs
        server = await bounces_smtp.listen(settings, svc.db, host, port)
        print(
            f"porina bounce receiver on smtp://{host}:{port} for "
            f"bounces+…@{verp.bounce_domain(settings)}",
            flush=True,
        )
        await stop.wait()
        server.close()
        await server.wait_closed()
        await svc.stop()

    asyncio.run(run())
    return 0
