"""``/api/v1/accounts``: sign-up, profiles, credentials, relationships and the follow graph."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, Response, get, patch, post
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import graph, queries, recovery
from porina.accounts.actions import (
    NewAccount,
    ProfileChanges,
    check_registration,
    hashed,
    issue_token,
    register,
    update_profile,
)
from porina.accounts.errors import AccountNotFound
from porina.accounts.models import Account, Follow, User
from porina.accounts.profile import check_quote_policy
from porina.anonymity import blocking as anonymous_blocks
from porina.api.mastodon import account_reads, auth
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.actor import Actor
from porina.core.clock import aware, iso
from porina.core.errors import Unprocessable
from porina.core.ids import parse_id
from porina.render import entities as e
from porina.render.renderer import Renderer
from porina.storage.db import Tx

ROLE_USER = {"id": "-99", "name": "", "permissions": "65536", "color": "", "highlighted": False}
ROLES = {
    "moderator": {
        "id": "2",
        "name": "Moderator",
        "permissions": "1308",
        "color": "",
        "highlighted": True,
    },
    "admin": {
        "id": "3",
        "name": "Admin",
        "permissions": "1048575",
        "color": "",
        "highlighted": True,
    },
}


def renderer(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(auth.services_of(request).settings)


def relationship_entity(rel: queries.Relationship) -> e.Relationship:
    return e.Relationship(
        id=str(rel.id),
        following=rel.following,
        showing_reblogs=rel.showing_reblogs,
        notifying=rel.notifying,
        languages=rel.languages,
        followed_by=rel.followed_by,
        blocking=rel.blocking,
        blocked_by=rel.blocked_by,
        muting=rel.muting,
        muting_notifications=rel.muting_notifications,
        muting_expires_at=iso(rel.muting_expires_at),
        requested=rel.requested,
        requested_by=rel.requested_by,
        domain_blocking=rel.domain_blocking,
        endorsed=rel.endorsed,
        note=rel.note,
    )


async def credential_account(
    request: Request[Any, Any, Any], session: AsyncSession, account: Account, user: User | None
) -> e.Account:
    entity = renderer(request).account(account)
    prefs = (user.settings if user else None) or {}
    entity.source = {
        "privacy": prefs.get("privacy", "public"),
        "sensitive": bool(prefs.get("sensitive", False)),
        "language": prefs.get("language") or None,
        "note": account.note_source,
        "fields": [
            {
                "name": f.get("name", ""),
                "value": f.get("value_source", f.get("value", "")),
                "verified_at": f.get("verified_at"),
            }
            for f in account.fields or []
        ],
        "follow_requests_count": await queries.follow_requests_count(session, account.id),
        "hide_collections": account.hide_collections,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
        "attribution_domains": [],
        "quote_policy": prefs.get("quote_policy", "public"),
    }
    entity.role = ROLES.get(user.role if user else "user", ROLE_USER)
    return entity


def account_id_of(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise AccountNotFound()
    return parsed


async def viewer_id_of(request: Request[Any, Any, Any], scope: str) -> int | None:
    viewer = await auth.optional(request, scope)
    return viewer.account_id if viewer else None


# --- sign-up and credentials -------------------------------------------------------------------


@post("/api/v1/accounts", status_code=200)
async def create(request: Request[Any, Any, Any]) -> e.Token:
    viewer = await auth.require_app(request, "write:accounts")
    params = await Params.of(request)
    new = NewAccount(
        username=params.text("username", max_len=30),
        email=params.text("email", max_len=255),
        password=params.text("password", max_len=1024),
        locale=params.text("locale", "en", max_len=8) or "en",
    )
    svc = auth.services_of(request)
    agreement = params.bool("agreement")
    check_registration(svc.settings, agreement=agreement)
    new = await hashed(new)  # before the transaction: no write waits for the hash
    async with svc.db.transaction() as tx:
        _, user = await register(tx, new, agreement=agreement)
        await recovery.send_confirmation(tx, user)
        scopes = " ".join(sorted(viewer.scopes))
        plain, token = await issue_token(tx, user=user, app_id=viewer.app_id, scopes=scopes)
    return e.Token(
        access_token=plain,
        token_type="Bearer",
        scope=scopes,
        created_at=int(aware(token.created_at).timestamp()),
    )


@get("/api/v1/accounts/verify_credentials")
async def verify_credentials(request: Request[Any, Any, Any]) -> e.Account:
    viewer = await auth.require(request, "profile")
    found, role = await account_reads.credentials(
        auth.services_of(request), viewer.require_account()
    )
    return msgspec.structs.replace(found, role=ROLES.get(role, ROLE_USER))


def _fields(params: Params) -> list[tuple[str, str]] | None:
    if not params.has("fields_attributes"):
        return None
    out: list[tuple[str, str]] = []
    for item in params.list("fields_attributes"):
        if not isinstance(item, dict):
            raise Unprocessable(
                "Validation failed: fields_attributes must be a list of name/value pairs"
            )
        sub = Params(item)
        out.append((sub.text("name"), sub.text("value")))
    return out


async def _upload(params: Params, name: str) -> bytes | None:
    upload = params.file(name)
    return None if upload is None else await upload.read()


def _quote_policy(source: Params) -> dict[str, Any]:
    """``source[quote_policy]`` (4.5): who may quote new public posts by default."""
    value = source.str("quote_policy")
    return {} if value is None else {"quote_policy": check_quote_policy(value)}


async def profile_changes(params: Params, **more: Any) -> ProfileChanges:
    """What ``update_credentials`` and ``PATCH /api/v1/profile`` both take: the profile's
    texts, flags, fields and images, plus the endpoint's own ``more``."""
    return ProfileChanges(
        display_name=params.str("display_name"),
        note=params.str("note"),
        locked=params.opt_bool("locked"),
        bot=params.opt_bool("bot"),
        discoverable=params.opt_bool("discoverable"),
        indexable=params.opt_bool("indexable"),
        hide_collections=params.opt_bool("hide_collections"),
        fields=_fields(params),
        avatar=await _upload(params, "avatar"),
        header=await _upload(params, "header"),
        **more,
    )


