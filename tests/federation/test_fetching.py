"""Fetching on demand (issue 20) against a real remote server on loopback that serves
documents: a reply's thread up to the depth bound, unknown mentioned accounts, a boosted
Note, each object on the origin that served it, every fetch signed by the instance actor;
one status per Note even when two deliveries race; search resolving a status URL (or its web
page) and a handle; a remote attachment through the media proxy."""

from __future__ import annotations

import asyncio
import io
import json

import httpx
from litestar import Litestar
from PIL import Image
from sqlalchemy import func, select

from porina.accounts.models import Account
from porina.core.clock import now
from porina.core.ids import new_id
from porina.federation import fetching, notes
from porina.federation.signatures import sign_request
from porina.jobs.models import Job
from porina.posts.models import Status
from porina.services import Services

from ..factories import Factory
from . import peers as fixtures
from .interop.support import free_port, served
from .peers import AS_PUBLIC, BASE, Peer, Server, deliver, key_pair, note, remote_account

server, remote, settings = fixtures.server, fixtures.remote, fixtures.settings


async def _uri_count(services: Services, uri: str) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(select(func.count()).where(Status.uri == uri)) or 0)


async def _status(services: Services, uri: str) -> Status | None:
    async with services.db.read() as session:
        found: Status | None = await session.scalar(select(Status).where(Status.uri == uri))
        return found


async def test_a_note_is_stored_once_even_when_a_racing_delivery_stored_it_first(
    services: Services, client: httpx.AsyncClient, remote: Server
) -> None:
    bo_id = await remote_account(services, remote, "bo")
    create = note(remote, "bo", 1, "<p>twice</p>", to=[AS_PUBLIC])
    for _ in range(2):  # a retry, or the same Note through two inboxes
        assert (await deliver(client, create)).status_code == 202
    uri = create["object"]["id"]
    assert await _uri_count(services, uri) == 1
    listed = note(remote, "bo", 2, "<p>typed twice</p>", to=[AS_PUBLIC], inReplyTo=uri)
    listed["object"]["type"] = ["Note", "Article"]  # as some peers send: accepted, not kept
    assert (await deliver(client, listed)).status_code == 202
    async with services.db.transaction() as tx:  # a racer past the check: the index refuses
        bo = await tx.session.get(Account, bo_id)
        assert bo is not None
        copy = Status(id=new_id(), account_id=bo_id, created_at=now(), uri=uri, local=False)
        assert await notes.stored_once(tx, copy) is False
        bo.note = "still written"  # the rest of the transaction stands
    assert await _uri_count(services, uri) == 1
    async with services.db.read() as session:
        kept = await session.get(Account, bo_id)
    assert kept is not None and kept.note == "still written"


async def test_simultaneous_deliveries_of_one_note_on_a_real_server_store_it_once(
    services: Services, app: Litestar, remote: Server
) -> None:
    """Four copies of one Create at the same moment, through a real HTTP server (the test
    client runs requests one at a time): each is accepted, one job is queued (keyed by the
    activity's id), one status is stored."""
    await remote_account(services, remote, "bo")
    create = note(remote, "bo", 1, "<p>at once</p>", to=[AS_PUBLIC])
    body = json.dumps(create).encode()
    key_id = f"{create['actor']}#main-key"
    headers = sign_request(
        "POST", f"{BASE}/inbox", key_id=key_id, private_pem=key_pair()[0], body=body, when=now()
    )
    headers["Content-Type"] = "application/activity+json"
    async with served(app, free_port()) as base, httpx.AsyncClient(timeout=60) as http:
        copies = [http.post(f"{base}/inbox", content=body, headers=headers) for _ in range(4)]
        answers = await asyncio.gather(*copies)
    assert [a.status_code for a in answers] == [202] * 4, [a.text for a in answers]
    async with services.db.read() as session:
        kinds = list(await session.scalars(select(Job.kind).where(Job.kind.like("federation.%"))))
    assert kinds == ["federation.receive"]
    await services.runner.drain()
    assert await _uri_count(services, create["object"]["id"]) == 1


