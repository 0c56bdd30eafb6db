"""A person deleting their own account, as Mastodon's ``/settings/delete``.

The password is checked first, outside any write transaction (``check_password``: Argon2 in
the CPU pool, counted by the login throttle); then ``delete_own_account``, given the typed
confirmation (the username), in one transaction:

- the account is suspended, which hides every status, profile and media entity of it from
  everyone at once (``posts.visibility``), and token caches forget it;
- every sign-in ends: access tokens revoked, authorisation codes and web sessions deleted;
  the user is disabled, its password unusable and its e-mail address freed;
- the files they uploaded (media, avatar, header) and their archives are deleted once the
  transaction commits, so no ``/media`` URL of theirs answers any more;
- what only they saw goes (bookmarks, lists, mutes, blocks, filters, followed hashtags,
  notes, scheduled posts, push subscriptions, conversations, notifications);
- ``AccountDeleted`` is emitted and ``moderation.purge_account`` queued: it deletes their
  statuses, favourites and follows through the actions that undo them, then blanks the
  profile. The account row stays, suspended, so the username is never taken again.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import passwords
from porina.accounts.errors import BadCredentials
from porina.accounts.models import (
    Account,
    AccountNote,
    Block,
    Mute,
    OAuthCode,
    OAuthToken,
    User,
    WebSession,
)
from porina.accounts.throttle import LoginThrottle
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Forbidden, Unprocessable
from porina.core.events import AccountDeleted
from porina.interactions.models import Bookmark, Filter, FilterKeyword, FilterStatus, FollowedTag
from porina.jobs.events import emit
from porina.lists.models import List, ListAccount
from porina.messaging.models import AccountConversation
from porina.moderation import purge
from porina.notifications.models import Notification
from porina.notifications.push.models import WebPushSubscription
from porina.posts.models import MediaAttachment, ScheduledStatus
from porina.privacy.archive import discard_all
from porina.settings import Settings
from porina.storage import invalidation
from porina.storage.db import Database, Tx
from porina.storage.files import MediaPathError, MediaStore

UNUSABLE_PASSWORD = "!deleted"
"""Not an Argon2 hash: no password matches it."""


class WrongConfirmation(Unprocessable):
    code = "wrong_confirmation"


async def check_password(
    db: Database,
    actor: Actor,
    password: str,
    *,
    throttle: LoginThrottle,
    host: str | None,
) -> str:
    """The stored hash, once ``password`` matches it (``BadCredentials`` otherwise); counted
    by the login throttle. Read in a session of its own, before any write transaction."""
    attempt = await throttle.begin(host, f"#{actor.user_id}")
    async with db.read() as session:
        stored = await _stored_hash(session, actor)
    if stored is None or not await passwords.verify(stored, password):
        raise BadCredentials("Validation failed: Current password is invalid")
    await throttle.succeeded(attempt)
    return stored


async def _stored_hash(session: AsyncSession, actor: Actor) -> str | None:
    found: str | None = await session.scalar(
        select(User.password_hash).where(
            User.id == actor.user_id, User.account_id == actor.account_id
        )
    )
    return found


async def delete_own_account(tx: Tx, actor: Actor, checked_hash: str, confirmation: str) -> None:
    """Delete ``actor``'s own account (see the module's doc). ``checked_hash``: what
    ``check_password`` returned; ``confirmation``: the username, typed."""
    user = await tx.session.scalar(
        select(User).where(User.id == actor.user_id, User.account_id == actor.account_id)
    )
    account = await tx.session.get(Account, actor.account_id)
    if user is None or account is None or account.domain is not None:
        raise Forbidden("This action is not allowed")
    if user.password_hash != checked_hash:
        raise BadCredentials("Validation failed: Current password is invalid")
    if confirmation.strip().lstrip("@").lower() != account.username.lower():
        raise WrongConfirmation("Validation failed: Type your username to confirm")
    moment = now()
    account.suspended_at = account.suspended_at or moment
    invalidation.after_commit(tx, invalidation.account_restricted(account.id))
    await _sign_out_everywhere(tx, user)
    await _drop_files(tx, account)
    await _drop_private(tx, account.id, user.id)
    await discard_all(tx, account.id)
    await tx.session.flush()
    await emit(tx, AccountDeleted(actor=actor, account_id=account.id, user_id=user.id))
    await purge.schedule(tx, account.id)


async def _sign_out_everywhere(tx: Tx, user: User) -> None:
    hashes = list(
        await tx.session.scalars(
            select(OAuthToken.token_hash).where(
                OAuthToken.user_id == user.id, OAuthToken.revoked_at.is_(None)
            )
        )
    )
    await tx.session.execute(
        update(OAuthToken)
        .where(OAuthToken.user_id == user.id, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    for token_hash in hashes:
        invalidation.after_commit(tx, invalidation.token_revoked(token_hash))
    await tx.session.execute(delete(OAuthCode).where(OAuthCode.user_id == user.id))
    await tx.session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    user.disabled = True
    user.password_hash = UNUSABLE_PASSWORD
    user.email = f"deleted-{user.id}@invalid"


async def _drop_files(tx: Tx, account: Account) -> None:
    media = list(
        await tx.session.scalars(
            select(MediaAttachment).where(MediaAttachment.account_id == account.id)
        )
    )
    paths = [account.avatar_path, account.header_path]
    for m in media:
        paths += [m.file_path, m.thumbnail_path]
        m.file_path = m.thumbnail_path = None
    account.avatar_path = account.header_path = None
    settings = tx.settings

    async def remove() -> None:
        await asyncio.to_thread(_remove, settings, [p for p in paths if p])

    tx.after_commit(remove)


def _remove(settings: Settings, paths: list[str]) -> None:
    store = MediaStore.of(settings)
    for path in paths:
        try:
            store.delete(path)
        except MediaPathError:
            continue


async def _drop_private(tx: Tx, account_id: int, user_id: int) -> None:
    own_lists = select(List.id).where(List.account_id == account_id)
    own_filters = select(Filter.id).where(Filter.account_id == account_id)
    own_tokens = select(OAuthToken.id).where(OAuthToken.user_id == user_id)
    for statement in (
        delete(ScheduledStatus).where(ScheduledStatus.account_id == account_id),
        delete(WebPushSubscription).where(WebPushSubscription.token_id.in_(own_tokens)),
        delete(FilterKeyword).where(FilterKeyword.filter_id.in_(own_filters)),
        delete(FilterStatus).where(FilterStatus.filter_id.in_(own_filters)),
        delete(Filter).where(Filter.account_id == account_id),
        delete(FollowedTag).where(FollowedTag.account_id == account_id),
        delete(AccountNote).where(AccountNote.account_id == account_id),
        delete(Bookmark).where(Bookmark.account_id == account_id),
        delete(ListAccount).where(
            or_(ListAccount.list_id.in_(own_lists), ListAccount.account_id == account_id)
        ),
        delete(List).where(List.account_id == account_id),
        delete(Mute).where(
            or_(Mute.account_id == account_id, Mute.target_account_id == account_id)
        ),
        delete(Block).where(
            or_(Block.account_id == account_id, Block.target_account_id == account_id)
        ),
        delete(AccountConversation).where(AccountConversation.account_id == account_id),
        delete(Notification).where(
            or_(Notification.account_id == account_id, Notification.from_account_id == account_id)
        ),
    ):
        await tx.session.execute(statement.execution_options(synchronize_session=False))
