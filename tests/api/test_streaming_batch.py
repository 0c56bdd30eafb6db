"""A status event rendered once for every reader of a batch (``stream_render.py``) gives each
reader exactly what rendering it for that reader alone, the way a timeline does, gives: the
same statuses hidden (private to non-followers, blocked either way, muted), and the same
body for each reader who sees it (their favourite, their filter, the author's own fields)."""

from __future__ import annotations

import json

import msgspec

from porina.api.mastodon.stream_render import render_status
from porina.interactions.viewer import viewer_state
from porina.posts.queries import S, bundle_select, bundles
from porina.render.renderer import Renderer
from porina.services import Services
from porina.timelines.queries import not_muted

from ..factories import Factory, Person
from ..timelines import support as s


async def _alone(services: Services, status_id: int, vid: int | None) -> str | None:
    """The per-reader rendering: the status as a timeline reads it for ``vid``."""
    renderer = Renderer(services.settings)
    async with services.db.read() as session:
        query = bundle_select(vid).where(S.id == status_id)
        if vid is not None:
            query = query.where(not_muted(vid))
        items = await bundles(session, query)
        if not items:
            return None
        state = await viewer_state(session, vid, items)
        return json.dumps(msgspec.to_builtins(renderer.bundle(items[0], state, vid)))


async def _together(
    services: Services, status_id: int, vids: list[int | None]
) -> dict[int | None, str]:
    async with services.db.read() as session:
        found = await render_status(session, Renderer(services.settings), status_id, vids)
    return {v: json.dumps(json.loads(p)) for v, p in found.payloads.items()}


async def _world(services: Services, make: Factory) -> dict[str, Person]:
    names = ["alice", "bob", "carol", "dave", "erin", "frank", "gus"]
    people = {n: await make.person(n) for n in names}
    alice = people["alice"]
    for n in ("bob", "erin", "frank"):
        await s.follow(services, people[n], alice)
    await s.block(services, people["carol"], alice)  # carol blocks alice
    await s.mute(services, people["dave"], alice)  # dave mutes alice
    response = await people["frank"].post(
        "/api/v2/filters",
        json={
            "title": "plans",
            "context": ["home", "public"],
            "keywords_attributes": [{"keyword": "plans"}],
        },
    )
    assert response.status_code == 200, response.text
    return people


async def test_one_rendering_for_many_readers_is_each_readers_own(
    services: Services, make: Factory
) -> None:
    people = await _world(services, make)
    alice = people["alice"]
    public = await s.post(services, alice, "our plans for the weekend")
    private = await s.post(services, alice, "only my followers", visibility="private")
    boost = await s.post(services, people["gus"], reblog_of=public)
    await s.favourite(services, people["erin"], public)
    vids: list[int | None] = [None, *(int(p.id) for p in people.values())]
    for status in (public, private, boost):
        sid = int(status["id"])
        together = await _together(services, sid, vids)
        for vid in vids:
            assert together.get(vid) == await _alone(services, sid, vid), (status, vid)
    seen = await _together(services, int(private["id"]), vids)
    assert set(seen) == {int(people[n].id) for n in ("alice", "bob", "erin", "frank")}
    seen = await _together(services, int(public["id"]), vids)
    assert int(people["carol"].id) not in seen and int(people["dave"].id) not in seen
    erin = json.loads(seen[int(people["erin"].id)])
    assert erin["favourited"] is True
    assert json.loads(seen[int(people["bob"].id)])["favourited"] is False
    assert json.loads(seen[int(people["frank"].id)])["filtered"]
