"""Settings: profile (name, bio, fields, avatar, header, locked), posting defaults
(visibility, language), interface language, analytics (time zone, the weekly report), and
password."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie, UploadFile
from litestar.response import Redirect, Template

from porina.accounts import credentials
from porina.accounts.actions import ProfileChanges, update_profile
from porina.accounts.models import User
from porina.accounts.throttle import LoginThrottled
from porina.analytics import preferences
from porina.core.errors import PorinaError
from porina.web import i18n
from porina.web.auth_pages import throttled
from porina.web.common import Me, flag, form, render, renderer, see_other, signed_in, text
from porina.web.compose import LANGUAGES
from porina.web.errors import message_for
from porina.web.i18n import N_
from porina.web.runtime import services

BODY_LIMIT = 20 * 1024 * 1024
# The analytics preferences' refusal (``analytics/preferences.py``), in the reader's language.
REFUSALS = (N_("Validation failed: time_zone must be an IANA time zone such as Europe/Helsinki"),)
FIELDS = 4


async def _settings_page(
    request: Request[Any, Any, Any],
    me: Me,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    async with services(request).db.read() as session:
        user = await session.get(User, me.user.id)
    prefs = (user.settings if user else None) or {}
    zone = preferences.zone_of(prefs, services(request).settings.default_time_zone)
    analytics = preferences.Preferences(preferences.wants(prefs, True), zone)
    fields = list(me.account.fields or [])
    fields += [{"name": "", "value": ""}] * (FIELDS - len(fields))
    return render(
        request,
        "pages/settings.html",
        me=me,
        account=renderer(request).account(me.account),
        raw=me.account,
        fields=fields[:FIELDS],
        privacy=prefs.get("privacy") or "public",
        posting_language=prefs.get("language") or "",
        languages=LANGUAGES,
        analytics=analytics,
        zones=preferences.zones(),
        error=error,
        notice=notice,
        status_code=status_code,
    )


@get("/settings", name="web:settings")
async def settings_page(request: Request[Any, Any, Any], saved: str | None = None) -> Template:
    me = await signed_in(request)
    notice = i18n._("Your changes are saved.") if saved else None
    return await _settings_page(request, me, notice=notice)


async def _image(data: dict[str, Any], key: str) -> bytes | None:
    upload = data.get(key)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = await upload.read()
    await upload.close()
    return content or None


def _fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = [(text(data, f"field_{i}_name"), text(data, f"field_{i}_value")) for i in range(FIELDS)]
    return [(n.strip(), v.strip()) for n, v in pairs if n.strip() or v.strip()]


@post("/settings/profile", name="web:settings-profile", request_max_body_size=BODY_LIMIT)
async def save_profile(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    changes = ProfileChanges(
        display_name=text(data, "display_name"),
        note=text(data, "note"),
        locked=flag(data, "locked"),
        bot=flag(data, "bot"),
        discoverable=flag(data, "discoverable"),
        hide_collections=flag(data, "hide_collections"),
        fields=_fields(data),
        privacy=text(data, "privacy") or None,
        language=text(data, "posting_language") or None,
        avatar=await _image(data, "avatar"),
        header=await _image(data, "header"),
    )
    try:
        async with services(request).db.transaction() as tx:
            await update_profile(tx, me.actor, changes)
    except PorinaError as exc:
        return await _settings_page(request, me, error=message_for(exc)[1], status_code=422)
    return see_other("/settings?saved=1")


@post("/settings/language", name="web:settings-language")
async def save_language(request: Request[Any, Any, Any]) -> Redirect:
    me = await signed_in(request)
    data = await form(request)
    chosen = i18n.supported(text(data, "locale")) or i18n.DEFAULT
    async with services(request).db.transaction() as tx:
        await credentials.set_locale(tx, me.actor, chosen)
    cookie = Cookie(
        key=i18n.COOKIE,
        value=chosen,
        max_age=365 * 24 * 3600,
        path="/",
        samesite="lax",
        httponly=True,
    )
    return see_other("/settings?saved=1", cookies=[cookie])


@post("/settings/analytics", name="web:settings-analytics")
async def save_analytics(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The person's time zone and whether they get the weekly analytics report."""
    me = await signed_in(request)
    data = await form(request)
    try:
        async with services(request).db.transaction() as tx:
            await preferences.update(
                tx,
                me.user.id,
                weekly_report=flag(data, "weekly_report"),
                time_zone=text(data, "time_zone"),
                default_zone=services(request).settings.default_time_zone,
            )
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _settings_page(request, me, error=message, status_code=status)
    return see_other("/settings?saved=1")


@post("/settings/password", name="web:settings-password")
async def save_password(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    new = text(data, "new_password")
    if new != text(data, "new_password_confirmation"):
        return await _settings_page(
            request, me, error=i18n._("The passwords do not match."), status_code=422
        )
    svc = services(request)
    host = request.client.host if request.client else None
    try:
        change = await credentials.prepare_password_change(
            svc.db,
            me.actor,
            text(data, "current_password"),
            new,
            throttle=svc.login_throttle,
            host=host,
        )
        async with svc.db.transaction() as tx:
            await credentials.change_password(tx, me.actor, change)
    except LoginThrottled as exc:
        page = await _settings_page(request, me, error=throttled(exc), status_code=429)
        page.headers.update(exc.headers())
        return page
    except PorinaError as exc:
        return await _settings_page(request, me, error=message_for(exc)[1], status_code=422)
    return see_other("/settings?saved=1")


ROUTES = [settings_page, save_profile, save_language, save_analytics, save_password]
