"""Silenced accounts (issue 20, point 5): an account silenced by a domain silence or by a
moderator stays out of the public, local, federated and hashtag timelines, trends and search
for everyone who does not follow it, as Mastodon keeps limited accounts; its followers still
see it. A property test over a small mixed world and every follow set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from porina.federation import domain_blocks
from porina.services import Services

from ..factories import Factory, Person
from .peers import AS_PUBLIC, Peer, deliver, note, remote_account

ADMIN_SCOPES = "read write follow push admin:read admin:write"
AUTHORS = ("kahvi_s1", "kahvi_s2", "kahvi_f1", "kahvi_l1", "kahvi_l2")
SILENCED = frozenset({"kahvi_s1", "kahvi_s2", "kahvi_l1"})
"""s1, s2: on a silenced domain; f1: on a server in good standing; l1: a local account a
moderator silenced; l2: a local account in good standing."""


@dataclass
class World:
    ids: dict[str, str]
    """Author name -> account id."""
    viewer: Person
    """Follows what each example asks (the follows are changed, not the person: a new
    person per example would cost a password hash and a token)."""
    following: set[str]


@pytest.fixture
def built() -> list[World]:
    """The world, once built (Hypothesis runs every example on the test's one database)."""
    return []


async def _world(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> World:
    near, far = peers
    async with services.db.transaction() as tx:
        await domain_blocks.create(tx, near.host, domain_blocks.BlockFields(severity="silence"))
    boss = await make.person("boss", role="admin", scopes=ADMIN_SCOPES)
    fan = await make.person("fan")  # favourites every post, so all of them trend
    ids: dict[str, str] = {}
    for number, name in enumerate(AUTHORS, start=1):
        if name.endswith(("s1", "s2", "f1")):
            peer = far if name.endswith("f1") else near
            ids[name] = str(await remote_account(services, peer, name))
            tags = [{"type": "Hashtag", "name": "#kahvi"}]
            created = note(peer, name, number, "<p>kahvi #kahvi</p>", to=[AS_PUBLIC], tag=tags)
            assert (await deliver(client, created)).status_code == 202
        else:
            person = await make.person(name)
            ids[name] = person.id
            await person.status("kahvi #kahvi")
    await boss.post(f"/api/v1/admin/accounts/{ids['kahvi_l1']}/action", json={"type": "silence"})
    for name in AUTHORS:
        [post] = (await fan.get(f"/api/v1/accounts/{ids[name]}/statuses")).json()
        await fan.post(f"/api/v1/statuses/{post['id']}/favourite")
    return World(ids, await make.person("viewer"), set())


def _authors(world: World, statuses: list[dict[str, Any]]) -> set[str]:
    """The world's authors among ``statuses`` (others' posts, say the viewers', left out)."""
    by_id = {v: k for k, v in world.ids.items()}
    return {by_id[s["account"]["id"]] for s in statuses if s["account"]["id"] in by_id}


@hsettings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(follows=st.sets(st.sampled_from(AUTHORS)), signed_in=st.booleans())
async def test_silenced_accounts_show_in_public_places_only_to_their_followers(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    built: list[World],
    follows: set[str],
    signed_in: bool,
) -> None:
    if not built:
        built.append(await _world(services, make, client, peers))
    world = built[0]
    viewer = world.viewer
    for name in world.following ^ follows:
        verb = "follow" if name in follows else "unfollow"
        assert (await viewer.post(f"/api/v1/accounts/{world.ids[name]}/{verb}")).status_code == 200
    world.following = set(follows)
    shown = set(AUTHORS) - SILENCED | (follows if signed_in else set())
    get = viewer.get if signed_in else client.get
    remote = {"kahvi_s1", "kahvi_s2", "kahvi_f1"}
    places = {
        "/api/v1/timelines/public": shown,
        "/api/v1/timelines/public?local=true": shown - remote,
        "/api/v1/timelines/public?remote=true": shown & remote,
        "/api/v1/timelines/tag/kahvi": shown,
        "/api/v1/trends/statuses": shown,
    }
    for path, expected in places.items():
        assert _authors(world, (await get(path)).json()) == expected, path
    if signed_in:
        found = (await viewer.get("/api/v2/search?q=kahvi&type=statuses")).json()["statuses"]
        assert _authors(world, found) == shown - remote  # remote posts keep no text to search yet
        people = (await viewer.get("/api/v2/search?q=kahvi_&type=accounts")).json()["accounts"]
        assert _authors(world, [{"account": a} for a in people]) == shown


async def test_a_silenced_account_is_found_by_its_exact_name_and_followers_see_its_posts(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    async with services.db.transaction() as tx:
        await domain_blocks.create(tx, near.host, domain_blocks.BlockFields(severity="silence"))
    quiet = await remote_account(services, near, "quiet")
    found = (await aino.get(f"/api/v2/search?q=quiet@{near.host}&type=accounts")).json()
    assert [a["id"] for a in found["accounts"]] == [str(quiet)]
    await aino.post(f"/api/v1/accounts/{quiet}/follow")
    tags = [{"type": "Hashtag", "name": "#hiljaa"}]
    quietly = note(near, "quiet", 1, "<p>for my followers #hiljaa</p>", to=[AS_PUBLIC], tag=tags)
    await deliver(client, quietly)
    home = (await aino.get("/api/v1/timelines/home")).json()
    assert [s["account"]["id"] for s in home] == [str(quiet)]
    # its hashtags do not trend (for anyone: trends are the server's)
    assert "hiljaa" not in [t["name"] for t in (await aino.get("/api/v1/trends/tags")).json()]
    await aino.status("me too #hiljaa")
    assert "hiljaa" in [t["name"] for t in (await aino.get("/api/v1/trends/tags")).json()]
