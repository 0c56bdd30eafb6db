"""Account writers: sign-up, tokens, apps. Each validates, writes, and records its event."""

from __future__ import annotations

import html
import io
import re
import secrets
from dataclasses import dataclass, field, replace
from typing import Any

import nh3
from PIL import Image, ImageOps
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import passwords
from porina.accounts import scopes as scope_rules
from porina.accounts.errors import (
    EmailTaken,
    InvalidAccountField,
    RegistrationsClosed,
    UsernameTaken,
)
from porina.accounts.models import Account, OAuthApp, OAuthToken, User
from porina.accounts.tokens import digest, new_secret
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.events import AccountCreated, ProfileUpdated
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.settings import Settings
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
    password_hash: str | None = None
    """The hash of ``password``, made before the transaction that creates the account
    (``hashed``; the demo seed hashes once for all its people). ``create_account`` needs it."""


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


async def _check_free(session: AsyncSession, new: NewAccount) -> None:
    """The username (among local accounts) and the e-mail address are not taken."""
    taken = await session.scalar(
        select(Account.id).where(
            func.lower(Account.username) == new.username.lower(), Account.domain.is_(None)
        )
    )
    if taken is not None:
        raise UsernameTaken("Validation failed: Username has already been taken")
    if await session.scalar(select(User.id).where(func.lower(User.email) == new.email.lower())):
        raise EmailTaken("Validation failed: Email has already been taken")


async def hashed(new: NewAccount) -> NewAccount:
    """``new`` with its password hashed (in the CPU pool), once its fields pass the sign-up
    checks. Call it before opening the transaction that creates the account: a hash takes
    ~0.1-0.25 s, and inside a write transaction on SQLite it would hold the process's write
    lock, so every other write would wait for it."""
    _check(new)
    if new.password_hash is not None:
        return new
    return replace(new, password_hash=await passwords.hash(new.password))


async def create_account(tx: Tx, new: NewAccount) -> tuple[Account, User]:
    """A local account and the user who signs in to it; ``new`` comes through ``hashed``."""
    _check(new)
    if new.password_hash is None:
        raise TypeError(
            "create_account needs NewAccount.password_hash: see accounts.actions.hashed"
        )
    session = tx.session
    await _check_free(session, new)
    moment = now()
    # A local account's URLs (uri, url, inbox, ...) are not stored: they follow BASE_URL and
    # are built where they are shown (render.renderer), so a new address never leaves stale ones.
    account = Account(
        id=new_id(),
        username=new.username,
        display_name=new.display_name or new.username,
        locked=new.locked,
        actor_type=new.actor_type or ("Service" if new.bot else "Person"),
        created_at=moment,
    )
    user = User(
        id=new_id(),
        account_id=account.id,
        email=new.email,
        password_hash=new.password_hash,
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
    created = AccountCreated(
        actor=Actor(account.id, user.id), account_id=account.id, user_id=user.id
    )
    await emit(tx, created)
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


# --- sign-up through the API -------------------------------------------------------------------


def check_registration(settings: Settings, *, agreement: bool) -> None:
    """Whether ``POST /api/v1/accounts`` may sign someone up: checked before the password is
    hashed (``hashed``) and again by ``register``."""
    if settings.registrations == "closed":
        raise RegistrationsClosed("Registrations are closed on this server")
    if not agreement:
        raise InvalidAccountField("Validation failed: Agreement must be accepted")


async def register(tx: Tx, new: NewAccount, *, agreement: bool) -> tuple[Account, User]:
    """Sign-up as ``POST /api/v1/accounts`` does it, honouring the registrations setting."""
    check_registration(tx.settings, agreement=agreement)
    account, user = await create_account(tx, new)
    if tx.settings.registrations == "approval":
        user.approved = False
    return account, user


# --- profile -----------------------------------------------------------------------------------

MAX_DISPLAY_NAME = 30
MAX_NOTE = 500
MAX_FIELDS = 4
MAX_FIELD = 255
PRIVACY = ("public", "unlisted", "private", "direct")
URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
AVATAR_SIZE = (400, 400)
HEADER_SIZE = (1500, 500)
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "png", "WEBP": "webp"}