PROFILE_BODY_LIMIT = 40 * 1024 * 1024
"""update_credentials carries an avatar and a header (each up to ``PORINA_MAX_IMAGE_BYTES``,
16 MiB by default): past the 1 MiB every other request may hold (``core.inputs``)."""


@patch("/api/v1/accounts/update_credentials", request_max_body_size=PROFILE_BODY_LIMIT)
async def update_credentials(request: Request[Any, Any, Any]) -> e.Account:
    viewer = await auth.require(request, "write:accounts")
    params = await Params.of(request)
    source = params.sub("source")
    changes = await profile_changes(
        params,
        privacy=source.str("privacy"),
        sensitive=source.opt_bool("sensitive"),
        language=source.str("language"),
        extra_settings=_quote_policy(source),
    )
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        await update_profile(tx, auth.actor_of(viewer), changes)
    async with svc.db.read() as session:
        account = await queries.account(session, viewer.require_account(), viewer.account_id)
        user = await queries.user_of(session, account.id)
        return await credential_account(request, session, account, user)


# --- reading accounts --------------------------------------------------------------------------


@get("/api/v1/accounts/{account_id:str}")
async def show(request: Request[Any, Any, Any], account_id: str) -> e.Account:
    viewer_id = await viewer_id_of(request, "read:accounts")
    async with auth.services_of(request).db.read() as session:
        account = await queries.account(session, account_id_of(account_id), viewer_id)
        moved_to = account.moved_to_account_id
        moved = await session.get(Account, moved_to) if moved_to is not None else None
    entity = renderer(request).account(account)
    if moved is not None and moved.suspended_at is None:  # Mastodon's ``moved``: where it went
        entity = msgspec.structs.replace(entity, moved=renderer(request).account(moved))
    return entity


