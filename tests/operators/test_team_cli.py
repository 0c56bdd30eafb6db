"""``porina admin operators ACCOUNT`` lists the team; ``porina admin remove-operator ACCOUNT
USER`` takes someone off it and revokes their tokens for the account."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from porina.__main__ import resolve
from porina.cli.commands import parser
from porina.services import Services
from tests.factories import Factory

from .support import appoint, operate, team_path

ME = "/api/v1/accounts/verify_credentials"


async def porina(services: Services, *argv: str) -> int:
    """Run a ``porina`` command as the shell would (it runs its own event loop: a thread)."""
    args = parser().parse_args(list(argv))
    return await asyncio.to_thread(resolve(args.run), services.settings, args)


async def test_porina_admin_operators_lists_user_role_and_when_and_by_whom(
    services: Services, make: Factory, capsys: pytest.CaptureFixture[str]
) -> None:
    brand, alice, bob = (
        await make.person("kahvila"),
        await make.person("alice"),
        await make.person("bob"),
    )
    await appoint(services, brand, alice, "admin")
    await alice.post(team_path(brand), json={"account_id": bob.id, "role": "responder"})
    capsys.readouterr()

    assert await porina(services, "admin", "operators", "kahvila") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "@kahvila\towner\tthe account's own login"
    assert lines[1].startswith("@alice\tmanager\tadded 20") and lines[1].endswith("from the CLI")
    assert lines[2].startswith("@bob\tagent\tadded 20") and lines[2].endswith(" by @alice")
    assert lines[3] == "3 operator(s) of @kahvila"


async def test_porina_admin_remove_operator_revokes_their_tokens(
    services: Services, client: httpx.AsyncClient, make: Factory, capsys: pytest.CaptureFixture[str]
) -> None:
    brand, carol = await make.person("kahvila"), await make.person("carol")
    headers = await operate(services, brand, carol, "editor")

    assert await porina(services, "admin", "remove-operator", "kahvila", "carol") == 0
    assert "@carol no longer operates @kahvila (1 token(s) revoked)" in capsys.readouterr().out
    assert (await client.get(ME, headers=headers)).status_code == 401
    names = [o["username"] for o in (await brand.get(team_path(brand))).json()]
    assert names == ["kahvila"]


async def test_the_cli_refuses_to_remove_the_accounts_own_login_or_a_stranger(
    services: Services, make: Factory, capsys: pytest.CaptureFixture[str]
) -> None:
    brand = await make.person("kahvila")
    await make.person("mallory")
    assert await porina(services, "admin", "remove-operator", "kahvila", "kahvila") == 1
    assert "own login is always an owner" in capsys.readouterr().err
    assert await porina(services, "admin", "remove-operator", "kahvila", "mallory") == 1
    assert "porina: Record not found" in capsys.readouterr().err
    assert (await brand.get(ME)).status_code == 200