async def test_a_reply_fetches_its_thread_up_to_the_bound_and_its_mentions(
    services: Services, make: Factory, client: httpx.AsyncClient, remote: Server
) -> None:
    aino = await make.person("aino")
    await remote_account(services, remote, "bo")
    for name in ("cy", "dee"):
        remote.serve_actor(name)
    top = fetching.MAX_DEPTH + 2
    for n in range(1, top + 1):  # a thread of cy's posts, each answering the one before
        before = {"inReplyTo": remote.actor("cy") + f"/statuses/{n - 1}"} if n > 1 else {}
        remote.post("cy", n, f"<p>post {n}</p>", **before)
    mention = {"type": "Mention", "href": remote.actor("dee"), "name": f"@dee@{remote.host}"}
    reply = note(
        remote,
        "bo",
        100,
        "<p>@dee look</p>",
        to=[AS_PUBLIC],
        inReplyTo=remote.actor("cy") + f"/statuses/{top}",
        tag=[mention],
    )
    assert (await deliver(client, reply)).status_code == 202
    stored = [
        await _status(services, remote.actor("cy") + f"/statuses/{n}") for n in range(1, top + 1)
    ]
    assert [s is not None for s in stored] == [False, False] + [True] * fetching.MAX_DEPTH
    mine = await _status(services, reply["object"]["id"])
    assert mine is not None and stored[-1] is not None
    assert mine.in_reply_to_id == stored[-1].id
    context = (await aino.get(f"/api/v1/statuses/{mine.id}/context")).json()
    assert [s["content"] for s in context["ancestors"]] == [
        f"<p>post {n}</p>" for n in range(3, top + 1)
    ]
    dee = (await aino.get("/api/v1/accounts/lookup", params={"acct": f"dee@{remote.host}"})).json()
    assert dee["acct"] == f"dee@{remote.host}"
    gets = [path for path, _ in remote.gets]
    assert len(gets) == len(set(gets))  # nothing fetched twice
    signed = [h.get("Signature", "") for _, h in remote.gets]
    assert all('keyId="http://testserver.local/actor#main-key"' in s for s in signed)


async def test_a_boost_of_an_unknown_note_fetches_it_from_its_own_origin_only(
    services: Services, client: httpx.AsyncClient, remote: Server, peers: tuple[Peer, Peer]
) -> None:
    other, _ = peers
    await remote_account(services, remote, "bo")
    remote.serve_actor("cy")
    boosted = remote.post("cy", 7, "<p>worth a boost</p>")
    forged = dict(boosted, id=f"{other.actor('eve')}/statuses/1", attributedTo=other.actor("eve"))
    remote.serve("/forged", forged)
    for number, target in ((1, boosted["id"]), (2, f"{remote.base}/forged")):
        announce = {
            "id": f"{remote.actor('bo')}/statuses/{number}/activity",
            "type": "Announce",
            "actor": remote.actor("bo"),
            "to": [AS_PUBLIC],
            "object": target,
        }
        assert (await deliver(client, announce)).status_code == 202
    original = await _status(services, boosted["id"])
    assert original is not None and original.reblogs_count == 1
    assert await _uri_count(services, forged["id"]) == 0  # another origin's id: not stored
    assert await _uri_count(services, f"{remote.actor('bo')}/statuses/2/activity") == 0


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


async def test_search_resolves_a_status_by_its_web_page_and_an_account_by_handle(
    make: Factory, client: httpx.AsyncClient, remote: Server
) -> None:
    aino = await make.person("aino")
    remote.serve_actor("cy")
    icon = {"type": "Image", "url": f"{remote.base}/cup.jpg"}
    remote.serve("/users/dee", {**remote.document("dee"), "icon": icon})
    finger = {"rel": "self", "type": "application/activity+json", "href": remote.actor("dee")}
    where = f"acct%3Adee%40{remote.host.replace(':', '%3A')}"
    remote.serve(f"/.well-known/webfinger?resource={where}", {"links": [finger]})
    picture = {"type": "Document", "mediaType": "image/jpeg", "url": f"{remote.base}/cup.jpg"}
    post = remote.post("cy", 3, "<p>findable</p>", attachment=[picture])
    remote.docs["/cup.jpg"] = ("image/jpeg", _jpeg())
    alternate = f'<link rel="alternate" type="application/activity+json" href="{post["id"]}">'
    remote.serve("/@cy/3", f"<html><head>{alternate}</head><body>hi</body></html>")
    page = f"{remote.base}/@cy/3"
    stored_only = (await aino.get("/api/v2/search", params={"q": page})).json()
    assert stored_only["statuses"] == [] and remote.gets == []  # without resolve: no fetch
    signed_out = await client.get("/api/v2/search", params={"q": page, "resolve": "true"})
    assert signed_out.status_code == 401
    found = (await aino.get("/api/v2/search", params={"q": page, "resolve": "true"})).json()
    [status] = found["statuses"]
    assert status["uri"] == post["id"] and status["account"]["acct"] == f"cy@{remote.host}"
    [media] = status["media_attachments"]
    assert media["remote_url"] == f"{remote.base}/cup.jpg"
    assert media["url"].startswith("http://testserver.local/media/proxy/")
    image = await client.get(media["url"].removeprefix("http://testserver.local"))
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).size == (60, 40)
    again = (await aino.get("/api/v2/search", params={"q": post["id"]})).json()
    assert [s["id"] for s in again["statuses"]] == [status["id"]]  # stored: found without resolve
    handle = f"@dee@{remote.host}"
    by_handle = (await aino.get("/api/v2/search", params={"q": handle, "resolve": "true"})).json()
    [dee] = by_handle["accounts"]
    assert dee["acct"] == f"dee@{remote.host}"
    assert dee["avatar"].startswith("http://testserver.local/media/proxy/")  # never the origin
