"""``/api/v1/profile`` (Mastodon 4.6): the signed-in person's profile with the source of every
editable field, and changing it; ``DELETE /api/v1/profile/avatar`` and ``/header`` (4.2)."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Request, delete, get, patch

from porina.accounts import profile as rules
from porina.accounts import queries
from porina.accounts.actions import update_profile
from porina.accounts.models import Account, User
from porina.api.mastodon import auth
from porina.api.mastodon.accounts import (
    credential_account,
    profile_changes,
    renderer,
)
from porina.api.mastodon.params import Params
from porina.render import entities as e

BODY_LIMIT = 40 * 1024 * 1024
"""As update_credentials: an avatar and a header, each up to ``PORINA_MAX_IMAGE_BYTES``."""


def profile_entity(
    request: Request[Any, Any, Any], account: Account, user: User | None
) -> dict[str, Any]:
    r = renderer(request)
    prefs = (user.settings if user else None) or {}
    avatar = r.media_url(account.avatar_path, "") if account.avatar_path else None
    header = r.media_url(account.header_path, "") if account.header_path else None
    return {
        "id": str(account.id),
        "display_name": account.display_name,
        "note": account.note_source,
        "fields": [
            {
                "name": f.get("name", ""),
                "value": f.get("value_source", f.get("value", "")),
                "verified_at": f.get("verified_at"),
            }
            for f in account.fields or []
        ],
        "avatar": avatar,
        "avatar_static": avatar,
        "avatar_description": prefs.get("avatar_description", ""),
        "header": header,
        "header_static": header,
        "header_description": prefs.get("header_description", ""),
        "locked": account.locked,
        "bot": account.actor_type in {"Service", "Application"},
        "hide_collections": account.hide_collections,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
        "attribution_domains": [],
        **{flag: bool(prefs.get(flag, True)) for flag in rules.PROFILE_FLAGS},
    }


async def _current(request: Request[Any, Any, Any], account_id: int) -> tuple[Account, User | None]:
    async with auth.services_of(request).db.read() as session:
        account = await queries.account(session, account_id, account_id)
        return account, await queries.user_of(session, account.id)


@get("/api/v1/profile")
async def show(request: Request[Any, Any, Any]) -> dict[str, Any]:
    viewer = await auth.require(request, "read:accounts")
    return profile_entity(request, *await _current(request, viewer.require_account()))


def _extra(params: Params) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for flag in rules.PROFILE_FLAGS:
        if params.has(flag):
            extra[flag] = params.bool(flag)
    for name in rules.DESCRIPTIONS:
        if params.has(name):
            extra[name] = rules.check_description(name, params.text(name))
    return extra


@patch("/api/v1/profile", request_max_body_size=BODY_LIMIT)
async def update(request: Request[Any, Any, Any]) -> dict[str, Any]:
    viewer = await auth.require(request, "write:accounts")
    params = await Params.of(request)
    changes = await profile_changes(params, extra_settings=_extra(params))
    async with auth.services_of(request).db.transaction() as tx:
        await update_profile(tx, auth.actor_of(viewer), changes)
    return profile_entity(request, *await _current(request, viewer.require_account()))


async def _remove(request: Request[Any, Any, Any], kind: Literal["avatar", "header"]) -> e.Account:
    viewer = await auth.require(request, "write:accounts")
    async with auth.services_of(request).db.transaction() as tx:
        await rules.remove_image(tx, auth.actor_of(viewer), kind)
    async with auth.services_of(request).db.read() as session:
        account = await queries.account(session, viewer.require_account(), viewer.account_id)
        user = await queries.user_of(session, account.id)
        return await credential_account(request, session, account, user)


@delete("/api/v1/profile/avatar", status_code=200)
async def remove_avatar(request: Request[Any, Any, Any]) -> e.Account:
    return await _remove(request, "avatar")


@delete("/api/v1/profile/header", status_code=200)
async def remove_header(request: Request[Any, Any, Any]) -> e.Account:
    return await _remove(request, "header")


ROUTES = [show, update, remove_avatar, remove_header]
