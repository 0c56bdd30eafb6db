"""Quote authorizations across servers (FEP-044f, Mastodon 4.5): the one a local author gives
is served at its URL until they revoke the quote, and the revocation reaches the quoting
author as a ``Delete``; a ``Delete`` of one counts only from the quoted post's author; a
quote is accepted by an authorization that verifies (when its Note is delivered, or in a
later ``Update``), never by a forged one."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from porina.core.clock import now
from porina.federation.signatures import sign_request
from porina.services import Services
from porina.settings import Settings

from ..factories import Factory, Person
from .peers import (
    AS_PUBLIC,
    BASE,
    Peer,
    Server,
    deliver,
    key_pair,
    note,
    remote_account,
    start_server,
)

AP = {"Accept": "application/activity+json"}


@pytest.fixture(scope="module")
def home_server() -> Iterator[Server]:
    """The quoted post's server, which serves its authorizations."""
    server = start_server()
    yield server
    server.server.shutdown()


@pytest.fixture
def home(home_server: Server) -> Server:
    home_server.docs.clear()
    home_server.gets.clear()
    home_server.received.clear()
    return home_server


@pytest.fixture
def settings(settings: Settings, home_server: Server) -> Settings:
    hosts = ",".join(filter(None, [settings.federation_allow_http_hosts, home_server.host]))
    return dataclasses.replace(settings, federation_allow_http_hosts=hosts)


async def _shown(person: Person, account_id: int, uri: str) -> dict[str, Any]:
    statuses = (await person.get(f"/api/v1/accounts/{account_id}/statuses")).json()
    found: dict[str, Any] = next(s for s in statuses if s["uri"] == uri)
    return found


async def _count(person: Person, status_id: str) -> int:
    count: int = (await person.get(f"/api/v1/statuses/{status_id}")).json()["quotes_count"]
    return count


async def _ask(
    client: httpx.AsyncClient, near: Peer, quoted_uri: str, number: int, request_id: str
) -> dict[str, Any]:
    """bo on ``near`` asks to quote ``quoted_uri`` with its Note ``number``; the answer."""
    instrument = note(near, "bo", number, "<p>May I?</p>", to=[AS_PUBLIC], quote=quoted_uri)
    request = {
        "id": f"{near.actor('bo')}#quote_requests/{request_id}",
        "type": "QuoteRequest",
        "actor": near.actor("bo"),
        "object": quoted_uri,
        "instrument": instrument["object"],
    }
    assert (await deliver(client, request)).status_code == 202
    answers = [a for _, a in near.received if a["type"] in ("Accept", "Reject")]
    [answer] = [a for a in answers if a["object"]["id"] == request["id"]]
    return answer


def _signed(path: str, signer: str) -> dict[str, str]:
    key_id, private = f"{signer}#main-key", key_pair()[0]
    headers = sign_request(
        "GET", f"{BASE}{path}", key_id=key_id, private_pem=private, body=None, when=now()
    )
    return {**AP, **headers}


