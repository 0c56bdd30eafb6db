"""A boost first looks for the booster's live boost of the post (boosting twice gives the
same boost back: ``tests/api/test_statuses.py``). That look-up must cost the same for an
account with hundreds of posts as for a new one: on SQLite, whose planner has no statistics
here, ``ORDER BY id LIMIT 1`` once made it walk the booster's own posts in id order, a table
look-up each (5.5 ms for an account with 6,776 posts, twice per boost), where the index on
the boosted post and the booster finds the one row or none."""

from __future__ import annotations

from porina.core.ids import new_id
from porina.interactions.actions import booster_statement

from ..support.sqlite_work import instructions, posts

POSTS = 400


def _steps(database: str, booster: int, status_id: int) -> int:
    """SQLite's instructions for the look-up of ``booster``'s boosts of ``status_id``."""
    params = {"porina_account": booster, "porina_user": 0, "porina_status": status_id}
    return instructions(database, booster_statement(), params)


def test_looking_for_an_earlier_boost_does_not_read_the_boosters_posts(sqlite_db: str) -> None:
    author, prolific, newcomer = new_id(), new_id(), new_id()
    (target,) = posts(sqlite_db, author, 1)
    posts(sqlite_db, prolific, POSTS)
    for booster in (prolific, newcomer):
        posts(sqlite_db, booster, 1, reblog_of_id=target)  # the boost the look-up finds
    # walking the posts costs several instructions each; the index's depth may differ by a few
    assert _steps(sqlite_db, prolific, target) - _steps(sqlite_db, newcomer, target) < POSTS // 10
