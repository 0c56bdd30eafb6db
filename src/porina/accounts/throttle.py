"""The login throttle: one limit on guessing passwords, used by every password entry point
(the sign-in page, the consent page's sign-in, the ``/oauth/token`` password grant, the
password change in settings).

Three fixed-window counters of failed attempts, each counted when the attempt begins (so
concurrent guesses cannot slip past the limit together) and given back when it succeeds:

- **per address** (an IPv6 address counts as its /64, as Mastodon's Rack::Attack does):
  ``PORINA_LOGIN_ATTEMPTS_PER_ADDRESS`` in five minutes, whatever login is tried;
- **per login and address**: ``PORINA_LOGIN_ATTEMPTS_PER_ACCOUNT`` in an hour on one login
  from one address;
- **per login**, from every address: when a login draws more than ``HOT_FACTOR`` times the
  per-account budget in an hour it is *under attack*, and addresses that have not signed in
  to it in the last ``TRUST_DAYS`` days get only ``HOT_BUDGET`` attempts an hour on it.

No lockout: an attacker's guesses fill the attacker's own buckets. The owner's address has
its own, and an address that signed in to the account recently keeps its full budget while
the account is under attack; a new address is slowed to ``HOT_BUDGET`` an hour, not stopped.

A login is keyed by its text (lower-cased, without a leading ``@``), never by the account it
names: a shared bucket would tell that an e-mail address and a username are one person's.
Counters live in memory per process, or in Redis when the broker is Redis (every ``serve``
process then shares them).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio as aioredis

from porina.core.errors import RateLimited
from porina.settings import Settings

ADDRESS_WINDOW = 300
ACCOUNT_WINDOW = 3600
HOT_FACTOR = 5
HOT_BUDGET = 3
TRUST_DAYS = 30


class Counters(Protocol):
    """Fixed-window counters and marks with a lifetime, shared as widely as they can be."""

    async def add(self, keys: list[tuple[str, int]], step: int) -> list[int]:
        """Add ``step`` to each ``(key, lifetime in seconds)``; the counts after."""
        ...

    async def mark(self, keys: Iterable[str], seconds: int) -> None: ...

    async def marked(self, key: str) -> bool: ...

    async def close(self) -> None: ...


class MemoryCounters:
    """This process's counters (forgotten on restart; each ``serve`` process has its own)."""

    LIMIT = 200_000

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._counts: dict[str, tuple[int, float]] = {}
        self._marks: dict[str, float] = {}

    async def add(self, keys: list[tuple[str, int]], step: int) -> list[int]:
        moment = self.clock()
        if len(self._counts) > self.LIMIT:
            self._counts = {k: v for k, v in self._counts.items() if v[1] > moment}
        counts = []
        for key, seconds in keys:
            count, expires = self._counts.get(key, (0, 0.0))
            count = (count if expires > moment else 0) + step
            self._counts[key] = (max(count, 0), moment + seconds)
            counts.append(count)
        return counts

    async def mark(self, keys: Iterable[str], seconds: int) -> None:
        moment = self.clock()
        if len(self._marks) > self.LIMIT:
            self._marks = {k: v for k, v in self._marks.items() if v > moment}
        for key in keys:
            self._marks[key] = moment + seconds

    async def marked(self, key: str) -> bool:
        return self._marks.get(key, 0.0) > self.clock()

    async def close(self) -> None:
        return None


class RedisCounters:
    """Counters every process shares: ``INCRBY`` with an expiry, in one round trip."""

    def __init__(self, url: str, prefix: str) -> None:
        self._redis = aioredis.from_url(url)
        self._prefix = prefix + "login:"

    async def add(self, keys: list[tuple[str, int]], step: int) -> list[int]:
        pipe = self._redis.pipeline(transaction=False)
        for key, seconds in keys:
            pipe.incrby(self._prefix + key, step)
            pipe.expire(self._prefix + key, seconds)
        done = await pipe.execute()
        return [int(count) for count in done[::2]]

    async def mark(self, keys: Iterable[str], seconds: int) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.set(self._prefix + "trust:" + key, b"1", ex=seconds)
        await pipe.execute()

    async def marked(self, key: str) -> bool:
        return bool(await self._redis.exists(self._prefix + "trust:" + key))

    async def close(self) -> None:
        await self._redis.aclose()


