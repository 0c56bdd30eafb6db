"""``GET /api/v1/accounts/:id/statuses``: a profile's statuses (pinned, media, replies,
reblogs and tag filters), as the viewer may see them: one prebuilt statement
(``timelines/account_page.py``) rendered from the status cache; an empty page asks once more
whether the account exists (404 if not)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from porina.analytics import impressions
from porina.api.mastodon import auth
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.render.pages import home_json
from porina.timelines import account_page
from porina.timelines.home import Window


@get("/api/v1/accounts/{account_id:str}/statuses")
async def account_statuses(request: Request[Any, Any, Any], account_id: str) -> Response[Any]:
    viewer = await auth.optional(request, "read:statuses")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    page = Page.of(params)
    target = parse_id(account_id)
    if target is None:
        raise NotFound()
    narrowing = account_page.Narrowing(
        pinned=params.bool("pinned"),
        only_media=params.bool("only_media"),
        exclude_replies=params.bool("exclude_replies"),
        exclude_reblogs=params.bool("exclude_reblogs"),
        tagged=params.str("tagged"),
    )
    svc = auth.services_of(request)
    window = Window(page.max_id, page.since_id, page.min_id, page.limit)
    rows = await account_page.rows(svc.db, vid, target, window, narrowing)
    if not rows and not await account_page.exists_(svc.db, target):
        raise NotFound()
    if not narrowing.pinned and (page.max_id, page.since_id, page.min_id) == (None, None, None):
        impressions.visit(target, vid)  # a profile opened: its first page (no statement)
    body = await home_json(svc, vid, rows, "account")
    return Response(body, headers=link_header(request, [row.id for row in rows], page))


ROUTES = [account_statuses]
