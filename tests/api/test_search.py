from __future__ import annotations

import httpx
from sqlalchemy import select, update

from porina.accounts.models import Account
from porina.accounts.queries import heard_in_public
from porina.core.clock import now
from porina.posts.models import Status
from porina.posts.queries import S, bundle_select
from porina.search import queries as search_queries
from porina.services import Services
from porina.timelines.queries import not_muted

from ..factories import Factory, Person
from ..timelines import support as s


async def search(person: object, **params: str) -> dict[str, list[dict[str, object]]]:
    response = await person.get("/api/v2/search", params=params)  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    body: dict[str, list[dict[str, object]]] = response.json()
    return body


async def test_accounts_are_found_by_username_or_display_name_prefix(make: Factory) -> None:
    alice = await make.person("alice")
    await make.person("alfred", display_name="Fred")
    await make.person("bob", display_name="Alison")
    found = await search(alice, q="al", type="accounts")
    assert {a["username"] for a in found["accounts"]} == {"alfred", "alice", "bob"}
    exact = await search(alice, q="@alice", type="accounts")
    assert exact["accounts"][0]["username"] == "alice"


async def test_statuses_are_found_by_words_only_when_visible(
    services: Services, make: Factory
) -> None:
    alice, bob, carol = (
        await make.person("alice"),
        await make.person("bob"),
        await make.person("carol"),
    )
    await s.follow(services, bob, alice)
    public = await s.post(services, alice, "Fresh coffee beans today")
    private = await s.post(services, alice, "secret coffee recipe", visibility="private")
    await s.post(services, alice, "tea only")
    for_bob = await search(bob, q="coffee", type="statuses")
    assert [st["id"] for st in for_bob["statuses"]] == [private["id"], public["id"]]
    for_carol = await search(carol, q="coffee", type="statuses")
    assert [st["id"] for st in for_carol["statuses"]] == [public["id"]]
    both_words = await search(carol, q="coffee beans")
    assert [st["id"] for st in both_words["statuses"]] == [public["id"]]


