from __future__ import annotations

import pytest

from porina.accounts.scopes import grants, parse


@pytest.mark.parametrize(
    ("held", "needed", "allowed"),
    [
        ({"read"}, "read:statuses", True),
        ({"read:statuses"}, "read:statuses", True),
        ({"read:statuses"}, "read:accounts", False),
        ({"read"}, "write:statuses", False),
        ({"follow"}, "write:follows", True),
        ({"follow"}, "write:statuses", False),
        ({"admin:read"}, "admin:read:reports", True),
        ({"read"}, "admin:read:reports", False),
        ({"read"}, "profile", True),
    ],
)
def test_scope_hierarchy_follows_mastodon(held: set[str], needed: str, allowed: bool) -> None:
    assert grants(frozenset(held), needed) is allowed


def test_unknown_scopes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown scope"):
        parse("read tea:make")
