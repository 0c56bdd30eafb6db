"""The shape of a thread (``posts/thread.py``): the chain above a post and the replies below
it, in Mastodon's order, within the limits, whatever loops the rows hold."""

from __future__ import annotations

from porina.posts.thread import ancestors, descendants

#        1
#      /   \
#     2     3
#    / \     \
#   4   7     5
#   |
#   6
PARENTS: dict[int, int | None] = {1: None, 2: 1, 3: 1, 4: 2, 5: 3, 6: 4, 7: 2}


def test_ancestors_run_from_the_root_down_to_the_post_replied_to() -> None:
    assert ancestors(PARENTS, 4, limit=40) == [1, 2, 4]
    assert ancestors(PARENTS, None, limit=40) == []


def test_ancestors_keep_the_nearest_posts_when_the_chain_is_longer_than_the_limit() -> None:
    assert ancestors(PARENTS, 6, limit=2) == [4, 6]


def test_ancestors_end_at_a_post_missing_from_the_thread() -> None:
    """A deleted post (not among the thread's live rows) ends the chain above it."""
    without_two = {k: v for k, v in PARENTS.items() if k != 2}
    assert ancestors(without_two, 4, limit=40) == [2, 4]


def test_descendants_are_depth_first_and_oldest_reply_first_with_their_depth() -> None:
    assert descendants(PARENTS, 1) == [(2, 1), (4, 2), (6, 3), (7, 2), (3, 1), (5, 2)]
    assert descendants(PARENTS, 3) == [(5, 1)]
    assert descendants(PARENTS, 6) == []


def test_a_loop_in_the_rows_ends_both_walks() -> None:
    looped: dict[int, int | None] = {1: 3, 2: 1, 3: 2}
    assert ancestors(looped, 3, limit=40) == [1, 2, 3]
    assert descendants(looped, 1) == [(2, 1), (3, 2)]