@get("/api/v1/accounts")
async def index(request: Request[Any, Any, Any]) -> list[e.Account]:
    viewer_id = await viewer_id_of(request, "read:accounts")
    params = await Params.of(request)
    ids = params.id_list("id", max_items=40)
    async with auth.services_of(request).db.read() as session:
        found = await queries.accounts(session, ids, viewer_id)
    r = renderer(request)
    return [r.account(a) for a in found]


@get("/api/v1/accounts/lookup")
async def lookup(request: Request[Any, Any, Any]) -> e.Account:
    viewer_id = await viewer_id_of(request, "read:accounts")
    params = await Params.of(request)
    acct = params.term("acct", max_len=600)
    if acct is None:
        raise AccountNotFound()
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        local = queries.local_domains(svc.settings)
        account = await queries.lookup(session, acct, local, viewer_id)
    return renderer(request).account(account)


@get("/api/v1/accounts/relationships")
async def relationships(request: Request[Any, Any, Any]) -> list[e.Relationship]:
    viewer = await auth.require(request, "read:follows")
    params = await Params.of(request)
    ids = params.id_list("id", max_items=40)
    svc = auth.services_of(request)
    return await account_reads.relationships(svc, viewer.require_account(), ids)


@get("/api/v1/accounts/familiar_followers")
async def familiar_followers(request: Request[Any, Any, Any]) -> list[e.FamiliarFollowers]:
    viewer = await auth.require(request, "read:follows")
    params = await Params.of(request)
    ids = params.id_list("id", max_items=40)
    async with auth.services_of(request).db.read() as session:
        found = await queries.familiar_followers(session, viewer.require_account(), ids)
    r = renderer(request)
    return [
        e.FamiliarFollowers(id=str(i), accounts=[r.account(a) for a in accs])
        for i, accs in found.items()
    ]


async def _graph_list(
    request: Request[Any, Any, Any], account_id: str, followers: bool
) -> Response[Any]:
    viewer_id = await viewer_id_of(request, "read:accounts")
    params = await Params.of(request)
    page = Page.of(params, 40, 80)
    async with auth.services_of(request).db.read() as session:
        target = await queries.account(session, account_id_of(account_id), viewer_id)
        if target.hide_collections and viewer_id != target.id:
            rows: list[tuple[int, Account]] = []
        else:
            query = (
                queries.followers_query(target.id)
                if followers
                else queries.following_query(target.id)
            )
            rows = await queries.edge_page(session, query, Follow.id, page)
    r = renderer(request)
    body = [r.account(a) for _, a in rows]
    return Response(body, headers=link_header(request, [i for i, _ in rows], page))


@get("/api/v1/accounts/{account_id:str}/followers")
async def followers(request: Request[Any, Any, Any], account_id: str) -> Response[Any]:
    return await _graph_list(request, account_id, followers=True)


@get("/api/v1/accounts/{account_id:str}/following")
async def following(request: Request[Any, Any, Any], account_id: str) -> Response[Any]:
    return await _graph_list(request, account_id, followers=False)


@get("/api/v1/endorsements")
async def endorsements(request: Request[Any, Any, Any]) -> list[e.Account]:
    viewer = await auth.require(request, "read:accounts")
    params = await Params.of(request)
    async with auth.services_of(request).db.read() as session:
        found = await queries.endorsements(session, viewer.require_account(), params.limit(40, 80))
    r = renderer(request)
    return [r.account(a) for a in found]


# --- changing relationships --------------------------------------------------------------------

Acted = Account | graph.Followee
"""What a graph action returns: the account acted on, or (follow, unfollow) its id."""
GraphAction = Callable[[Tx, Actor, int], Awaitable[Acted]]


