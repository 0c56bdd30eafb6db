from __future__ import annotations

import pytest

from porina.api.mastodon.params import Params, fold
from porina.core.errors import Unprocessable


def test_rails_brackets_fold_into_lists_and_objects() -> None:
    folded = fold(
        [
            ("media_ids[]", "1"),
            ("media_ids[]", "2"),
            ("poll[options][]", "yes"),
            ("poll[options][]", "no"),
            ("poll[expires_in]", "300"),
            ("fields_attributes[0][name]", "web"),
            ("fields_attributes[0][value]", "x.fi"),
            ("fields_attributes[1][name]", "tel"),
        ]
    )
    assert folded["media_ids"] == ["1", "2"]
    assert folded["poll"] == {"options": ["yes", "no"], "expires_in": "300"}
    params = Params(folded)
    assert params.list("fields_attributes") == [{"name": "web", "value": "x.fi"}, {"name": "tel"}]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("0", False), ("true", True), ("false", False), (True, True), (0, False)],
)
def test_booleans_accept_what_mastodon_clients_send(raw: object, expected: bool) -> None:
    assert Params({"sensitive": raw}).bool("sensitive") is expected


def test_a_nonsense_boolean_is_a_422() -> None:
    with pytest.raises(Unprocessable):
        Params({"sensitive": "perhaps"}).bool("sensitive")


def test_limit_is_clamped_like_mastodon_instead_of_refused() -> None:
    assert Params({"limit": "1000"}).limit(20, 40) == 40
    assert Params({"limit": "-5"}).limit(20, 40) == 1
    assert Params({"limit": "abc"}).limit(20, 40) == 20


def test_ids_must_be_digits() -> None:
    assert Params({"max_id": "123"}).id("max_id") == 123
    with pytest.raises(Unprocessable):
        Params({"max_id": "12x"}).id("max_id")
    with pytest.raises(Unprocessable):
        Params({"max_id": "9" * 30}).id("max_id")
