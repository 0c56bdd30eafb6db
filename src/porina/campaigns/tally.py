"""From entry actions to the draw's entries at close (issue 18, point 1; docs/draws.md).

Pure: the caller loads each entrant's actions and facts; ``tally`` applies the contest's rules
(one entry per person, tickets = the sum of the weights of their distinct actions, minimum
account age and followers, the brand and its team excluded) and names who was left out, why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from porina.campaigns.draw import Entry, pseudonym


@dataclass(frozen=True, slots=True)
class Rules:
    weights: Mapping[str, int]
    min_account_age_days: int
    min_followers: int
    closed_at: datetime
    excluded_account_ids: frozenset[int]
    """The brand itself and every account of its team (owners, managers, agents, analysts)."""


@dataclass(frozen=True, slots=True)
class Entrant:
    account_id: int
    acct: str
    created_at: datetime
    followers: int
    actions: frozenset[str]
    private_actions: frozenset[str] = field(default_factory=frozenset)
    """The actions others cannot see; an entrant with only these is listed by pseudonym."""


@dataclass(frozen=True, slots=True)
class Tally:
    entries: list[Entry]
    left_out: dict[int, str]
    """account id -> the reason (``team``, ``account_age``, ``followers``, ``no_tickets``)."""
    who: dict[str, int] = field(default_factory=dict)
    """listed name (acct or pseudonym) -> account id, for the winners' notices; never
    published."""


def reason_left_out(entrant: Entrant, rules: Rules) -> str | None:
    return _Check(rules).reason(entrant)


def tickets_of(entrant: Entrant, rules: Rules) -> int:
    return sum(max(0, rules.weights.get(action, 0)) for action in entrant.actions)


def listed_name(entrant: Entrant, key: bytes) -> str:
    if entrant.actions and entrant.actions <= entrant.private_actions:
        return pseudonym(key, entrant.account_id)
    return entrant.acct


class _Check:
    """The rules prepared once for many entrants (a large contest's close tallies 200,000):
    the latest creation time old enough, the weights without negatives."""

    def __init__(self, rules: Rules) -> None:
        self.excluded = rules.excluded_account_ids
        # closed_at - created_at < min_age  <=>  created_at > closed_at - min_age
        self.newest = rules.closed_at - timedelta(days=rules.min_account_age_days)
        self.min_followers = rules.min_followers
        self.weights = {action: max(0, weight) for action, weight in rules.weights.items()}

    def tickets(self, entrant: Entrant) -> int:
        weights = self.weights
        return sum(weights.get(action, 0) for action in entrant.actions)

    def reason(self, entrant: Entrant, tickets: int | None = None) -> str | None:
        if entrant.account_id in self.excluded:
            return "team"
        if entrant.created_at > self.newest:
            return "account_age"
        if entrant.followers < self.min_followers:
            return "followers"
        if (self.tickets(entrant) if tickets is None else tickets) <= 0:
            return "no_tickets"
        return None


def tally(entrants: Iterable[Entrant], rules: Rules, pseudonym_key: bytes) -> Tally:
    check = _Check(rules)
    entries: list[Entry] = []
    left_out: dict[int, str] = {}
    who: dict[str, int] = {}
    for entrant in entrants:
        tickets = check.tickets(entrant)
        reason = check.reason(entrant, tickets)
        if reason is not None:
            left_out[entrant.account_id] = reason
            continue
        name = listed_name(entrant, pseudonym_key)
        who[name] = entrant.account_id
        entries.append(Entry(name, tickets))
    return Tally(entries, left_out, who)
