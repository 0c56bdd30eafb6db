"""The demo world ``make run`` seeds. Being written (see issue 2)."""

from __future__ import annotations

from porina.services import Services


async def run(svc: Services, *, if_empty: bool) -> None:
    raise NotImplementedError("the demo seed is not written yet")
