"""The verifiable draw ``porina-draw-v1`` (docs/draws.md): pure functions, no I/O.

Commit (``commitment = hex(sha256(secret))``), freeze (the entries file and its hash), reveal
(the secret). Everything here is what an independent program must recompute to check a draw,
so each step is one small function that docs/draws.md describes byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets as secrets_module
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ALGORITHM = "porina-draw-v1"
SECRET_BYTES = 32
SPACE = 1 << 256
PSEUDONYM_PREFIX = "anon-"
PSEUDONYM_HEX = 16


@dataclass(frozen=True, slots=True)
class Entry:
    """One eligible entrant: ``acct`` (``user@domain`` or a pseudonym) and its tickets (≥ 1)."""

    acct: str
    tickets: int


@dataclass(frozen=True, slots=True)
class Pick:
    """One drawn entrant and the counter whose draw value picked it."""

    acct: str
    counter: int


@dataclass(frozen=True, slots=True)
class Redraw:
    """A re-draw: ``replaces`` is set aside for ``reason`` at ``at``; ``pick`` is drawn instead."""

    replaces: str
    reason: str
    at: str
    pick: Pick


def new_secret() -> bytes:
    """32 random bytes from the operating system's CSPRNG."""
    return secrets_module.token_bytes(SECRET_BYTES)


def commitment(secret: bytes) -> str:
    """``hex(sha256(secret))``: published at creation, before any entry counts."""
    return hashlib.sha256(secret).hexdigest()


def normalise_acct(acct: str) -> str:
    """``user@Domain`` -> ``user@domain`` (the domain lower-cased, the user part as it is)."""
    at = acct.rfind("@")
    if at < 0:
        return acct
    domain = acct[at + 1 :]
    lowered = domain.lower()
    return acct if lowered == domain else acct[: at + 1] + lowered


def pseudonym(key: bytes, account_id: int) -> str:
    """The listed name of an entrant who took part only privately.

    ``"anon-" + hex(HMAC-SHA256(key, account_id as 8 big-endian bytes))[:16]``. The key is a
    per-contest 32-byte value that is never published (unlike ``secret``): with the secret
    revealed, anyone could otherwise try every account id and undo the pseudonym.
    """
    digest = hmac.new(key, account_id.to_bytes(8, "big"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX]


def sort_entries(entries: Iterable[Entry]) -> list[Entry]:
    """Entries with normalised accts, sorted by acct as UTF-8 bytes."""
    normal = [
        e if (acct := normalise_acct(e.acct)) == e.acct else Entry(acct, e.tickets) for e in entries
    ]
    # Python orders strings by code point, which is the order of their UTF-8 bytes
    return sorted(normal, key=_acct)


def _acct(entry: Entry) -> str:
    return entry.acct


def entries_bytes(entries: Iterable[Entry]) -> bytes:
    """The entries file: ``acct TAB tickets LF`` per entrant, sorted by acct as UTF-8 bytes."""
    return sorted_bytes(sort_entries(entries))


def sorted_bytes(entries: Iterable[Entry]) -> bytes:
    """The entries file of entries already normalised and sorted."""
    return "".join(f"{e.acct}\t{e.tickets}\n" for e in entries).encode("utf-8")


def entries_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seed_of(secret: bytes, entries_hash: str) -> bytes:
    """``sha256(secret ‖ bytes.fromhex(entries_sha256))``."""
    return hashlib.sha256(secret + bytes.fromhex(entries_hash)).digest()


def draw_value(seed: bytes, counter: int) -> int:
    """``r_i = int.from_bytes(sha256(seed ‖ i as 8 big-endian bytes), "big")``."""
    return int.from_bytes(hashlib.sha256(seed + counter.to_bytes(8, "big")).digest(), "big")


def accepted(value: int, total: int) -> int | None:
    """``value mod total``, or None when ``value >= 2^256 - (2^256 mod total)`` (rejected)."""
    if value >= SPACE - SPACE % total:
        return None
    return value % total


def choose(remaining: Sequence[Entry], ticket: int) -> int:
    """The index of the first entrant whose running sum of tickets exceeds ``ticket``."""
    running = list(itertools.accumulate(e.tickets for e in remaining))
    return bisect_right(running, ticket)


class Drawer:
    """Draws entrants one at a time over one counter sequence (initial winners, then re-draws)."""

    def __init__(self, secret: bytes, entries: Iterable[Entry]) -> None:
        self.remaining = sort_entries(entries)
        self.tickets = [e.tickets for e in self.remaining]
        self.seed = seed_of(secret, entries_sha256(sorted_bytes(self.remaining)))
        self.counter = 0

    def next(self) -> Pick | None:
        """The next winner among the entrants not yet drawn, or None when none is left."""
        total = sum(self.tickets)
        if total <= 0:
            return None
        while True:
            counter = self.counter
            self.counter += 1
            ticket = accepted(draw_value(self.seed, counter), total)
            if ticket is not None:
                # ``choose`` over a plain list of tickets: the running sums in C
                index = bisect_right(list(itertools.accumulate(self.tickets)), ticket)
                self.tickets.pop(index)
                winner = self.remaining.pop(index)
                return Pick(winner.acct, counter)

    @classmethod
    def of_sorted(cls, secret: bytes, entries: list[Entry], entries_hash: str) -> Drawer:
        """The same drawer for entries already normalised and sorted (``sort_entries``) whose
        file hashes to ``entries_hash``: the close of a large contest sorts only once."""
        drawer = cls.__new__(cls)
        drawer.remaining = list(entries)
        drawer.tickets = [e.tickets for e in drawer.remaining]
        drawer.seed = seed_of(secret, entries_hash)
        drawer.counter = 0
        return drawer

    def many(self, count: int) -> list[Pick]:
        picks: list[Pick] = []
        while len(picks) < count and (pick := self.next()) is not None:
            picks.append(pick)
        return picks
