"""Compose: text, up to four photos (each with its description) or a video, a content
warning, a poll, visibility, language and a time to publish later.

The form is one multipart POST. Files are processed and stored first (as the media API does),
then the post is published (``posts.actions.create_status``) or scheduled
(``posts.actions.schedule_status``) in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from porina.accounts import queries as accounts_queries
from porina.accounts.errors import RoleLimit
from porina.core import inputs
from porina.core.errors import PorinaError, Unprocessable
from porina.core.ids import parse_id
from porina.posts import actions as posts
from porina.posts import media_actions
from porina.posts.polls import PollSpec
from porina.web import i18n
from porina.web.common import (
    Me,
    flag,
    form,
    is_htmx,
    render,
    see_other,
    signed_in,
    text,
    texts,
)
from porina.web.errors import message_for
from porina.web.runtime import services
from porina.web.statuses import one_status
from porina.web.team_pages import acting, posting_accounts

MEDIA_SLOTS = 4
BODY_LIMIT = 256 * 1024 * 1024
LANGUAGES = ("en", "fi", "sv", "de", "fr", "es", "et", "ru", "ja")
POLL_DURATIONS = (300, 1800, 3600, 21600, 86400, 259200, 604800)
MAX_TZ_OFFSET = 18 * 60  # minutes; real zones lie within -12:00..+14:00


class ComposeError(Unprocessable):
    code = "invalid_compose"


async def default_visibility(request: Request[Any, Any, Any], me: Me) -> str:
    async with services(request).db.read() as session:
        return await accounts_queries.default_visibility(session, me.account.id)


async def compose_context(
    request: Request[Any, Any, Any], me: Me, values: dict[str, Any]
) -> dict[str, Any]:
    reply_to = quote = None
    async with services(request).db.read() as session:
        if parse_id(values.get("in_reply_to_id")):
            reply_to = await one_status(request, session, me, int(values["in_reply_to_id"]))
        if parse_id(values.get("quoted_status_id")):
            quote = await one_status(request, session, me, int(values["quoted_status_id"]))
    if "visibility" not in values:
        values["visibility"] = await default_visibility(request, me)
        if reply_to is not None and reply_to.visibility in {"private", "direct"}:
            values["visibility"] = reply_to.visibility
    if reply_to is not None and "status" not in values:
        mentioned = {reply_to.account.acct, *(m.acct for m in reply_to.mentions)}
        mentioned.discard(me.account.username)
        values["status"] = "".join(f"@{acct} " for acct in sorted(mentioned))
    # Who the post goes out as: the reader's own account, or one they operate (team_pages).
    values["as_account"] = str(me.account.id) if me.account.id != me.user.account_id else ""
    post_as = await posting_accounts(request, me)
    limit = services(request).settings.max_status_chars
    return {
        "values": values,
        "reply_to": reply_to,
        "quote": quote,
        "post_as": post_as,
        **choices(limit),
    }


def choices(max_chars: int) -> dict[str, Any]:
    return {
        "languages": LANGUAGES,
        "poll_durations": POLL_DURATIONS,
        "max_chars": max_chars,
        "media_slots": range(1, MEDIA_SLOTS + 1),
    }


@get("/compose", name="web:compose")
async def compose_page(
    request: Request[Any, Any, Any],
    *,
    in_reply_to: str | None = None,
    quote: str | None = None,
    to: str | None = None,
    scheduled: str | None = None,
) -> Template:
    me = await acting(request, await signed_in(request), request.query_params.get("as"))
    values: dict[str, Any] = {"in_reply_to_id": in_reply_to or "", "quoted_status_id": quote or ""}
    if to is not None:
        values["status"] = f"@{to.lstrip('@')} " if to else ""
        values["visibility"] = "direct"
    context = await compose_context(request, me, values)
    notice = i18n._("Your post is scheduled.") if scheduled else None
    if is_htmx(request):  # the "New post" dialog (static/compose.js): the form alone
        context.update(form_id="compose-dialog", dialog=True)
    return render(
        request,
        "pages/compose.html",
        me=me,
        error=None,
        notice=notice,
        fragment="partials/compose_form.html",
        **context,
    )


def poll_of(data: dict[str, Any]) -> PollSpec | None:
    options = [o.strip() for o in texts(data, "poll_option") if o.strip()]
    if not options:
        return None
    expires = text(data, "poll_expires_in", "86400")
    return PollSpec(
        options=options,
        expires_in=int(expires) if expires.isdigit() else 86400,
        multiple=flag(data, "poll_multiple"),
    )


def scheduled_at(data: dict[str, Any]) -> datetime | None:
    """``datetime-local`` in the writer's time zone (``tz_offset`` minutes, set by app.js;
    UTC without JavaScript), within the calendar ``core.inputs`` allows."""
    raw = text(data, "scheduled_at").strip()
    if not raw:
        return None
    local = inputs.moment(raw)
    minutes = inputs.int64(text(data, "tz_offset", "0") or "0")
    if local is None or minutes is None or abs(minutes) > MAX_TZ_OFFSET:
        raise ComposeError(i18n._("The time to publish is not valid."))
    when = local + timedelta(minutes=minutes)
    if not inputs.within_calendar(when):
        raise ComposeError(i18n._("The time to publish is not valid."))
    return when


async def upload_media(request: Request[Any, Any, Any], me: Me, data: dict[str, Any]) -> list[int]:
    """Store each chosen file with its description; returns the media ids in order."""
    svc = services(request)
    ids: list[int] = []
    for slot in range(1, MEDIA_SLOTS + 1):
        upload = data.get(f"media_{slot}")
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        content = await upload.read()
        await upload.close()
        if not content:
            continue
        description = text(data, f"media_{slot}_description").strip() or None
        stored = await media_actions.store_upload(svc.settings, content)
        try:
            async with svc.db.transaction() as tx:
                media = await media_actions.create_media(
                    tx, me.actor, stored, description=description
                )
        except BaseException:
            media_actions.discard(svc.settings, stored.paths)
            raise
        ids.append(media.id)
    return ids


def new_status(data: dict[str, Any], media_ids: list[int]) -> posts.NewStatus:
    spoiler = text(data, "spoiler_text").strip()
    return posts.NewStatus(
        text=text(data, "status"),
        media_ids=media_ids,
        poll=poll_of(data),
        in_reply_to_id=parse_id(text(data, "in_reply_to_id") or None),
        sensitive=bool(spoiler) or flag(data, "sensitive"),
        spoiler_text=spoiler,
        visibility=text(data, "visibility") or None,
        language=text(data, "language") or None,
        quoted_status_id=parse_id(text(data, "quoted_status_id") or None),
        idempotency_key=text(data, "idempotency") or None,
    )


@post("/compose", name="web:compose-post", request_max_body_size=BODY_LIMIT)
async def compose(request: Request[Any, Any, Any]) -> Template | Redirect:
    person = await signed_in(request)
    data = await form(request)
    me = await acting(request, person, text(data, "as_account"))
    svc = services(request)
    try:
        when = scheduled_at(data)
        media_ids = await upload_media(request, me, data)
        new = new_status(data, media_ids)
        async with svc.db.transaction() as tx:
            if when is not None:
                await posts.schedule_status(tx, me.actor, new, when)
                status = None
            else:
                status = await posts.create_status(tx, me.actor, new)
    except PorinaError as exc:
        values: dict[str, Any] = {k: v for k, v in data.items() if isinstance(v, str)}
        values["poll_option"] = texts(data, "poll_option")
        context = await compose_context(request, me, values)
        return render(
            request,
            "pages/compose.html",
            me=me,
            error=message_for(exc)[1],
            status_code=403 if isinstance(exc, RoleLimit) else 422,
            **context,
        )
    if status is None:
        return see_other("/compose?scheduled=1")
    if status.in_reply_to_id is not None:
        return see_other(f"/statuses/{status.in_reply_to_id}#focus")
    return see_other(f"/@{me.account.username}/{status.id}")


ROUTES = [compose_page, compose]
