"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).

A hash or a check costs about a quarter of a second of CPU on purpose, so ``hash`` and
``verify`` run in the CPU pool (``core.cpu``): argon2-cffi releases the GIL, and the event loop
serves other requests meanwhile. ``hash_blocking`` is for scripts and tests that serve no one.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from porina.core import cpu

_hasher = PasswordHasher()


def hash_blocking(password: str) -> str:
    """The hash, computed on the calling thread."""
    return _hasher.hash(password)


def verify_blocking(hashed: str, password: str) -> bool:
    """Whether ``password`` matches ``hashed``, checked on the calling thread."""
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash(password: str) -> str:
    """The hash of ``password``, computed in the CPU pool."""
    return await cpu.run(hash_blocking, password)


async def verify(hashed: str, password: str) -> bool:
    """Whether ``password`` matches ``hashed``, checked in the CPU pool."""
    return await cpu.run(verify_blocking, hashed, password)


def needs_rehash(hashed: str) -> bool:
    return _hasher.check_needs_rehash(hashed)
