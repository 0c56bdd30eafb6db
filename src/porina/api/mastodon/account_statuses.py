"""``GET /api/v1/accounts/:id/statuses``: a profile's statuses (pinned, media, replies,
reblogs and tag filters), as the viewer may see them."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from sqlalchemy import exists

from porina.accounts.models import Account
from porina.api.mastodon import auth
from porina.api.mastodon.pagination import Page
from porina.api.mastodon.params import Params
from porina.api.mastodon.timelines import (
    StatusList,
    has_media,
    not_reply_to_others,
    render_page,
    tagged,
)
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.posts.models import StatusPin
from porina.posts.queries import S, bundle_select


@get("/api/v1/accounts/{account_id:str}/statuses")
async def account_statuses(request: Request[Any, Any, Any], account_id: str) -> StatusList:
    viewer = await auth.optional(request, "read:statuses")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    target = parse_id(account_id)
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        account = await session.get(Account, target) if target is not None else None
        if account is None:
            raise NotFound()
        query = bundle_select(vid).where(S.account_id == account.id)
        if params.bool("pinned"):
            query = query.where(
                exists().where(StatusPin.account_id == account.id, StatusPin.status_id == S.id)
            )
        if params.bool("only_media"):
            query = query.where(has_media())
        if params.bool("exclude_replies"):
            query = query.where(not_reply_to_others())
        if params.bool("exclude_reblogs"):
            query = query.where(S.reblog_of_id.is_(None))
        if tag := params.str("tagged"):
            query = query.where(tagged([tag]))
        return await render_page(request, session, vid, query, Page.of(params), context="account")


ROUTES = [account_statuses]
