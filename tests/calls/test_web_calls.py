"""Calls in the web app: the call buttons on a mutual follower's profile and in a desk
conversation, the session-cookie endpoints (CSRF header, JSON errors), the call history and
the missed-call notification on the notifications page."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import Browser, sign_in_as, text_of

from .support import SDP, ring, signal
from .test_desk_calls import _desk


async def _post(browser: Browser, path: str, body: dict[str, Any]) -> httpx.Response:
    if not browser.token():
        await browser.get("/about")
    return await browser.client.post(
        path,
        json=body,
        headers={"accept": "application/json", "x-csrftoken": browser.token()},
    )


async def test_a_mutual_followers_profile_has_call_buttons_and_history(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    aino, olli, eve = await make.person("aino"), await make.person("olli"), await make.person("eve")
    await aino.follow(olli)
    await olli.follow(aino)
    await aino.follow(eve)
    await sign_in_as(services, client, aino)
    browser = Browser(client)
    page = await browser.get("/@olli")
    assert page.status_code == 200 and 'data-call-account-id="' + olli.id + '"' in page.text
    assert 'id="call-ui"' in page.text and "/static/calls.js" in page.text
    assert "data-call-account-id" not in (await browser.get("/@eve")).text  # not mutual
    placed = await _post(browser, "/web/calls", {"account_id": olli.id, "video": False})
    assert placed.status_code == 200, placed.text
    assert placed.json()["ice_servers"] == [] and placed.json()["video"] is False
    refused = await _post(browser, "/web/calls", {"account_id": eve.id})
    assert refused.status_code == 403 and "error" in refused.json()
    bad = await _post(browser, f"/web/calls/{placed.json()['id']}/signal", {"type": "shout"})
    assert bad.status_code == 422 and "error" in bad.json()
    hung = await _post(browser, f"/web/calls/{placed.json()['id']}/signal", {"type": "hangup"})
    assert hung.json()["state"] == "missed"
    history = await browser.get(f"/web/calls/history?account={olli.id}")
    assert "Voice call · Outgoing · Missed call" in text_of(history.text)
    await sign_in_as(services, client, olli)
    notes = await browser.get("/notifications")
    assert "You missed a call from aino" in text_of(notes.text)


async def test_the_desk_conversation_shows_its_calls_to_staff_only(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    aino, fan, cid = await _desk(services, make)
    call_id = (await ring(fan, desk_conversation_id=cid)).json()["id"]
    assert (await signal(aino, call_id, "decline")).status_code == 200
    await sign_in_as(services, client, aino.person)
    browser = Browser(client)
    switched = await browser.post("/web/acting", {"account_id": aino.brand.id})
    assert switched.status_code == 303, switched.text
    page = await browser.get(f"/desk/conversations/{cid}")
    assert f'data-call-desk-conversation-id="{cid}"' in page.text
    item = page.text.split(f'data-item-id="{call_id}" data-kind="call"', 1)[1].split("</li>")[0]
    assert "Incoming" in item and "Video call · Declined" in item  # among the items
    history = await browser.get(f"/web/calls/history?desk_conversation={cid}")
    assert "Video call · Incoming · Declined" in text_of(history.text)
    await sign_in_as(services, client, fan)
    refused = await browser.get(f"/web/calls/history?desk_conversation={cid}")
    assert refused.status_code == 404


async def test_a_one_to_one_dm_offers_a_call_where_the_people_follow_each_other(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    aino, olli = await make.person("aino", locale="fi"), await make.person("olli")
    eve = await make.person("eve")
    await aino.follow(olli)
    await olli.follow(aino)
    await aino.follow(eve)  # eve does not follow back
    to_olli = await olli.status("@aino coffee at ten?", visibility="direct")
    to_eve = await aino.status("@eve hello", visibility="direct")
    to_both = await aino.status("@olli @eve all three?", visibility="direct")
    await sign_in_as(services, client, aino)
    browser = Browser(client)
    listed = await browser.get("/conversations")
    rows = {
        row.split('"', 1)[0]: row
        for row in listed.text.split('class="conversation-row" id="conversation-')[1:]
    }
    assert len(rows) == 3
    calling = [row for row in rows.values() if "data-call-account-id" in row]
    assert len(calling) == 1 and f'data-call-account-id="{olli.id}"' in calling[0]
    assert "coffee at ten?" in calling[0] or "all three?" in calling[0]
    thread = await browser.get(f"/@olli/{to_olli['id']}")
    assert f'data-call-account-id="{olli.id}"' in thread.text
    assert f"/web/calls/history?account={olli.id}" in thread.text
    for quiet in (f"/@aino/{to_eve['id']}", f"/@aino/{to_both['id']}"):
        assert "data-call-account-id" not in (await browser.get(quiet)).text
    placed = await _post(browser, "/web/calls", {"account_id": olli.id})
    call = f"/web/calls/{placed.json()['id']}/signal"
    assert (await _post(browser, call, {"type": "hangup"})).json()["state"] == "missed"
    late = await _post(browser, call, {"type": "offer", "data": {"sdp": SDP}})
    assert late.status_code == 422 and late.json() == {"error": "Puheluun ei vastattu"}
    await sign_in_as(services, client, olli)
    theirs = await browser.get(f"/@olli/{to_olli['id']}")
    assert f'data-call-account-id="{aino.id}"' in theirs.text
