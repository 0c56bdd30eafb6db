"""Surveys (issue 18, point 5): questions of five kinds, one response per person, results
with counts, means and NPS, a CSV export, a card on the brand's post — and anonymous
responses that nothing stored can join back to an account."""

from __future__ import annotations

import asyncio
import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, text

from porina.campaigns.survey_models import Survey, SurveyResponse
from porina.campaigns.surveys import voter_key
from porina.core.ids import new_id
from porina.services import Services
from tests.desk.inbox_support import Staff, staff
from tests.factories import Factory, Person

from ..support.world import isolated

API = "/api/porina/v1/surveys"
QUESTIONS: list[dict[str, Any]] = [
    {"kind": "single", "text": "Favourite bun?", "options": ["Cinnamon", "Cardamom"]},
    {"kind": "multiple", "text": "When do you visit?", "options": ["Morning", "Noon", "Evening"]},
    {"kind": "scale", "text": "How was the coffee?", "options": []},
    {"kind": "recommend", "text": "Would you recommend us?"},
    {"kind": "text", "text": "Anything else?"},
]
ANSWERS = {
    "alice": [0, [0, 2], 5, 10, "More oat milk"],
    "bob": [1, [1], 4, 9, None],
    "carol": [0, [0], 2, 3, "Too loud"],
}


@dataclass
class SurveyWorld:
    brand: Person
    manager: Staff
    analyst: Staff
    people: dict[str, Person]
    anonymous_id: str
    named_id: str


async def survey_world(services: Services, make: Factory) -> SurveyWorld:
    brand = await make.person("kahvila")
    manager = await staff(services, make, brand, "kahvila_mari", "manager")
    analyst = await staff(services, make, brand, "kahvila_anna", "analyst")
    people = {name: await make.person(name) for name in ANSWERS}
    ids = []
    for anonymous in (True, False):
        body = {"title": "Our café", "anonymous": anonymous, "questions": QUESTIONS}
        created = await manager.post(API, json=body)
        assert created.status_code == 200, created.text
        ids.append(created.json()["id"])
        for name, answers in ANSWERS.items():
            sent = await people[name].post(f"{API}/{ids[-1]}/responses", json={"answers": answers})
            assert sent.status_code == 200, sent.text
    return SurveyWorld(brand, manager, analyst, people, ids[0], ids[1])


