"""Posts people shared and favourited most in the last week (``/api/v1/trends/statuses`` and
the web's Explore): public, not reblogs, with at least one favourite or boost, most of both
first; for a signed-in viewer, none by authors they mute or block; none by silenced authors
the viewer does not follow."""

from __future__ import annotations

from porina.accounts.queries import heard_in_public
from porina.core.clock import now
from porina.core.ids import id_at
from porina.posts.queries import BundleSelect, S, bundle_select
from porina.posts.trending import WINDOW
from porina.timelines.queries import not_muted


def trending_statuses(viewer_id: int | None, offset: int, limit: int) -> BundleSelect:
    """The bundle query (``posts.queries.bundles`` reads it) of one page of trending posts."""
    score = S.favourites_count + S.reblogs_count
    query = bundle_select(viewer_id).where(
        S.id >= id_at(now() - WINDOW),
        S.visibility == "public",
        S.reblog_of_id.is_(None),
        score > 0,
        heard_in_public(viewer_id, S.account_id),
    )
    if viewer_id is not None:
        query = query.where(not_muted(viewer_id))
    return query.order_by(score.desc(), S.id.desc()).offset(offset).limit(limit)
