"""A status event rendered once for every reader of a batch (``stream_render.py``) gives each
reader exactly what rendering it for that reader alone, the way a timeline does, gives: the
same statuses hidden (private to non-followers, blocked either way, muted), and the same
body for each reader who sees it (their favourite, their filter, the author's own fields)."""

from __future__ import annotations

import asyncio
import json

import msgspec
import pytest

from porina.api.mastodon import auth, stream_deliver, streaming
from porina.api.mastodon.stream_render import render_fast, render_status
from porina.api.mastodon.streaming import Deliverer
from porina.interactions.viewer import viewer_state
from porina.posts.queries import S, bundle_select, bundles
from porina.render.renderer import Renderer
from porina.services import Services
from porina.streaming.hub import Arrival
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
        return json.dumps(
            msgspec.to_builtins(renderer.bundle(items[0], state, vid)), sort_keys=True
        )


async def _together(
    services: Services, status_id: int, vids: list[int | None], way: str = "complete"
) -> dict[int | None, str]:
    """Every reader's payload at once: the complete way (``render_status``) or the way the
    hub takes (``Deliverer.status_payloads``: page rows and the status cache first)."""
    async with services.db.read() as session:
        if way == "complete":
            found = await render_status(session, Renderer(services.settings), status_id, vids)
        else:
            found = await Deliverer(services).status_payloads(session, status_id, set(vids))
    return {v: json.dumps(json.loads(p), sort_keys=True) for v, p in found.payloads.items()}


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


@pytest.mark.parametrize("way", ["complete", "fast"])
async def test_one_rendering_for_many_readers_is_each_readers_own(
    services: Services, make: Factory, way: str
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
        together = await _together(services, sid, vids, way)
        for vid in vids:
            assert together.get(vid) == await _alone(services, sid, vid), (status, vid)
    seen = await _together(services, int(private["id"]), vids, way)
    assert set(seen) == {int(people[n].id) for n in ("alice", "bob", "erin", "frank")}
    seen = await _together(services, int(public["id"]), vids, way)
    assert int(people["carol"].id) not in seen and int(people["dave"].id) not in seen
    erin = json.loads(seen[int(people["erin"].id)])
    assert erin["favourited"] is True
    assert json.loads(seen[int(people["bob"].id)])["favourited"] is False
    assert json.loads(seen[int(people["frank"].id)])["filtered"]


async def test_the_hubs_way_gives_each_reader_what_a_timeline_gives_them(
    services: Services, make: Factory
) -> None:
    """The cases the status cache's encoding covers on its own and those it hands to the
    complete way: a direct message, a mention in a private post, the author's own post and
    pin, a bookmark, a muted thread, a boost of a private post, a poll the reader voted in,
    media, a quote post, a reader with a filter, and a status deleted before it is read."""
    people = await _world(services, make)
    alice, bob, erin, gus = (people[n] for n in ("alice", "bob", "erin", "gus"))
    direct = await s.post(services, alice, "psst", visibility="direct", mention=(gus,))
    mention = await s.post(services, alice, "hi", visibility="private", mention=(gus,))
    media = await s.post(services, alice, "a photo", media=True)
    pinned = await s.post(services, alice, "pin me")
    assert (await alice.post(f"/api/v1/statuses/{pinned['id']}/pin")).status_code == 200
    assert (await bob.post(f"/api/v1/statuses/{pinned['id']}/bookmark")).status_code == 200
    assert (await erin.post(f"/api/v1/statuses/{pinned['id']}/mute")).status_code == 200
    own_boost = await s.post(services, alice, reblog_of=mention)
    made = await alice.post(
        "/api/v1/statuses",
        json={"status": "which one?", "poll": {"options": ["a", "b"], "expires_in": 3600}},
    )
    assert made.status_code == 200, made.text
    poll = made.json()
    voted = await bob.post(f"/api/v1/polls/{poll['poll']['id']}/votes", json={"choices": [1]})
    assert voted.status_code == 200, voted.text
    quote = await bob.post(
        "/api/v1/statuses", json={"status": "look", "quoted_status_id": pinned["id"]}
    )
    assert quote.status_code == 200, quote.text
    gone = await s.post(services, alice, "soon gone")
    await s.delete(services, gone)
    vids: list[int | None] = [None, *(int(p.id) for p in people.values())]
    for status in (direct, mention, media, pinned, own_boost, poll, quote.json(), gone):
        sid = int(status["id"])
        fast = await _together(services, sid, vids, "fast")
        for vid in vids:
            assert fast.get(vid) == await _alone(services, sid, vid), (status, vid)
    assert set(await _together(services, int(direct["id"]), vids, "fast")) == {
        int(alice.id),
        int(gus.id),
    }
    assert await _together(services, int(gone["id"]), vids, "fast") == {}
    bodies = await _together(services, int(pinned["id"]), vids, "fast")
    assert json.loads(bodies[int(alice.id)])["pinned"] is True
    assert json.loads(bodies[int(bob.id)])["bookmarked"] is True
    assert json.loads(bodies[int(erin.id)])["muted"] is True
    assert json.loads(bodies[int(erin.id)])["bookmarked"] is False
    votes = await _together(services, int(poll["id"]), vids, "fast")
    assert json.loads(votes[int(bob.id)])["poll"]["own_votes"] == [1]
    assert json.loads(votes[int(erin.id)])["poll"]["voted"] is False


async def test_the_fast_way_leaves_quote_posts_and_filtered_readers_to_the_complete_one(
    services: Services, make: Factory
) -> None:
    people = await _world(services, make)
    alice, bob, frank = people["alice"], people["bob"], people["frank"]
    plain = await s.post(services, alice, "our plans")
    quote = await bob.post(
        "/api/v1/statuses", json={"status": "look", "quoted_status_id": plain["id"]}
    )
    assert quote.status_code == 200, quote.text
    readers = [int(alice.id), int(bob.id), int(frank.id)]
    assert await render_fast(services, int(quote.json()["id"]), readers) is None
    fast = await render_fast(services, int(plain["id"]), readers)
    assert fast is not None
    rendered, alone = fast
    assert alone == {int(frank.id)}  # frank has a filter: the complete way decides for him
    assert set(rendered.payloads) == {int(alice.id), int(bob.id)}


async def test_a_large_batch_gives_the_event_loop_turns_while_it_makes_frames(
    services: Services, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Making a batch's frames yields to the event loop every ``SLICE`` seconds (here: after
    every event), so a request waiting for its turn does not wait for the whole batch; every
    frame still arrives, in order."""
    alice = await make.person("alice")
    viewer = auth.Viewer(
        token_id=0,
        account_id=alice.account.id,
        user_id=None,
        app_id=None,
        scopes=frozenset({"read"}),
    )
    stream = streaming.resolve_name("public", viewer, None, False)
    outbox = streaming.Outbox(services, viewer, sse=True)
    listener = stream_deliver.Listener(outbox, stream)
    batch = [
        Arrival(stream.channel, {"event": "delete", "status_id": str(n)}, (listener,))
        for n in range(1, 51)
    ]
    monkeypatch.setattr(stream_deliver, "SLICE", 0.0)
    ticks: list[int] = []

    async def ticker() -> None:
        while True:
            ticks.append(outbox.frames.qsize())
            await asyncio.sleep(0)

    beside = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    await Deliverer(services).handle(batch)
    beside.cancel()
    made = [frame.decode() for frame in await outbox.next(0)]
    assert made == [f"event: delete\ndata: {n}\n\n" for n in range(1, 51)]
    assert len({t for t in ticks if 0 < t < 50}) >= 10  # it ran while the frames were made
