"""Privacy holds everywhere (issue 2, point 10), checked over random small worlds.

Each test builds random worlds through the real HTTP API (3 to 6 people, some locked; follows,
follow requests, blocks either way, mutes; public/unlisted/private/direct posts with mentions
and replies; reblogs, favourites, bookmarks, deletions) and compares what every viewer —
anonymous included — gets with an independent model (``model.py``).

Counts, decided as Mastodon does: ``favourites_count`` and ``reblogs_count`` are totals for
everyone (they show how many, never what or who); ``replies_count`` counts only public and
unlisted replies and an account's ``statuses_count`` leaves out direct statuses, because
counting those would tell people who cannot see a private reply or a direct message that it
exists.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar

from ..support.routes import assert_served
from . import checks
from .harness import check_worlds

BUILD = (
    "POST /api/v1/statuses",
    "DELETE /api/v1/statuses/{id}",
    "POST /api/v1/accounts/{id}/follow",
    "POST /api/v1/accounts/{id}/unfollow",
    "POST /api/v1/accounts/{id}/block",
    "POST /api/v1/accounts/{id}/unblock",
    "POST /api/v1/accounts/{id}/mute",
    "POST /api/v1/follow_requests/{id}/authorize",
    "POST /api/v1/statuses/{id}/reblog",
    "POST /api/v1/statuses/{id}/favourite",
    "POST /api/v1/statuses/{id}/bookmark",
    "POST /api/v1/lists",
    "POST /api/v1/lists/{id}/accounts",
)


def needs(app: Litestar, *endpoints: str) -> None:
    assert_served(app, *BUILD, *endpoints)


def test_a_status_is_found_exactly_when_the_viewer_may_see_it(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/statuses/{id}")
    check_worlds(template, checks.status_get)


def test_home_timeline_never_shows_invisible_blocked_or_muted_statuses(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/timelines/home")
    check_worlds(template, checks.home)


def test_public_timeline_shows_only_public_statuses_the_viewer_may_see(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/timelines/public")
    check_worlds(template, checks.public)


def test_tag_timeline_shows_only_public_statuses_the_viewer_may_see(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/timelines/tag/{hashtag}")
    check_worlds(template, checks.tag)


def test_account_statuses_never_list_what_the_viewer_may_not_see(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/accounts/{id}/statuses")
    check_worlds(template, checks.account_statuses)


def test_context_never_reveals_invisible_ancestors_or_descendants(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/statuses/{id}/context")
    check_worlds(template, checks.context)


def test_favourites_and_bookmarks_drop_statuses_the_viewer_can_no_longer_see(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/favourites", "GET /api/v1/bookmarks")
    check_worlds(template, checks.favourites_and_bookmarks)


def test_search_never_returns_statuses_the_searcher_may_not_see(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v2/search")
    check_worlds(template, checks.search)


def test_notifications_never_carry_invisible_statuses_or_blocked_and_muted_accounts(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/notifications", "GET /api/v2/notifications")
    check_worlds(template, checks.notifications)


def test_list_direct_and_trending_timelines_and_batch_lookup_hide_invisible_statuses(
    template: Path | str, app: Litestar
) -> None:
    needs(
        app,
        "GET /api/v1/statuses",
        "GET /api/v1/trends/statuses",
        "GET /api/v1/timelines/direct",
        "GET /api/v1/timelines/list/{list_id}",
    )
    check_worlds(template, checks.more_timelines)


def test_notification_group_accounts_never_list_blocked_or_muted_accounts(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v2/notifications", "GET /api/v2/notifications/{group_key}/accounts")
    check_worlds(template, checks.notification_group_accounts)


def test_conversations_never_show_a_last_status_the_viewer_may_not_see(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/conversations")
    check_worlds(template, checks.conversations)


def test_favourited_by_and_reblogged_by_hide_the_status_and_accounts_across_blocks(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/statuses/{id}/favourited_by", "GET /api/v1/statuses/{id}/reblogged_by")
    check_worlds(template, checks.who_interacted)


def test_counts_never_reveal_private_replies_or_direct_statuses(
    template: Path | str, app: Litestar
) -> None:
    needs(app, "GET /api/v1/statuses/{id}", "GET /api/v1/accounts/{id}")
    check_worlds(template, checks.counts)


def test_streams_never_deliver_a_status_the_viewer_may_not_see(
    template: Path | str, app: Litestar
) -> None:
    """Every event an operation publishes goes through the streaming module's per-viewer
    reader for the user, user:notification, direct, public, public:local and hashtag
    streams of every viewer, and is compared with the model at that moment."""
    needs(app, "GET /api/v1/streaming/{kind}")
    check_worlds(template, after_op=checks.streams)


def test_the_hubs_batches_give_each_status_to_exactly_the_readers_who_may_see_it(
    template: Path | str, app: Litestar
) -> None:
    """Every status of a world in one batch through the hub (each status read together with
    the others, for every viewer's ``user`` stream at once): each viewer receives exactly
    the statuses the model lets them see, none by an author hidden from them."""
    needs(app, "GET /api/v1/streaming/{kind}")
    check_worlds(template, checks.hub_batches)
