"""A person's own sign-in settings: password and interface language (the web settings pages).

Kept apart from ``accounts.actions`` (profile and sign-up) so each stays short. Both record
``account:profile:update`` with what changed (never the password itself).
"""

from __future__ import annotations

from porina.accounts import passwords
from porina.accounts.actions import MIN_PASSWORD
from porina.accounts.errors import BadCredentials, InvalidAccountField
from porina.accounts.models import User
from porina.core.actor import Actor
from porina.core.events import ProfileUpdated
from porina.jobs.events import emit
from porina.storage.db import Tx

LOCALES = ("en", "fi")


async def _user(tx: Tx, actor: Actor) -> User:
    user = await tx.session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or user.account_id != actor.account_id:
        raise InvalidAccountField("Validation failed: User is missing")
    return user


async def change_password(tx: Tx, actor: Actor, current: str, new: str) -> None:
    """Replace the password after checking the current one."""
    user = await _user(tx, actor)
    if not await passwords.verify(user.password_hash, current):
        raise BadCredentials("Validation failed: Current password is invalid")
    if len(new) < MIN_PASSWORD:
        raise InvalidAccountField(
            "Validation failed: Password is too short (minimum is 8 characters)"
        )
    if len(new) > 1024:
        raise InvalidAccountField("Validation failed: Password is too long")
    user.password_hash = await passwords.hash(new)
    await emit(tx, ProfileUpdated(actor=actor, account_id=actor.account_id, changed="password"))


async def set_locale(tx: Tx, actor: Actor, locale: str) -> None:
    """The language of the web interface (and of e-mail) for this person."""
    if locale not in LOCALES:
        raise InvalidAccountField("Validation failed: Locale is not supported")
    user = await _user(tx, actor)
    if user.locale != locale:
        user.locale = locale
        changed = ProfileUpdated(
            actor=actor, account_id=actor.account_id, changed="locale", locale=locale
        )
        await emit(tx, changed)
