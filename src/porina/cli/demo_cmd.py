"""``porina demo``: seed the demo world."""

from __future__ import annotations

import argparse
import asyncio

from porina.demo import seed
from porina.services import build
from porina.settings import Settings


def demo(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        svc = build(settings)
        try:
            await seed.run(svc, if_empty=args.if_empty)
        finally:
            await svc.stop()
        return 0

    return asyncio.run(go())
