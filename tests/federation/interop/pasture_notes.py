"""fediverse-pasture's sender with the fediverse-pasture-inputs Note variants, for the
interop tests (run with the interop environment's Python, see ``bovine_peer.py``):
``python pasture_notes.py PORT ACTOR_URI [PER_INPUT]`` serves pasture's ``one_actor`` (its
actor and key, generated in a temporary folder) on 127.0.0.1:PORT, sends the first PER_INPUT
examples (default: all) of every input as a ``Create`` of a ``Note`` (public, mentioning
ACTOR_URI) to that actor's inbox, signed by bovine, and prints one JSON line: input, example
index, the Note's id, the HTTP status."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from typing import Any

from fediverse_pasture.data_provider import DataProvider
from fediverse_pasture.one_actor import bovine_actor_and_session
from fediverse_pasture.runner import ActivitySender
from fediverse_pasture.server.one_actor_app import app_for_data_provider
from fediverse_pasture_inputs import available
from hypercorn.asyncio import serve
from hypercorn.config import Config


def _merge(example: dict[str, Any]) -> Any:
    return lambda note: {**note, **example}


async def send_all(base: str, remote: str, per_input: int) -> list[dict[str, Any]]:
    results = []
    async with bovine_actor_and_session(base) as (bovine_actor, actor, _):
        sender = ActivitySender.for_actor(bovine_actor, actor)
        sender.sleep_after_getting_inbox = False
        for name, data in sorted(available.items()):
            for index, example in enumerate(data.examples[:per_input]):
                sender.init_create_note(_merge(example))
                answer = await sender.send(remote)
                status = answer.status if answer is not None else None
                results.append(
                    {"input": name, "index": index, "id": sender.object_id, "status": status}
                )
    return results


async def main(port: int, remote: str, per_input: int) -> None:
    os.chdir(tempfile.mkdtemp(prefix="pasture-"))
    app = app_for_data_provider(DataProvider.generate_and_load(False))
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    stop = asyncio.Event()
    server = asyncio.create_task(serve(app, config, shutdown_trigger=stop.wait))
    await asyncio.sleep(0.5)
    try:
        results = await send_all(f"http://127.0.0.1:{port}", remote, per_input)
    finally:
        stop.set()
        await server
    print(json.dumps(results))


if __name__ == "__main__":
    per_input = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], per_input))
