"""The desk API's contract (docs/api.md, "Desk"): the shapes exactly as issue 16 states
them, who may call it (roles, brands, customers) and Mastodon's error shape for every
refusal."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from porina.accounts.models import AccountOperator
from porina.core.actor import Actor
from porina.core.errors import Forbidden, NotFound
from porina.desk import access
from porina.services import Services

from ..desk.inbox_support import BASE, Staff, brand_with_agent, staff
from ..factories import Factory, Person

CONVERSATION_KEYS = {
    "id",
    "contact",
    "status",
    "assignee",
    "priority",
    "labels",
    "sentiment",
    "last_activity_at",
    "sla",
}
DETAIL_KEYS = CONVERSATION_KEYS | {"items", "rule_runs", "viewers"}
ITEM_KEYS = {"id", "kind", "status", "account", "created_at", "sentiment", "text", "rule"}
_brands = itertools.count()


async def _world(services: Services, make: Factory) -> tuple[Staff, Person, str]:
    """A brand with an agent, and a customer whose mention opened a conversation."""
    desk = await brand_with_agent(services, make)
    emma = await make.person("emma")
    await emma.status("@cafe where is my order?")
    (listed,) = await desk.conversations()
    return desk, emma, listed["id"]


def _refusal(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) <= {"error", "error_description"} and isinstance(body["error"], str)


async def test_list_and_detail_have_exactly_the_contracts_fields(
    services: Services, make: Factory
) -> None:
    desk, emma, cid = await _world(services, make)
    response = await desk.get(BASE, params={"view": "all", "status": "open"})
    assert response.status_code == 200
    (listed,) = response.json()
    assert set(listed) == CONVERSATION_KEYS
    assert listed["contact"]["id"] == emma.id and listed["contact"]["acct"] == "emma"
    assert (listed["status"], listed["assignee"], listed["priority"]) == ("open", None, None)
    assert (listed["labels"], listed["sentiment"]) == ([], None)
    assert listed["sla"] == {"due_at": None, "breached": False, "warning": False}
    assert datetime.fromisoformat(listed["last_activity_at"].replace("Z", "+00:00")) <= (
        datetime.now(UTC)
    )
    assert 'rel="next"' in response.headers["link"]
    detail = await desk.conversation(cid)
    assert set(detail) == DETAIL_KEYS and detail["rule_runs"] == []
    assert detail["viewers"] == []  # nobody has the conversation open
    (item,) = detail["items"]
    assert set(item) == ITEM_KEYS
    assert (item["kind"], item["account"]["id"], item["text"]) == ("mention", emma.id, None)
    assert item["rule"] is None  # no rule wrote it
    assert item["status"]["content"].endswith("where is my order?</p>")


async def test_actions_answer_the_conversation_the_status_and_the_note(
    services: Services, make: Factory
) -> None:
    desk, _, cid = await _world(services, make)
    assigned = await desk.post(f"{BASE}/{cid}/assign", json={"assignee_id": desk.person.id})
    assert set(assigned.json()) == CONVERSATION_KEYS
    pending = await desk.post(f"{BASE}/{cid}/status", data={"status": "pending"})  # a form too
    assert pending.json()["status"] == "pending"
    reply = await desk.post(f"{BASE}/{cid}/reply", json={"text": "On its way!"})
    assert reply.status_code == 200 and reply.json()["visibility"] == "public"
    assert {"id", "content", "account", "in_reply_to_id"} <= set(reply.json())
    note = await desk.post(f"{BASE}/{cid}/notes", json={"text": "courier was late"})
    assert set(note.json()) == ITEM_KEYS and note.json()["status"] is None


@pytest.mark.parametrize("role", ["owner", "manager"])
async def test_owners_and_managers_work_conversations(
    services: Services, make: Factory, role: Any
) -> None:
    desk, _, cid = await _world(services, make)
    boss = await staff(services, make, desk.brand, "cafe_boss", role)
    assert [c["id"] for c in await boss.conversations()] == [cid]
    response = await boss.post(f"{BASE}/{cid}/status", json={"status": "resolved"})
    assert response.status_code == 200, response.text
    own = await desk.brand.get(f"{BASE}/{cid}")  # the brand's own sign-in is its owner
    assert own.status_code == 200


async def test_an_analyst_gets_403_for_every_conversation_endpoint(
    services: Services, make: Factory
) -> None:
    desk, _, cid = await _world(services, make)
    analyst = await staff(services, make, desk.brand, "cafe_numbers", "analyst")
    _refusal(await analyst.get(BASE), 403)
    _refusal(await analyst.get(f"{BASE}/{cid}"), 403)
    for action, body in (
        ("assign", {"assignee_id": analyst.person.id}),
        ("status", {"status": "resolved"}),
        ("reply", {"text": "hi"}),
        ("notes", {"text": "hi"}),
    ):
        _refusal(await analyst.post(f"{BASE}/{cid}/{action}", json=body), 403)


async def test_another_brands_staff_and_customers_get_404(
    services: Services, make: Factory
) -> None:
    desk, emma, cid = await _world(services, make)
    rival = await brand_with_agent(services, make, "bakery")
    for outsider in (rival, emma):
        assert (await outsider.get(BASE, params={"view": "all"})).json() == []
        _refusal(await outsider.get(f"{BASE}/{cid}"), 404)
        for action, body in (
            ("assign", {"assignee_id": None}),
            ("status", {"status": "resolved"}),
            ("reply", {"text": "hi"}),
            ("notes", {"text": "hi"}),
        ):
            _refusal(await outsider.post(f"{BASE}/{cid}/{action}", json=body), 404)
    assert (await desk.conversation(cid))["status"] == "open"  # nothing changed


async def test_bad_requests_are_refused_in_mastodons_shape(
    services: Services, make: Factory
) -> None:
    desk, _, cid = await _world(services, make)
    _refusal(await desk.client.get(BASE), 401)
    _refusal(await desk.get(f"{BASE}/not-an-id"), 404)
    _refusal(await desk.get(f"{BASE}/123456789"), 404)
    _refusal(await desk.get(BASE, params={"view": "everything"}), 422)
    _refusal(await desk.get(BASE, params={"status": "closed"}), 422)
    _refusal(await desk.post(f"{BASE}/{cid}/assign", json={"assignee_id": "x"}), 422)
    _refusal(await desk.post(f"{BASE}/{cid}/status", json={"snooze_until": "never"}), 422)
    _refusal(await desk.post(f"{BASE}/{cid}/reply", json={"text": ["a"]}), 422)
    _refusal(await desk.post(f"{BASE}/{cid}/notes", json={"text": "x" * 5001}), 422)


async def test_roles_named_before_the_rename_still_work_conversations(
    services: Services, make: Factory
) -> None:
    brand, person = await make.person("shop"), await make.person("legacy")
    async with services.db.transaction() as tx:
        for role in ("editor", "analyst"):
            tx.session.add(
                AccountOperator(
                    account_id=brand.account.id,
                    user_id=person.user.id,
                    role=role,
                    created_at=datetime.now(UTC),
                )
            )
            await tx.session.flush()
            actor = Actor(brand.account.id, person.user.id)
            if role == "editor":
                assert (await access.worker(tx.session, actor)).role in {"editor", "manager"}
            else:
                with pytest.raises(Forbidden):
                    await access.worker(tx.session, actor)
            await tx.session.delete(
                await tx.session.get(AccountOperator, (brand.account.id, person.user.id))
            )
            await tx.session.flush()
        with pytest.raises(NotFound):
            await access.worker(tx.session, Actor(brand.account.id, person.user.id))


DESK_FIELDS = st.sampled_from(
    [
        "view",
        "status",
        "snooze_until",
        "assignee_id",
        "text",
        "visibility",
        "resolve",
        "limit",
        "max_id",
        "since_id",
        "min_id",
    ]
)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=20),
    st.sampled_from(["", "0", "-1", "9" * 40, "snoozed", "2999-01-01T00:00:00Z", "direct"]),
    st.lists(st.text(max_size=5), max_size=2),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    query=st.dictionaries(DESK_FIELDS, st.text(max_size=20), max_size=3),
    body=st.dictionaries(DESK_FIELDS, JUNK, max_size=4),
    as_form=st.booleans(),
)
async def test_garbage_on_a_real_conversation_is_never_a_server_error(
    services: Services, make: Factory, query: dict[str, str], body: dict[str, Any], as_form: bool
) -> None:
    desk = await brand_with_agent(services, make, f"b{next(_brands)}")
    emma = await make.person(f"e{next(_brands)}")
    await emma.status(f"@{desk.brand.account.username} hello")
    (listed,) = await desk.conversations()
    cid = listed["id"]
    sent: dict[str, Any] = (
        {"data": {k: str(v) for k, v in body.items()}} if as_form else {"json": body}
    )
    responses = [
        await desk.get(BASE, params=query),
        await desk.get(f"{BASE}/{cid}", params=query),
        *[
            await desk.post(f"{BASE}/{cid}/{action}", params=query, **sent)
            for action in ("assign", "status", "reply", "notes")
        ],
    ]
    for response in responses:
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert isinstance(response.json()["error"], str)