class LoginThrottled(RateLimited):
    """Too many failed password attempts: ``retry_after`` seconds until the bucket empties."""

    def __init__(self, limit: int, reset: int, retry_after: int) -> None:
        super().__init__("Too many requests", code="rate_limited")
        self.limit = limit
        self.reset = reset
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        """Mastodon's ``X-RateLimit-*`` headers, and ``Retry-After``."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(self.reset)),
            "Retry-After": str(self.retry_after),
        }


def address_key(host: str | None) -> str:
    """The bucket of a client address: an IPv6 address counts as its /64."""
    if not host:
        return "?"
    try:
        parsed = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address) + "/64"
    return str(parsed)


def login_key(login: str) -> str:
    return login.strip().lstrip("@").lower()[:255]


@dataclass(frozen=True, slots=True)
class Attempt:
    """A password attempt under way, counted in its buckets (``LoginThrottle.begin``)."""

    address: str
    login: str
    keys: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Limits:
    per_address: int
    per_account: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.login_attempts_per_address, settings.login_attempts_per_account)


class LoginThrottle:
    """Counts password attempts and refuses those past the limits (see the module's text)."""

    def __init__(
        self,
        limits: Limits,
        counters: Counters,
        *,
        enabled: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits = limits
        self.counters = counters
        self.enabled = enabled
        self.clock = clock

    async def begin(self, host: str | None, login: str) -> Attempt:
        """Count an attempt from ``host`` on ``login``; raise ``LoginThrottled`` past a limit."""
        address, name = address_key(host), login_key(login)
        moment = int(self.clock())
        short, long = moment // ADDRESS_WINDOW, moment // ACCOUNT_WINDOW
        keys = (
            (f"a:{short}:{address}", ADDRESS_WINDOW),
            (f"p:{long}:{address}:{name}", ACCOUNT_WINDOW),
            (f"l:{long}:{name}", ACCOUNT_WINDOW),
        )
        attempt = Attempt(address, name, keys)
        if not self.enabled:
            return attempt
        by_address, by_pair, by_login = await self.counters.add(list(keys), 1)
        pair_limit = self.limits.per_account
        hot = by_login > HOT_FACTOR * pair_limit and by_pair > HOT_BUDGET
        if hot and not await self.counters.marked(f"{name}|{address}"):
            pair_limit = min(pair_limit, HOT_BUDGET)
        if by_address > self.limits.per_address:
            raise self._refusal(self.limits.per_address, (short + 1) * ADDRESS_WINDOW, moment)
        if by_pair > pair_limit:
            raise self._refusal(pair_limit, (long + 1) * ACCOUNT_WINDOW, moment)
        return attempt

    async def succeeded(self, attempt: Attempt, logins: Iterable[str] = ()) -> None:
        """The password was right: the attempt is given back, and the address is trusted for
        ``TRUST_DAYS`` on the login used and on ``logins`` (the account's other names)."""
        if not self.enabled:
            return
        await self.counters.add(list(attempt.keys), -1)
        names = {attempt.login, *(login_key(n) for n in logins if n)}
        await self.counters.mark((f"{n}|{attempt.address}" for n in names), TRUST_DAYS * 86400)

    @staticmethod
    def _refusal(limit: int, reset: int, moment: int) -> LoginThrottled:
        return LoginThrottled(limit, reset, max(1, math.ceil(reset - moment)))


def build_throttle(settings: Settings) -> LoginThrottle:
    counters: Counters = (
        RedisCounters(settings.redis_url, settings.redis_prefix)
        if settings.broker == "redis"
        else MemoryCounters()
    )
    return LoginThrottle(Limits.of(settings), counters, enabled=settings.rate_limits)
