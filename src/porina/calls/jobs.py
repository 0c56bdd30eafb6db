"""The ringing timeout: a job queued when a call starts, due ``call_ring_seconds`` later,
marks the call missed if nobody answered, declined or hung up by then (and so notifies the
callee). Reads of a call check the same (``actions.expire``), so a late job changes nothing."""

from __future__ import annotations

from typing import Any

from porina.calls.actions import TIMEOUT_JOB, expire
from porina.calls.models import Call
from porina.core.ids import parse_id
from porina.jobs.queue import JobContext, handler


@handler(TIMEOUT_JOB)
async def ring_timeout(ctx: JobContext, payload: dict[str, Any]) -> None:
    call_id = parse_id(str(payload.get("call_id", "")))
    if call_id is None:
        return
    async with ctx.db.transaction() as tx:
        call = await tx.session.get(Call, call_id)
        if call is not None:
            await expire(tx, call)
