"""Helpers for team-account tests: a brand account with operators and their brand tokens."""

from __future__ import annotations

from porina.accounts import operators
from porina.services import Services
from tests.factories import Person


def team_path(brand: Person, user: Person | None = None) -> str:
    base = f"/api/v1/porina/accounts/{brand.id}/operators"
    return base if user is None else f"{base}/{user.user.id}"


async def appoint(services: Services, brand: Person, person: Person, role: operators.Role) -> None:
    """Add ``person`` to ``brand``'s team from the CLI's side (no manager needed)."""
    async with services.db.transaction() as tx:
        await operators.add_operator(tx, brand.account.id, person.user.id, role, by_user_id=None)


async def brand_token(services: Services, brand: Person, person: Person) -> dict[str, str]:
    """Headers with a token ``person`` uses to act as ``brand``."""
    async with services.db.transaction() as tx:
        token = await operators.operator_token(tx, brand.account.id, person.user.id)
    return {"Authorization": f"Bearer {token}"}


async def operate(
    services: Services, brand: Person, person: Person, role: operators.Role
) -> dict[str, str]:
    await appoint(services, brand, person, role)
    return await brand_token(services, brand, person)