async def act(
    request: Request[Any, Any, Any],
    scope: str,
    account_id: str,
    action: Callable[[Tx, Actor, int, Params], Awaitable[Acted]],
) -> e.Relationship:
    """Run a graph action on ``account_id`` and answer with the resulting Relationship."""
    viewer = await auth.require(request, scope)
    params = await Params.of(request)
    target_id = account_id_of(account_id)
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        target = await action(tx, auth.actor_of(viewer), target_id, params)
    found = await account_reads.relationships(svc, viewer.require_account(), [target.id])
    if found:  # one prebuilt statement (the same answer as accounts.queries.relationship)
        return found[0]
    async with svc.db.read() as session:  # an account suspended meanwhile
        rel = await queries.relationship(session, viewer.require_account(), target.id)
        rel = await anonymous_blocks.unquiet(session, viewer.require_account(), rel)
    return relationship_entity(rel)


@post("/api/v1/accounts/{account_id:str}/follow", status_code=200)
async def follow(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    async def run(tx: Tx, actor: Actor, target: int, params: Params) -> Acted:
        languages = params.str_list("languages", max_items=100) if params.has("languages") else None
        return await graph.follow(
            tx,
            actor,
            target,
            reblogs=params.opt_bool("reblogs"),
            notify_posts=params.opt_bool("notify"),
            languages=languages,
        )

    return await act(request, "write:follows", account_id, run)


def simple(action: GraphAction) -> Callable[[Tx, Actor, int, Params], Awaitable[Acted]]:
    async def run(tx: Tx, actor: Actor, target: int, params: Params) -> Acted:
        return await action(tx, actor, target)

    return run


@post("/api/v1/accounts/{account_id:str}/unfollow", status_code=200)
async def unfollow(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    return await act(request, "write:follows", account_id, simple(graph.unfollow))


@post("/api/v1/accounts/{account_id:str}/remove_from_followers", status_code=200)
async def remove_from_followers(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    return await act(request, "write:follows", account_id, simple(graph.remove_from_followers))


@post("/api/v1/accounts/{account_id:str}/block", status_code=200)
async def block(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    return await act(request, "write:blocks", account_id, simple(graph.block))


@post("/api/v1/accounts/{account_id:str}/unblock", status_code=200)
async def unblock(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    return await act(request, "write:blocks", account_id, simple(graph.unblock))


@post("/api/v1/accounts/{account_id:str}/mute", status_code=200)
async def mute(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    async def run(tx: Tx, actor: Actor, target: int, params: Params) -> Account:
        return await graph.mute(
            tx,
            actor,
            target,
            notifications=params.bool("notifications", True),
            duration=params.int("duration", 0) or 0,
        )

    return await act(request, "write:mutes", account_id, run)


@post("/api/v1/accounts/{account_id:str}/unmute", status_code=200)
async def unmute(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    return await act(request, "write:mutes", account_id, simple(graph.unmute))


@post("/api/v1/accounts/{account_id:str}/note", status_code=200)
async def note(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    async def run(tx: Tx, actor: Actor, target: int, params: Params) -> Account:
        return await graph.set_note(tx, actor, target, params.text("comment"))

    return await act(request, "write:accounts", account_id, run)


@post(
    ["/api/v1/accounts/{account_id:str}/pin", "/api/v1/accounts/{account_id:str}/endorse"],
    status_code=200,
)
async def pin(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    return await act(request, "write:accounts", account_id, simple(graph.endorse))


@post(
    ["/api/v1/accounts/{account_id:str}/unpin", "/api/v1/accounts/{account_id:str}/unendorse"],
    status_code=200,
)
async def unpin(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    return await act(request, "write:accounts", account_id, simple(graph.unendorse))


ROUTES = [
    create,
    verify_credentials,
    update_credentials,
    show,
    index,
    lookup,
    relationships,
    familiar_followers,
    followers,
    following,
    endorsements,
    follow,
    unfollow,
    remove_from_followers,
    block,
    unblock,
    mute,
    unmute,
    note,
    pin,
    unpin,
]
