"""VERP return paths (issue 19, point 5): each campaign mail's envelope sender names its
campaign and subscriber with a MAC, so only addresses Porina made are accepted back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from porina.newsletter import verp
from porina.settings import Settings

SETTINGS = Settings(secret_key="k" * 64, mail_from="news@kahvila.example")
ids = st.integers(min_value=1, max_value=10**17)


def test_the_return_path_names_campaign_and_subscriber_on_the_mail_from_domain() -> None:
    address = verp.return_path(SETTINGS, 12, 345)
    assert address.startswith("bounces+c12.s345.") and address.endswith("@kahvila.example")
    assert verp.parse(SETTINGS, address) == (12, 345)
    assert verp.parse(SETTINGS, f"<{address.upper()}>") == (12, 345)


def test_the_bounce_domain_setting_wins() -> None:
    settings = SETTINGS.with_(bounce_domain="bounce.kahvila.example")
    address = verp.return_path(settings, 1, 2)
    assert address.endswith("@bounce.kahvila.example")
    assert verp.parse(settings, address) == (1, 2)
    assert verp.parse(SETTINGS, address) is None


@given(ids, ids, ids)
def test_a_changed_id_or_another_secret_is_refused(c: int, s: int, other: int) -> None:
    address = verp.return_path(SETTINGS, c, s)
    assert verp.parse(SETTINGS, address) == (c, s)
    mac = address.split("@")[0].rsplit(".", 1)[1]
    if other != s:
        forged = f"bounces+c{c}.s{other}.{mac}@kahvila.example"
        assert verp.parse(SETTINGS, forged) is None
    assert verp.parse(SETTINGS.with_(secret_key="x" * 64), address) is None


def test_malformed_addresses_are_refused() -> None:
    good = verp.return_path(SETTINGS, 7, 8)
    local, _, domain = good.partition("@")
    bad = [
        "",
        "bounces@kahvila.example",
        local,
        f"{local}@other.example",
        good.replace("c7.", "c07."),
        good.replace("+c7", "+c-7"),
        f"x{good}",
        f"{local}0@{domain}",
        f"bounces+c{'9' * 40}.s8.{local[-8:]}@{domain}",
        f"{local}@{domain}@{domain}",
    ]
    assert [verp.parse(SETTINGS, b) for b in bad] == [None] * len(bad)
