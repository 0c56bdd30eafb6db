"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).

A hash or a check costs about a quarter of a second of CPU on purpose, so ``hash`` and
``verify`` run in the CPU pool (``core.cpu``): argon2-cffi releases the GIL, and the event loop
serves other requests meanwhile. ``hash_blocking`` is for scripts and tests that serve no one.

A login that names no one is checked against ``UNKNOWN_USER_HASH``, so it costs the same
verification as a wrong password for a real person: the time of the answer does not tell
who has an account.

**One thread per hash.** Argon2's C code runs a hash's lanes (``p=4``, the parameter stored in
every hash) on as many threads of its own, so two pool threads hashing were eight busy
threads and the event loop got a ninth of two cores: under a login flood a trivial request
waited ~170 ms (docs/performance.md, "Login flood"). Hashes and checks here compute the same
four lanes on the calling thread (``threads=1`` in Argon2's context; the result does not
depend on it), so the CPU pool's size is the real bound on the CPU that passwords take.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from typing import Any

from argon2 import Parameters, PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError
from argon2.low_level import ARGON2_VERSION, core, ffi
from argon2.low_level import lib as argon2_lib  # type: ignore[attr-defined]

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


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _raw(password: bytes, salt: bytes, params: Parameters) -> bytes:
    """Argon2's digest of ``password`` with ``params``, every lane on this one thread."""
    out = ffi.new("uint8_t[]", params.hash_len)
    keep: dict[str, Any] = {
        "pwd": ffi.new("uint8_t[]", password),
        "salt": ffi.new("uint8_t[]", salt),
    }
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": params.hash_len,
            "pwd": keep["pwd"],
            "pwdlen": len(password),
            "salt": keep["salt"],
            "saltlen": len(salt),
            "secret": ffi.NULL,
            "secretlen": 0,
            "ad": ffi.NULL,
            "adlen": 0,
            "t_cost": params.time_cost,
            "m_cost": params.memory_cost,
            "lanes": params.parallelism,
            "threads": 1,
            "version": params.version,
            "allocate_cbk": ffi.NULL,
            "free_cbk": ffi.NULL,
            "flags": argon2_lib.ARGON2_DEFAULT_FLAGS,
        },
    )
    core(context, params.type.value)
    return bytes(ffi.buffer(out, params.hash_len))


def hash_blocking(password: str) -> str:
    """The hash, computed on the calling thread (argon2-cffi's format and parameters)."""
    params = extract_parameters(UNKNOWN_USER_HASH)
    salt = secrets.token_bytes(_hasher.salt_len)
    digest = _raw(_utf8(password), salt, params)
    head = f"$argon2{params.type.name.lower()}$v={params.version}"
    cost = f"m={params.memory_cost},t={params.time_cost},p={params.parallelism}"
    return f"{head}${cost}${_b64(salt)}${_b64(digest)}"


def verify_blocking(hashed: str, password: str) -> bool:
    """Whether ``password`` matches ``hashed``, checked on the calling thread."""
    try:
        params = extract_parameters(hashed)
        salt, digest = (_unb64(part) for part in hashed.rsplit("$", 2)[1:])
    except (InvalidHashError, ValueError, binascii.Error):
        return False
    if len(digest) != params.hash_len:
        return False
    return hmac.compare_digest(_raw(_utf8(password), salt, params), digest)


async def hash(password: str) -> str:
    """The hash of ``password``, computed in the CPU pool."""
    return await cpu.run(hash_blocking, password)


async def verify(hashed: str, password: str) -> bool:
    """Whether ``password`` matches ``hashed``, checked in the CPU pool."""
    return await cpu.run(verify_blocking, hashed, password)


def needs_rehash(hashed: str) -> bool:
    return _hasher.check_needs_rehash(hashed)
