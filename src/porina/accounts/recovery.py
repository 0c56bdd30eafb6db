"""Getting back in and proving an address: a password reset by e-mail, and e-mail confirmation.

Both send a link holding a random token; only its SHA-256 is stored (``user_tokens``), each is
used once, and a reset link lives an hour, a confirmation link two days. Asking for a link
never tells whether an address has an account (the same answer either way), and at most
``MAX_PER_HOUR`` links of a kind are sent to one person an hour, so the forms cannot be used
to flood someone's inbox. A new password ends every web session of the person (as Mastodon
does); the tokens of their apps stay. A confirmation link only shows a page: a POST from its
button confirms, since mail scanners open links on their own. Unconfirmed people can still
sign in; the pages remind them (see docs/mail.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from porina.accounts import passwords
from porina.accounts.actions import MIN_PASSWORD
from porina.accounts.errors import InvalidAccountField
from porina.accounts.models import Account, User, WebSession
from porina.accounts.tokens import digest, new_secret
from porina.core.clock import aware, now
from porina.core.errors import Unprocessable
from porina.mail import outbox, templates
from porina.mail.compose import Draft
from porina.storage.base import Base
from porina.storage.db import Tx

RESET = "password_reset"
CONFIRM = "confirmation"
LIFETIMES = {RESET: timedelta(hours=1), CONFIRM: timedelta(days=2)}
MAX_PER_HOUR = 3
RESET_PATH = "/auth/password/edit?token="
CONFIRM_PATH = "/auth/confirmation?confirmation_token="


class UserToken(Base):
    """A link sent by e-mail: a password reset or an address confirmation, used once."""

    __tablename__ = "user_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(255))
    """The address the link was sent to: a confirmation confirms only that address."""
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_user_tokens_user_id_purpose", "user_id", "purpose"),)


class InvalidToken(Unprocessable):
    """The link is unknown, already used, or expired."""

    code = "invalid_token"


async def _reachable(tx: Tx, email: str) -> tuple[User, Account] | None:
    """The person with this address, if they may receive mail from us (not disabled or
    suspended)."""
    row = (
        await tx.session.execute(
            select(User, Account)
            .join(Account, Account.id == User.account_id)
            .where(func.lower(User.email) == email.strip().lower()[:255])
        )
    ).first()
    if row is None or row[0].disabled or row[1].suspended_at is not None:
        return None
    return row[0], row[1]


async def _issue(tx: Tx, user: User, purpose: str) -> str | None:
    """A new token for ``user``, or None when ``MAX_PER_HOUR`` were sent in the last hour."""
    moment = now()
    recent = await tx.session.scalar(
        select(func.count())
        .select_from(UserToken)
        .where(
            UserToken.user_id == user.id,
            UserToken.purpose == purpose,
            UserToken.created_at > moment - timedelta(hours=1),
        )
    )
    if (recent or 0) >= MAX_PER_HOUR:
        return None
    plain = new_secret()
    tx.session.add(
        UserToken(
            token_hash=digest(plain),
            user_id=user.id,
            purpose=purpose,
            email=user.email,
            created_at=moment,
            expires_at=moment + LIFETIMES[purpose],
        )
    )
    return plain


async def _send(tx: Tx, user: User, account: Account, kind: str, link: str) -> None:
    settings = tx.settings
    rendered = templates.render(
        kind,
        user.locale,
        {
            "instance": settings.instance_title,
            "base_url": settings.base_url.rstrip("/"),
            "name": account.display_name or account.username,
            "username": account.username,
            "email": user.email,
            "link": settings.base_url.rstrip("/") + link,
        },
    )
    await outbox.queue(
        tx, Draft(user.email, rendered.subject, rendered.text, rendered.html, kind=kind)
    )


async def _take(tx: Tx, plain: str, purpose: str) -> tuple[UserToken, User]:
    """The unused, unexpired token ``plain`` of ``purpose`` and its user, locked for use."""
    query = select(UserToken, User).join(User, User.id == UserToken.user_id)
    query = query.where(UserToken.token_hash == digest(plain), UserToken.purpose == purpose)
    if not tx.db.is_sqlite:
        query = query.with_for_update(of=UserToken)
    row = (await tx.session.execute(query)).first()
    if row is None or row[0].used_at is not None or aware(row[0].expires_at) <= now():
        raise InvalidToken("This link is invalid or has expired")
    return row[0], row[1]


async def _use_all(tx: Tx, user_id: int, purpose: str) -> None:
    """Every outstanding link of ``purpose`` is spent: the one used and any sent before it."""
    await tx.session.execute(
        update(UserToken)
        .where(
            UserToken.user_id == user_id,
            UserToken.purpose == purpose,
            UserToken.used_at.is_(None),
        )
        .values(used_at=now())
    )


# --- password reset ----------------------------------------------------------------------------


async def request_password_reset(tx: Tx, email: str) -> None:
    """Mail a reset link to the person with ``email``, if there is one; silent otherwise."""
    found = await _reachable(tx, email)
    if found is None:
        return
    user, account = found
    plain = await _issue(tx, user, RESET)
    if plain is not None:
        await _send(tx, user, account, RESET, RESET_PATH + plain)


def check_password(password: str) -> None:
    """The sign-up rules (``accounts.actions``), with the same messages."""
    if len(password) < MIN_PASSWORD:
        raise InvalidAccountField(
            "Validation failed: Password is too short (minimum is 8 characters)"
        )
    if len(password) > 1024:
        raise InvalidAccountField("Validation failed: Password is too long")


async def new_password_hash(password: str) -> str:
    """The hash of a new password that passes the sign-up rules, made in the CPU pool before
    the transaction that sets it (``reset_password``): on SQLite a hash inside a write
    transaction would hold the process's write lock, so every other write would wait."""
    check_password(password)
    return await passwords.hash(password)