async def test_results_count_options_scales_and_nps_and_the_csv_has_every_response(
    services: Services, make: Factory
) -> None:
    w = await survey_world(services, make)
    got = await w.analyst.get(f"{API}/{w.anonymous_id}/results")
    assert got.status_code == 200, got.text
    body = got.json()
    assert (body["responses"], body["anonymous"]) == (3, True)
    single, multiple, scale, recommend, free = body["questions"]
    assert single["counts"] == [2, 1] and multiple["counts"] == [2, 1, 1]
    assert scale["counts"] == [0, 1, 0, 1, 1] and scale["mean"] == 3.67
    assert (
        recommend["counts"][9:] == [1, 1] and recommend["nps"] == 33.3
    )  # 2 promoters, 1 detractor
    assert free["texts"] == ["More oat milk", "Too loud"] and free["answered"] == 2
    exported = await w.manager.get(f"{API}/{w.anonymous_id}/results.csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == [q["text"] for q in QUESTIONS]
    assert sorted(r[0] for r in rows[1:]) == ["Cardamom", "Cinnamon", "Cinnamon"]
    assert ["Cinnamon", "Morning; Evening", "5", "10", "More oat milk"] in rows[1:]
    named = list(
        csv.reader(io.StringIO((await w.manager.get(f"{API}/{w.named_id}/results.csv")).text))
    )
    assert named[0][0] == "acct" and sorted(r[0] for r in named[1:]) == ["alice", "bob", "carol"]
    shown = await make.client.get(f"{API}/{w.anonymous_id}")
    assert shown.status_code == 200 and shown.json()["answered"] is None
    assert (await w.people["alice"].get(f"{API}/{w.anonymous_id}")).json()["answered"] is True


async def test_bad_surveys_and_answers_are_422_and_write_nothing(
    services: Services, make: Factory
) -> None:
    w = await survey_world(services, make)
    base: dict[str, Any] = {"title": "T", "anonymous": True, "questions": QUESTIONS}
    bad: Any
    for bad in (
        {**base, "questions": []},
        {**base, "title": ""},
        {**base, "questions": [{"kind": "stars", "text": "?"}]},
        {**base, "questions": [{"kind": "single", "text": "?", "options": ["only one"]}]},
        {**base, "questions": [{"kind": "single", "text": "?", "options": ["a", "A"]}]},
        {**base, "questions": [{"kind": "scale", "text": "?", "options": ["x", "y"]}]},
        {**base, "status_id": "12345"},
    ):
        refused = await w.manager.post(API, json=bad)
        assert refused.status_code == 422 and "error" in refused.json(), bad
    assert (await w.analyst.post(API, json=base)).status_code == 403
    dave = await make.person("dave")
    path = f"{API}/{w.anonymous_id}/responses"
    for bad in (
        [0, [0], 5, 10],  # one missing
        [2, [0], 5, 10, ""],  # no third option
        [0, [], 5, 10, ""],
        [0, [1, 1], 5, 10, ""],
        [0, [0], 6, 10, ""],  # the scale is 1-5
        [0, [0], 5, 11, ""],
        [0, [0], 5, "ten", ""],
        [0, [0], 5, 10, 42],
    ):
        refused = await dave.post(path, json={"answers": bad})
        assert refused.status_code == 422 and "error" in refused.json(), bad
    again = await w.people["alice"].post(path, json={"answers": ANSWERS["bob"]})
    assert again.status_code == 422 and "already answered" in again.json()["error"]
    assert (await make.client.post(path, json={"answers": ANSWERS["bob"]})).status_code == 401
    async with services.db.read() as session:
        stored = select(func.count()).where(SurveyResponse.survey_id == int(w.anonymous_id))
        assert await session.scalar(stored) == 3
        assert await session.scalar(select(func.count()).select_from(Survey)) == 2
    assert (await dave.post(path, json={"answers": ANSWERS["bob"]})).status_code == 200


async def test_a_survey_on_the_brands_post_is_its_card(services: Services, make: Factory) -> None:
    brand = await make.person("kahvila")
    manager = await staff(services, make, brand, "kahvila_mari", "manager")
    post = await brand.status("Tell us what you think", visibility="public")
    body = {
        "title": "Our café",
        "anonymous": False,
        "questions": QUESTIONS,
        "status_id": post["id"],
    }
    created = await manager.post(API, json=body)
    assert created.status_code == 200, created.text
    status = (await make.client.get(f"/api/v1/statuses/{post['id']}")).json()
    assert status["card"]["url"] == created.json()["url"]
    assert status["card"]["url"].endswith(f"/surveys/{created.json()['id']}")
    assert status["card"]["title"] == "Our café"
    page = await make.client.get(f"/@kahvila/{post['id']}")
    assert page.status_code == 200 and f"/surveys/{created.json()['id']}" in page.text
    other = await (await make.person("someone")).status("mine", visibility="public")
    refused = await manager.post(API, json={**body, "status_id": other["id"]})
    assert refused.status_code == 422


async def _rows(services: Services, table: str) -> list[dict[str, Any]]:
    async with services.db.read() as session:
        result = await session.execute(text(f"SELECT * FROM {table}"))
        return [dict(row._mapping) for row in result]


async def test_the_database_cannot_join_anonymous_responses_to_accounts(
    services: Services, make: Factory
) -> None:
    """What the tables hold: responses with a random id, no account, no time, nothing naming
    their participant row; participants as keyed hashes only. No column of either table holds
    an account id, and no value joins a response to a participant or an account."""
    before = new_id()
    w = await survey_world(services, make)
    after = new_id()
    survey_id = int(w.anonymous_id)
    account_ids = {p.account.id for p in w.people.values()}
    async with services.db.read() as session:
        columns = await session.run_sync(
            lambda s: {
                t: [c["name"] for c in inspect(s.connection()).get_columns(t)]
                for t in ("survey_responses", "survey_participants")
            }
        )
        survey = await session.get(Survey, survey_id)
        assert survey is not None
    assert columns["survey_participants"] == ["survey_id", "voter_key"]
    assert sorted(columns["survey_responses"]) == ["account_id", "answers", "id", "survey_id"]
    responses = [
        r for r in await _rows(services, "survey_responses") if r["survey_id"] == survey_id
    ]
    participants = [
        r for r in await _rows(services, "survey_participants") if r["survey_id"] == survey_id
    ]
    assert len(responses) == len(participants) == 3
    assert all(r["account_id"] is None for r in responses)
    keys = {r["voter_key"] for r in participants}
    assert keys == {voter_key(survey.secret, a) for a in account_ids}  # the secret is needed
    for response in responses:
        values = {str(v) for v in response.values()} | {str(v) for v in response["answers"] if v}
        assert not values & {str(a) for a in account_ids}
        assert not values & keys
    # time-ordered ids (snowflakes) would date each response; these are random
    assert not [r["id"] for r in responses if before <= r["id"] <= after]
    # the named survey, by contrast, links its responses: the join test would find them
    named = [
        r for r in await _rows(services, "survey_responses") if r["survey_id"] == int(w.named_id)
    ]
    assert {r["account_id"] for r in named} == account_ids


ON_PG = bool(os.environ.get("PORINA_TEST_DATABASE_URL"))
EXAMPLES = settings(
    max_examples=8 if ON_PG else 15,
    deadline=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
VIEWERS = ("anonymous", "respondent", "outsider", "manager", "analyst")
SURFACES = (
    "survey",
    "results",
    "results_csv",
    "survey_page",
    "results_page",
    "challenge",
    "leaderboard",
    "challenge_page",
)
LOOKS = st.lists(st.tuples(st.sampled_from(VIEWERS), st.sampled_from(SURFACES)), max_size=6)


@dataclass
class PrivacyWorld:
    survey: SurveyWorld
    challenge_id: str
    hidden: list[str]
    """What no answer may hold: the respondents' names and ids, the authors and ids of the
    challenge's non-public posts."""


async def privacy_world(services: Services, make: Factory) -> PrivacyWorld:
    w = await survey_world(services, make)
    window = {"starts_at": "2000-01-01T00:00:00Z", "ends_at": "2100-01-01T00:00:00Z"}
    body = {"hashtag": "salakuva", "title": "Secret photos", "scoring": "votes", **window}
    created = await w.manager.post("/api/porina/v1/challenges", json=body)
    assert created.status_code == 200, created.text
    hidden = [n for p in w.people.values() for n in (p.username, p.id)]
    public_author = await make.person("visible_vera")
    await public_author.status("out loud #salakuva", visibility="public")
    for name, visibility in (("quiet_quinn", "unlisted"), ("private_pia", "private")):
        author = await make.person(name)
        post = await author.status(
            f"hush #salakuva @{public_author.username}", visibility=visibility
        )
        hidden += [author.username, author.id, post["id"]]
    return PrivacyWorld(w, created.json()["id"], hidden)


def _headers(w: PrivacyWorld, viewer: str) -> dict[str, str]:
    outsider = w.survey.people["carol"]  # answered, but never a staff member
    return {
        "anonymous": {},
        "respondent": w.survey.people["alice"].headers,
        "outsider": outsider.headers,
        "manager": w.survey.manager.headers,
        "analyst": w.survey.analyst.headers,
    }[viewer]


def _path(w: PrivacyWorld, surface: str) -> str:
    sid, cid = w.survey.anonymous_id, w.challenge_id
    return {
        "survey": f"{API}/{sid}",
        "results": f"{API}/{sid}/results",
        "results_csv": f"{API}/{sid}/results.csv",
        "survey_page": f"/surveys/{sid}",
        "results_page": f"/surveys/{sid}/results",
        "challenge": f"/api/porina/v1/challenges/{cid}",
        "leaderboard": f"/api/porina/v1/challenges/{cid}/leaderboard",
        "challenge_page": f"/challenges/{cid}",
    }[surface]


def test_anonymous_respondents_and_non_public_submissions_never_show(
    template: Path | str,
) -> None:
    """Whoever looks at whichever surface (API or page, staff included): no answer names a
    respondent of the anonymous survey or the author or id of a non-public post."""
    loop = asyncio.new_event_loop()
    world_cm = isolated(template)
    try:
        env = loop.run_until_complete(world_cm.__aenter__())
        w = loop.run_until_complete(privacy_world(env.services, env.make))

        @EXAMPLES
        @given(LOOKS)
        def prop(looks: list[tuple[str, str]]) -> None:
            async def go() -> None:
                for viewer, surface in looks:
                    client: httpx.AsyncClient = env.client
                    got = await client.get(_path(w, surface), headers=_headers(w, viewer))
                    assert got.status_code < 500, (viewer, surface, got.text)
                    leaked = [h for h in w.hidden if h in got.text]
                    assert not leaked, (viewer, surface, leaked)

            loop.run_until_complete(go())

        try:
            prop()
        finally:
            loop.run_until_complete(world_cm.__aexit__(None, None, None))
    finally:
        loop.close()
