"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).

A hash or a check costs about a quarter of a second of CPU on purpose, so ``hash`` and
``verify`` run in the CPU pool (``core.cpu``): argon2-cffi releases the GIL, and the event loop
serves other requests meanwhile. ``hash_blocking`` is for scripts and tests that serve no one.

A login that names no one is checked against ``UNKNOWN_USER_HASH``, so it costs the same
verification as a wrong password for a real person: the time of the answer does not tell
who has an account.
"""

from __future__ import annotations

import base64
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import ARGON2_VERSION

from porina.core import cpu

_hasher = PasswordHasher()


def _unmatchable_hash(hasher: PasswordHasher) -> str:
    """A hash with ``hasher``'s type and parameters whose salt and digest are random bytes: it
    costs a whole verification, and no password matches it (a 256-bit digest nobody computed).
    Made without hashing, so importing this module costs nothing."""

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode().rstrip("=")

    params = f"m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
    salt, digest = secrets.token_bytes(hasher.salt_len), secrets.token_bytes(hasher.hash_len)
    return (
        f"$argon2{hasher.type.name.lower()}$v={ARGON2_VERSION}${params}${b64(salt)}${b64(digest)}"
    )


UNKNOWN_USER_HASH = _unmatchable_hash(_hasher)
"""What a login that names no one is verified against (see the module's docstring)."""


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
