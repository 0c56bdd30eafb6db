"""A quoted post is never shown to a reader who may not see it (issue: quotes in the API).

Over random small worlds (``build.py``: follows, blocks either way, public to direct posts
with mentions, deletions), a public quote post is made of every post in the world (its
``quote_of_id`` set directly: the API lets only the author quote a private post), and every
viewer, anonymous included, reads each quote alone and on the quoting account's page. The
quoted post is there exactly when the model (``model.py``) says the viewer may see it; else
the state is ``deleted`` (the post is gone) or ``unauthorized``, and ``quoted_status`` null.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Litestar
from sqlalchemy import update

from porina.posts.models import Status

from ..support.routes import assert_served
from .build import Built, password_hash
from .harness import check_worlds
from .model import MStatus


def _expect(b: Built, viewer: int | None, quoted: MStatus, quote: dict[str, Any]) -> None:
    where = f"viewer={viewer} quoted={quoted} blocks={sorted(b.world.blocks)}"
    if b.world.visible(viewer, quoted):
        assert quote["state"] == "accepted", where
        assert quote["quoted_status"]["id"] == quoted.api_id, where
        return
    assert quote == {
        "state": "deleted" if quoted.deleted else "unauthorized",
        "quoted_status": None,
    }, f"leaks: {where}"


async def _quote_everything(b: Built) -> tuple[str, dict[str, MStatus]]:
    """A new person's public quote of every post in the world: their id and quote id -> post."""
    quoter = await b.env.make.person(password_hash=password_hash())
    quotes: dict[str, MStatus] = {}
    for quoted in b.world.statuses:
        if quoted.reblog_of is not None or not quoted.api_id:
            continue
        made = await quoter.status(f"quoting {quoted.key}")
        async with b.env.services.db.transaction() as tx:
            await tx.session.execute(
                update(Status)
                .where(Status.id == int(made["id"]))
                .values(quote_of_id=int(quoted.api_id), quote_state="accepted")
            )
        quotes[made["id"]] = quoted
    return quoter.id, quotes


async def quoted_posts(b: Built) -> None:
    quoter, quotes = await _quote_everything(b)
    for viewer in b.viewers():
        for quote_id, quoted in quotes.items():
            shown = (await b.get(viewer, f"/api/v1/statuses/{quote_id}")).json()
            _expect(b, viewer, quoted, shown["quote"])
        page = await b.get(viewer, f"/api/v1/accounts/{quoter}/statuses", params={"limit": 40})
        listed = page.json()
        assert sorted(s["id"] for s in listed) == sorted(quotes)
        for shown in listed:
            _expect(b, viewer, quotes[shown["id"]], shown["quote"])


def test_a_quoted_post_is_shown_exactly_to_those_who_may_see_it(
    template: Path | str, app: Litestar
) -> None:
    assert_served(app, "GET /api/v1/statuses/{id}", "GET /api/v1/accounts/{id}/statuses")
    check_worlds(template, quoted_posts)
