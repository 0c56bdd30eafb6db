"""Profile settings beyond ``update_profile``: removing the avatar or header (Mastodon 4.2's
``DELETE /api/v1/profile/avatar|header``), and the settings of 4.5's quote policy and 4.6's
profile entity kept with the user's other preferences (``users.settings``)."""

from __future__ import annotations

from typing import Literal

from porina.accounts.errors import InvalidAccountField
from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.events import ProfileUpdated
from porina.jobs.events import emit
from porina.storage.db import Tx

QUOTE_POLICIES = ("public", "followers", "nobody")
"""Who may quote a person's new public posts by default (``source[quote_policy]``)."""
PROFILE_FLAGS = ("show_featured", "show_media", "show_media_replies")
"""4.6's profile tabs, on unless turned off."""
DESCRIPTIONS = ("avatar_description", "header_description")
MAX_DESCRIPTION = 1500


def check_quote_policy(value: str) -> str:
    if value not in QUOTE_POLICIES:
        raise InvalidAccountField("Validation failed: Quote policy is not included in the list")
    return value


def check_description(name: str, value: str) -> str:
    if len(value) > MAX_DESCRIPTION:
        label = name.replace("_", " ").capitalize()
        raise InvalidAccountField(
            f"Validation failed: {label} is too long (maximum is {MAX_DESCRIPTION} characters)"
        )
    return value


async def remove_image(tx: Tx, actor: Actor, kind: Literal["avatar", "header"]) -> Account:
    """The account shows the default picture again; removing none is no error (Mastodon)."""
    account = await tx.session.get(Account, actor.account_id)
    if account is None:
        raise InvalidAccountField("Validation failed: Account is missing")
    if getattr(account, f"{kind}_path") is not None:
        setattr(account, f"{kind}_path", None)
        account.updated_at = now()
        await tx.session.flush()
        await emit(tx, ProfileUpdated(actor=actor, account_id=account.id))
    return account
