"""Actor documents and their collections at Mastodon's URLs (``/users/{name}``…).

Content negotiation: a request that accepts ``application/activity+json`` or
``application/ld+json`` gets the document; anything else (a browser) is redirected to the
web page at ``/@name`` (``/@name/{id}`` for a post), as Mastodon does.

A signed GET is verified (``federation.fetch_auth``: a bad signature is 401); in
authorized-fetch mode an unsigned one is 401 too. A followers-only or direct post is served
only to a signer who may see it (404 otherwise), with ``Cache-Control: private``.

A hidden group's actor document, outbox, featured and follow collections are a 404 (the
same as for an unknown name) to everyone but a signer of a domain where the group has a
member or invitee (``federation.hidden_groups``), so its members' servers can verify its
``Announce``s; served to them with ``Cache-Control: private``. WebFinger stays a 404.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import queries as account_queries
from porina.accounts.models import Account, Follow
from porina.api.mastodon.auth import services_of
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.core.inputs import has_nul
from porina.federation import aliases, fetch_auth, hidden_groups
from porina.federation import documents as doc
from porina.federation.dispatch import FederationContext
from porina.federation.keys import ensure_keys
from porina.federation.notes import note_for
from porina.groups.models import Group
from porina.posts.models import Status, StatusPin
from porina.posts.visibility import PUBLIC, is_visible

AP_TYPE = "application/activity+json"
PAGE = 20
"""Items shown inline in the outbox and the follow collections (the newest)."""


def wants_activity(request: Request[Any, Any, Any]) -> bool:
    accept = request.headers.get("accept", "").lower()
    return AP_TYPE in accept or "application/ld+json" in accept


def _json(body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(body, media_type=f"{AP_TYPE}; charset=utf-8", headers={"Vary": "Accept"})


def _base(request: Request[Any, Any, Any]) -> str:
    return services_of(request).settings.base_url.rstrip("/")


async def _signer(request: Request[Any, Any, Any], *, needed: bool = False) -> Account | None:
    """The verified remote signer of this GET. In authorized-fetch mode always (401 for a
    bad signature or none); otherwise only when ``needed`` (a post not public), a signature
    that cannot be verified counting as none, and never for public documents (no key is
    fetched for what anyone may read)."""
    svc: FederationContext = request.app.state.services
    if not needed and not svc.settings.federation_authorized_fetch:
        return None
    headers = {k.lower(): v for k, v in request.headers.items()}
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return await fetch_auth.require(svc.db, svc.outbound, target=target, headers=headers)


async def _local(session: AsyncSession, username: str) -> Account:
    if has_nul(username):
        raise NotFound()
    account = await account_queries.local(session, username)
    if account is None or account_queries.hidden_group(account):
        raise NotFound()
    return account


async def _owner(request: Request[Any, Any, Any], username: str, signer: Account | None) -> Account:
    """The local account whose document this is; a hidden group's only to a signer of a
    domain where it has a member (404 otherwise, as for an unknown name)."""
    if has_nul(username):
        raise NotFound()
    svc: FederationContext = request.app.state.services
    async with svc.db.read() as session:
        account = await account_queries.local(session, username)
    if account is None:
        raise NotFound()
    if account_queries.hidden_group(account):
        headers = {k.lower(): v for k, v in request.headers.items()}
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        allowed = await hidden_groups.may_fetch(
            svc.db, svc.outbound, account, target=target, headers=headers, signer=signer
        )
        if not allowed:
            raise NotFound()
    return account


def _private_if_hidden(response: Response[Any], account: Account) -> Response[Any]:
    if account_queries.hidden_group(account):
        response.headers["Cache-Control"] = "private"
    return response


@get("/users/{username:str}", name="ap:actor")
async def actor(request: Request[Any, Any, Any], username: str) -> Response[Any]:
    if not wants_activity(request):
        return Redirect(f"/@{username}", status_code=302, headers={"Vary": "Accept"})
    account = await _owner(request, username, await _signer(request))
    db = services_of(request).db
    async with db.read() as session:
        moved_to = await aliases.moved_to(session, account, _base(request))
        known_as = await aliases.also_known_as(session, account.id)
    public_pem = account.public_key_pem
    if public_pem is None:  # made the first time a peer asks
        async with db.transaction() as tx:
            _, public_pem = await ensure_keys(tx.session, account.id)
    body = doc.actor_document(
        account, _base(request), public_pem, moved_to=moved_to, also_known_as=known_as
    )
    return _private_if_hidden(_json(body), account)


def _public_posts(account_id: int) -> Any:
    return (
        select(Status)
        .where(
            Status.account_id == account_id,
            Status.visibility == "public",
            Status.deleted_at.is_(None),
            Status.reblog_of_id.is_(None),
        )
        .order_by(Status.id.desc())
    )


@get("/users/{username:str}/outbox", name="ap:outbox")
async def outbox(request: Request[Any, Any, Any], username: str) -> Response[Any]:
    account = await _owner(request, username, await _signer(request))
    base = _base(request)
    async with services_of(request).db.read() as session:
        rows = (await session.scalars(_public_posts(account.id).limit(PAGE))).all()
        items = [doc.create_activity(await note_for(session, s, account, base)) for s in rows]
    url = f"{doc.actor_url(base, account.username)}/outbox"
    return _private_if_hidden(_json(doc.collection(url, account.statuses_count, items)), account)


@get("/users/{username:str}/collections/featured", name="ap:featured")
async def featured(request: Request[Any, Any, Any], username: str) -> Response[Any]:
    account = await _owner(request, username, await _signer(request))
    base = _base(request)
    async with services_of(request).db.read() as session:
        pinned = select(StatusPin.status_id).where(StatusPin.account_id == account.id)
        query = _public_posts(account.id).where(Status.id.in_(pinned))
        rows = (await session.scalars(query)).all()
        items = [await note_for(session, s, account, base) for s in rows]
    url = f"{doc.actor_url(base, account.username)}/collections/featured"
    return _private_if_hidden(_json(doc.collection(url, len(items), items)), account)


@get("/users/{username:str}/followers", name="ap:followers")
async def followers(request: Request[Any, Any, Any], username: str) -> Response[Any]:
    return await _follow_collection(request, username, "followers")


@get("/users/{username:str}/following", name="ap:following")
async def following(request: Request[Any, Any, Any], username: str) -> Response[Any]:
    return await _follow_collection(request, username, "following")


async def _follow_collection(
    request: Request[Any, Any, Any], username: str, which: str
) -> Response[Any]:
    """Counts always; the newest actors too unless the account hides its collections (a
    private group always does)."""
    account = await _owner(request, username, await _signer(request))
    base = _base(request)
    async with services_of(request).db.read() as session:
        mine, theirs = (
            (Follow.target_account_id, Follow.account_id)
            if which == "followers"
            else (Follow.account_id, Follow.target_account_id)
        )
        total = account.followers_count if which == "followers" else account.following_count
        items: list[Any] | None = None
        if not account.hide_collections and not await _closed_group(session, account):
            query = (
                select(Account)
                .join(Follow, theirs == Account.id)
                .where(mine == account.id)
                .order_by(Follow.id.desc())
                .limit(PAGE)
            )
            items = [_actor_id(a, base) for a in (await session.scalars(query)).all()]
    url = f"{doc.actor_url(base, account.username)}/{which}"
    return _private_if_hidden(_json(doc.collection(url, total, items)), account)


async def _closed_group(session: AsyncSession, account: Account) -> bool:
    """A private group's members (its followers) are listed to nobody: its count alone."""
    if account.actor_type != "Group":
        return False
    group = await session.get(Group, account.id)
    return group is not None and group.privacy != "public"


