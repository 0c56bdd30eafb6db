"""The team of a brand account through the API (a Porina extension): owners and managers list,
add, change and remove operators; removal revokes the operator's brand tokens at once; the
account's own login stays its owner; nobody outside the team learns who is in it."""

from __future__ import annotations

import httpx

from porina.services import Services
from tests.factories import Factory

from .support import appoint, brand_token, operate, team_path

ME = "/api/v1/accounts/verify_credentials"


async def test_the_owner_lists_the_team_with_roles_and_who_added_whom(
    services: Services, make: Factory
) -> None:
    brand, alice, bob = (
        await make.person("kahvila"),
        await make.person("alice"),
        await make.person("bob"),
    )
    await appoint(services, brand, alice, "admin")  # an old name: a manager
    added = await alice.post(team_path(brand), json={"account_id": bob.id, "role": "editor"})
    assert added.status_code == 200, added.text
    assert added.json()["role"] == "manager"  # the old name answers with the new one
    assert added.json()["added_by"] == "alice"

    listed = await brand.get(team_path(brand))
    assert listed.status_code == 200, listed.text
    rows = [(o["username"], o["role"], o["login"], o["added_by"]) for o in listed.json()]
    assert rows == [
        ("kahvila", "owner", True, None),
        ("alice", "manager", False, None),
        ("bob", "manager", False, "alice"),
    ]
    assert listed.json()[2]["user_id"] == str(bob.user.id)
    assert listed.json()[2]["account_id"] == bob.id
    assert listed.json()[2]["created_at"].endswith("Z")


async def test_removing_an_operator_makes_every_brand_token_of_theirs_401_at_once(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, carol = await make.person("kahvila"), await make.person("carol")
    first = await operate(services, brand, carol, "responder")
    second = await brand_token(services, brand, carol)
    for headers in (first, second):  # both tokens now sit in the process's token cache
        assert (await client.get(ME, headers=headers)).json()["username"] == "kahvila"

    removed = await brand.delete(team_path(brand, carol))
    assert removed.status_code == 200, removed.text
    assert removed.json() == {}

    for headers in (first, second):
        refused = await client.get(ME, headers=headers)
        assert refused.status_code == 401
        assert "error" in refused.json()
    assert (await carol.get(ME)).json()["username"] == "carol"  # her own token is hers
    names = [o["username"] for o in (await brand.get(team_path(brand))).json()]
    assert names == ["kahvila"]
    again = await brand.delete(team_path(brand, carol))
    assert again.status_code == 404
    assert again.json() == {"error": "Record not found"}


async def test_a_changed_role_revokes_the_tokens_of_the_old_role(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    brand, eve = await make.person("kahvila"), await make.person("eve")
    headers = await operate(services, brand, eve, "editor")
    assert (await client.get(ME, headers=headers)).status_code == 200
    changed = await brand.patch(team_path(brand, eve), json={"role": "analyst"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "analyst"
    # the editor's token carried write scopes: it must not outlive the role
    assert (await client.get(ME, headers=headers)).status_code == 401


async def test_the_accounts_own_login_stays_its_owner(services: Services, make: Factory) -> None:
    brand, dora = await make.person("kahvila"), await make.person("dora")
    await appoint(services, brand, dora, "owner")
    for response in (
        await dora.delete(team_path(brand, brand)),
        await dora.patch(team_path(brand, brand), json={"role": "editor"}),
    ):
        assert response.status_code == 422, response.text
        assert "own login is always an owner" in response.json()["error"]
    assert (await brand.get(ME)).status_code == 200


async def test_only_owners_remove_or_appoint_owners(services: Services, make: Factory) -> None:
    brand, dora, alice = (
        await make.person("kahvila"),
        await make.person("dora"),
        await make.person("alice"),
    )
    await appoint(services, brand, dora, "owner")
    await appoint(services, brand, alice, "admin")
    refused = await alice.delete(team_path(brand, dora))
    assert refused.status_code == 403
    assert "owners" in refused.json()["error"]
    promoted = await alice.patch(team_path(brand, alice), json={"role": "owner"})
    assert promoted.status_code == 403
    assert (await brand.delete(team_path(brand, dora))).status_code == 200


async def test_an_operator_who_does_not_manage_the_team_gets_403(
    services: Services, make: Factory
) -> None:
    brand, eve, bob = (
        await make.person("kahvila"),
        await make.person("eve"),
        await make.person("bob"),
    )
    await appoint(services, brand, eve, "agent")
    await appoint(services, brand, bob, "responder")  # an old name: an agent
    for response in (
        await eve.get(team_path(brand)),
        await eve.delete(team_path(brand, bob)),
        await eve.post(team_path(brand), json={"user_id": str(eve.user.id), "role": "manager"}),
    ):
        assert response.status_code == 403, response.text
        assert response.json() == {
            "error": "Only the account's owners and managers can manage its team"
        }
    listed = await brand.get(team_path(brand))
    assert [(o["username"], o["role"]) for o in listed.json()][1:] == [
        ("eve", "agent"),
        ("bob", "agent"),
    ]


async def test_someone_outside_the_team_cannot_learn_who_is_in_it(
    services: Services, make: Factory
) -> None:
    brand, bob, mallory = (
        await make.person("kahvila"),
        await make.person("bob"),
        await make.person("mallory"),
    )
    await appoint(services, brand, bob, "editor")
    answers = [
        await mallory.get(team_path(brand)),
        await mallory.delete(team_path(brand, bob)),
        await mallory.patch(team_path(brand, bob), json={"role": "analyst"}),
        await mallory.post(
            team_path(brand), json={"user_id": str(mallory.user.id), "role": "owner"}
        ),
    ]
    for response in answers:
        assert response.status_code == 404, response.text
        assert response.json() == {"error": "Record not found"}  # as for no such account
    missing = await mallory.get(f"/api/v1/porina/accounts/{10**15}/operators")
    assert (missing.status_code, missing.json()) == (404, {"error": "Record not found"})
    listed = await brand.get(team_path(brand))
    assert [o["username"] for o in listed.json()] == ["kahvila", "bob"]


async def test_adding_checks_the_role_and_the_person(services: Services, make: Factory) -> None:
    brand = await make.person("kahvila")
    bad_role = await brand.post(
        team_path(brand), json={"user_id": str(brand.user.id + 1), "role": "boss"}
    )
    assert bad_role.status_code == 422
    assert "role must be one of" in bad_role.json()["error"]
    nobody = await brand.post(team_path(brand), json={"account_id": "12345", "role": "editor"})
    assert nobody.status_code == 422
    assert "error" in nobody.json()
