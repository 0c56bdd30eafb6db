"""``porina demo``: seed the demo world and say how to sign in to it."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from porina.core.errors import PorinaError
from porina.demo import seed
from porina.services import build
from porina.settings import Settings


def _print_logins(settings: Settings, result: seed.SeedResult | None) -> None:
    print(f"Porina demo: {settings.base_url}")
    logins = result.logins if result else [seed.email_of(seed.CAFE), seed.email_of(seed.ADMIN)]
    for email in logins:
        print(f"  demo login: {email} / {seed.DEMO_PASSWORD}")
    print(
        f"  (every demo account, e.g. {seed.email_of('emma')}, uses the same password)", flush=True
    )


def demo(settings: Settings, args: argparse.Namespace) -> int:

    async def go() -> int:
        svc = build(settings)
        started = time.monotonic()
        try:
            result = await seed.run(svc, if_empty=args.if_empty)
        except PorinaError as exc:
            print(f"porina: {exc.message}", file=sys.stderr)
            return 1
        finally:
            await svc.stop()
        if result is None:
            print("The database already has accounts; the demo world was not seeded again.")
        else:
            print(
                f"Seeded the demo world in {time.monotonic() - started:.1f} s: "
                f"{result.accounts} accounts, {result.statuses} statuses, "
                f"{result.follows} follows, {result.favourites} favourites, "
                f"{result.reblogs} reblogs."
            )
        _print_logins(settings, result)
        return 0

    return asyncio.run(go())
