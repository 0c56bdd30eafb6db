"""OAuth 2 (RFC 6749) as Mastodon speaks it: apps, authorization codes with PKCE (RFC 7636),
the token grants, and revocation (RFC 7009). Only digests of codes and tokens are stored.

PKCE takes ``S256`` only, as Mastodon does: ``plain`` sends the verifier itself where an
eavesdropper can read it (RFC 7636 7.2), and every client can compute S256. A code is good
once: presented again, it is refused and the token its first use bought is revoked
(RFC 6749 4.1.2), since someone else may hold a copy."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import passwords
from porina.accounts import scopes as scope_rules
from porina.accounts.actions import issue_token
from porina.accounts.models import Account, OAuthApp, OAuthCode, OAuthToken, User
from porina.accounts.throttle import LoginThrottle
from porina.accounts.tokens import digest, new_secret
from porina.core.clock import aware, now
from porina.core.errors import PorinaError
from porina.core.inputs import has_nul
from porina.storage import invalidation
from porina.storage.db import Database, Tx

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = timedelta(minutes=10)
CHALLENGE_METHODS = ("S256",)


class OAuthError(PorinaError):
    """An RFC 6749 error: ``code`` is the OAuth ``error`` value."""

    status: ClassVar[int] = 400

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(description, code=code)
        self.status = status  # type: ignore[misc]


INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, "
    "does not match the redirection URI used in the authorization request, "
    "or was issued to another client."
)


class CodeReused(OAuthError):
    """An authorization code presented after its first use: ``revoke_reused_code`` (in a
    transaction of its own, since this error rolls back the one it was raised in) revokes the
    token that first use bought."""

    def __init__(self, code_hash: str) -> None:
        super().__init__("invalid_grant", INVALID_GRANT)
        self.code_hash = code_hash


@dataclass(frozen=True, slots=True)
class Grant:
    """A freshly issued access token (plaintext shown once)."""

    access_token: str
    scope: str
    created_at: int
    token_id: int


def redirect_uris(app: OAuthApp) -> list[str]:
    return app.redirect_uris.split()


def normalise_redirect_uris(value: str | list[str]) -> str:
    """Mastodon accepts one URI, several separated by newlines, or an array."""
    items = value if isinstance(value, list) else value.split()
    uris = [u.strip() for u in items if u.strip()]
    if not uris:
        raise OAuthError(
            "invalid_redirect_uri", "Validation failed: Redirect URI can't be blank", 422
        )
    for uri in uris:
        if uri == OOB:
            continue
        scheme, sep, rest = uri.partition(":")
        if not sep or not scheme or not rest or " " in uri or "#" in uri:
            raise OAuthError(
                "invalid_redirect_uri",
                "Validation failed: Redirect URI must be an absolute URI",
                422,
            )
    return "\n".join(uris)


async def app_by_client_id(session: AsyncSession, client_id: str | None) -> OAuthApp | None:
    if not client_id or has_nul(client_id):  # no app has such an id (core.inputs)
        return None
    return await session.scalar(select(OAuthApp).where(OAuthApp.client_id == client_id))


def _secret_matches(app: OAuthApp, secret: str | None) -> bool:
    return secret is not None and hmac.compare_digest(app.client_secret.encode(), secret.encode())


async def authenticate_client(
    session: AsyncSession,
    client_id: str | None,
    client_secret: str | None,
    *,
    secret_optional: bool = False,
) -> OAuthApp:
    app = await app_by_client_id(session, client_id)
    if app is None:
        raise OAuthError(
            "invalid_client", "Client authentication failed due to unknown client", 401
        )
    if client_secret is None and secret_optional:
        return app
    if not _secret_matches(app, client_secret):
        raise OAuthError("invalid_client", "Client authentication failed", 401)
    return app


def requested_scopes(app: OAuthApp, raw: str | None) -> str:
    """The scopes asked for (default: the app's, as Doorkeeper defaults to ``read``), which must
    be among the app's."""
    app_scopes = frozenset(app.scopes.split())
    try:
        asked = scope_rules.parse(raw, default="read") if raw and raw.strip() else None
    except ValueError as exc:
        raise OAuthError("invalid_scope", f"The requested scope is invalid: {exc}") from exc
    if asked is None:
        asked = frozenset({"read"}) if "read" in app_scopes else app_scopes
    if not scope_rules.subset(asked, app_scopes):
        raise OAuthError("invalid_scope", "The requested scope is invalid, unknown, or malformed.")
    return " ".join(sorted(asked))


def check_redirect(app: OAuthApp, redirect_uri: str | None) -> str:
    uris = redirect_uris(app)
    if not redirect_uri:
        if len(uris) == 1:
            return uris[0]
        raise OAuthError("invalid_redirect_uri", "The redirect uri included is not valid.")
    if redirect_uri not in uris:
        raise OAuthError("invalid_redirect_uri", "The redirect uri included is not valid.")
    return redirect_uri


async def find_user(session: AsyncSession, login: str) -> User | None:
    """A local user by email or username (case-insensitive)."""
    login = login.strip().lstrip("@")
    if not login:
        return None
    if "@" in login:
        user = await session.scalar(select(User).where(func.lower(User.email) == login.lower()))
        if user is not None:
            return user
    return await session.scalar(
        select(User)
        .join(Account, Account.id == User.account_id)
        .where(func.lower(Account.username) == login.lower(), Account.domain.is_(None))
    )


async def check_password(db: Database, login: str, password: str) -> User | None:
    """The user whose credentials these are, if they may sign in.

    Reads in a session of its own and checks the password after closing it: the check (~0.1-
    0.25 s, plus any wait for a CPU thread) holds no connection and no transaction, and never
    runs inside a write transaction (on SQLite that would hold the process's write lock). A
    login that names no one costs one check too (against ``passwords.UNKNOWN_USER_HASH``), as
    a wrong password does, so the time of the answer does not tell who has an account."""
    async with db.read() as session:
        user = await find_user(session, login)
        suspended = (
            await session.scalar(select(Account.suspended_at).where(Account.id == user.account_id))
            if user is not None
            else None
        )
    hashed = user.password_hash if user is not None else passwords.UNKNOWN_USER_HASH
    if not await passwords.verify(hashed, password) or user is None:
        return None
    if user.disabled or not user.approved or suspended is not None:
        return None
    return user


async def throttled_check(
    db: Database, throttle: LoginThrottle, host: str | None, login: str, password: str
) -> User | None:
    """``check_password`` counted by the login throttle (``accounts/throttle.py``): raises
    ``LoginThrottled`` past its limits, before any check is made. A right password gives the
    attempt back and trusts the address for the account's e-mail and username."""
    attempt = await throttle.begin(host, login)
    user = await check_password(db, login, password)
    if user is not None and throttle.enabled:
        async with db.read() as session:
            username = await session.scalar(
                select(Account.username).where(Account.id == user.account_id)
            )
        await throttle.succeeded(attempt, (user.email, username or ""))
    return user


def check_challenge(challenge: str | None, method: str | None) -> None:
    """A PKCE challenge, if any, is S256 (``code_challenge_method`` is required with it, as in
    Mastodon: RFC 7636's default, ``plain``, is refused) and of RFC 7636's length."""
    if challenge is None:
        return
    if method not in CHALLENGE_METHODS:
        raise OAuthError("invalid_request", "The code challenge method must be S256.")
    if not 43 <= len(challenge) <= 128:
        raise OAuthError("invalid_request", "Invalid code_challenge")


async def create_code(
    tx: Tx,
    app: OAuthApp,
    user: User,
    *,
    redirect_uri: str,
    scopes: str,
    challenge: str | None,
    method: str | None,
) -> str:
    check_challenge(challenge, method)
    plain = new_secret()
    tx.session.add(
        OAuthCode(
            code_hash=digest(plain),
            app_id=app.id,
            user_id=user.id,
            redirect_uri=redirect_uri,
            scopes=scopes,
            code_challenge=challenge,
            code_challenge_method=method if challenge else None,
            expires_at=now() + CODE_LIFETIME,
        )
    )
    await tx.session.flush()
    return plain


def _pkce_ok(code: OAuthCode, verifier: str | None) -> bool:
    if code.code_challenge is None:
        return True
    if not verifier or not 43 <= len(verifier) <= 128 or code.code_challenge_method != "S256":
        return False
    hashed = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    expected = base64.urlsafe_b64encode(hashed).rstrip(b"=").decode()
    return hmac.compare_digest(expected.encode(), code.code_challenge.encode())


async def _grant(tx: Tx, user: User | None, app: OAuthApp, scopes: str) -> Grant:
    plain, token = await issue_token(tx, user=user, app_id=app.id, scopes=scopes)
    return Grant(plain, scopes, int(aware(token.created_at).timestamp()), token.id)


async def exchange_code(
    tx: Tx,
    *,
    client_id: str | None,
    client_secret: str | None,
    code: str | None,
    redirect_uri: str | None,
    verifier: str | None,
) -> Grant:
    """A token for a code, once. A code presented again raises ``CodeReused``."""
    if not code:
        raise OAuthError("invalid_request", "Missing required parameter: code.")
    row = await tx.session.scalar(select(OAuthCode).where(OAuthCode.code_hash == digest(code)))
    app = await authenticate_client(
        tx.session,
        client_id,
        client_secret,
        secret_optional=row is not None and row.code_challenge is not None,
    )
    invalid = OAuthError("invalid_grant", INVALID_GRANT)
    if row is None or row.app_id != app.id:
        raise invalid
    if row.used_at is not None:
        raise CodeReused(row.code_hash)
    if aware(row.expires_at) <= now():
        raise invalid
    if (redirect_uri or row.redirect_uri) != row.redirect_uri or not _pkce_ok(row, verifier):
        raise invalid
    claimed = await tx.session.execute(
        update(OAuthCode)
        .where(OAuthCode.code_hash == row.code_hash, OAuthCode.used_at.is_(None))
        .values(used_at=now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise CodeReused(row.code_hash)  # another request used it meanwhile
    user = await tx.session.get(User, row.user_id)
    if user is None or user.disabled:
        raise invalid
    grant = await _grant(tx, user, app, row.scopes)
    await tx.session.execute(
        update(OAuthCode)
        .where(OAuthCode.code_hash == row.code_hash)
        .values(token_id=grant.token_id)
    )
    return grant


async def revoke_reused_code(tx: Tx, code_hash: str) -> None:
    """Revoke the token bought with the code ``code_hash`` (it was presented again), and tell
    every serving process to forget it once that commits."""
    token_id = await tx.session.scalar(
        select(OAuthCode.token_id).where(OAuthCode.code_hash == code_hash)
    )
    token = await tx.session.get(OAuthToken, token_id) if token_id is not None else None
    if token is None or token.revoked_at is not None:
        return
    token.revoked_at = now()
    invalidation.after_commit(tx, invalidation.token_revoked(token.token_hash))


async def password_grant(
    db: Database,
    *,
    client_id: str | None,
    client_secret: str | None,
    username: str | None,
    password: str | None,
    scope: str | None,
    throttle: LoginThrottle,
    host: str | None,
) -> Grant:
    """The resource owner password grant. The client and the password are checked before the
    write transaction that issues the token opens, so no write waits for the check; the
    password check is counted by ``throttle`` (from ``host``)."""
    async with db.read() as session:
        app = await authenticate_client(session, client_id, client_secret)
    scopes = requested_scopes(app, scope)
    user = await throttled_check(db, throttle, host, username or "", password or "")
    if user is None:
        raise OAuthError("invalid_grant", INVALID_GRANT)
    async with db.transaction() as tx:
        return await _grant(tx, user, app, scopes)


async def client_credentials(
    tx: Tx, *, client_id: str | None, client_secret: str | None, scope: str | None
) -> Grant:
    app = await authenticate_client(tx.session, client_id, client_secret)
    return await _grant(tx, None, app, requested_scopes(app, scope))


async def revoke(
    tx: Tx, *, client_id: str | None, client_secret: str | None, token: str | None
) -> None:
    """Revoke ``token`` if it belongs to the client, and tell every serving process to forget
    it once that commits. Unknown tokens are not an error (RFC 7009 2.2)."""
    app = await authenticate_client(tx.session, client_id, client_secret)
    if not token:
        raise OAuthError("invalid_request", "Missing required parameter: token.")
    hashed = digest(token)
    await tx.session.execute(
        update(OAuthToken)
        .where(
            OAuthToken.token_hash == hashed,
            OAuthToken.revoked_at.is_(None),
            OAuthToken.app_id == app.id,
        )
        .values(revoked_at=now())
    )
    invalidation.after_commit(tx, invalidation.token_revoked(hashed))
