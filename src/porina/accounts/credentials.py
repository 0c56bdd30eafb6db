"""A person's own sign-in settings: password and interface language (the web settings pages).

Kept apart from ``accounts.actions`` (profile and sign-up) so each stays short. Both record
``account:profile:update`` with what changed (never the password itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from porina.accounts import passwords
from porina.accounts.actions import MIN_PASSWORD
from porina.accounts.errors import BadCredentials, InvalidAccountField
from porina.accounts.models import User
from porina.accounts.throttle import LoginThrottle
from porina.core.actor import Actor
from porina.core.events import ProfileUpdated
from porina.jobs.events import emit
from porina.storage.db import Database, Tx

LOCALES = ("en", "fi")


async def _user(tx: Tx, actor: Actor) -> User:
    user = await tx.session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or user.account_id != actor.account_id:
        raise InvalidAccountField("Validation failed: User is missing")
    return user


@dataclass(frozen=True, slots=True)
class PasswordChange:
    """A new password's hash, made once the current password was checked against ``checked``,
    the hash stored at that moment (``prepare_password_change``)."""

    checked: str
    new_hash: str


async def prepare_password_change(
    db: Database,
    actor: Actor,
    current: str,
    new: str,
    *,
    throttle: LoginThrottle,
    host: str | None,
) -> PasswordChange:
    """Check the current password and hash the new one, both in the CPU pool and before any
    write transaction: on SQLite a hash inside one would hold the process's write lock, so
    every other write would wait for it. The stored hash is read in a session of its own.
    The check of the current password is counted by the login throttle (from ``host``, on the
    account), which raises ``LoginThrottled`` past its limits."""
    attempt = await throttle.begin(host, f"#{actor.user_id}")
    async with db.read() as session:
        stored = await session.scalar(
            select(User.password_hash).where(
                User.id == actor.user_id, User.account_id == actor.account_id
            )
        )
    if stored is None:
        raise InvalidAccountField("Validation failed: User is missing")
    if not await passwords.verify(stored, current):
        raise BadCredentials("Validation failed: Current password is invalid")
    await throttle.succeeded(attempt)
    if len(new) < MIN_PASSWORD:
        raise InvalidAccountField(
            "Validation failed: Password is too short (minimum is 8 characters)"
        )
    if len(new) > 1024:
        raise InvalidAccountField("Validation failed: Password is too long")
    return PasswordChange(checked=stored, new_hash=await passwords.hash(new))


async def change_password(tx: Tx, actor: Actor, change: PasswordChange) -> None:
    """Replace the password with ``change`` (``prepare_password_change``), unless it changed
    since the current one was checked (then the check stands for nothing)."""
    user = await _user(tx, actor)
    if user.password_hash != change.checked:
        raise BadCredentials("Validation failed: Current password is invalid")
    user.password_hash = change.new_hash
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
