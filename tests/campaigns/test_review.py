"""The contest's fraud review (issue 18, point 1): the brand's staff see flagged entrants with
reasons and allow or disqualify them (API and page); nobody else sees a flag or an e-mail."""

from __future__ import annotations

import asyncio
import os
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from porina.accounts.models import User
from porina.campaigns import fraud, review_actions
from porina.campaigns.proof import verify
from porina.core.clock import now
from porina.services import Services
from porina.web import contests_pages
from tests.desk.inbox_support import staff
from tests.factories import Factory
from tests.web.conftest import Browser, sign_in_as, text_of

from ..support.world import isolated
from .contest_world import World, world

API = "/api/porina/v1/contests/{id}/review"
CONTESTS = "/api/porina/v1/contests"


async def test_staff_see_reasons_and_a_disqualified_entrant_is_left_out(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    path = API.format(id=w.contest_id)
    listed = (await w.manager.get(path)).json()
    flagged = {item["acct"].split("@")[0]: [f["code"] for f in item["flags"]] for item in listed}
    assert flagged["jodoe"] == ["duplicate_email"] and flagged["jdoe"] == ["duplicate_email"]
    assert set(flagged["newbie"]) >= {"new_account", "no_activity"}
    assert "oliver" not in flagged
    assert listed[0]["flags"][0]["reason"]

    body = {"acct": "jdoe", "decision": "disqualify", "reason": "second account of jodoe"}
    decided = await w.manager.post(path, json=body)
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "disqualify"
    after = {i["acct"].split("@")[0]: i for i in (await w.manager.get(path)).json()}
    assert after["jdoe"]["decision_reason"] == "second account of jodoe"
    async with services.db.read() as session:
        assert await fraud.disqualified_ids(session, w.contest_id) == {w.entrants[1].account.id}

    for bad in (
        {**body, "decision": "maybe"},
        {**body, "reason": "  "},
        {**body, "acct": "nobody@elsewhere.example"},
    ):
        refused = await w.manager.post(path, json=bad)
        assert refused.status_code == 422 and "error" in refused.json()


async def test_the_review_page_decides_through_a_plain_form_in_finnish(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    w = await world(services, make)
    await sign_in_as(services, client, w.manager.person)
    browser = Browser(client)
    assert (await browser.post("/web/acting", {"account_id": w.brand.id})).status_code == 303
    page = f"/contests/{w.contest_id}/review"
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(User).where(User.id == w.manager.person.user.id).values(locale="fi")
        )
    shown = await browser.get(page)
    assert shown.status_code == 200
    assert "sama sähköposti kuin tileillä" in shown.text and "Hylkää" in shown.text
    sent = await browser.post(page, {"acct": "newbie", "decision": "allow", "reason": "tuttu"})
    assert sent.status_code == 303
    assert "Sallittu: tuttu" in text_of((await browser.get(page)).text)
    refused = await browser.post(page, {"acct": "newbie", "decision": "allow", "reason": ""})
    assert refused.status_code == 422 and 'role="alert"' in refused.text


ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=6 if ON_PG else 12,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
VIEWERS = ("anonymous", "entrant", "outsider", "agent", "manager")
SURFACES = ("api_review", "api_decide", "page_review", "page_contest", "page_rules")
PRIVATE = ("duplicate_email", "same e-mail as", "Jo.Doe@gmail.com", "googlemail", "no_activity")
"""What only reviewing staff may read (the Finnish reasons are checked by the page test)."""
LOOKS = st.lists(st.tuples(st.sampled_from(VIEWERS), st.sampled_from(SURFACES)), max_size=5)


def _token(w: World, viewer: str) -> dict[str, str]:
    return {
        "anonymous": {},
        "entrant": w.entrants[0].headers,
        "outsider": w.entrants[2].headers,
        "agent": w.agent.headers,
        "manager": w.manager.headers,
    }[viewer]


async def _browser(services: Services, client: httpx.AsyncClient, w: World, viewer: str) -> Browser:
    client.cookies.clear()
    browser = Browser(client)
    if viewer == "anonymous":
        return browser
    person = {"entrant": w.entrants[0], "outsider": w.entrants[2]}.get(viewer)
    staff_member = w.agent if viewer == "agent" else w.manager
    await sign_in_as(services, client, person or staff_member.person)
    if person is None:
        assert (await browser.post("/web/acting", {"account_id": w.brand.id})).status_code == 303
    return browser


async def _look(
    services: Services, client: httpx.AsyncClient, w: World, viewer: str, surface: str
) -> httpx.Response:
    api, page = API.format(id=w.contest_id), f"/contests/{w.contest_id}"
    if surface == "api_review":
        return await client.get(api, headers=_token(w, viewer))
    if surface == "api_decide":
        body = {"acct": "newbie", "decision": "allow", "reason": "known"}
        return await client.post(api, headers=_token(w, viewer), json=body)
    suffix = {"page_review": "/review", "page_contest": "", "page_rules": "/rules"}[surface]
    return await (await _browser(services, client, w, viewer)).get(page + suffix)


def test_flags_and_emails_reach_only_the_brands_reviewing_staff(template: Path | str) -> None:
    """Whoever looks at whichever surface: the review answers only a manager acting as the
    brand (anyone else: 404, or 401 without a token), and no other answer holds a flag, a
    reason or an e-mail."""
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())
        w = loop.run_until_complete(world(env.services, env.make))

        @EXAMPLES
        @given(LOOKS)
        def prop(looks: list[tuple[str, str]]) -> None:
            async def go() -> None:
                for viewer, surface in looks:
                    got = await _look(env.services, env.client, w, viewer, surface)
                    review = surface in ("api_review", "api_decide", "page_review")
                    if viewer == "manager" and review:
                        assert got.status_code == 200, (viewer, surface, got.text)
                        continue
                    if review:
                        want = 401 if viewer == "anonymous" and surface != "page_review" else 404
                        if surface == "page_review" and viewer == "anonymous":
                            want = 303
                        assert got.status_code == want, (viewer, surface, got.status_code)
                    else:
                        assert got.status_code == 200, (viewer, surface, got.status_code)
                    assert not any(p in got.text for p in PRIVATE), (viewer, surface)

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()


