"""Custom emoji and quote posts across servers: a remote Note's ``Emoji`` tags show in the
API's ``emojis``; a local post using this server's custom emoji carries their tags; a remote
quote of a local post is shown quoting it when the post's quote policy lets its author quote
it, pending otherwise; a ``QuoteRequest`` is answered by the policy."""

from __future__ import annotations

from typing import Any

import httpx

from porina.core.clock import now
from porina.core.ids import new_id
from porina.federation import media_proxy
from porina.posts.models import CustomEmoji
from porina.services import Services

from ..factories import Factory, Person
from .peers import AS_PUBLIC, BASE, Peer, deliver, note, remote_account


async def _status_by_uri(person: Person, account_id: int, uri: str) -> dict[str, Any]:
    statuses = (await person.get(f"/api/v1/accounts/{account_id}/statuses")).json()
    return next(s for s in statuses if s["uri"] == uri)


async def test_custom_emoji_come_in_as_tags_and_go_out_as_tags(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    icon = f"{near.base}/emoji/blobcat.png"
    tags = [
        {"type": "Emoji", "name": ":blobcat:", "icon": {"type": "Image", "url": icon}},
        {"type": "Emoji", "name": ":unused:", "icon": {"type": "Image", "url": icon}},
        {"type": "Emoji", "name": ":bad:", "icon": {"url": "javascript:alert(1)"}},
    ]
    sent = note(near, "bo", 3, "<p>Hi :blobcat: :bad:</p>", to=[AS_PUBLIC], tag=tags)
    assert (await deliver(client, sent)).status_code == 202
    theirs = await _status_by_uri(aino, bo_id, sent["object"]["id"])
    proxied = media_proxy.proxy_url(services.settings, icon, media_proxy.EMOJI)
    assert theirs["emojis"] == [  # the image through the media proxy, never the remote URL
        {
            "shortcode": "blobcat",
            "url": proxied,
            "static_url": proxied,
            "visible_in_picker": False,
            "category": None,
        }
    ]
    edited = {**sent, "id": f"{sent['object']['id']}#updates/1", "type": "Update"}
    edited["object"] = {**sent["object"], "content": "<p>Bye :unused:</p>"}
    assert (await deliver(client, edited)).status_code == 202
    theirs = await _status_by_uri(aino, bo_id, sent["object"]["id"])
    assert [e["shortcode"] for e in theirs["emojis"]] == ["unused"]
    async with services.db.transaction() as tx:
        tx.session.add(
            CustomEmoji(
                id=new_id(), shortcode="kahvi", image_path="emoji/kahvi.png", created_at=now()
            )
        )
    follow = {"id": f"{near.actor('bo')}#f/2", "type": "Follow", "actor": near.actor("bo")}
    assert (await deliver(client, {**follow, "object": f"{BASE}/users/aino"})).status_code == 202
    near.received.clear()
    await aino.status("Coffee :kahvi: at ten:30: sharp")
    [(_, create)] = near.of_type("Create")
    [emoji] = [t for t in create["object"]["tag"] if t["type"] == "Emoji"]
    assert emoji["name"] == ":kahvi:"
    assert emoji["icon"]["url"] == f"{BASE}/media/emoji/kahvi.png"
    assert emoji["icon"]["mediaType"] == "image/png"


async def test_remote_quotes_follow_the_local_quote_policy(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    open_post = await aino.status("Quote me")
    closed_post = await aino.status("Do not", quote_approval_policy="nobody")
    for number, quoted, key in ((11, open_post, "quote"), (12, closed_post, "_misskey_quote")):
        quoting = note(near, "bo", number, "<p>Look</p>", to=[AS_PUBLIC], **{key: quoted["uri"]})
        assert (await deliver(client, quoting)).status_code == 202
    shown = await _status_by_uri(aino, bo_id, f"{near.actor('bo')}/statuses/11")
    assert shown["quote"]["state"] == "accepted"
    assert shown["quote"]["quoted_status"]["id"] == open_post["id"]
    refused = await _status_by_uri(aino, bo_id, f"{near.actor('bo')}/statuses/12")
    assert refused["quote"]["state"] == "pending" and refused["quote"]["quoted_status"] is None
    counted = (await aino.get(f"/api/v1/statuses/{open_post['id']}")).json()
    assert counted["quotes_count"] == 1
    near.received.clear()
    for number, quoted in ((13, open_post), (14, closed_post)):
        instrument = note(near, "bo", number, "<p>May I?</p>", to=[AS_PUBLIC], quote=quoted["uri"])
        request = {
            "id": f"{near.actor('bo')}#quote_requests/{number}",
            "type": "QuoteRequest",
            "actor": near.actor("bo"),
            "object": quoted["uri"],
            "instrument": instrument["object"],
        }
        assert (await deliver(client, request)).status_code == 202
    answers = {a["object"]["id"]: a for _, a in near.received if a["type"] in ("Accept", "Reject")}
    accepted = answers[f"{near.actor('bo')}#quote_requests/13"]
    assert accepted["type"] == "Accept" and accepted["result"].startswith(open_post["uri"])
    assert answers[f"{near.actor('bo')}#quote_requests/14"]["type"] == "Reject"
    stored = await _status_by_uri(aino, bo_id, f"{near.actor('bo')}/statuses/13")
    assert stored["quote"]["state"] == "accepted"


async def test_a_local_quote_post_names_what_it_quotes_as_mastodon_does(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    theirs = note(near, "bo", 21, "<p>Big news</p>", to=[AS_PUBLIC])
    assert (await deliver(client, theirs)).status_code == 202
    follow = {"id": f"{near.actor('bo')}#f/3", "type": "Follow", "actor": near.actor("bo")}
    assert (await deliver(client, {**follow, "object": f"{BASE}/users/aino"})).status_code == 202
    quoted = await _status_by_uri(aino, bo_id, theirs["object"]["id"])
    near.received.clear()
    await aino.status("So true", quoted_status_id=quoted["id"], quote_approval_policy="followers")
    [(_, create)] = near.of_type("Create")
    sent = create["object"]
    uri = theirs["object"]["id"]
    assert sent["quote"] == sent["quoteUri"] == sent["_misskey_quote"] == uri
    assert sent["interactionPolicy"] == {
        "canQuote": {
            "automaticApproval": [f"{BASE}/users/aino", f"{BASE}/users/aino/followers"],
            "manualApproval": [],
        }
    }
    [(path, request)] = near.of_type("QuoteRequest")  # its author is asked, in its own inbox
    assert path == "/users/bo/inbox" and request["object"] == uri
    assert request["instrument"]["id"] == sent["id"]
    authorization = f"{near.actor('bo')}/quote_authorizations/1"
    accept: dict[str, Any] = {
        "id": f"{near.actor('bo')}#accepts/1",
        "type": "Accept",
        "actor": near.actor("bo"),
        "object": {k: v for k, v in request.items() if k != "@context"},
        "result": authorization,
    }
    near.received.clear()
    assert (await deliver(client, accept)).status_code == 202
    [(_, update)] = near.of_type("Update")
    assert update["object"]["quoteAuthorization"] == authorization
    second = await aino.status("Hmm", quoted_status_id=quoted["id"])
    [(_, request)] = near.of_type("QuoteRequest")
    reject = {**accept, "id": f"{near.actor('bo')}#rejects/2", "type": "Reject"}
    reject["object"] = {**accept["object"], "id": request["id"]}
    del reject["result"]
    assert (await deliver(client, reject)).status_code == 202
    shown = (await aino.get(f"/api/v1/statuses/{second['id']}")).json()
    assert shown["quote"]["state"] == "rejected" and shown["quote"]["quoted_status"] is None
