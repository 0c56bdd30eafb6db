"""The login throttle's rules, counted without passwords: per address, per login and address,
and an account under attack from many addresses, which slows new addresses but not one that
signed in to it before. Run on counters in memory and on Redis (shared by every process)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from porina.accounts.throttle import (
    HOT_BUDGET,
    HOT_FACTOR,
    Counters,
    Limits,
    LoginThrottle,
    LoginThrottled,
    MemoryCounters,
    RedisCounters,
    address_key,
)

from ..redis_support import REDIS_URL, delete_prefix, require_redis, unique_prefix

PER_ADDRESS = 20
PER_ACCOUNT = 8  # more than HOT_BUDGET, so an attack visibly slows new addresses


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def counters(request: pytest.FixtureRequest) -> AsyncIterator[Counters]:
    if request.param == "memory":
        yield MemoryCounters()
        return
    require_redis()
    prefix = unique_prefix()
    found = RedisCounters(REDIS_URL, prefix)
    yield found
    await found.close()
    await delete_prefix(REDIS_URL, prefix)


def throttle_on(counters: Counters, clock: Clock) -> LoginThrottle:
    return LoginThrottle(Limits(PER_ADDRESS, PER_ACCOUNT), counters, clock=clock)


async def failures(throttle: LoginThrottle, address: str, login: str, n: int) -> int:
    """Make ``n`` wrong guesses; how many were let through to a password check."""
    allowed = 0
    for _ in range(n):
        try:
            await throttle.begin(address, login)
        except LoginThrottled:
            continue
        allowed += 1
    return allowed


async def test_each_address_gets_its_budget_on_a_login(counters: Counters) -> None:
    throttle = throttle_on(counters, Clock())
    assert await failures(throttle, "203.0.113.1", "alice", PER_ACCOUNT + 2) == PER_ACCOUNT
    assert await failures(throttle, "203.0.113.2", "alice", PER_ACCOUNT + 2) == PER_ACCOUNT


async def test_an_address_is_limited_over_every_login(counters: Counters) -> None:
    throttle = throttle_on(counters, Clock())
    allowed = [await failures(throttle, "203.0.113.1", f"user{n}", 3) for n in range(20)]
    assert sum(allowed) == PER_ADDRESS


async def test_an_ipv6_slash_64_is_one_address(counters: Counters) -> None:
    throttle = throttle_on(counters, Clock())
    allowed = [
        await failures(throttle, f"2001:db8:1:2::{n:x}", f"user{n}", 1) for n in range(1, 40)
    ]
    assert sum(allowed) == PER_ADDRESS
    assert address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"


async def test_an_account_under_attack_slows_new_addresses_but_not_the_owners(
    counters: Counters,
) -> None:
    clock = Clock()
    throttle = throttle_on(counters, clock)
    owner = await throttle.begin("198.51.100.20", "alice")
    await throttle.succeeded(owner, ["alice@example.com"])  # the owner signed in from here
    attackers = [f"203.0.113.{n}" for n in range(1, HOT_FACTOR + 1)]
    for address in attackers:
        assert await failures(throttle, address, "alice", PER_ACCOUNT) == PER_ACCOUNT
    # Under attack: a new address gets HOT_BUDGET guesses an hour on alice, no more ...
    assert await failures(throttle, "192.0.2.50", "alice", PER_ACCOUNT) == HOT_BUDGET
    # ... nor does another login of the same address suffer, nor the owner's address.
    assert await failures(throttle, "192.0.2.50", "bob", PER_ACCOUNT) == PER_ACCOUNT
    assert await failures(throttle, "198.51.100.20", "alice", PER_ACCOUNT) == PER_ACCOUNT
    # Trust was given on the e-mail address the owner did not type, too.
    assert await failures(throttle, "198.51.100.20", "alice@example.com", 2) == 2
    clock.now += 3600  # the next hour: the attack's count is gone
    assert await failures(throttle, "192.0.2.50", "alice", PER_ACCOUNT) == PER_ACCOUNT


async def test_a_disabled_throttle_counts_nothing(counters: Counters) -> None:
    throttle = LoginThrottle(Limits(1, 1), counters, enabled=False)
    assert await failures(throttle, "203.0.113.1", "alice", 10) == 10
