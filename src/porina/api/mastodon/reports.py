"""``POST /api/v1/reports``: reporting an account (and some of its statuses) to moderators."""

from __future__ import annotations

from typing import Any

from litestar import Request, post

from porina.accounts.models import Account
from porina.api.mastodon.auth import Viewer, require, services_of
from porina.api.mastodon.params import Params
from porina.core.actor import Actor
from porina.core.clock import iso
from porina.core.errors import NotFound, Unprocessable
from porina.moderation import reports
from porina.moderation.models import Report as ReportRow
from porina.render import entities as e
from porina.render.renderer import Renderer


class Report(e.Entity):
    id: str
    action_taken: bool
    action_taken_at: str | None
    category: str
    comment: str
    forwarded: bool
    created_at: str
    status_ids: list[str] | None
    rule_ids: list[str] | None
    target_account: e.Account


def actor_of(viewer: Viewer) -> Actor:
    return Actor(viewer.require_account(), viewer.user_id, viewer.app_id, viewer.operated)


def render_report(renderer: Renderer, report: ReportRow, accounts: dict[int, Account]) -> Report:
    target = accounts.get(report.target_account_id)
    if target is None:
        raise NotFound()
    return Report(
        id=str(report.id),
        action_taken=report.action_taken_at is not None,
        action_taken_at=iso(report.action_taken_at),
        category=report.category,
        comment=report.comment,
        forwarded=report.forward,
        created_at=iso(report.created_at) or "",
        status_ids=list(report.status_ids) or None,
        rule_ids=list(report.rule_ids) or None,
        target_account=renderer.account(target),
    )


@post(["/api/v1/reports"], status_code=200)
async def create_report(request: Request[Any, Any, Any]) -> Report:
    viewer = await require(request, "write:reports")
    params = await Params.of(request)
    target_id = params.id("account_id")
    if target_id is None:
        raise Unprocessable("Validation failed: account_id is required")
    new = reports.NewReport(
        target_account_id=target_id,
        status_ids=params.id_list("status_ids", max_items=100),
        comment=params.text("comment", max_len=reports.MAX_COMMENT),
        category=params.text("category", "other") or "other",
        rule_ids=params.str_list("rule_ids", max_items=100),
        forward=params.bool("forward"),
    )
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        report = await reports.create(tx, actor_of(viewer), new)
        target = await tx.session.get(Account, report.target_account_id)
    return render_report(Renderer(svc.settings), report, {target.id: target} if target else {})


ROUTES = [create_report]
