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


def reason_left_out(entrant: Entrant, rules: Rules) -> str | None:
    if entrant.account_id in rules.excluded_account_ids:
        return "team"
    if rules.closed_at - entrant.created_at < timedelta(days=rules.min_account_age_days):
        return "account_age"
    if entrant.followers < rules.min_followers:
        return "followers"
    if tickets_of(entrant, rules) <= 0:
        return "no_tickets"
    return None


def tickets_of(entrant: Entrant, rules: Rules) -> int:
    return sum(max(0, rules.weights.get(action, 0)) for action in entrant.actions)


def listed_name(entrant: Entrant, key: bytes) -> str:
    if entrant.actions and entrant.actions <= entrant.private_actions:
        return pseudonym(key, entrant.account_id)
    return entrant.acct


def tally(entrants: Iterable[Entrant], rules: Rules, pseudonym_key: bytes) -> Tally:
    entries: list[Entry] = []
    left_out: dict[int, str] = {}
    for entrant in entrants:
        reason = reason_left_out(entrant, rules)
        if reason is not None:
            left_out[entrant.account_id] = reason
            continue
        entries.append(Entry(listed_name(entrant, pseudonym_key), tickets_of(entrant, rules)))
    return Tally(entries, left_out)
