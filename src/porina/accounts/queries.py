"""Read-only questions about accounts and the social graph."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.accounts.errors import AccountNotFound
from porina.accounts.models import (
    Account,
    AccountNote,
    AccountPin,
    Block,
    DomainBlock,
    Follow,
    FollowRequest,
    Mute,
    User,
)
from porina.core.clock import now
from porina.core.visibility import VISIBILITIES
from porina.settings import Settings


def known_to(viewer: Any) -> ColumnElement[bool]:
    """SQL: the account is not a hidden group's (``groups``: a local Group that is not
    discoverable), or ``viewer`` (a value, a bound parameter or None) is one of its members:
    a hidden group is unknown to everyone else."""
    hidden = and_(
        Account.actor_type == "Group", Account.discoverable.is_(False), Account.domain.is_(None)
    )
    if viewer is None:
        return ~hidden
    member = exists().where(Follow.account_id == viewer, Follow.target_account_id == Account.id)
    return or_(~hidden, member)


def hidden_group(account: Account) -> bool:
    """Whether ``account`` is a hidden group's (``known_to``): unknown to everyone but its
    members, so it has no public WebFinger or ActivityPub document (groups do not federate)."""
    return account.actor_type == "Group" and not account.discoverable and account.domain is None


def visible_to(viewer_id: Any) -> ColumnElement[bool]:
    """SQL: the account is visible to ``viewer_id`` (a value, a bound parameter or None).
    Suspended accounts are gone for everyone but themselves; a hidden group's account for
    everyone but its members (``known_to``)."""
    if viewer_id is None:
        return and_(Account.suspended_at.is_(None), known_to(None))
    return and_(
        or_(Account.suspended_at.is_(None), Account.id == viewer_id),
        or_(Account.id == viewer_id, known_to(viewer_id)),
    )


def heard_in_public(viewer_id: Any, account_id: Any) -> ColumnElement[bool]:
    """SQL: the account ``account_id`` (a column) may show to ``viewer_id`` (a value, a bound
    parameter or None) in public places (the public, local, federated and hashtag timelines,
    trends, search): it is not silenced (limited, by a moderator or a domain silence), or the
    viewer is it or follows it, as Mastodon keeps limited accounts to their followers. The
    silenced accounts the viewer does not follow are one uncorrelated subquery (few rows)."""
    limited = aliased(Account, name="limited")
    followed = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
    silenced = select(limited.id).where(
        limited.silenced_at.is_not(None), limited.id.not_in(followed.correlate(None))
    )
    return or_(account_id == viewer_id, account_id.not_in(silenced.correlate(None)))


async def account(session: AsyncSession, account_id: int | None, viewer_id: int | None) -> Account:
    """The account, or AccountNotFound (also when suspended and not the viewer's own)."""
    if account_id is None:
        raise AccountNotFound()
    found = await session.scalar(
        select(Account).where(Account.id == account_id, visible_to(viewer_id))
    )
    if found is None:
        raise AccountNotFound()
    return found


async def accounts(
    session: AsyncSession, ids: Sequence[int], viewer_id: int | None
) -> list[Account]:
    """The visible accounts among ``ids``, in the order asked."""
    if not ids:
        return []
    rows = await session.scalars(
        select(Account).where(Account.id.in_(list(ids)), visible_to(viewer_id))
    )
    by_id = {a.id: a for a in rows}
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


def local_domains(settings: Settings) -> frozenset[str]:
    """The domains that name this server in a handle, lower-cased: the handles' domain
    (``PORINA_DOMAIN``, else the host of the base URL) and the base URL's host with its port,
    which is what a client that signed in at that address puts after a local name
    (``toot follow aino@127.0.0.1:8000``)."""
    return frozenset({settings.local_domain.lower(), urlsplit(settings.base_url).netloc.lower()})


async def local(session: AsyncSession, name: str) -> Account | None:
    """The local account named ``name`` (any case), unless it is suspended."""
    found: Account | None = await session.scalar(
        select(Account).where(
            func.lower(Account.username) == name.lower(),
            Account.domain.is_(None),
            Account.suspended_at.is_(None),
        )
    )
    return found


async def lookup(
    session: AsyncSession, acct: str, local: Collection[str], viewer_id: int | None
) -> Account:
    """The account with handle ``acct`` (``name``, ``name@domain``, a leading ``@`` allowed);
    a domain in ``local`` (``local_domains``) means a local account."""
    name, _, domain = acct.strip().lstrip("@").partition("@")
    if not name:
        raise AccountNotFound()
    query = select(Account).where(
        func.lower(Account.username) == name.lower(), visible_to(viewer_id)
    )
    if domain and domain.lower() not in local:
        query = query.where(func.lower(Account.domain) == domain.lower())
    else:
        query = query.where(Account.domain.is_(None))
    found = await session.scalar(query)
    if found is None:
        raise AccountNotFound()
    return found


async def user_of(session: AsyncSession, account_id: int) -> User | None:
    return await session.scalar(select(User).where(User.account_id == account_id))


async def follow_requests_count(session: AsyncSession, account_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(FollowRequest)
            .where(FollowRequest.target_account_id == account_id)
        )
        or 0
    )


