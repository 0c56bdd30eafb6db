"""Posts across servers, in both directions, through the same privacy rules as local ones:
who receives a followers-only or direct post, and how a remote Note (mentions, hashtags,
replies, content warnings, language, attachments) shows in home, thread and notifications."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx

from porina.federation import media_proxy
from porina.services import Services
from porina.storage.broker import MemoryBroker

from ..desk.inbox_support import brand_with_agent
from ..factories import Factory, Person
from .peers import AS_PUBLIC, BASE, Peer, deliver, note, remote_account


async def _followed_by(client: httpx.AsyncClient, peer: Peer, name: str, local: str) -> None:
    follow = {
        "id": f"{peer.actor(name)}#follows/{local}",
        "type": "Follow",
        "actor": peer.actor(name),
        "object": f"{BASE}/users/{local}",
    }
    assert (await deliver(client, follow)).status_code == 202


async def _follow(person: Person, account_id: int) -> None:
    response = await person.post(f"/api/v1/accounts/{account_id}/follow")
    assert response.status_code == 200, response.text


async def test_a_followers_only_post_reaches_only_servers_with_followers(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    await remote_account(services, far, "cy")
    await _followed_by(client, near, "bo", "aino")
    near.received.clear()
    post = await aino.status("for friends", visibility="private")
    creates = near.of_type("Create")
    assert [path for path, _ in creates] == ["/inbox"]  # bo's server, by its shared inbox
    assert far.received == []  # cy follows nobody here: their server hears nothing
    activity = creates[0][1]
    assert activity["to"] == [f"{BASE}/users/aino/followers"] and activity["cc"] == []
    assert AS_PUBLIC not in str(activity)
    assert activity["object"]["id"] == post["uri"]


async def test_a_direct_post_goes_to_the_mentioned_inbox_alone(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino = await make.person("aino")
    await remote_account(services, near, "bo")
    await remote_account(services, near, "dee")
    await remote_account(services, far, "cy")
    await _followed_by(client, near, "dee", "aino")
    await _followed_by(client, far, "cy", "aino")
    near.received.clear()
    far.received.clear()
    await aino.status(f"@bo@{near.host} a secret", visibility="direct")
    assert far.received == []  # a follower's server is not told of a direct post
    [(path, activity)] = near.of_type("Create")
    assert path == "/users/bo/inbox"  # bo's own inbox, never the shared one dee also uses
    note_ = activity["object"]
    assert note_["to"] == [near.actor("bo")] and note_["cc"] == []
    assert note_["tag"] == [
        {"type": "Mention", "href": near.actor("bo"), "name": f"@bo@{near.host}"}
    ]
    assert f'href="{near.base}' in note_["content"] or "@bo" in note_["content"]


async def test_a_reply_with_warning_language_and_media_goes_out_whole(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    await _followed_by(client, near, "bo", "aino")
    await deliver(client, note(near, "bo", 1, "<p>Open?</p>", to=[AS_PUBLIC]))
    theirs = await _status_by_uri(aino, bo_id, f"{near.actor('bo')}/statuses/1")
    near.received.clear()
    await aino.status(
        f"@bo@{near.host} yes #coffee",
        in_reply_to_id=theirs["id"],
        spoiler_text="hours",
        language="fi",
    )
    [(_, activity)] = near.of_type("Create")
    sent = activity["object"]
    assert sent["inReplyTo"] == f"{near.actor('bo')}/statuses/1"
    assert sent["summary"] == "hours" and sent["sensitive"] is True
    assert sent["contentMap"] == {"fi": sent["content"]}
    assert {"type": "Hashtag", "name": "#coffee", "href": f"{BASE}/tags/coffee"} in sent["tag"]
    assert 'href="/' not in sent["content"]  # links to this server are absolute


async def _status_by_uri(person: Person, account_id: int, uri: str) -> dict[str, Any]:
    statuses = (await person.get(f"/api/v1/accounts/{account_id}/statuses")).json()
    return next(s for s in statuses if s["uri"] == uri)


async def test_a_remote_reply_with_mention_media_and_warning_shows_as_a_local_one(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino, eki = await make.person("aino"), await make.person("eki")
    bo_id = await remote_account(services, near, "bo")
    await _follow(eki, bo_id)
    await eki.follow(aino)  # home shows replies between people one follows
    question = await aino.status("Anyone for coffee?")
    reply = note(
        near,
        "bo",
        2,
        '<p><a href="http://testserver.local/@aino">@aino</a> yes! #Kahvi</p><script>x</script>',
        to=[AS_PUBLIC],
        cc=[f"{BASE}/users/aino"],
        inReplyTo=question["uri"],
        summary="caffeine",
        sensitive=True,
        contentMap={"fi": "<p>yes</p>"},
        tag=[
            {"type": "Mention", "href": f"{BASE}/users/aino", "name": "@aino"},
            {"type": "Hashtag", "name": "#Kahvi", "href": f"{near.base}/tags/kahvi"},
        ],
        attachment=[
            {
                "type": "Document",
                "mediaType": "image/jpeg",
                "url": f"{near.base}/media/cup.jpg",
                "name": "a cup on a saucer",
                "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                "focalPoint": [0.5, -0.25],
                "width": 640,
                "height": 480,
            }
        ],
    )
    assert (await deliver(client, reply)).status_code == 202
    home = (await eki.get("/api/v1/timelines/home")).json()
    seen = next(s for s in home if s["uri"] == reply["object"]["id"])
    assert seen["in_reply_to_id"] == question["id"]
    assert seen["spoiler_text"] == "caffeine" and seen["sensitive"] is True
    assert seen["language"] == "fi"
    assert "<script>" not in seen["content"]
    assert [t["name"] for t in seen["tags"]] == ["kahvi"]
    assert [m["acct"] for m in seen["mentions"]] == ["aino"]
    [media] = seen["media_attachments"]
    assert media["remote_url"] == f"{near.base}/media/cup.jpg"
    assert (
        media["url"]
        == media["preview_url"]
        == media_proxy.proxy_url(services.settings, media["remote_url"])
    )  # shown through the media proxy
    assert media["description"] == "a cup on a saucer"
    assert media["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    context = (await aino.get(f"/api/v1/statuses/{question['id']}/context")).json()
    assert [s["id"] for s in context["descendants"]] == [seen["id"]]
    notes = (await aino.get("/api/v1/notifications", params={"types[]": "mention"})).json()
    assert [(n["account"]["acct"], n["status"]["id"]) for n in notes] == [
        (f"bo@{near.host}", seen["id"])
    ]
    assert (await aino.get(f"/api/v1/statuses/{question['id']}")).json()["replies_count"] == 1


async def test_remote_followers_only_and_direct_posts_keep_their_privacy(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino, eki, outsider = await make.person("aino"), await make.person("eki"), await make.person()
    bo_id = await remote_account(services, near, "bo")
    await _follow(eki, bo_id)
    followers = f"{near.actor('bo')}/followers"
    await deliver(client, note(near, "bo", 3, "<p>friends</p>", to=[followers]))
    dm = note(
        near,
        "bo",
        4,
        "<p>@aino psst</p>",
        to=[f"{BASE}/users/aino"],
        tag=[{"type": "Mention", "href": f"{BASE}/users/aino", "name": "@aino"}],
    )
    await deliver(client, dm)
    home = (await eki.get("/api/v1/timelines/home")).json()
    assert [(s["content"], s["visibility"]) for s in home] == [("<p>friends</p>", "private")]
    notes = (await aino.get("/api/v1/notifications")).json()
    [mention] = notes
    assert mention["type"] == "mention" and mention["status"]["visibility"] == "direct"
    conversations = (await aino.get("/api/v1/conversations")).json()
    assert conversations[0]["last_status"]["id"] == mention["status"]["id"]
    for who, sid in ((outsider, mention["status"]["id"]), (eki, mention["status"]["id"])):
        assert (await who.get(f"/api/v1/statuses/{sid}")).status_code == 404
    listed = (await outsider.get(f"/api/v1/accounts/{bo_id}/statuses")).json()
    assert listed == []  # neither the followers-only post nor the DM


async def _read_until_sentinel(
    stream: AsyncIterator[tuple[str, dict[str, Any]]], into: list[tuple[str, dict[str, Any]]]
) -> None:
    async for channel, message in stream:
        if message.get("event") == "sentinel":
            return
        into.append((channel, message))


async def test_a_remote_post_is_streamed_as_a_local_one_is(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    """A public remote post reaches its local follower's user stream and the public and
    remote-public streams (never the local-public ones), as streaming clients listen."""
    near, _ = peers
    eki = await make.person("eki")
    bo_id = await remote_account(services, near, "bo")
    await _follow(eki, bo_id)
    broker = services.broker
    assert isinstance(broker, MemoryBroker)
    channels = [f"user:{eki.id}", "public", "public:remote", "public:local", "hashtag:local:kahvi"]
    heard: list[tuple[str, dict[str, Any]]] = []
    reader = asyncio.ensure_future(_read_until_sentinel(broker.subscribe(channels), heard))
    for _ in range(10_000):  # the reader task registers on its first step
        if broker.subscriber_count("public:remote"):
            break
        await asyncio.sleep(0)
    created = note(
        near,
        "bo",
        20,
        "<p>#kahvi</p>",
        to=[AS_PUBLIC],
        tag=[{"type": "Hashtag", "name": "#kahvi"}],
    )
    assert (await deliver(client, created)).status_code == 202
    [theirs] = (await eki.get(f"/api/v1/accounts/{bo_id}/statuses")).json()
    await broker.publish(f"user:{eki.id}", {"event": "sentinel"})
    await asyncio.wait_for(reader, 30)
    updates = {
        c
        for c, m in heard
        if m.get("event") == "update" and str(m.get("status_id")) == theirs["id"]
    }
    assert updates == {f"user:{eki.id}", "public", "public:remote"}


async def test_a_remote_mention_of_a_brand_opens_a_desk_conversation(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    """A Mastodon user's question to a café reaches the café's desk as a local one does."""
    near, _ = peers
    agent = await brand_with_agent(services, make, "cafe")
    await remote_account(services, near, "bo")
    question = note(
        near,
        "bo",
        30,
        "<p>@cafe are you open on Sunday?</p>",
        to=[AS_PUBLIC],
        tag=[{"type": "Mention", "href": f"{BASE}/users/cafe", "name": "@cafe"}],
    )
    assert (await deliver(client, question)).status_code == 202
    [conversation] = await agent.conversations()
    assert conversation["contact"]["acct"] == f"bo@{near.host}"
