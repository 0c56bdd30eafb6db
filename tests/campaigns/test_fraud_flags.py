"""Anti-fraud flags on contest entrants, from their facts (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from porina.campaigns.fraud import Facts, flags, normalise_email

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
OLD = T0 - timedelta(days=400)


def person(n: int, **kw: object) -> Facts:
    fields: dict[str, object] = {
        "account_id": n,
        "acct": f"p{n}",
        "created_at": OLD - timedelta(days=n),
        "first_entry_at": T0,
        "email": f"p{n}@example.com",
        "statuses": 3,
        "followers": 2,
        "has_avatar": True,
    }
    return Facts(**{**fields, **kw})  # type: ignore[arg-type]


def codes(entrants: list[Facts]) -> dict[int, list[str]]:
    return {k: [f.code for f in v] for k, v in flags(entrants).items()}


def test_emails_normalise_case_tags_and_gmail_dots() -> None:
    assert normalise_email(" Jo.Doe+win@GoogleMail.com") == "jodoe@gmail.com"
    assert normalise_email("jo.doe+x@Example.ORG") == "jo.doe@example.org"
    assert normalise_email("no-at-sign") == "no-at-sign"


def test_an_ordinary_crowd_has_no_flags() -> None:
    assert codes([person(n) for n in range(1, 20)]) == {}


def test_new_account_duplicate_email_and_no_activity() -> None:
    found = flags(
        [
            person(1, created_at=T0 - timedelta(days=2)),
            person(2, email="Jo.Doe@gmail.com"),
            person(3, email="jodoe+giveaway@googlemail.com"),
            person(4, statuses=0, followers=0, has_avatar=False),
        ]
    )
    assert [f.code for f in found[1]] == ["new_account"]
    assert found[1][0].reason == "account was 2 day(s) old when it entered"
    assert found[2][0].reason == "same e-mail as p3" and found[3][0].reason == "same e-mail as p2"
    assert [f.code for f in found[4]] == ["no_activity"]


def test_accounts_created_minutes_apart_are_a_burst() -> None:
    made = [T0 - timedelta(days=30, minutes=m) for m in (0, 4, 9)]
    burst = [person(10 + i, created_at=when) for i, when in enumerate(made)]
    apart = [person(20, created_at=T0 - timedelta(days=30, minutes=40))]
    found = codes([person(1), *burst, *apart])
    assert found == {10: ["signup_burst"], 11: ["signup_burst"], 12: ["signup_burst"]}
    assert "one of 3 entrants" in flags(burst)[10][0].reason