async def test_a_given_authorization_is_served_until_its_author_revokes_the_quote(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, far = peers
    aino, eve = await make.person("aino"), await make.person("eve")
    bo_id = await remote_account(services, near, "bo")
    await remote_account(services, far, "cy")
    follow = {"id": f"{far.actor('cy')}#f/1", "type": "Follow", "actor": far.actor("cy")}
    assert (await deliver(client, {**follow, "object": f"{BASE}/users/aino"})).status_code == 202
    post = await aino.status("Quote me")
    accept = await _ask(client, near, post["uri"], 41, "41")
    url, path = accept["result"], urlsplit(accept["result"]).path
    served = await client.get(path, headers=AP)
    assert served.status_code == 200
    body = served.json()
    assert "https://www.w3.org/ns/activitystreams" in body["@context"]
    assert {k: v for k, v in body.items() if k != "@context"} == {
        "id": url,
        "type": "QuoteAuthorization",
        "attributedTo": f"{BASE}/users/aino",
        "interactingObject": f"{near.actor('bo')}/statuses/41",
        "interactionTarget": post["uri"],
    }
    services.settings = dataclasses.replace(services.settings, federation_authorized_fetch=True)
    assert (await client.get(path, headers=AP)).status_code == 401
    assert (await client.get(path, headers=_signed(path, near.actor("bo")))).status_code == 200
    services.settings = dataclasses.replace(services.settings, federation_authorized_fetch=False)
    quoting = await _shown(aino, bo_id, f"{near.actor('bo')}/statuses/41")
    assert await _count(aino, post["id"]) == 1
    revoke = f"/api/v1/statuses/{post['id']}/quotes/{quoting['id']}/revoke"
    near.received.clear()
    far.received.clear()
    assert (await eve.post(revoke)).status_code == 403  # only the quoted post's author
    assert near.received == [] and (await client.get(path, headers=AP)).status_code == 200
    revoked = await aino.post(revoke)
    assert revoked.status_code == 200
    assert revoked.json()["quote"] == {"state": "revoked", "quoted_status": None}
    [(inbox, delete)] = near.of_type("Delete")
    assert inbox == "/users/bo/inbox" and delete["actor"] == f"{BASE}/users/aino"
    assert delete["object"] == {k: v for k, v in body.items() if k != "@context"}
    assert [a["object"]["id"] for _, a in far.of_type("Delete")] == [url]  # aino's follower
    assert (await client.get(path, headers=AP)).status_code == 404
    unknown = (
        f"{post['id']}/quote_authorizations/{'a' * 24}",
        f"{'9' * 20}/quote_authorizations/a",
    )
    for other in unknown:
        assert (await client.get(f"/users/aino/statuses/{other}", headers=AP)).status_code == 404
    assert await _count(aino, post["id"]) == 0
    again = await _ask(client, near, post["uri"], 41, "41-again")  # revoked stays refused
    assert again["type"] == "Reject"


async def test_a_deleted_authorization_revokes_the_quote_only_from_the_quoted_posts_author(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    home: Server,
) -> None:
    _, far = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, home, "bo")
    cy_id = await remote_account(services, far, "cy")
    theirs = note(home, "bo", 51, "<p>Big news</p>", to=[AS_PUBLIC])
    assert (await deliver(client, theirs)).status_code == 202
    quoted_uri = theirs["object"]["id"]
    quoted = await _shown(aino, bo_id, quoted_uri)
    mine = await aino.status("So true", quoted_status_id=quoted["id"])
    [(_, request)] = home.of_type("QuoteRequest")
    granted = f"{home.actor('bo')}/quote_authorizations/51"
    accept = {
        "id": f"{home.actor('bo')}#accepts/51",
        "type": "Accept",
        "actor": home.actor("bo"),
        "object": {k: v for k, v in request.items() if k != "@context"},
        "result": granted,
    }
    assert (await deliver(client, accept)).status_code == 202
    for_cy = f"{home.actor('bo')}/quote_authorizations/52"
    cys = note(far, "cy", 52, "<p>Indeed</p>", to=[AS_PUBLIC], quote=quoted_uri)
    cys["object"]["quoteAuthorization"] = for_cy
    home.serve(
        urlsplit(for_cy).path,
        {
            "id": for_cy,
            "type": "QuoteAuthorization",
            "attributedTo": home.actor("bo"),
            "interactingObject": cys["object"]["id"],
            "interactionTarget": quoted_uri,
        },
    )
    assert (await deliver(client, cys)).status_code == 202  # verified from bo's server
    assert (await _shown(aino, cy_id, cys["object"]["id"]))["quote"]["state"] == "accepted"
    assert await _count(aino, quoted["id"]) == 2
    forged = {
        "id": f"{far.actor('cy')}#deletes/1",
        "type": "Delete",
        "actor": far.actor("cy"),
        "object": {
            "id": f"{far.actor('cy')}/quote_authorizations/9",
            "type": "QuoteAuthorization",
            "attributedTo": far.actor("cy"),
            "interactingObject": mine["uri"],
            "interactionTarget": quoted_uri,
        },
    }
    assert (await deliver(client, forged)).status_code == 202  # cy's post is not the quoted one
    assert (await aino.get(f"/api/v1/statuses/{mine['id']}")).json()["quote"]["state"] == "accepted"
    withdrawn: list[Any] = [granted, {"id": for_cy, "type": "QuoteAuthorization"}]
    for number, what in enumerate(withdrawn):  # by id, and embedded
        delete = {"id": f"{home.actor('bo')}#deletes/{number}", "type": "Delete"}
        delete |= {"actor": home.actor("bo"), "object": what}
        assert (await deliver(client, delete)).status_code == 202
    shown = (await aino.get(f"/api/v1/statuses/{mine['id']}")).json()
    assert shown["quote"] == {"state": "revoked", "quoted_status": None}
    assert (await _shown(aino, cy_id, cys["object"]["id"]))["quote"]["state"] == "revoked"
    assert await _count(aino, quoted["id"]) == 0