@dataclass
class Relationship:
    id: int
    following: bool = False
    showing_reblogs: bool = False
    notifying: bool = False
    languages: list[str] | None = None
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    muting_expires_at: datetime | None = None
    requested: bool = False
    requested_by: bool = False
    domain_blocking: bool = False
    endorsed: bool = False
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _flag_queries(viewer_id: int, wanted: list[int]) -> list[tuple[str, Select[int]]]:
    """Each yes/no side of a relationship, and the ids (of ``wanted``) for which it holds."""
    return [
        (
            "followed_by",
            select(Follow.account_id).where(
                Follow.target_account_id == viewer_id, Follow.account_id.in_(wanted)
            ),
        ),
        (
            "requested_by",
            select(FollowRequest.account_id).where(
                FollowRequest.target_account_id == viewer_id, FollowRequest.account_id.in_(wanted)
            ),
        ),
        (
            "blocking",
            select(Block.target_account_id).where(
                Block.account_id == viewer_id, Block.target_account_id.in_(wanted)
            ),
        ),
        (
            "blocked_by",
            select(Block.account_id).where(
                Block.target_account_id == viewer_id, Block.account_id.in_(wanted)
            ),
        ),
        (
            "endorsed",
            select(AccountPin.target_account_id).where(
                AccountPin.account_id == viewer_id, AccountPin.target_account_id.in_(wanted)
            ),
        ),
        (
            "domain_blocking",
            select(Account.id)
            .join(DomainBlock, DomainBlock.domain == Account.domain)
            .where(DomainBlock.account_id == viewer_id, Account.id.in_(wanted)),
        ),
    ]


async def _edges(
    session: AsyncSession, viewer_id: int, wanted: list[int], out: dict[int, Relationship]
) -> None:
    """Follows and follow requests by the viewer (with their options), mutes and notes."""
    for f in await session.scalars(
        select(Follow).where(Follow.account_id == viewer_id, Follow.target_account_id.in_(wanted))
    ):
        rel = out[f.target_account_id]
        rel.following, rel.showing_reblogs = True, f.show_reblogs
        rel.notifying, rel.languages = f.notify, f.languages
    for r in await session.scalars(
        select(FollowRequest).where(
            FollowRequest.account_id == viewer_id, FollowRequest.target_account_id.in_(wanted)
        )
    ):
        rel = out[r.target_account_id]
        rel.requested, rel.showing_reblogs = True, r.show_reblogs
        rel.notifying, rel.languages = r.notify, r.languages
    active = or_(Mute.expires_at.is_(None), Mute.expires_at > now())
    for m in await session.scalars(
        select(Mute).where(Mute.account_id == viewer_id, Mute.target_account_id.in_(wanted), active)
    ):
        rel = out[m.target_account_id]
        rel.muting, rel.muting_notifications = True, m.hide_notifications
        rel.muting_expires_at = m.expires_at
    for n in await session.scalars(
        select(AccountNote).where(
            AccountNote.account_id == viewer_id, AccountNote.target_account_id.in_(wanted)
        )
    ):
        out[n.target_account_id].note = n.comment


