"""A contest's winners (issue 18, point 3), the journey from the brand's post to the winners'
DMs and e-mails (received by a real SMTP server), a claim, an unclaimed prize re-drawn at its
deadline by the job, and the results reply the staff edit and publish in the post's thread.

The world is written a week in the past (``back_dated``), so the claim deadlines (the draw's
time + ``claim_days``) fall in the test's present: the queued deadline jobs are due when the
runner drains outside the back-dated block, as they would be a week later in production."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from porina.campaigns.draw import PSEUDONYM_PREFIX
from porina.campaigns.proof import verify
from porina.campaigns.winners import UNCLAIMED_REASON
from porina.core.clock import back_dated, now
from porina.services import Services
from porina.settings import Settings
from tests.desk.inbox_support import Staff, staff
from tests.factories import Factory, Person
from tests.support.smtp import SmtpServer, sending_to

API = "/api/porina/v1/contests"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp, instance_title="Porina")


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def contest_body(status_id: str, **fields: Any) -> dict[str, Any]:
    moment = now()
    return {
        "status_id": status_id,
        "title": "Joulukahvit",
        "prizes": "A year of coffee",
        "starts_at": (moment - timedelta(hours=1)).isoformat(),
        "ends_at": (moment + timedelta(hours=1)).isoformat(),
        "winners": 2,
        "weights": {"favourite": 1, "reply": 2},
        "claim_days": 7,
        **fields,
    }


async def direct_messages(person: Person, brand: Person) -> list[str]:
    """The direct messages ``person`` received from ``brand`` (their conversations)."""
    found = ok(await person.get("/api/v1/conversations"))
    return [
        status["content"]
        for conversation in found
        for status in [conversation["last_status"]]
        if status
        and status["account"]["id"] == str(brand.account.id)
        and status["visibility"] == "direct"
    ]


async def drawn_world(
    services: Services, make: Factory
) -> tuple[Person, Staff, dict[str, Person], str, dict[str, Any]]:
    brand = await make.person("kahvila")
    manager = await staff(services, make, brand, "kahvila_mari", "manager")
    people = {
        "alice": await make.person("alice"),
        "bob": await make.person("bob", locale="fi"),
        "carol": await make.person("carol"),
    }
    post = await brand.status("Win a year of coffee! Like or reply", visibility="public")
    contest = ok(await manager.post(API, json=contest_body(post["id"])))
    await people["alice"].post(f"/api/v1/statuses/{post['id']}/favourite")
    await people["bob"].status("Minä! #kahvi", in_reply_to_id=post["id"])
    await people["carol"].status("me please", in_reply_to_id=post["id"], visibility="private")
    closed = ok(await manager.post(f"{API}/{contest['id']}/close"))
    return brand, manager, people, post["id"], closed


def person_of(acct: str, people: dict[str, Person], pseudonym: str) -> str:
    return "carol" if acct == pseudonym else acct.split("@", maxsplit=1)[0]


async def test_winners_are_told_claim_and_an_unclaimed_prize_is_redrawn(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    with back_dated(timedelta(days=8)):
        brand, _, people, _, closed = await drawn_world(services, make)
        contest_id = closed["id"]
        pseudonym = ok(await people["carol"].get(f"{API}/{contest_id}/my_entry"))["listed_as"]
        assert pseudonym.startswith(PSEUDONYM_PREFIX)
        await services.runner.drain()
        first = [w["acct"] for w in closed["winners"]]
        names = [person_of(a, people, pseudonym) for a in first]
        assert len(set(names)) == 2 and all(w["claim_by"] for w in closed["winners"])

        for name in names:  # each winner has the brand's DM, with the deadline
            dms = await direct_messages(people[name], brand)
            assert len(dms) == 1 and "Joulukahvit" in dms[0]
            assert closed["winners"][0]["claim_by"][:10] in dms[0]
        loser = next(n for n in people if n not in names)
        assert await direct_messages(people[loser], brand) == []
        mailed = {m.rcpt_tos[0]: m.message["Subject"] for m in smtp.messages}
        assert set(mailed) == {f"{n}@example.com" for n in names}
        for name in names:  # in the person's language
            expected = "Voitit arvonnassa" if name == "bob" else "You won in"
            assert mailed[f"{name}@example.com"].startswith(expected)

        refused = await people[loser].post(f"{API}/{contest_id}/claim")
        assert refused.status_code == 422 and "error" in refused.json()
        claimed = ok(await people[names[0]].post(f"{API}/{contest_id}/claim"))
        assert ok(await people[names[0]].post(f"{API}/{contest_id}/claim")) == claimed
        assert [w["claimed"] for w in claimed["winners"]] == [True, False]

    # A week later: the unclaimed prize's deadline has passed, its job re-draws it.
    smtp.messages.clear()
    await services.runner.drain()
    after = ok(await make.client.get(f"{API}/{contest_id}"))
    assert len(after["redraws"]) == 1
    redraw = after["redraws"][0]
    assert redraw["replaces"] == first[1] and redraw["reason"] == UNCLAIMED_REASON
    assert person_of(redraw["acct"], people, pseudonym) == loser
    assert [w["acct"] for w in after["current_winners"]] == [first[0], redraw["acct"]]
    assert verify(ok(await make.client.get(f"{API}/{contest_id}/proof"))) == []
    late = await people[names[1]].post(f"{API}/{contest_id}/claim")
    assert late.status_code == 422
    assert len(await direct_messages(people[loser], brand)) == 1
    assert [m.rcpt_tos[0] for m in smtp.messages] == [f"{loser}@example.com"]
    assert ok(await people[loser].post(f"{API}/{contest_id}/claim"))["current_winners"][1][
        "claimed"
    ]
    await services.runner.drain()  # the new winner claimed: nothing more is re-drawn
    assert len(ok(await make.client.get(f"{API}/{contest_id}"))["redraws"]) == 1


async def test_results_reply_is_proposed_edited_and_published_once(
    services: Services, make: Factory
) -> None:
    brand, manager, people, post_id, closed = await drawn_world(services, make)
    contest_id = closed["id"]
    pseudonym = ok(await people["carol"].get(f"{API}/{contest_id}/my_entry"))["listed_as"]
    assert (await people["alice"].get(f"{API}/{contest_id}/results")).status_code == 404

    proposed = ok(await manager.get(f"{API}/{contest_id}/results"))
    assert not proposed["edited"] and proposed["status_id"] is None
    for winner in closed["winners"]:
        acct = winner["acct"]
        shown = acct if acct == pseudonym else "@" + acct.split("@")[0]
        assert shown in proposed["text"]
    assert "carol" not in proposed["text"]

    for bad in ({"text": " "}, {"text": "x" * 5001}, {}):
        refused = await manager.put(f"{API}/{contest_id}/results", json=bad)
        assert refused.status_code == 422 and "error" in refused.json()
    edited = ok(
        await manager.put(
            f"{API}/{contest_id}/results", json={"text": proposed["text"] + " Kiitos kaikille!"}
        )
    )
    assert edited["edited"] and edited["text"].endswith("Kiitos kaikille!")

    published = ok(await manager.post(f"{API}/{contest_id}/results/publish"))
    assert published["status_id"] and published["published_at"]
    again = await manager.post(f"{API}/{contest_id}/results/publish")
    assert again.status_code == 422
    thread = ok(await make.client.get(f"/api/v1/statuses/{post_id}/context"))
    replies = [s for s in thread["descendants"] if s["account"]["id"] == str(brand.account.id)]
    assert len(replies) == 1 and "Kiitos kaikille!" in replies[0]["content"]
    assert replies[0]["id"] == published["status_id"]
    shown = ok(await make.client.get(f"{API}/{contest_id}"))
    assert shown["results_status_id"] == published["status_id"]


async def test_claims_and_results_refuse_what_does_not_fit(
    services: Services, make: Factory
) -> None:
    brand = await make.person("kahvila")
    manager = await staff(services, make, brand, "kahvila_mari", "manager")
    post = await brand.status("Win!", visibility="public")
    for days in (0, 91, "x"):
        refused = await manager.post(API, json=contest_body(post["id"], claim_days=days))
        assert refused.status_code == 422, days
    contest = ok(await manager.post(API, json=contest_body(post["id"])))
    assert contest["rules"]["claim_days"] == 7
    outsider = await make.person("outsider")
    assert (await outsider.post(f"{API}/{contest['id']}/claim")).status_code == 422
    not_drawn = await manager.put(f"{API}/{contest['id']}/results", json={"text": "hi"})
    assert not_drawn.status_code == 422
    assert (await manager.post(f"{API}/{contest['id']}/results/publish")).status_code == 422
    assert (await manager.post(f"{API}/999/claim")).status_code == 404
    unknown = await manager.post(f"{API}/{contest['id']}/claims", json={"acct": "x@y"})
    assert unknown.status_code == 422


async def test_staff_record_a_claim_for_a_winner(services: Services, make: Factory) -> None:
    _, manager, _, _, closed = await drawn_world(services, make)
    acct = closed["winners"][1]["acct"]
    outsider = await make.person("outsider")
    denied = await outsider.post(f"{API}/{closed['id']}/claims", json={"acct": acct})
    assert denied.status_code == 404
    marked = ok(await manager.post(f"{API}/{closed['id']}/claims", json={"acct": acct}))
    assert [w["claimed"] for w in marked["winners"]] == [False, True]