async def reset_password(tx: Tx, token: str, password_hash: str) -> User:
    """Set a new password (its hash, ``new_password_hash``) through a reset link; every web
    session of the person ends."""
    _used, user = await _take(tx, token, RESET)
    user.password_hash = password_hash
    await _use_all(tx, user.id, RESET)
    await tx.session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return user


# --- e-mail confirmation -----------------------------------------------------------------------


async def send_confirmation(tx: Tx, user: User) -> None:
    """After sign-up: the address counts as unconfirmed until the mailed link is used."""
    account = await tx.session.get(Account, user.account_id)
    if account is None:
        return
    user.confirmed_at = None
    plain = await _issue(tx, user, CONFIRM)
    if plain is not None:
        await _send(tx, user, account, CONFIRM, CONFIRM_PATH + plain)


async def request_confirmation(tx: Tx, email: str) -> None:
    """Mail a new confirmation link to ``email`` if its person has not confirmed it yet."""
    found = await _reachable(tx, email)
    if found is None or found[0].confirmed_at is not None:
        return
    user, account = found
    plain = await _issue(tx, user, CONFIRM)
    if plain is not None:
        await _send(tx, user, account, CONFIRM, CONFIRM_PATH + plain)


async def confirm_email(tx: Tx, token: str) -> User:
    """Confirm the address a confirmation link was sent to (if it is still the person's)."""
    used, user = await _take(tx, token, CONFIRM)
    if used.email.lower() != user.email.lower():
        raise InvalidToken("This link is invalid or has expired")
    if user.confirmed_at is None:
        user.confirmed_at = now()
    await _use_all(tx, user.id, CONFIRM)
    return user


async def is_usable(session: AsyncSession, token: str, purpose: str) -> bool:
    """Whether ``token`` would be accepted now (the page a link opens asks, to explain early)."""
    found = await session.scalar(
        select(UserToken).where(UserToken.token_hash == digest(token), UserToken.purpose == purpose)
    )
    return found is not None and found.used_at is None and aware(found.expires_at) > now()