def linkify(text: str) -> str:
    """Plain text with its http(s) URLs turned into links; everything else escaped."""
    out: list[str] = []
    last = 0
    for match in URL.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        url = html.escape(match.group(0))
        shown = html.escape(re.sub(r"^https?://(www\.)?", "", match.group(0)))
        out.append(
            f'<a href="{url}" rel="nofollow noopener noreferrer" target="_blank">{shown}</a>'
        )
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def text_to_html(text: str) -> str:
    """A bio as Mastodon renders one: paragraphs, line breaks, links; safe whatever was typed."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    paragraphs = [p for p in re.split(r"\n{2,}", text) if p.strip()]
    rendered = "".join(
        f"<p>{'<br>'.join(linkify(line) for line in p.split(chr(10)))}</p>" for p in paragraphs
    )
    return nh3.clean(
        rendered,
        tags={"p", "br", "a"},
        attributes={"a": {"href", "target"}},
        link_rel="nofollow noopener noreferrer",
        url_schemes={"http", "https"},
    )


@dataclass
class ProfileChanges:
    """What ``update_credentials`` may change; None leaves a value as it is."""

    display_name: str | None = None
    note: str | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    indexable: bool | None = None
    hide_collections: bool | None = None
    fields: list[tuple[str, str]] | None = None
    privacy: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    avatar: bytes | None = None
    header: bytes | None = None
    extra_settings: dict[str, Any] = field(default_factory=dict)


def _check_profile(c: ProfileChanges) -> None:
    if c.display_name is not None and len(c.display_name) > MAX_DISPLAY_NAME:
        raise InvalidAccountField(
            "Validation failed: Display name is too long "
            f"(maximum is {MAX_DISPLAY_NAME} characters)"
        )
    if c.note is not None and len(c.note) > MAX_NOTE:
        raise InvalidAccountField(
            f"Validation failed: Note is too long (maximum is {MAX_NOTE} characters)"
        )
    if c.fields is not None:
        if len(c.fields) > MAX_FIELDS:
            raise InvalidAccountField(
                f"Validation failed: Fields is too long (maximum is {MAX_FIELDS})"
            )
        if any(len(n) > MAX_FIELD or len(v) > MAX_FIELD for n, v in c.fields):
            raise InvalidAccountField(
                f"Validation failed: Fields is too long (maximum is {MAX_FIELD} characters)"
            )
    if c.privacy is not None and c.privacy not in PRIVACY:
        raise InvalidAccountField("Validation failed: Privacy is not included in the list")
    if (
        c.language is not None
        and c.language
        and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", c.language)
    ):
        raise InvalidAccountField("Validation failed: Language is not a valid language code")


def process_image(data: bytes, size: tuple[int, int], max_bytes: int) -> tuple[bytes, str]:
    """Validate an uploaded avatar or header and crop-resize it to ``size``; returns the
    encoded image and its file extension. Anything Pillow cannot read is a 422."""
    if len(data) > max_bytes:
        raise InvalidAccountField("Validation failed: Image is too big")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format or ""
            if fmt not in IMAGE_FORMATS:
                raise InvalidAccountField("Validation failed: Image must be PNG, JPEG, GIF or WebP")
            if img.width * img.height > 40_000_000:
                raise InvalidAccountField("Validation failed: Image dimensions are too large")
            img.seek(0)
            frame = ImageOps.exif_transpose(img)
            has_alpha = frame.mode in {"RGBA", "LA", "P"}
            frame = frame.convert("RGBA" if has_alpha else "RGB")
            if frame.width > size[0] or frame.height > size[1]:
                frame = ImageOps.fit(frame, size, Image.Resampling.LANCZOS)
            ext = IMAGE_FORMATS[fmt]
            if ext == "jpg" and has_alpha:
                ext = "png"
            out = io.BytesIO()
            frame.save(
                out,
                format={"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}[ext],
                **({"quality": 90} if ext != "png" else {}),
            )
            return out.getvalue(), ext
    except InvalidAccountField:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidAccountField("Validation failed: Image could not be read") from exc


def _store_image(tx: Tx, account_id: int, kind: str, data: bytes, size: tuple[int, int]) -> str:
    settings = tx.settings
    encoded, ext = process_image(data, size, settings.max_image_bytes)
    relative = f"accounts/{kind}s/{account_id}/{secrets.token_hex(8)}.{ext}"
    target = settings.media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(encoded)
    return relative


def _apply_profile(account: Account, changes: ProfileChanges) -> None:
    if changes.display_name is not None:
        account.display_name = changes.display_name.strip()
    if changes.note is not None:
        account.note_source = changes.note
        account.note = text_to_html(changes.note)
    for name in ("locked", "discoverable", "indexable", "hide_collections"):
        value = getattr(changes, name)
        if value is not None:
            setattr(account, name, value)
    if changes.bot is not None:
        if changes.bot:
            account.actor_type = "Service"
        elif account.actor_type in {"Service", "Application"}:
            account.actor_type = "Person"
    if changes.fields is not None:
        account.fields = [
            {
                "name": n.strip(),
                "value": linkify(v.strip()),
                "value_source": v.strip(),
                "verified_at": None,
            }
            for n, v in changes.fields
            if n.strip() or v.strip()
        ]


def _apply_settings(user: User, changes: ProfileChanges) -> None:
    prefs = dict(user.settings or {})
    for key in ("privacy", "sensitive", "language"):
        value = getattr(changes, key)
        if value is not None:
            prefs[key] = value
    prefs.update(changes.extra_settings)
    user.settings = prefs


async def update_profile(tx: Tx, actor: Actor, changes: ProfileChanges) -> Account:
    """Change the acting account's profile and its user's posting defaults."""
    _check_profile(changes)
    account = await tx.session.get(Account, actor.account_id)
    if account is None:
        raise InvalidAccountField("Validation failed: Account is missing")
    _apply_profile(account, changes)
    if changes.avatar is not None:
        account.avatar_path = _store_image(tx, account.id, "avatar", changes.avatar, AVATAR_SIZE)
    if changes.header is not None:
        account.header_path = _store_image(tx, account.id, "header", changes.header, HEADER_SIZE)
    user = await tx.session.scalar(select(User).where(User.account_id == account.id))
    if user is not None:
        _apply_settings(user, changes)
    account.updated_at = now()
    await tx.session.flush()
    await emit(tx, ProfileUpdated(actor=actor, account_id=account.id))
    return account
