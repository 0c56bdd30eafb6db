"""A drawn contest's page in a real browser, in English and in Finnish: the winners and the
re-draw with its reason, "Verify it yourself" (static/verify-draw.js) says OK for the draw's
proof and names the difference for a tampered one; the rules page in Finnish.

The contest rows are written into the server's database from here (the contest actions had
not landed when this was written); the proof comes from the real
``GET /api/porina/v1/contests/:id/proof``, and the tampered one is put in its place with
``page.route``.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from porina.campaigns.draw import Drawer, Entry, Redraw, commitment, entries_bytes, sort_entries
from porina.campaigns.models import Contest, ContestDraw
from porina.campaigns.proof import build_proof
from porina.core.clock import now
from porina.core.ids import new_id
from porina.settings import Settings
from porina.storage.db import Database
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_journey import sign_up, status_id_of
from tests.support.server import free_port, porina, porina_env, serving

pytestmark = [pytest.mark.browser]

SECRET = bytes(range(32))
ENTRANTS = sort_entries(
    [
        Entry("alice@example.org", 3),
        Entry("bob@example.org", 1),
        Entry("carol@cafe.example", 2),
        Entry("dave@example.org", 5),
    ]
)
REASON = "prize unclaimed"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("porina-contest-browser")


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[str]:
    """A server of this module's own, so the test can write the contest into its database."""
    env = porina_env(data_dir, free_port(), PORINA_WORKERS="1", PORINA_RATE_LIMITS="false")
    porina(env, "migrate")
    log = data_dir / "serve.log"
    try:
        with serving(env, log, ready_path="/about") as base:
            yield base
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        if log.exists():
            shutil.copyfile(log, ARTIFACTS / "browser-contest-server.log")


def the_draw() -> dict[str, Any]:
    drawer = Drawer(SECRET, ENTRANTS)
    winners = drawer.many(2)
    pick = drawer.next()
    assert pick is not None
    redraws = [Redraw(winners[0].acct, REASON, "2026-12-24T12:00:00Z", pick)]
    return build_proof(SECRET, ENTRANTS, 2, winners, redraws)


async def _write(data_dir: Path, status_id: int, proof: dict[str, Any]) -> int:
    db = Database(Settings(data_dir=data_dir).effective_database_url)
    moment = now()
    contest = Contest(
        id=new_id(),
        brand_account_id=0,
        status_id=status_id,
        title="Joulukahvit",
        prizes="A year of coffee",
        starts_at=moment - timedelta(days=8),
        ends_at=moment - timedelta(days=1),
        winners=2,
        weights={"favourite": 1, "follow": 3},
        min_account_age_days=7,
        min_followers=0,
        secret=SECRET,
        pseudonym_key=bytes(32),
        commitment=commitment(SECRET),
        state="drawn",
        entries=entries_bytes(ENTRANTS).decode(),
        entries_sha256=proof["entries_sha256"],
        created_at=moment - timedelta(days=9),
    )
    async with db.transaction() as tx:
        owner = await tx.session.scalar(
            text("SELECT account_id FROM statuses WHERE id = :i"), {"i": status_id}
        )
        contest.brand_account_id = int(owner)
        tx.session.add(contest)
        picks = [(w["acct"], w["counter"], None, None) for w in proof["winners"]]
        picks += [(r["acct"], r["counter"], r["replaces"], r["reason"]) for r in proof["redraws"]]
        for position, (acct, counter, replaces, reason) in enumerate(picks):
            tx.session.add(
                ContestDraw(
                    id=new_id(),
                    contest_id=contest.id,
                    position=position,
                    acct=acct,
                    counter=counter,
                    replaces=replaces,
                    reason=reason,
                    created_at=moment,
                )
            )
    await db.dispose()
    return contest.id


def verify_on_page(page: Any, proof: dict[str, Any] | None, button: str) -> str:
    """Click the button; ``proof`` (a tampered one) replaces the server's, else the real
    ``GET /api/porina/v1/contests/:id/proof`` answers."""
    if proof is not None:
        page.route(
            re.compile(r".*/api/porina/v1/contests/\d+/proof$"),
            lambda route: route.fulfill(content_type="application/json", body=json.dumps(proof)),
        )
    page.get_by_role("button", name=button).click()
    result = page.locator("#verify-result[data-result]:not([data-result=''])")
    result.wait_for()
    said: str = result.inner_text()
    return said


def test_a_drawn_contest_page_verifies_its_draw_in_english_and_finnish(
    new_page: Any, data_dir: Path
) -> None:
    page = new_page()
    sign_up(page, "en", "kahvila")
    page.goto("/compose")
    page.get_by_label("What's on your mind?").fill("Win a year of coffee!")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))
    proof = the_draw()
    pick = proof["redraws"][0]["acct"]
    status_id = int(status_id_of(page.url))
    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        contest_id = pool.submit(asyncio.run, _write(data_dir, status_id, proof)).result()

    page.goto(f"/contests/{contest_id}")
    assert page.locator("#contest-commitment").inner_text() == commitment(SECRET)
    winners = page.locator("#contest-winners li").all_inner_texts()
    assert [w.split()[0] for w in winners] == [w["acct"] for w in proof["winners"]]
    assert REASON in page.locator("#contest-redraws").inner_text()
    assert "4 people have entered." in page.locator("#contest-entrants").inner_text()
    served = page.request.get(f"/api/porina/v1/contests/{contest_id}/proof").json()
    assert served["winners"] == proof["winners"]
    assert [(r["acct"], r["reason"]) for r in served["redraws"]] == [(pick, REASON)]
    said = verify_on_page(page, None, "Verify it yourself")
    assert said == "OK: 2 winners and 1 re-draws recomputed"

    finnish = new_page(locale="fi-FI")
    finnish.goto(f"/contests/{contest_id}")
    assert finnish.locator("html").get_attribute("lang") == "fi"
    tampered = {**proof, "secret": "00" * 32}
    said = verify_on_page(finnish, tampered, "Tarkista itse")
    assert said.startswith("sitoumus ei täsmää: sha256(secret) on 66687aad")
    finnish.goto(f"/contests/{contest_id}/rules")
    assert finnish.get_by_role("heading", name="Järjestäjä").is_visible()
    assert "vähintään 7 päivää vanha" in finnish.locator("#rules-eligibility").inner_text()
