"""``/settings/desk/rules``: the desk rules of the brand the session acts as
(``desk.rules``): the list in the order they are tried, a form for a new rule, and buttons to
move a rule up, turn it on or off and delete it. Writes are ``rules.create`` / ``update`` /
``remove``, the actions ``/api/porina/v1/desk/rules`` uses, so their checks and roles hold:
owners and managers write, agents read, analysts are refused."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.accounts import operators
from porina.core.errors import PorinaError
from porina.desk import access, rules
from porina.desk.models import PRIORITIES
from porina.web import i18n
from porina.web.common import flag, form, id_or_404, render, see_other, signed_in, text, texts
from porina.web.errors import message_for
from porina.web.i18n import N_
from porina.web.runtime import services

HOME = "/settings/desk/rules"
CHANNEL_NAMES = {
    "mention": N_("Mention"),
    "reply": N_("Reply to the brand's post"),
    "direct": N_("Direct message"),
    "quote": N_("Quote of the brand's post"),
    "outreach": N_("Heard by a watch"),
}
PRIORITY_NAMES = {
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
}
SENTIMENT_NAMES = {
    "positive": N_("Positive"),
    "neutral": N_("Neutral"),
    "negative": N_("Negative"),
}


def _words(raw: str) -> list[str] | None:
    found = [w.strip() for w in raw.split(",") if w.strip()]
    return found or None


def _number(raw: str) -> int | str | None:
    raw = raw.strip()
    return None if not raw else int(raw) if raw.isdigit() else raw


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """The form as the rule's fields (empty inputs restrict and do nothing)."""
    conditions = {
        "channels": texts(data, "channels") or None,
        "keywords": _words(text(data, "keywords")),
        "languages": _words(text(data, "languages")),
        "sentiments": texts(data, "sentiments") or None,
        "followers_min": _number(text(data, "followers_min")),
        "followers_max": _number(text(data, "followers_max")),
        "labels": _words(text(data, "labels")),
        "business_hours": text(data, "business_hours") or None,
    }
    actions = {
        "assign": text(data, "assign") or None,
        "add_labels": _words(text(data, "add_labels")),
        "priority": text(data, "priority") or None,
        "reply": text(data, "reply") or None,
        "resolve": flag(data, "resolve"),
    }
    return {
        "name": text(data, "name"),
        "conditions": {k: v for k, v in conditions.items() if v is not None},
        "actions": {k: v for k, v in actions.items() if v not in (None, False)},
    }


async def _page(
    request: Request[Any, Any, Any],
    *,
    error: str | None = None,
    notice: str | None = None,
    posted: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        listed = await rules.listed(session, me.actor)
        staff = await access.worker(session, me.actor)
        members = await operators.team(session, me.actor.account_id)
    people = {str(m.account_id): m.username for m in members if m.role in access.WORKERS}
    return render(
        request,
        "pages/desk_rules.html",
        me=me,
        rules=[(r, rules.conditions_of(r), rules.actions_of(r)) for r in listed],
        manages=staff.role in rules.MANAGERS,
        people=people,
        channels={k: i18n._(v) for k, v in CHANNEL_NAMES.items()},
        sentiments={k: i18n._(v) for k, v in SENTIMENT_NAMES.items()},
        priorities={k: i18n._(PRIORITY_NAMES[k]) for k in PRIORITIES},
        error=error,
        notice=notice,
        posted=posted or {},
        status_code=status_code,
    )


@get(HOME, name="web:desk-rules")
async def rules_page(request: Request[Any, Any, Any], done: str | None = None) -> Template:
    notice = {
        "saved": i18n._("The rule is saved."),
        "deleted": i18n._("The rule is deleted."),
    }.get(done or "")
    return await _page(request, notice=notice)


@post(HOME, name="web:desk-rules-create")
async def create_rule(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    try:
        async with services(request).db.transaction() as tx:
            await rules.create(tx, me.actor, _fields(data))
    except PorinaError as exc:
        status, message = message_for(exc)
        shown = i18n._("The rule was not saved: %(why)s") % {"why": message}
        return await _page(request, error=shown, posted=data, status_code=status)
    return see_other(HOME + "?done=saved")


@post(HOME + "/{rule_id:str}/toggle", name="web:desk-rules-toggle")
async def toggle_rule(request: Request[Any, Any, Any], rule_id: str) -> Redirect:
    me = await signed_in(request)
    wanted = id_or_404(rule_id)
    async with services(request).db.transaction() as tx:
        row = await rules.one(tx.session, me.actor, wanted)
        await rules.update(tx, me.actor, wanted, {"enabled": not row.enabled}, partial=True)
    return see_other(HOME + "?done=saved")


@post(HOME + "/{rule_id:str}/up", name="web:desk-rules-up")
async def move_rule_up(request: Request[Any, Any, Any], rule_id: str) -> Redirect:
    me = await signed_in(request)
    wanted = id_or_404(rule_id)
    async with services(request).db.transaction() as tx:
        row = await rules.one(tx.session, me.actor, wanted)
        position = max(1, row.position - 1)
        await rules.update(tx, me.actor, wanted, {"position": position}, partial=True)
    return see_other(HOME + "?done=saved")


@post(HOME + "/{rule_id:str}/delete", name="web:desk-rules-delete")
async def delete_rule(request: Request[Any, Any, Any], rule_id: str) -> Redirect:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        await rules.remove(tx, me.actor, id_or_404(rule_id))
    return see_other(HOME + "?done=deleted")


ROUTES = [rules_page, create_rule, toggle_rule, move_rule_up, delete_rule]
