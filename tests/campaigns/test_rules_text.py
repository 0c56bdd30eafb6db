"""The rules page's text, written from a contest's settings in English and Finnish."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from porina.campaigns.rules_text import RulesSettings, entry_actions, rules

SETTINGS = RulesSettings(
    brand_name="Kahvila Porina",
    brand_acct="kahvila@porina.example",
    title="Joulukahvit",
    prizes="A year of coffee",
    starts_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 24, 10, 0, tzinfo=UTC),
    winners=3,
    weights={"favourite": 1, "reply": 2, "follow": 3, "reblog": 0},
    reply_must_contain="#joulu",
    min_account_age_days=14,
    min_followers=5,
    time_zone="Europe/Helsinki",
    proof_url="https://porina.example/api/porina/v1/contests/1/proof",
    docs_url="https://porina.example/docs/draws",
)


def text_of(settings: RulesSettings, lang: str) -> dict[str, str]:
    return {s.key: " ".join([s.heading, *s.paragraphs]) for s in rules(settings, lang)}


def test_every_section_is_there_in_both_languages() -> None:
    for lang in ("en", "fi"):
        assert list(text_of(SETTINGS, lang)) == [
            "organiser", "prizes", "dates", "eligibility", "enter", "draw", "privacy"
        ]  # fmt: skip


def test_dates_are_in_the_brands_time_zone() -> None:
    assert (
        "2026-12-01 10:00 until 2026-12-24 12:00 (Europe/Helsinki)"
        in text_of(SETTINGS, "en")["dates"]
    )
    finnish = text_of(SETTINGS, "fi")["dates"]
    assert "1.12.2026 klo 10.00 alkaen 24.12.2026 klo 12.00 asti" in finnish
    utc = text_of(replace(SETTINGS, time_zone="Not/AZone"), "en")["dates"]
    assert "2026-12-01 08:00" in utc and "(UTC)" in utc


def test_weights_in_words_leave_out_actions_without_tickets() -> None:
    assert entry_actions(SETTINGS, "en") == [
        "favourite the contest post: 1 ticket(s)",
        "reply to the contest post: 2 ticket(s)",
        "follow kahvila@porina.example: 3 ticket(s)",
    ]
    enter = text_of(SETTINGS, "fi")["enter"]
    assert "seuraa tiliä kahvila@porina.example: 3 arpa(a)" in enter
    assert "jaa kilpailujulkaisu" not in enter
    assert "”#joulu”" in enter


def test_eligibility_names_only_the_limits_that_are_set() -> None:
    strict = text_of(SETTINGS, "en")["eligibility"]
    assert "at least 14 day(s) old" in strict and "at least 5 follower(s)" in strict
    assert "staff" in strict and "operators" in strict and "One entry per person" in strict
    open_ = text_of(replace(SETTINGS, min_account_age_days=0, min_followers=0), "en")
    assert "day(s) old" not in open_["eligibility"]
    assert "follower(s)" not in open_["eligibility"]


def test_the_draw_and_privacy_link_the_proof_and_say_what_is_published() -> None:
    for lang in ("en", "fi"):
        text = text_of(SETTINGS, lang)
        assert SETTINGS.proof_url in text["draw"] and "porina-draw-v1" in text["draw"]
        assert "user@domain" in text["privacy"] or "käyttäjä@verkkotunnus" in text["privacy"]
    assert "pseudonym" in text_of(SETTINGS, "en")["privacy"]
    assert "Kahvila Porina (kahvila@porina.example)" in text_of(SETTINGS, "en")["organiser"]
    assert text_of(SETTINGS, "sv") == text_of(SETTINGS, "en")
