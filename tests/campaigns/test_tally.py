"""Eligibility at close: one entry per person, tickets by weight, who is left out and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from porina.campaigns.draw import Entry, pseudonym
from porina.campaigns.tally import Entrant, Rules, tally

CLOSE = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
OLD = CLOSE - timedelta(days=400)
KEY = bytes(32)
RULES = Rules(
    weights={"favourite": 1, "reblog": 2, "reply": 3, "quote": 2, "follow": 1, "newsletter": 0},
    min_account_age_days=30,
    min_followers=2,
    closed_at=CLOSE,
    excluded_account_ids=frozenset({1, 2}),
)


def entrant(account_id: int, *actions: str, **facts: object) -> Entrant:
    created = facts.get("created_at", OLD)
    followers = facts.get("followers", 10)
    private = facts.get("private", frozenset())
    assert isinstance(created, datetime) and isinstance(followers, int)
    assert isinstance(private, frozenset)
    return Entrant(
        account_id, f"u{account_id}@example.org", created, followers, frozenset(actions), private
    )


def test_tickets_sum_the_weights_of_distinct_actions_one_entry_each() -> None:
    result = tally([entrant(10, "favourite", "reblog", "reply")], RULES, KEY)
    assert result.entries == [Entry("u10@example.org", 6)]


def test_team_new_accounts_few_followers_and_zero_weight_actions_are_left_out() -> None:
    result = tally(
        [
            entrant(1, "favourite"),
            entrant(11, "favourite", created_at=CLOSE - timedelta(days=29)),
            entrant(12, "favourite", followers=1),
            entrant(13, "newsletter"),
            entrant(14, "follow"),
        ],
        RULES,
        KEY,
    )
    assert result.left_out == {1: "team", 11: "account_age", 12: "followers", 13: "no_tickets"}
    assert result.entries == [Entry("u14@example.org", 1)]


def test_an_entrant_with_only_private_actions_is_listed_by_pseudonym() -> None:
    hidden = entrant(20, "follow", private=frozenset({"follow"}))
    mixed = entrant(21, "follow", "favourite", private=frozenset({"follow"}))
    result = tally([hidden, mixed], RULES, KEY)
    assert result.entries == [Entry(pseudonym(KEY, 20), 1), Entry("u21@example.org", 2)]
    assert all("u20" not in e.acct for e in result.entries)