async def test_a_disqualified_winner_is_re_drawn_in_the_public_proof(
    services: Services, make: Factory
) -> None:
    """Through the contest API: two entrants favourite the post, the contest closes with one
    winner, staff disqualify that winner; the proof then shows the re-draw with a public
    reason that is not staff's own, and still checks out."""
    brand = await make.person("paahtimo")
    manager = await staff(services, make, brand, "paahtimo_mari", "manager")
    post = await brand.status("Win beans!", visibility="public")
    moment = now()
    created = await manager.post(
        CONTESTS,
        json={
            "status_id": post["id"],
            "title": "Beans",
            "prizes": ["Beans"],
            "starts_at": (moment - timedelta(hours=1)).isoformat(),
            "ends_at": (moment + timedelta(days=1)).isoformat(),
            "winners": 1,
            "weights": {"favourite": 1},
        },
    )
    assert created.status_code == 200, created.text
    cid = created.json()["id"]
    for name in ("aada", "eetu"):
        fan = await make.person(name)
        assert (await fan.post(f"/api/v1/statuses/{post['id']}/favourite")).status_code == 200
    assert (await manager.post(f"{CONTESTS}/{cid}/close")).status_code == 200
    winner = (await manager.get(f"{CONTESTS}/{cid}/proof")).json()["winners"][0]["acct"]

    body = {"acct": winner, "decision": "disqualify", "reason": "same e-mail as a staff member"}
    assert (await manager.post(API.format(id=cid), json=body)).status_code == 200
    proof = (await manager.get(f"{CONTESTS}/{cid}/proof")).json()
    assert [(r["replaces"], r["reason"]) for r in proof["redraws"]] == [
        (winner, review_actions.PUBLIC_REASON)
    ]
    assert proof["redraws"][0]["acct"] != winner and verify(proof) == []


async def test_the_review_queue_is_paged_with_link_headers(
    services: Services, make: Factory
) -> None:
    w = await world(services, make)
    path = API.format(id=w.contest_id)
    whole = (await w.manager.get(path)).json()
    assert len(whole) >= 3
    seen: list[str] = []
    url = f"{path}?limit=2"
    pages = 0
    while url:
        response = await w.manager.get(url)
        assert response.status_code == 200, response.text
        assert len(response.json()) <= 2
        seen += [item["acct"] for item in response.json()]
        pages += 1
        links = httpx.Response(200, headers=response.headers).links
        if pages > 1:
            assert "prev" in links
        url = links.get("next", {}).get("url", "")
    assert seen == [item["acct"] for item in whole]  # every flagged entrant once, in order
    assert pages == (len(whole) + 1) // 2
    beyond = await w.manager.get(f"{path}?offset={len(whole)}")
    assert beyond.status_code == 200 and beyond.json() == []


async def test_the_review_page_is_paged_in_finnish(
    services: Services, client: httpx.AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contests_pages, "REVIEW_PAGE", 2)
    w = await world(services, make)
    whole = (await w.manager.get(API.format(id=w.contest_id))).json()
    await sign_in_as(services, client, w.manager.person)
    browser = Browser(client)
    assert (await browser.post("/web/acting", {"account_id": w.brand.id})).status_code == 303
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(User).where(User.id == w.manager.person.user.id).values(locale="fi")
        )
    page = f"/contests/{w.contest_id}/review"
    first = (await browser.get(page)).text
    assert first.count('class="item review-entrant"') == 2
    assert f"Osallistujat 1\u20132 / {len(whole)}" in text_of(first)
    assert "Seuraava sivu" in first and "Edellinen sivu" not in first
    second = (await browser.get(f"{page}?page=2")).text
    assert "Edellinen sivu" in second
    shown = [
        acct
        for html in [
            first,
            second,
            *[(await browser.get(f"{page}?page={n}")).text for n in range(3, 9)],
        ]
        for acct in re.findall(r'class="item review-entrant" data-acct="([^"]+)"', html)
    ]
    assert shown[: len(whole)] == [item["acct"] for item in whole]
    for odd in ("0", "-1", "x", "99999999999"):
        assert (await browser.get(f"{page}?page={odd}")).status_code == 200