def _actor_id(account: Account, base: str) -> str:
    return account.uri or doc.actor_url(base, account.username)


@get("/users/{username:str}/statuses/{status_id:str}", name="ap:status")
async def status(request: Request[Any, Any, Any], username: str, status_id: str) -> Response[Any]:
    if parse_id(status_id) is None:
        raise NotFound()  # not an id a status can have (PostgreSQL's BIGINT holds no more)
    if not wants_activity(request):
        return Redirect(f"/@{username}/{status_id}", status_code=302, headers={"Vary": "Accept"})
    viewer = await _signer(request)
    db = services_of(request).db
    async with db.read() as session:
        account = await _local(session, username)
        found = await session.scalar(
            select(Status).where(
                Status.id == parse_id(status_id),
                Status.account_id == account.id,
                Status.deleted_at.is_(None),
                Status.reblog_of_id.is_(None),
            )
        )
    if found is None:
        raise NotFound()
    if viewer is None and found.visibility not in PUBLIC:
        viewer = await _signer(request, needed=True)
    async with db.read() as session:
        if not await _may_see(session, viewer, found):
            raise NotFound()
        note = await note_for(session, found, account, _base(request))
    response = _json({"@context": doc.CONTEXT, **note})
    if found.visibility not in PUBLIC:
        response.headers["Cache-Control"] = "private"
    return response


async def _may_see(session: AsyncSession, viewer: Account | None, status: Status) -> bool:
    """Unsigned: public and unlisted posts. Signed: what the visibility rule lets the signer
    see (followers-only to a follower, direct to a mentioned account; nothing to one the
    author blocks)."""
    if viewer is None:
        return status.visibility in PUBLIC
    return await is_visible(session, viewer.id, status)


ROUTES = [actor, outbox, featured, followers, following, status]
