"""Quote posts get the post they quote, for the API and the web alike.

A rendering leaves ``quote.quoted_status`` null (the status cache holds renderings for
nobody in particular). Once a page is rendered for its reader, ``fill`` reads the quoted
posts of its accepted quotes in one more statement (none when the page has no quotes;
``posts/quoted.py``) and gives each quote post a new ``Quote``: the quoted post when the
reader may see it, else the state ``unauthorized`` or ``deleted`` and no post. A ``Quote``
is never changed in place: a cached rendering shares it with every other reader's copy.
The quoted post's own quote is a ``ShallowQuote`` (its target by id, when visible).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from porina.analytics import impressions
from porina.interactions.viewer import ViewerState
from porina.posts.models import Status
from porina.posts.queries import Bundle
from porina.posts.quoted import ACCEPTED, Quoted, quoted
from porina.render import entities as e

if TYPE_CHECKING:
    from porina.render.renderer import Renderer

Quoting = dict[int, list[e.Status]]
"""Quoted post id -> the rendered statuses quoting it."""


def quoting_of(pairs: Iterable[tuple[Status, e.Status]]) -> Quoting:
    """From (row, its rendering) pairs, the accepted quotes to fill; for a boost, the
    boosted status's row and rendering."""
    out: Quoting = {}
    for row, shown in pairs:
        quote = shown.quote
        if row.quote_of_id is not None and quote is not None and quote.state == ACCEPTED:
            out.setdefault(row.quote_of_id, []).append(shown)
    return out


def of_bundles(items: Sequence[Bundle], shown: Sequence[e.Status]) -> Quoting:
    """``quoting_of`` for bundles and their renderings, in the same order."""
    return quoting_of(
        (bundle.shown.status, status.reblog or status)
        for bundle, status in zip(items, shown, strict=True)
    )


async def fill(
    renderer: Renderer, session: AsyncSession, viewer_id: int | None, quoting: Quoting
) -> None:
    """Give each status in ``quoting`` its quote as ``viewer_id`` may see it."""
    if not quoting:
        return
    found = await quoted(session, viewer_id, list(quoting))
    visible = [q.bundle for q in found.values() if q.bundle is not None]
    rendered = {int(s.id): s for s in renderer.bundles(visible, None, viewer_id)}
    for quoted_id, statuses in quoting.items():
        state = found[quoted_id].state
        post = rendered.get(quoted_id) if state == ACCEPTED else None
        if post is not None:
            post.quote = _shallow(found[quoted_id])
        for status in statuses:
            status.quote = e.Quote(state=state, quoted_status=post)


def _shallow(found: Quoted) -> e.ShallowQuote | None:
    if found.nested_state is None:
        return None
    nested = str(found.nested_id) if found.nested_id is not None else None
    return e.ShallowQuote(state=found.nested_state, quoted_status_id=nested)


async def render_bundles(
    renderer: Renderer,
    session: AsyncSession,
    items: Sequence[Bundle],
    state: ViewerState | None,
    viewer_id: int | None,
) -> list[e.Status]:
    """``renderer.bundles`` with the quotes filled (one more statement when there are any).
    Each local status shown is an impression (``analytics/impressions.py``: in memory, no
    statement)."""
    shown = renderer.bundles(items, state, viewer_id)
    impressions.note(
        ((b.shown.status.id, b.shown.status.account_id) for b in items if b.shown.status.local),
        viewer_id,
    )
    await fill(renderer, session, viewer_id, of_bundles(items, shown))
    return shown
