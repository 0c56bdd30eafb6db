"""The status cache reads its misses on the driver (``posts.queries.rows_by_id``): the rows,
the visibility and every rendering are the ORM path's (``bundles_by_id``), for every viewer,
over statuses of every kind; and a row that changed only in its counters is re-keyed, not
rendered again, while an edit is rendered again."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import update

from porina.accounts.models import Account
from porina.posts.models import Status
from porina.posts.queries import Bundle, StatusRow, bundles_by_id, rows_by_id
from porina.services import Services
from tests.anonymity.support import anonymously, world

from ..factories import Factory, Person
from ..posts.support import media

EMOJI = [
    {
        "shortcode": "blob",
        "url": "https://remote.example/emoji/blob.png",
        "static_url": "https://remote.example/emoji/blob_static.png",
        "visible_in_picker": True,
    }
]
CARD = {"url": "https://example.com/a", "title": "A page", "description": "", "type": "link"}


async def _varied(services: Services, make: Factory) -> tuple[list[Person], list[int]]:
    """Statuses of every kind, by alice and others; returns the viewers and the ids."""
    w = await world(services, make)
    alice, bob, carol = w.alice, w.bob, w.carol
    await bob.follow(alice)
    poll = {"options": ["yes", "no"], "expires_in": 3600, "multiple": True}
    made = [
        await alice.status("plain #tagged and #other"),
        await alice.status("", media_ids=[await media(services, alice)], sensitive=True),
        await alice.status("vote", poll=poll),
        await alice.status(f"hi @{bob.username}", spoiler_text="careful"),
        await alice.status("friends only", visibility="private"),
        await alice.status(f"@{bob.username} just us", visibility="direct"),
        await alice.status("quiet", visibility="unlisted", language="fi"),
        await carol.status("carol's"),
    ]
    made.append(await bob.status("quoting", quoted_status_id=made[0]["id"]))
    edited = made[0]["id"]
    assert (await alice.put(f"/api/v1/statuses/{edited}", json={"status": "edited"})).is_success
    boost = await bob.post(f"/api/v1/statuses/{made[7]['id']}/reblog")
    private_boost = await alice.post(f"/api/v1/statuses/{made[4]['id']}/reblog")
    asked = await anonymously(alice, "Do you take cards?", brand_id=w.brand.id)
    ids = [int(s["id"]) for s in made]
    ids += [int(r.json()["id"]) for r in (boost, private_boost, asked)]
    async with services.db.engine.begin() as conn:  # a remote author's emoji and a card
        await conn.execute(
            update(Status).where(Status.id == ids[7]).values(emojis=EMOJI, card=CARD)
        )
        await conn.execute(
            update(Account)
            .where(Account.id == int(carol.id))
            .values(emojis=EMOJI, fields=[{"name": "web", "value": "x"}], note="<p>hi</p>")
        )
    return [alice, bob, carol, w.brand], ids


def _columns(row: Any) -> dict[str, Any]:
    """Every column attribute of a model object, with its value's type."""
    if row is None:
        return {}
    keys = row.__mapper__.column_attrs.keys()
    return {key: (getattr(row, key), type(getattr(row, key))) for key in keys}


def _same_rows(fast: StatusRow | None, orm: StatusRow | None) -> None:
    assert (fast is None) == (orm is None)
    if fast is None or orm is None:
        return
    for one, other in zip(
        (fast.status, fast.account, fast.poll, fast.app),
        (orm.status, orm.account, orm.poll, orm.app),
        strict=True,
    ):
        assert _columns(one) == _columns(other)


async def _both(
    services: Services, viewer: int | None, ids: list[int]
) -> tuple[list[Bundle], list[Bundle]]:
    fast = await rows_by_id(services.db.fast, viewer, ids)
    async with services.db.read() as session:
        orm = await bundles_by_id(session, viewer, ids)
    return fast, orm


async def test_the_driver_reads_what_the_orm_reads_for_every_viewer(
    services: Services, make: Factory
) -> None:
    people, ids = await _varied(services, make)
    renderer = services.status_cache.renderer
    for viewer in [None, *(int(p.id) for p in people)]:
        fast, orm = await _both(services, viewer, ids)
        assert [b.entry.status.id for b in fast] == [b.entry.status.id for b in orm]
        for one, other in zip(fast, orm, strict=True):
            _same_rows(one.entry, other.entry)
            _same_rows(one.reblog, other.reblog)
            as_fast = msgspec.json.encode(renderer.bundle(one, None, viewer))
            assert as_fast == msgspec.json.encode(renderer.bundle(other, None, viewer))
    anonymous, _ = await _both(services, None, ids)
    assert len(anonymous) < len(ids)  # the private, direct and boosted private are not shown


async def test_every_read_is_the_same_through_the_driver_or_the_orm(
    services: Services, make: Factory, client: Any
) -> None:
    people, ids = await _varied(services, make)
    cache = services.status_cache
    reader = cache.reader
    paths = [f"/api/v1/statuses/{i}" for i in ids]
    paths += [f"/api/v1/statuses/{ids[0]}/context", f"/api/v1/accounts/{people[0].id}/statuses"]
    paths += ["/api/v1/notifications", "/api/v1/timelines/home"]
    for get in [client.get, *(p.get for p in people)]:
        for path in paths:
            answers = []
            for how in (reader, None):
                cache.reader = how
                cache.clear()
                response = await get(path)
                answers.append((response.status_code, response.json()))
            assert answers[0] == answers[1], path
    cache.reader = reader


async def test_a_counter_change_is_rekeyed_and_an_edit_rendered_again(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    status = await alice.status("first words")
    path = f"/api/v1/statuses/{status['id']}"
    cache = services.status_cache
    assert (await bob.get(path)).is_success
    assert (await bob.post(f"{path}/favourite")).json()["favourites_count"] == 1
    shown = (await bob.get(path)).json()
    assert shown["favourites_count"] == 1 and shown["favourited"] is True
    rekeyed = cache.rekeyed
    assert (await alice.post(f"{path}/reblog")).is_success
    assert (await alice.get(path)).json()["reblogs_count"] == 1
    assert cache.rekeyed > rekeyed
    rekeyed = cache.rekeyed
    assert (await alice.put(path, json={"status": "second words"})).is_success
    edited = (await bob.get(path)).json()
    assert "second words" in edited["content"] and edited["edited_at"] is not None
    assert edited["favourites_count"] == 1 and edited["reblogs_count"] == 1
    assert cache.rekeyed == rekeyed
    cache.clear()
    assert (await bob.get(path)).json() == edited


async def test_a_rendering_is_not_rekeyed_across_a_change_of_its_authors_name(
    services: Services, make: Factory
) -> None:
    """A status's uri, url and links are made from its author's username and domain: when
    they change (an account moved under another domain), the next read renders it again,
    even though only the status's version moved."""
    alice, bob = await make.person("alice"), await make.person("bob")
    status = await alice.status("about #kahvi")
    path = f"/api/v1/statuses/{status['id']}"
    before = (await bob.get(path)).json()
    assert 'href="http://testserver.local/tags/kahvi"' in before["content"]
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account)
            .where(Account.id == alice.account.id)
            .values(domain="far.example", version=Account.version + 1)
        )
        await tx.session.execute(
            update(Status).where(Status.id == int(status["id"])).values(version=Status.version + 1)
        )
    rekeyed = services.status_cache.rekeyed
    after = (await bob.get(path)).json()
    assert 'href="/tags/kahvi"' in after["content"], after["content"]
    assert after["account"]["acct"] == "alice@far.example"
    assert services.status_cache.rekeyed == rekeyed