async def relationships(
    session: AsyncSession, viewer_id: int, ids: Sequence[int]
) -> list[Relationship]:
    """The viewer's relationship with each of ``ids`` (one query per kind of edge)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    out = {i: Relationship(id=i) for i in wanted}
    await _edges(session, viewer_id, wanted, out)
    for flag, query in _flag_queries(viewer_id, wanted):
        for i in await session.scalars(query):
            setattr(out[i], flag, True)
    return [out[i] for i in wanted]


async def relationship(session: AsyncSession, viewer_id: int, target_id: int) -> Relationship:
    return (await relationships(session, viewer_id, [target_id]))[0]


async def edge_page(
    session: AsyncSession, query: Select[int, Account], cursor: Any, page: Any
) -> list[tuple[int, Account]]:
    """``(edge id, account)`` rows of a paginated list of accounts, newest edge first."""
    rows = (await session.execute(page.apply(query, cursor))).all()
    return [(r[0], r[1]) for r in page.arrange(rows)]


def followers_query(target_id: int) -> Select[int, Account]:
    return (
        select(Follow.id, Account)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == target_id, Account.suspended_at.is_(None))
    )


def following_query(account_id: int) -> Select[int, Account]:
    return (
        select(Follow.id, Account)
        .join(Account, Account.id == Follow.target_account_id)
        .where(Follow.account_id == account_id, Account.suspended_at.is_(None))
    )


def requests_query(target_id: int) -> Select[int, Account]:
    return (
        select(FollowRequest.id, Account)
        .join(Account, Account.id == FollowRequest.account_id)
        .where(FollowRequest.target_account_id == target_id, Account.suspended_at.is_(None))
    )


def blocks_query(account_id: int) -> Select[int, Account]:
    return (
        select(Block.id, Account)
        .join(Account, Account.id == Block.target_account_id)
        .where(Block.account_id == account_id)
    )


def mutes_query(account_id: int) -> Select[int, Account]:
    return (
        select(Mute.id, Account)
        .join(Account, Account.id == Mute.target_account_id)
        .where(
            Mute.account_id == account_id, or_(Mute.expires_at.is_(None), Mute.expires_at > now())
        )
    )


async def endorsements(session: AsyncSession, account_id: int, limit: int) -> list[Account]:
    rows = await session.scalars(
        select(Account)
        .join(AccountPin, AccountPin.target_account_id == Account.id)
        .where(AccountPin.account_id == account_id, Account.suspended_at.is_(None))
        .order_by(AccountPin.created_at.desc())
        .limit(limit)
    )
    return list(rows)


async def familiar_followers(
    session: AsyncSession, viewer_id: int, ids: Sequence[int]
) -> dict[int, list[Account]]:
    """For each target, the accounts the viewer follows that follow it."""
    wanted = list(dict.fromkeys(ids))
    out: dict[int, list[Account]] = {i: [] for i in wanted}
    if not wanted:
        return out
    mine = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
    rows = await session.execute(
        select(Follow.target_account_id, Account)
        .join(Account, Account.id == Follow.account_id)
        .where(
            Follow.target_account_id.in_(wanted),
            Follow.account_id.in_(mine),
            Account.suspended_at.is_(None),
        )
        .order_by(Follow.id.desc())
    )
    for target, acc in rows.all():
        if len(out[target]) < 40:
            out[target].append(acc)
    return out


async def domain_blocks(
    session: AsyncSession, account_id: int, query_page: Any
) -> list[tuple[int, str]]:
    query = select(DomainBlock.id, DomainBlock.domain).where(DomainBlock.account_id == account_id)
    rows = (await session.execute(query_page.apply(query, DomainBlock.id))).all()
    return [(r[0], r[1]) for r in query_page.arrange(rows)]


async def is_blocked_either_way(session: AsyncSession, a: int, b: int) -> bool:
    found = await session.scalar(
        select(Block.id)
        .where(
            or_(
                (Block.account_id == a) & (Block.target_account_id == b),
                (Block.account_id == b) & (Block.target_account_id == a),
            )
        )
        .limit(1)
    )
    return found is not None


async def default_visibility(session: AsyncSession, account_id: int) -> str:
    """The visibility a person's new posts get when they choose none (``source[privacy]``).

    For a team-operated account this is the account owner's setting.
    """
    return visibility_in(
        await session.scalar(select(User.settings).where(User.account_id == account_id))
    )


def visibility_in(prefs: dict[str, Any] | None) -> str:
    """``default_visibility`` from the owner's settings already read (``User.settings``)."""
    chosen = (prefs or {}).get("privacy")
    return chosen if chosen in VISIBILITIES else "public"
