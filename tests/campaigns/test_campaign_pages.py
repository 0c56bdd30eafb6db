"""The challenge and survey pages work without JavaScript: the leaderboard, the survey form
answered once through a plain form, the staff's results with a data table per chart, in
English and Finnish."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from porina.accounts.models import User
from porina.services import Services
from tests.desk.inbox_support import staff
from tests.factories import Factory
from tests.web.conftest import Browser, sign_in_as, text_of

from .test_surveys import QUESTIONS

API = "/api/porina/v1"


async def test_survey_form_results_and_challenge_pages(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("kahvila")
    manager = await staff(services, make, brand, "kahvila_mari", "manager")
    body = {"title": "Our café", "anonymous": True, "questions": QUESTIONS}
    survey = (await manager.post(f"{API}/surveys", json=body)).json()
    window = {"starts_at": "2000-01-01T00:00:00Z", "ends_at": "2100-01-01T00:00:00Z"}
    made = {"hashtag": "kahvikuva", "title": "Coffee photos", "scoring": "votes", **window}
    challenge = (await manager.post(f"{API}/challenges", json=made)).json()
    alice = await make.person("alice")
    await alice.status("latte art #kahvikuva", visibility="public")

    page = f"/surveys/{survey['id']}"
    assert "Sign in to answer" in (await Browser(client).get(page)).text
    await sign_in_as(services, client, alice)
    browser = Browser(client)
    shown = await browser.get(page)
    assert shown.status_code == 200 and 'name="q3" value="10"' in shown.text
    refused = await browser.post(page, {"q0": "0", "q1": "1", "q2": "9", "q3": "10", "q4": ""})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    sent = await browser.post(page, {"q0": "1", "q1": ["0", "2"], "q2": "4", "q3": "9", "q4": "Hi"})
    assert sent.status_code == 303
    assert "your answers are saved" in (await browser.get(page)).text
    assert (await browser.get(f"{page}/results")).status_code == 404  # not staff

    board = await browser.get(f"/challenges/{challenge['id']}")
    assert board.status_code == 200 and "@alice" in board.text and "#kahvikuva" in board.text

    client.cookies.clear()
    await sign_in_as(services, client, manager.person)
    staff_browser = Browser(client)
    assert (await staff_browser.post("/web/acting", {"account_id": brand.id})).status_code == 303
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(User).where(User.id == manager.person.user.id).values(locale="fi")
        )
    results = await staff_browser.get(f"{page}/results")
    assert results.status_code == 200, results.text
    words = text_of(results.text)
    assert "Vastauksia: 1" in words and "suositteluindeksi): 100.0" in words
    assert '<meter min="0" max="1" value="1"' in results.text and "<table" in results.text
    assert "Hi" in words and "alice" not in words