async def test_deleted_and_edited_statuses_follow_the_index(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    gone = await s.post(services, alice, "ephemeral words")
    kept = await s.post(services, alice, "draft words")
    await s.delete(services, gone)
    async with services.db.transaction() as tx:
        row = await tx.session.get(Status, int(kept["id"]))
        assert row is not None
        row.text = "final words"
    assert [st["id"] for st in (await search(alice, q="words"))["statuses"]] == [kept["id"]]
    assert (await search(alice, q="draft"))["statuses"] == []
    assert (await search(alice, q="ephemeral"))["statuses"] == []


async def test_anonymous_search_finds_no_statuses(
    services: Services, make: Factory, client: httpx.AsyncClient
) -> None:
    alice = await make.person("alice")
    await s.post(services, alice, "public coffee")
    response = await client.get("/api/v2/search", params={"q": "coffee"})
    assert response.status_code == 200
    assert response.json()["statuses"] == []
    assert (await client.get("/api/v2/search", params={"q": "x", "offset": "5"})).status_code == 401


async def test_hashtags_are_found_by_prefix_with_history(services: Services, make: Factory) -> None:
    alice = await make.person("alice")
    await s.post(services, alice, "hi", tags=("coffee",))
    await s.post(services, alice, "hi", tags=("coffeehouse",))
    found = await search(alice, q="#coff", type="hashtags")
    assert [t["name"] for t in found["hashtags"]] == ["coffee", "coffeehouse"]
    assert len(found["hashtags"][0]["history"]) == 7
    assert found["hashtags"][0]["history"][0]["uses"] == "1"


async def test_a_hashtag_prefix_finds_its_range_and_only_it(
    services: Services, make: Factory
) -> None:
    """Tags are found by the range of their (lowercased) names from the prefix: non-ASCII
    letters and an underscore in the prefix, any case asked, and neither a name just past
    the range nor one that merely contains the prefix."""
    alice = await make.person("alice")
    for tag in ("Kahvipäivä", "kahvi_aamu", "kahvi_ilta", "kahvj", "iltakahvi"):
        await s.post(services, alice, "hi", tags=(tag,))
    found = await search(alice, q="#KAHVIPÄ", type="hashtags")
    assert [t["name"] for t in found["hashtags"]] == ["Kahvipäivä"]
    found = await search(alice, q="#kahvi_", type="hashtags")
    assert [t["name"] for t in found["hashtags"]] == ["kahvi_aamu", "kahvi_ilta"]
    found = await search(alice, q="#kahvi", type="hashtags")
    assert [t["name"] for t in found["hashtags"]] == ["kahvi_aamu", "kahvi_ilta", "Kahvipäivä"]


async def test_search_with_odd_characters_is_not_an_error(make: Factory) -> None:
    alice = await make.person("alice")
    for q in ('"', "AND OR NOT", "*", "%_\\", "🙂", "a" * 900):
        response = await alice.get("/api/v2/search", params={"q": q})
        assert response.status_code == 200, (q, response.text)


async def test_accounts_search_endpoint_honours_following(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bobby")
    await make.person("bobcat")
    await s.follow(services, alice, bob)
    response = await alice.get("/api/v1/accounts/search", params={"q": "bob", "following": "true"})
    assert response.status_code == 200
    assert [a["username"] for a in response.json()] == ["bobby"]


async def test_blocked_accounts_are_not_found(services: Services, make: Factory) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    await s.block(services, bob, alice)
    assert (await search(alice, q="bob", type="accounts"))["accounts"] == []


async def test_a_full_handle_on_this_server_finds_the_local_account(
    services: Services, make: Factory
) -> None:
    """``toot follow aino@127.0.0.1:8000`` searches for the handle with resolve=true and takes
    the account whose ``acct`` is the bare name; lookup answers for the same handles."""
    services.settings = services.settings.with_(base_url="http://127.0.0.1:8000")
    aino = await make.person("aino")
    await make.person("ainomaija")
    for q in ("@aino@127.0.0.1:8000", "aino@127.0.0.1:8000", "AINO@127.0.0.1:8000"):
        found = await search(aino, q=q, resolve="true", type="accounts")
        assert [a["acct"] for a in found["accounts"]][:1] == ["aino"], q
        listed = await aino.get("/api/v1/accounts/search", params={"q": q, "resolve": "true"})
        assert [a["acct"] for a in listed.json()][:1] == ["aino"], q
    elsewhere = await search(aino, q="aino@elsewhere.example", resolve="true")
    assert elsewhere["accounts"] == []

    services.settings = services.settings.with_(domain="porina.example")
    for q in ("@aino@porina.example", "aino@127.0.0.1:8000"):
        found = await search(aino, q=q, resolve="true", type="accounts")
        assert [a["acct"] for a in found["accounts"]][:1] == ["aino"], q
        lookup = await aino.get("/api/v1/accounts/lookup", params={"acct": q})
        assert lookup.status_code == 200, q
        assert lookup.json()["id"] == aino.id
    unknown = await aino.get("/api/v1/accounts/lookup", params={"acct": "aino@elsewhere.example"})
    assert unknown.status_code == 404


async def _every_match(services: Services, viewer: Person, q: str) -> list[str]:
    """Every status holding the words of ``q`` that ``viewer`` may find, newest first, as one
    unbounded ORM read: the full-text condition as ``S.id IN (matches)``, the visibility rule
    (``bundle_select``), mutes and blocks, silences."""
    match = search_queries.status_match(q, sqlite=services.db.is_sqlite)
    assert match is not None
    viewer_id = viewer.account.id
    query = (
        bundle_select(viewer_id)
        .with_only_columns(S.id)
        .where(match, not_muted(viewer_id), S.reblog_of_id.is_(None))
        .where(heard_in_public(viewer_id, S.account_id))
        .order_by(S.id.desc())
    )
    async with services.db.read() as session:
        return [str(i) for i in await session.scalars(query)]


async def _paged(viewer: Person, by: str, **params: object) -> list[str]:
    """Every page of a statuses search of two, following ``max_id`` or ``offset``."""
    found: list[str] = []
    while True:
        asked: dict[str, object] = {"q": "kahvi", "type": "statuses", "limit": 2, **params}
        if by == "max_id" and found:
            asked["max_id"] = found[-1]
        elif by == "offset":
            asked["offset"] = len(found)
        page = [st["id"] for st in (await search(viewer, **asked))["statuses"]]
        if not page:
            return found
        found.extend(page)


async def test_paged_search_finds_what_the_full_read_finds_in_its_order(
    services: Services, make: Factory
) -> None:
    """The statuses search reads the full-text index newest first and stops at the page
    (on SQLite FTS5's rowids in descending order, issue 14): paged by ``max_id`` and by
    ``offset``, alone and for one author, it finds every match the viewer may see once, in
    the full read's order, past deleted, private, direct, blocked, muted, suspended and
    silenced authors' posts and boosts, with posts without the word between them."""
    bob = await make.person("bob")
    names = ("alice", "carol", "dave", "erin", "fay", "gus", "hal", "ivy")
    people = {name: await make.person(name) for name in names}
    await s.follow(services, bob, people["alice"])
    await s.follow(services, bob, people["ivy"])
    await s.block(services, bob, people["dave"])
    await s.block(services, people["erin"], bob)
    await s.mute(services, bob, people["fay"])
    for n in range(3):
        for name, who in people.items():
            await s.post(services, who, f"kahvi {name} {n}")
            await s.post(services, who, f"tea {name} {n}")
            if name in ("alice", "carol", "ivy"):
                await s.post(services, who, f"kahvi private {n}", visibility="private")
        gone = await s.post(services, people["alice"], f"kahvi gone {n}")
        await s.delete(services, gone)
        await s.post(
            services, people["carol"], f"kahvi to bob {n}", mention=(bob,), visibility="direct"
        )
        await s.post(services, bob, "", reblog_of=await s.post(services, people["hal"], "kahvi"))
    async with services.db.transaction() as tx:
        silenced = Account.id.in_([people["hal"].account.id, people["ivy"].account.id])
        await tx.session.execute(update(Account).where(silenced).values(silenced_at=now()))
        suspended = Account.id == people["gus"].account.id
        await tx.session.execute(update(Account).where(suspended).values(suspended_at=now()))
    for viewer in (bob, people["carol"], people["ivy"]):
        every = await _every_match(services, viewer, "kahvi")
        assert every and len(every) < 60, viewer.username
        assert await _paged(viewer, "max_id") == every, viewer.username
        assert await _paged(viewer, "offset") == every, viewer.username
        alice = people["alice"].account.id
        async with services.db.read() as session:
            hers = {
                str(i)
                for i in await session.scalars(select(Status.id).where(Status.account_id == alice))
            }
        assert await _paged(viewer, "max_id", account_id=alice) == [i for i in every if i in hers]


def test_the_end_of_a_prefix_range_is_the_next_string_in_code_point_order() -> None:
    assert search_queries.after_prefix("al") == "am"
    assert search_queries.after_prefix("a_") == "a`"
    assert search_queries.after_prefix("ä") == "å"
    assert search_queries.after_prefix("z\U0010ffff") == "{"
    assert search_queries.after_prefix("\U0010ffff") > "\U0010ffff" * 100


async def test_account_prefixes_find_exactly_the_names_starting_with_them(make: Factory) -> None:
    """Names are read as index ranges from the prefix to ``after_prefix`` with the exact
    ``LIKE`` on them (issue 14, migration 0059): ``_`` and ``%`` are letters, the range's
    ends and letters beyond ASCII are kept."""
    viewer = await make.person("viewer", display_name="Viewer")
    shown = {
        "al_x": "Nobody",
        "alx": "Alexander",
        "am": "Al%fred",
        "zed": "älä kuule",
        "Alz": "Zz\U0001f600",
        "b": "ALBERT",
    }
    for username, display_name in shown.items():
        await make.person(username, display_name=display_name)
    for q in ("al", "al_", "al%", "alz", "ä", "Ä", "älä k", "zz\U0001f600", "am", "b", "a"):
        found = await search(viewer, q=q, type="accounts", limit="40")
        wanted = {
            u
            for u, d in shown.items()
            if u.lower().startswith(q.lower()) or d.lower().startswith(q.lower())
        }
        assert {a["username"] for a in found["accounts"]} == wanted, q
