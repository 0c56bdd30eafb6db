"""Contests end to end through the API (issue 18, points 1-2): creation and its 422s, entries
from real actions (favourite/unfavourite, reply with and without the required text, boost,
follow, a followers-only reply), eligibility, close by staff and by the job, the proof checked
by ``campaigns.proof.verify``, re-draws; private-only entrants never named publicly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from porina.campaigns import contest_contacts, jobs, review_actions
from porina.campaigns.draw import PSEUDONYM_PREFIX
from porina.campaigns.models import Contest
from porina.campaigns.proof import build_proof, verify
from porina.campaigns.tally import Entrant, Rules, tally
from porina.core.clock import now
from porina.services import Services
from tests.desk.inbox_support import staff
from tests.factories import Factory

API = "/api/porina/v1/contests"
WEIGHTS = {"favourite": 1, "reblog": 2, "reply": 3, "follow": 4}


def body(status_id: str, **fields: Any) -> dict[str, Any]:
    moment = now()
    return {
        "status_id": status_id,
        "title": "Win a year of coffee",
        "prizes": ["A year of coffee", "A mug"],
        "starts_at": (moment - timedelta(hours=1)).isoformat(),
        "ends_at": (moment + timedelta(days=7)).isoformat(),
        "winners": 2,
        "weights": WEIGHTS,
        "reply_must_contain": "#kahvi",
        **fields,
    }


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_contest_from_actions_to_a_verified_draw_and_redraw(
    services: Services, make: Factory
) -> None:
    brand = await make.person("kahvila")
    manager = await staff(services, make, brand, "kahvila_mari", "manager")
    agent = await staff(services, make, brand, "kahvila_aino")
    post = await brand.status("Win a year of coffee! Reply with #kahvi", visibility="public")
    other = await (await make.person("muu")).status("not the brand's", visibility="public")
    for bad in (
        body(other["id"]),
        body(post["id"], winners=0),
        body(post["id"], weights={"likes": 1}),
        body(post["id"], weights={"favourite": 0}),
        body(post["id"], ends_at=(now() - timedelta(days=1)).isoformat()),
        body(post["id"], title=" "),
    ):
        refused = await manager.post(API, json=bad)
        assert refused.status_code == 422 and "error" in refused.json(), bad
    assert (await agent.post(API, json=body(post["id"]))).status_code == 403
    created = ok(await manager.post(API, json=body(post["id"])))
    assert created["state"] == "open" and len(created["commitment"]) == 64
    contest_id = created["id"]

    alice, bob, carol, dave, erin = [
        await make.person(n) for n in ("alice", "bob", "carol", "dave", "erin")
    ]
    sid = post["id"]
    await alice.post(f"/api/v1/statuses/{sid}/favourite")
    await alice.status("I love #kahvi", in_reply_to_id=sid)
    await bob.post(f"/api/v1/statuses/{sid}/reblog")
    await bob.status("no hashtag here", in_reply_to_id=sid)  # does not count
    await carol.post(f"/api/v1/statuses/{sid}/favourite")
    await carol.post(f"/api/v1/statuses/{sid}/unfavourite")  # undone: no tickets
    await dave.follow(brand)
    await erin.status("#kahvi please", in_reply_to_id=sid, visibility="private")
    await agent.person.post(f"/api/v1/statuses/{sid}/favourite")  # staff: excluded

    mine = ok(await erin.get(f"{API}/{contest_id}/my_entry"))
    assert mine["pseudonymous"] and mine["listed_as"].startswith(PSEUDONYM_PREFIX)
    assert mine["tickets"] == 3
    assert (await carol.get(f"{API}/{contest_id}/my_entry")).status_code == 404
    assert (await make.client.get(f"{API}/{contest_id}/proof")).status_code == 404
    before = ok(await make.client.get(f"{API}/{contest_id}"))
    assert before["winners"] == [] and "secret" not in before

    closed = ok(await manager.post(f"{API}/{contest_id}/close"))
    assert closed["state"] == "drawn" and closed["entrants"] == 4
    proof = ok(await make.client.get(f"{API}/{contest_id}/proof"))
    domain = services.settings.local_domain
    assert proof["entries"].splitlines() == sorted(
        [f"alice@{domain}\t4", f"bob@{domain}\t2", f"dave@{domain}\t4", f"{mine['listed_as']}\t3"],
        key=lambda line: line.encode(),
    )
    assert verify(proof) == [] and proof["commitment"] == created["commitment"]
    assert "erin" not in str(proof) and "erin" not in str(closed)
    winners = [w["acct"] for w in closed["winners"]]
    assert len(winners) == 2 == len(set(winners))
    again = ok(await manager.post(f"{API}/{contest_id}/close"))  # idempotent
    assert [w["acct"] for w in again["winners"]] == winners

    bad = await manager.post(f"{API}/{contest_id}/redraw", json={"acct": "x@y", "reason": "r"})
    assert bad.status_code == 422
    redrawn = ok(
        await manager.post(
            f"{API}/{contest_id}/redraw", json={"acct": winners[0], "reason": "disqualified"}
        )
    )
    assert redrawn["redraws"][0]["replaces"] == winners[0]
    assert redrawn["redraws"][0]["reason"] == "disqualified"
    assert redrawn["redraws"][0]["acct"] not in winners
    proof = ok(await make.client.get(f"{API}/{contest_id}/proof"))
    assert verify(proof) == [] and len(proof["redraws"]) == 1

    now_winning = {w["acct"] for w in redrawn["winners"]} - {winners[0]}
    now_winning.add(redrawn["redraws"][0]["acct"])
    named = sorted(a for a in now_winning if not a.startswith(PSEUDONYM_PREFIX))[0]
    decided = await manager.post(
        f"{API}/{contest_id}/review",
        json={"acct": named, "decision": "disqualify", "reason": "bought followers"},
    )
    assert decided.status_code == 200, decided.text
    after = ok(await make.client.get(f"{API}/{contest_id}"))
    assert [r["reason"] for r in after["redraws"]] == [
        "disqualified",
        review_actions.PUBLIC_REASON,
    ]
    assert after["redraws"][1]["replaces"] == named
    now_winning = (now_winning - {named}) | {after["redraws"][1]["acct"]}
    assert verify(ok(await make.client.get(f"{API}/{contest_id}/proof"))) == []
    async with services.db.read() as session:
        seen = await contest_contacts.section(session, brand.account.id, alice.account.id)
        nobody = await contest_contacts.section(session, brand.account.id, carol.account.id)
    assert seen is not None and nobody is None
    (entry,) = seen["entries"]
    assert (entry["actions"], entry["tickets"]) == (["favourite", "reply"], 4)
    assert entry["won"] is (f"alice@{domain}" in now_winning)


async def test_the_job_closes_due_contests_once_with_eligibility_applied(
    services: Services, make: Factory
) -> None:
    brand = await make.person("leipomo")
    manager = await staff(services, make, brand, "leipomo_mari", "manager")
    post = await brand.status("Giveaway!", visibility="public")
    fields = {"reply_must_contain": None, "winners": 1, "min_followers": 1}
    contest_id = ok(await manager.post(API, json=body(post["id"], **fields)))["id"]
    fan, lonely = await make.person("fan"), await make.person("lonely")
    await lonely.follow(fan)
    for person in (fan, lonely):
        await person.post(f"/api/v1/statuses/{post['id']}/favourite")
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(Contest)
            .where(Contest.id == int(contest_id))
            .values(ends_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    assert await jobs.close_due(services.db) == 1
    assert await jobs.close_due(services.db) == 0
    shown = ok(await make.client.get(f"{API}/{contest_id}"))
    assert shown["state"] == "drawn"
    assert [w["acct"] for w in shown["winners"]] == [f"fan@{services.settings.local_domain}"]
    late = await lonely.post(f"/api/v1/statuses/{post['id']}/unfavourite")
    assert late.status_code == 200
    proof = ok(await make.client.get(f"{API}/{contest_id}/proof"))
    assert verify(proof) == [] and proof["entries"].count("\n") == 1


ACTIONS = st.sets(st.sampled_from(["favourite", "reply", "follow"]), min_size=1)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(ACTIONS, st.booleans()), min_size=1, max_size=8),
    st.binary(min_size=32, max_size=32),
)
def test_private_only_entrants_are_never_named_in_the_proof(
    people: list[tuple[set[str], bool]], key: bytes
) -> None:
    entrants = [
        Entrant(
            i + 1,
            f"person{i}x@example.org",
            datetime(2020, 1, 1, tzinfo=UTC),
            5,
            frozenset(actions),
            frozenset(actions) if hidden else frozenset(),
        )
        for i, (actions, hidden) in enumerate(people)
    ]
    rules = Rules({"favourite": 1, "reply": 2, "follow": 1}, 0, 0, now(), frozenset())
    entries = tally(entrants, rules, key).entries
    proof = str(build_proof(key, entries, 1, [], []))
    for entrant, (_, hidden) in zip(entrants, people, strict=True):
        assert (entrant.acct in proof) is not hidden
