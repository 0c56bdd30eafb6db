"""Telling every process to forget what it cached about a token or an account.

A serving process caches who holds each access token for a few seconds. When a token is
revoked or an account suspended, ``announce`` (called after the transaction commits) tells
this process's listeners at once and publishes the message on the broker channel
``invalidate``; every other process runs ``Invalidations.run`` (started with the services) and
tells its own listeners when the message arrives. Each message goes out with its sender's
``origin`` (one id per ``Invalidations``), and a process skips its own when the broker echoes
it back: every listener hears each message once. Redis pub/sub keeps no message for a process
that was not listening, so the caches still expire on their own: the broker makes revocation
immediate, the expiry bounds it when a message is lost.

Messages: ``{"event": "token.revoked", "token_hash": ...}``,
``{"event": "account.restricted", "account_id": ...}`` (suspended or its user disabled) and
``{"event": "desk.watches_changed"}`` (a listening watch changed:
``desk/listening.py`` drops its compiled watches, which it otherwise keeps without reading
them per post).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from typing import Any

from porina.storage.broker import Broker
from porina.storage.db import Tx

log = logging.getLogger(__name__)

CHANNEL = "invalidate"

Listener = Callable[[dict[str, Any]], None]


class Invalidations:
    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self._listeners: list[Listener] = []
        self._task: asyncio.Task[None] | None = None
        self.origin = uuid.uuid4().hex
        """Marks this instance's messages, so it skips them when the broker echoes them."""

    def listen(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def announce(self, message: dict[str, Any]) -> None:
        self._tell(message)
        await self.broker.publish(CHANNEL, {**message, "origin": self.origin})

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            try:
                async for _, message in self.broker.subscribe([CHANNEL]):
                    if message.get("origin") != self.origin:
                        self._tell(message)
            except asyncio.CancelledError:
                raise
            except Exception:  # the broker went away: listen again shortly
                log.exception("invalidation subscription failed; retrying")
                await asyncio.sleep(1.0)

    def _tell(self, message: dict[str, Any]) -> None:
        for listener in self._listeners:
            try:
                listener(message)
            except Exception:  # one listener's failure must not stop the others
                log.exception("invalidation listener failed on %r", message)


def after_commit(tx: Tx, message: dict[str, Any]) -> None:
    """Announce ``message`` once ``tx`` commits."""

    async def send() -> None:
        await tx.invalidations.announce(message)

    tx.after_commit(send)


def token_revoked(token_hash: str) -> dict[str, Any]:
    return {"event": "token.revoked", "token_hash": token_hash}


def account_restricted(account_id: int) -> dict[str, Any]:
    return {"event": "account.restricted", "account_id": str(account_id)}
