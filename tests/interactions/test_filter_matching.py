"""Filter loading and matching through ``viewer_state`` (no HTTP client, so it also runs on
PostgreSQL)."""

from __future__ import annotations

from porina.interactions import filters
from porina.interactions.models import Filter
from porina.render.renderer import Renderer, statuses_by_id
from porina.services import Services

from ..factories import Factory
from .support import post


async def test_expired_filters_stop_applying_and_hide_drops_matches(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    async with services.db.transaction() as tx:
        await filters.create(
            tx,
            alice.account.id,
            title="t",
            context=["home"],
            action="hide",
            keywords=[filters.KeywordChange(keyword="cake", whole_word=True)],
        )
        expired = await filters.create(
            tx,
            alice.account.id,
            title="old",
            context=["home"],
            action="hide",
            expires_in=60,
            keywords=[filters.KeywordChange(keyword="pie")],
        )
    async with services.db.transaction() as tx:
        row = await tx.session.get(Filter, expired)
        assert row is not None
        row.expires_at = row.created_at
    cake, pie = await post(services, bob, "I baked a cake"), await post(services, bob, "pie!")
    async with services.db.read() as session:
        shown = await statuses_by_id(
            Renderer(services.settings), session, alice.account.id, [cake, pie]
        )
    assert [s.id for s in filters.apply_filters(shown, "home")] == [str(pie)]
    assert [s.id for s in filters.apply_filters(shown, "public")] == [str(cake), str(pie)]
