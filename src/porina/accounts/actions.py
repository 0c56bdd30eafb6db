"""Account writers: sign-up, tokens, apps. Each validates, writes, and records its event."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from porina.accounts import scopes as scope_rules
from porina.accounts.errors import EmailTaken, InvalidAccountField, UsernameTaken
from porina.accounts.models import Account, OAuthApp, OAuthToken, User
from porina.accounts.passwords import hash_password
from porina.accounts.tokens import digest, new_secret
from porina.analytics.events import record
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.ids import new_id
from porina.storage.db import Tx

USERNAME = re.compile(r"^[A-Za-z0-9_]{1,30}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$|^[^@\s]+@localhost$")
RESERVED = frozenset(
    {
        "admin",
        "root",
        "support",
        "help",
        "porina",
        "api",
        "oauth",
        "web",
        "static",
        "media",
        "settings",
        "about",
        "explore",
        "tags",
        "users",
        "auth",
        "well-known",
        "nodeinfo",
        "inbox",
        "outbox",
        "actor",
        "system",
    }
)
MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class NewAccount:
    username: str
    email: str
    password: str
    display_name: str = ""
    role: str = "user"
    locked: bool = False
    bot: bool = False
    locale: str = "en"
    actor_type: str | None = None
    allow_reserved: bool = False


def _check(new: NewAccount) -> None:
    if not USERNAME.match(new.username):
        raise InvalidAccountField(
            "Validation failed: Username must contain only letters, numbers and underscores"
        )
    if new.username.lower() in RESERVED and not new.allow_reserved:
        raise UsernameTaken("Validation failed: Username is reserved")
    if not EMAIL.match(new.email) or len(new.email) > 255:
        raise InvalidAccountField("Validation failed: Email is invalid")
    if len(new.password) < MIN_PASSWORD:
        raise InvalidAccountField(
            "Validation failed: Password is too short (minimum is 8 characters)"
        )
    if len(new.password) > 1024:
        raise InvalidAccountField("Validation failed: Password is too long")
    if new.role not in {"user", "moderator", "admin"}:
        raise InvalidAccountField("Validation failed: Role is invalid")
    if new.locale not in {"en", "fi"}:
        raise InvalidAccountField("Validation failed: Locale is not supported")


async def create_account(tx: Tx, new: NewAccount) -> tuple[Account, User]:
    """A local account and the user who signs in to it."""
    _check(new)
    session = tx.session
    taken = await session.scalar(
        select(Account.id).where(
            func.lower(Account.username) == new.username.lower(), Account.domain.is_(None)
        )
    )
    if taken is not None:
        raise UsernameTaken("Validation failed: Username has already been taken")
    if await session.scalar(select(User.id).where(func.lower(User.email) == new.email.lower())):
        raise EmailTaken("Validation failed: Email has already been taken")
    moment = now()
    base = tx.services.settings.base_url.rstrip("/")
    account = Account(
        id=new_id(),
        username=new.username,
        display_name=new.display_name or new.username,
        locked=new.locked,
        actor_type=new.actor_type or ("Service" if new.bot else "Person"),
        created_at=moment,
        uri=f"{base}/users/{new.username}",
        url=f"{base}/@{new.username}",
        inbox_url=f"{base}/users/{new.username}/inbox",
        outbox_url=f"{base}/users/{new.username}/outbox",
        followers_url=f"{base}/users/{new.username}/followers",
        shared_inbox_url=f"{base}/inbox",
    )
    user = User(
        id=new_id(),
        account_id=account.id,
        email=new.email,
        password_hash=hash_password(new.password),
        role=new.role,
        locale=new.locale,
        settings={},
        created_at=moment,
        confirmed_at=moment,
        approved=True,
    )
    session.add(account)
    await session.flush()
    session.add(user)
    await session.flush()
    record(
        tx,
        "account:account:create",
        Actor(account.id, user.id),
        target_type="account",
        target_id=account.id,
        target_account_id=account.id,
    )
    return account, user


async def create_oauth_app(
    tx: Tx,
    name: str,
    redirect_uris: str,
    scopes: str,
    website: str | None = None,
    *,
    first_party: bool = False,
    owner_user_id: int | None = None,
) -> OAuthApp:
    if not name.strip() or len(name) > 255:
        raise InvalidAccountField("Validation failed: Application name can't be blank")
    try:
        scope_rules.parse(scopes)
    except ValueError as exc:
        raise InvalidAccountField(f"Validation failed: {exc}") from exc
    app = OAuthApp(
        id=new_id(),
        name=name.strip(),
        website=website or None,
        redirect_uris=redirect_uris,
        scopes=" ".join(sorted(scope_rules.parse(scopes))),
        client_id=secrets.token_urlsafe(32),
        client_secret=secrets.token_urlsafe(32),
        owner_user_id=owner_user_id,
        first_party=first_party,
        created_at=now(),
    )
    tx.session.add(app)
    await tx.session.flush()
    return app


async def issue_token(
    tx: Tx, *, user: User | None, app_id: int | None, scopes: str, account_id: int | None = None
) -> tuple[str, OAuthToken]:
    """A new access token; the plaintext is returned once and only its hash is stored."""
    plain = new_secret()
    token = OAuthToken(
        id=new_id(),
        token_hash=digest(plain),
        app_id=app_id,
        user_id=user.id if user else None,
        account_id=account_id if account_id is not None else (user.account_id if user else None),
        scopes=scopes,
        created_at=now(),
    )
    tx.session.add(token)
    await tx.session.flush()
    return plain, token
