"""The notifications pages read what the status cache lacks on the driver (issue 14, item 3):
statuses (``posts.queries.rows_by_id``) and senders (``posts.queries.account_rows``), no ORM
session unless the viewer has filters. Every answer is the ORM path's (the cache without its
reader) and the warm cache's, for every viewer, every notification type, every filter and page
parameter, v1 and the grouped v2, with blocked, muted, suspended and anonymous senders and a
deleted status."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, update

from porina.accounts.models import Account
from porina.api.mastodon import auth
from porina.core.clock import now
from porina.notifications.notify import notify
from porina.posts.queries import account_rows
from porina.services import Services
from tests.anonymity.support import anonymously, world

from ..factories import Factory, Person

EMOJI = [
    {
        "shortcode": "blob",
        "url": "https://remote.example/emoji/blob.png",
        "static_url": "https://remote.example/emoji/blob_static.png",
        "visible_in_picker": True,
    }
]
PARAMS: list[dict[str, Any]] = [
    {},
    {"limit": 3},
    {"types[]": ["favourite", "mention", "poll"]},
    {"exclude_types[]": ["favourite", "follow"]},
    {"types[]": ["porina.missed_call", "admin.sign_up", "quoted_update"]},
    {"types[]": ["nonsense"]},
    {"include_filtered": "true"},
    {"grouped_types[]": ["favourite"]},
]


async def _notify(services: Services, to: Person, sender: Person, kind: Any, **kw: Any) -> None:
    """A notification of a kind the API does not make on demand (a poll's end, an edit, an
    admin's sign-up, a missed call, a followed account's post), as its subscriber would."""
    async with services.db.transaction() as tx:
        await notify(tx, to.account.id, sender.account.id, kind, **kw)


async def _world(services: Services, make: Factory) -> list[Person]:
    """alice receives every type; bob is locked and filters strangers; one sender is blocked,
    one muted with notifications hidden, one muted with them shown, one suspended, one with
    emoji and fields; a mentioned status is deleted; the brand gets anonymous posts."""
    w = await world(services, make)
    alice, bob, carol, brand = w.alice, w.bob, w.carol, w.brand
    dave, erin, gone = await make.person("dave"), await make.person("erin"), await make.person()
    far, hush = await make.person("far"), await make.person("hush")
    poll = {"options": ["tea", "coffee"], "expires_in": 600}
    mine = await alice.status("a poll of mine", poll=poll)
    plain = await alice.status("plain words #kahvi")
    await bob.follow(alice)
    notified = await alice.post(f"/api/v1/accounts/{carol.id}/follow", data={"notify": "true"})
    assert notified.is_success
    for who in (carol, dave, erin, far, gone, hush):
        await who.post(f"/api/v1/statuses/{mine['id']}/favourite")
    await dave.post(f"/api/v1/statuses/{plain['id']}/reblog")
    await erin.post(f"/api/v1/statuses/{plain['id']}/favourite")
    await bob.post(f"/api/v1/polls/{mine['poll']['id']}/votes", json={"choices": [1]})
    await carol.status("@alice hello there")
    news = await carol.status("news from carol")
    await carol.status("@alice @bob a secret", visibility="direct")
    await far.status("@alice from afar", visibility="private")
    quoting = await erin.status("quoting you", quoted_status_id=plain["id"])
    doomed = await dave.status("@alice soon gone")
    assert (await dave.delete(f"/api/v1/statuses/{doomed['id']}")).is_success
    await gone.status("@alice from someone soon suspended")
    await hush.status("@alice from someone muted, notifications hidden")
    locked = await bob.patch("/api/v1/accounts/update_credentials", data={"locked": "true"})
    assert locked.is_success
    await erin.follow(bob)  # a follow request
    policy = {"for_not_following": "filter"}
    assert (await bob.patch("/api/v2/notifications/policy", json=policy)).is_success
    await (await make.person("stranger")).status("@bob held back by the policy")
    await _notify(services, alice, alice, "poll", status_id=int(mine["id"]))
    await _notify(services, alice, carol, "status", status_id=int(news["id"]))
    await _notify(services, alice, erin, "quoted_update", status_id=int(quoting["id"]))
    await _notify(services, alice, carol, "update", status_id=int(plain["id"]))
    await _notify(services, alice, dave, "admin.sign_up")
    await _notify(services, alice, erin, "porina.missed_call")
    await anonymously(carol, "Do you take cards?", brand_id=brand.id)
    await anonymously(alice, f"@{bob.username} asked anonymously", brand_id=brand.id)
    await _shun(services, alice, carol, dave=dave, hush=hush, far=far, gone=gone)
    return [alice, bob, carol, brand, dave, erin]


async def _shun(services: Services, alice: Person, carol: Person, **them: Person) -> None:
    """alice mutes dave (notifications shown) and hush (hidden), blocks far; gone is
    suspended; carol gets emoji, fields and a note."""
    dave, hush, far, gone = them["dave"], them["hush"], them["far"], them["gone"]
    await alice.post(f"/api/v1/accounts/{dave.id}/mute", data={"notifications": "false"})
    await alice.post(f"/api/v1/accounts/{hush.id}/mute", data={"notifications": "true"})
    await alice.post(f"/api/v1/accounts/{far.id}/block")
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Account).where(Account.id == gone.account.id).values(suspended_at=now())
        )
        await tx.session.execute(
            update(Account)
            .where(Account.id == carol.account.id)
            .values(emojis=EMOJI, fields=[{"name": "web", "value": "x"}], note="<p>hi</p>")
        )


async def _three(services: Services, who: Person, path: str, params: dict[str, Any]) -> Any:
    """The answer cold on the driver, cold through the ORM and warm, which must agree."""
    cache = services.status_cache
    reader = cache.reader
    answers = []
    try:
        for how, clear in ((reader, True), (None, True), (reader, False)):
            cache.reader = how
            if clear:
                cache.clear()
            response = await who.get(path, params=params)
            answers.append((response.status_code, response.json()))
    finally:
        cache.reader = reader
    assert answers[0] == answers[1] == answers[2], (who.username, path, params)
    return answers[0][1]


async def test_every_notifications_read_is_the_same_through_the_driver_or_the_orm(
    services: Services, make: Factory
) -> None:
    people = await _world(services, make)
    seen_types: set[str] = set()
    for who in people:
        first = await _three(services, who, "/api/v1/notifications", {})
        for params in [*PARAMS, *_pages(first)]:
            listed = await _three(services, who, "/api/v1/notifications", params)
            seen_types |= {n["type"] for n in listed}
            await _three(services, who, "/api/v2/notifications", params)
        for item in first[:6]:
            await _three(services, who, f"/api/v1/notifications/{item['id']}", {})
    expected = {"mention", "status", "reblog", "favourite", "follow", "follow_request", "poll"}
    expected |= {"update", "quote", "quoted_update", "admin.sign_up", "porina.missed_call"}
    assert expected <= seen_types, expected - seen_types


def _pages(first: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(first) < 3:
        return []
    middle = first[len(first) // 2]["id"]
    return [
        {"limit": 2, "max_id": middle},
        {"limit": 2, "min_id": middle},
        {"since_id": middle},
        {"account_id": first[0]["account"]["id"]},
    ]


async def test_senders_read_on_the_driver_equal_the_orms(services: Services, make: Factory) -> None:
    people = await _world(services, make)
    ids = [p.account.id for p in people]
    fast = {a.id: a for a in await account_rows(services.db.fast, [*ids, *ids, 10**15])}
    async with services.db.read() as session:
        orm = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))}
    assert fast.keys() == orm.keys() == set(ids)
    renderer = services.status_cache.renderer
    keys = Account.__mapper__.column_attrs.keys()
    for i in ids:
        one, other = fast[i], orm[i]
        assert {k: (getattr(one, k), type(getattr(one, k))) for k in keys} == {
            k: (getattr(other, k), type(getattr(other, k))) for k in keys
        }
        assert renderer.account(one) == renderer.account(other)


async def test_a_cold_notifications_page_opens_no_session(
    services: Services, make: Factory, monkeypatch: Any
) -> None:
    """Without filters, every miss is read on the driver: the notifications, their statuses'
    page rows, the statuses' rows and the senders the statuses' authors were not (4)."""
    monkeypatch.setattr(auth, "CACHE_SECONDS", 3600.0)
    alice, bob, carol = await make.person("alice"), await make.person("bob"), await make.person()
    mine = await alice.status("like this")
    await bob.post(f"/api/v1/statuses/{mine['id']}/favourite")
    await carol.status("@alice hello")
    await bob.follow(alice)
    await alice.get("/api/v1/notifications")  # the token cached
    sent: list[str] = []

    def record(conn: object, cursor: object, statement: str, *rest: object) -> None:
        sent.append(statement)

    hooks = alice.client.event_hooks
    settle = hooks["response"]
    alice.client.event_hooks = {**hooks, "response": []}
    engine = services.db.engine.sync_engine
    services.status_cache.clear()
    event.listen(engine, "before_cursor_execute", record)
    try:
        before = services.db.query_count
        response = await alice.get("/api/v1/notifications")
        spent = services.db.query_count - before
    finally:
        event.remove(engine, "before_cursor_execute", record)
        alice.client.event_hooks = {**hooks, "response": settle}
    assert [n["type"] for n in response.json()] == ["follow", "mention", "favourite"]
    assert spent == 4
    assert sent == []  # none through SQLAlchemy's engine: no session, no hop
