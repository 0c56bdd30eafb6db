"""A brand account run by a team: staff act as the account, and every action records who."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from porina.accounts import operators
from porina.analytics.models import AnalyticsEvent
from porina.cli import commands
from porina.services import Services
from tests.factories import Factory


async def _token(services: Services, account_id: int, user_id: int, role: operators.Role) -> str:
    async with services.db.transaction() as tx:
        await operators.add_operator(tx, account_id, user_id, role, by_user_id=None)
        return await operators.operator_token(tx, account_id, user_id)


async def test_staff_post_as_the_brand_and_the_event_names_the_staff_member(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("kahvila", actor_type="Organization")
    alice = await make.person("alice")
    token = await _token(services, brand.account.id, alice.user.id, "manager")
    headers = {"Authorization": f"Bearer {token}"}

    me = await client.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert me.json()["username"] == "kahvila"
    posted = await client.post("/api/v1/statuses", json={"status": "Fresh pulla!"}, headers=headers)
    assert posted.status_code == 200, posted.text
    assert posted.json()["account"]["username"] == "kahvila"

    async with services.db.read() as session:
        event = await session.scalar(
            select(AnalyticsEvent).where(AnalyticsEvent.name == "post:status:create")
        )
    assert event is not None
    assert event.actor_account_id == brand.account.id
    assert event.operator_user_id == alice.user.id


async def test_an_analyst_can_read_but_not_post_as_the_brand(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("kahvila")
    bob = await make.person("bob")
    token = await _token(services, brand.account.id, bob.user.id, "analyst")
    headers = {"Authorization": f"Bearer {token}"}
    assert (
        await client.get("/api/v1/accounts/verify_credentials", headers=headers)
    ).status_code == 200
    refused = await client.post("/api/v1/statuses", json={"status": "nope"}, headers=headers)
    assert refused.status_code == 403
    assert "error" in refused.json()


async def test_removing_an_operator_revokes_their_brand_tokens(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand = await make.person("kahvila")
    carol = await make.person("carol")
    token = await _token(services, brand.account.id, carol.user.id, "agent")
    headers = {"Authorization": f"Bearer {token}"}
    seen = await client.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert seen.status_code == 200  # the token is now cached by the serving process
    async with services.db.transaction() as tx:
        await operators.remove_operator(
            tx, brand.account.id, carol.user.id, by_user_id=brand.user.id
        )
    response = await client.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert response.status_code == 401


async def test_only_owners_and_managers_manage_the_team(services: Services, make: Factory) -> None:
    brand = await make.person("kahvila")
    editor = await make.person("eve")
    outsider = await make.person("mallory")
    async with services.db.transaction() as tx:
        await operators.add_operator(tx, brand.account.id, editor.user.id, "agent", by_user_id=None)
    try:
        async with services.db.transaction() as tx:
            await operators.add_operator(
                tx, brand.account.id, outsider.user.id, "manager", by_user_id=editor.user.id
            )
    except operators.Forbidden:
        pass
    else:
        raise AssertionError("an agent was able to add a manager")
    async with services.db.transaction() as tx:
        team = await operators.operators(tx, brand.account.id)
    assert [(op.role, user.id) for op, user in team] == [("agent", editor.user.id)]


def test_the_cli_offers_exactly_the_operator_roles_the_domain_knows() -> None:
    assert operators.ROLES + tuple(operators.ALIASES) == commands.ROLES