async def _edited(
    client: httpx.AsyncClient, create: dict[str, Any], number: int, authorization: str
) -> None:
    """The quoting Note again (``Update``), now with ``quoteAuthorization``."""
    update = {**create, "id": f"{create['object']['id']}#updates/{number}", "type": "Update"}
    update["object"] = {**create["object"], "quoteAuthorization": authorization}
    assert (await deliver(client, update)).status_code == 202


async def test_a_pending_quote_of_a_remote_post_is_accepted_by_an_authorization_that_verifies(
    services: Services,
    make: Factory,
    client: httpx.AsyncClient,
    peers: tuple[Peer, Peer],
    home: Server,
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    await remote_account(services, home, "bo")
    cy_id = await remote_account(services, near, "cy")
    original = note(home, "bo", 61, "<p>Original</p>", to=[AS_PUBLIC])
    assert (await deliver(client, original)).status_code == 202
    claimed = f"{home.actor('bo')}/quote_authorizations/0"  # on bo's server, but not there
    quoting = note(near, "cy", 62, "<p>Quoting</p>", to=[AS_PUBLIC], quote=original["object"]["id"])
    quoting["object"]["quoteAuthorization"] = claimed
    assert (await deliver(client, quoting)).status_code == 202
    uri = quoting["object"]["id"]
    assert (await _shown(aino, cy_id, uri))["quote"]["state"] == "pending"
    await _edited(client, quoting, 1, f"{near.actor('cy')}/quote_authorizations/1")
    assert (await _shown(aino, cy_id, uri))["quote"]["state"] == "pending"  # not bo's server
    authorization = {
        "type": "QuoteAuthorization",
        "attributedTo": home.actor("bo"),
        "interactingObject": f"{near.actor('cy')}/statuses/99",  # another quote's
        "interactionTarget": original["object"]["id"],
    }
    for number in (2, 3):
        url = f"{home.actor('bo')}/quote_authorizations/{number}"
        home.serve(urlsplit(url).path, {**authorization, "id": url})
        authorization["interactingObject"] = uri
    await _edited(client, quoting, 2, f"{home.actor('bo')}/quote_authorizations/2")
    assert (await _shown(aino, cy_id, uri))["quote"]["state"] == "pending"
    await _edited(client, quoting, 3, f"{home.actor('bo')}/quote_authorizations/3")
    shown = await _shown(aino, cy_id, uri)
    assert shown["quote"]["state"] == "accepted"
    assert shown["quote"]["quoted_status"]["uri"] == original["object"]["id"]
    assert await _count(aino, shown["quote"]["quoted_status"]["id"]) == 1
    fetched = [path for path, _ in home.gets]
    assert fetched == [f"/users/bo/quote_authorizations/{n}" for n in (0, 2, 3)]


async def test_a_pending_quote_of_a_local_post_is_accepted_by_the_authorization_given_here(
    services: Services, make: Factory, client: httpx.AsyncClient, peers: tuple[Peer, Peer]
) -> None:
    near, _ = peers
    aino = await make.person("aino")
    bo_id = await remote_account(services, near, "bo")
    post = await aino.status("Not yet", quote_approval_policy="nobody")
    quoting = note(near, "bo", 71, "<p>Hm</p>", to=[AS_PUBLIC], quote=post["uri"])
    assert (await deliver(client, quoting)).status_code == 202
    uri = quoting["object"]["id"]
    assert (await _shown(aino, bo_id, uri))["quote"]["state"] == "pending"
    policy = {"quote_approval_policy": "public"}
    changed = await aino.put(f"/api/v1/statuses/{post['id']}/interaction_policy", json=policy)
    assert changed.status_code == 200
    accept = await _ask(client, near, post["uri"], 71, "71")
    assert accept["type"] == "Accept"
    await _edited(client, quoting, 1, f"{post['uri']}/quote_authorizations/{'0' * 24}")
    assert (await _shown(aino, bo_id, uri))["quote"]["state"] == "pending"  # not one given
    await _edited(client, quoting, 2, accept["result"])
    assert (await _shown(aino, bo_id, uri))["quote"]["state"] == "accepted"
    assert await _count(aino, post["id"]) == 1
