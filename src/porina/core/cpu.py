"""CPU-heavy work off the event loop: ``await cpu.run(fn, *args)``.

A request that computes for a quarter of a second on the event loop (an Argon2 hash, a big
keyword filter compiled) stalls every other request of the process for that long. ``run``
hands such work to a bounded pool of threads and lets the loop serve others meanwhile.

- **Threads, not processes.** argon2-cffi's C code releases the GIL, so hashes run in parallel
  on threads and the loop keeps its pace. Pure-Python work (``re``'s compiler) holds the GIL in
  slices: on a thread the loop still gets a turn every switch interval (5 ms) rather than
  waiting for the whole job. A process pool cannot return what that work produces (a compiled
  pattern pickles as its source and compiles again on arrival). Measured in docs/decisions.md,
  "CPU work off the event loop".
- **Bounded.** At most ``workers`` jobs are in the pool at once (``PORINA_CPU_WORKERS``, by
  default one per core). Callers beyond that wait their turn on an ``asyncio.Semaphore``, as
  cheap coroutines; a caller cancelled while waiting (a client that went away) never costs a
  thread. A job already running finishes, and only then frees its place.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def size(workers: int) -> int:
    """Threads for a ``PORINA_CPU_WORKERS`` value: itself, or one per core for 0."""
    return workers if workers > 0 else (os.cpu_count() or 1)


class CpuPool:
    """A thread pool of ``workers`` threads with an admission gate per event loop."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = size(workers)
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="porina-cpu")
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _gate(self, loop: asyncio.AbstractEventLoop) -> asyncio.Semaphore:
        gate = self._gates.get(loop)
        if gate is None:
            gate = self._gates[loop] = asyncio.Semaphore(self.workers)
        return gate

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` on a pool thread, once a place is free; its result or its exception."""
        loop = asyncio.get_running_loop()
        gate = self._gate(loop)
        await gate.acquire()
        try:
            job: Future[T] = self._executor.submit(fn, *args)
        except BaseException:
            gate.release()
            raise
        job.add_done_callback(lambda _: _release_soon(loop, gate))
        return await asyncio.wrap_future(job, loop=loop)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _release_soon(loop: asyncio.AbstractEventLoop, gate: asyncio.Semaphore) -> None:
    """Free a place from the pool's thread (or at once, if the job never started)."""
    with contextlib.suppress(RuntimeError):  # the loop closed while the job ran
        loop.call_soon_threadsafe(gate.release)


_pool: CpuPool | None = None


def configure(workers: int) -> CpuPool:
    """Size the process's pool (the composition root calls this with ``PORINA_CPU_WORKERS``;
    0 means one thread per core). Replaces a pool of another size."""
    global _pool
    if _pool is None or _pool.workers != size(workers):
        old, _pool = _pool, CpuPool(workers)
        if old is not None:
            old.shutdown()
    return _pool


def pool() -> CpuPool:
    """The process's pool, made with one thread per core if nothing configured it."""
    return _pool if _pool is not None else configure(0)


async def run(fn: Callable[..., T], *args: object) -> T:
    """Run ``fn(*args)`` in the process's CPU pool and wait for it."""
    return await pool().run(fn, *args)
