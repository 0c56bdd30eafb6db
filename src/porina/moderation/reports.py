"""Reports and the moderation that answers them (the only writers).

A report names an account and, optionally, statuses of that account. Every admin and
moderator is notified (``admin.report``). Moderators assign, resolve and reopen reports and
act on accounts: ``suspend`` sets ``accounts.suspended_at``, which hides everything the account
posted (``visible_clause``) and stops its tokens from signing in.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from porina.accounts.models import Account, User
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Forbidden, NotFound, Unprocessable
from porina.core.events import ReportFiled, ReportResolved
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.moderation.models import Report
from porina.posts.models import Status
from porina.storage import invalidation
from porina.storage.db import Tx

CATEGORIES = ("spam", "legal", "violation", "other")
ACCOUNT_ACTIONS = ("none", "disable", "sensitive", "silence", "suspend")
MAX_COMMENT = 1000


@dataclass(frozen=True, slots=True)
class NewReport:
    target_account_id: int
    status_ids: list[int]
    comment: str = ""
    category: str = "other"
    rule_ids: list[str] | None = None
    forward: bool = False


async def create(tx: Tx, actor: Actor, new: NewReport) -> Report:
    if len(new.comment) > MAX_COMMENT:
        raise Unprocessable(f"Validation failed: Comment is too long (maximum is {MAX_COMMENT})")
    category = new.category
    if new.rule_ids and category == "other":
        category = "violation"
    if category not in CATEGORIES:
        raise Unprocessable("Validation failed: Category is not included in the list")
    target = await tx.session.get(Account, new.target_account_id)
    if target is None:
        raise NotFound()
    wanted = list(dict.fromkeys(new.status_ids))
    if wanted:
        owned = set(
            await tx.session.scalars(
                select(Status.id).where(Status.id.in_(wanted), Status.account_id == target.id)
            )
        )
        if owned != set(wanted):
            raise Unprocessable("Validation failed: Statuses must belong to the reported account")
    report = Report(
        id=new_id(),
        account_id=actor.account_id,
        target_account_id=target.id,
        status_ids=[str(i) for i in wanted],
        rule_ids=[str(r) for r in new.rule_ids or []],
        comment=new.comment,
        category=category,
        forward=new.forward and target.domain is not None,
        created_at=now(),
    )
    tx.session.add(report)
    await tx.session.flush()
    filed = ReportFiled(
        actor=actor,
        report_id=report.id,
        reporter_id=actor.account_id,
        target_account_id=target.id,
        category=category,
    )
    await emit(tx, filed)
    return report


async def _report(tx: Tx, report_id: int) -> Report:
    report = await tx.session.get(Report, report_id)
    if report is None:
        raise NotFound()
    return report


async def assign(tx: Tx, actor: Actor, report_id: int, *, to_self: bool) -> Report:
    report = await _report(tx, report_id)
    report.assigned_account_id = actor.account_id if to_self else None
    await tx.session.flush()
    return report


async def resolve(tx: Tx, actor: Actor, report_id: int, action: str = "none") -> Report:
    report = await _report(tx, report_id)
    if report.action_taken_at is None:
        report.action_taken_at = now()
        report.action_taken_by_account_id = actor.account_id
        report.action = action
        resolved = ReportResolved(
            actor=actor,
            report_id=report.id,
            target_account_id=report.target_account_id,
            action=action,
        )
        await emit(tx, resolved)
    await tx.session.flush()
    return report


async def reopen(tx: Tx, actor: Actor, report_id: int) -> Report:
    report = await _report(tx, report_id)
    report.action_taken_at = None
    report.action_taken_by_account_id = None
    report.action = None
    await tx.session.flush()
    return report


async def _user_of(tx: Tx, account_id: int) -> User | None:
    found: User | None = await tx.session.scalar(select(User).where(User.account_id == account_id))
    return found


UNDO_ACTIONS = ("unsensitive", "unsilence", "unsuspend", "enable")


async def undo_on_account(tx: Tx, account_id: int, undo: str) -> Account:
    """Lift a moderator's earlier action (Mastodon's ``unsensitive``, ``unsilence``,
    ``unsuspend`` and ``enable``)."""
    if undo not in UNDO_ACTIONS:
        raise NotFound()
    account = await tx.session.get(Account, account_id)
    if account is None:
        raise NotFound()
    if undo == "unsensitive":
        account.sensitized_at = None
    elif undo == "unsilence":
        account.silenced_at = None
    elif undo == "unsuspend":
        if account.deleted_at is not None:
            raise Forbidden("This action is not allowed")
        account.suspended_at = None
    elif (user := await _user_of(tx, account_id)) is not None:
        user.disabled = False
    if undo in {"unsuspend", "enable"}:
        # token caches remember the refusal too: the same announcement makes them forget it
        invalidation.after_commit(tx, invalidation.account_restricted(account_id))
    await tx.session.flush()
    return account


async def act_on_account(
    tx: Tx, actor: Actor, account_id: int, action: str, report_id: int | None = None
) -> None:
    """A moderator's action on an account; with ``report_id`` the report is resolved too."""
    if action not in ACCOUNT_ACTIONS:
        raise Unprocessable("Validation failed: type is not included in the list")
    account = await tx.session.get(Account, account_id)
    if account is None:
        raise NotFound()
    if account_id == actor.account_id and action != "none":
        raise Unprocessable("Validation failed: moderators cannot act on their own account")
    report = None
    if report_id is not None:
        report = await _report(tx, report_id)
        if report.target_account_id != account_id:
            raise Unprocessable("Validation failed: the report is about another account")
    moment = now()
    if action == "suspend":
        account.suspended_at = account.suspended_at or moment
        invalidation.after_commit(tx, invalidation.account_restricted(account_id))
    elif action == "silence":
        account.silenced_at = account.silenced_at or moment
    elif action == "sensitive":
        account.sensitized_at = account.sensitized_at or moment
    elif action == "disable" and (user := await _user_of(tx, account_id)) is not None:
        user.disabled = True
        invalidation.after_commit(tx, invalidation.account_restricted(account_id))
    if report is not None:
        await resolve(tx, actor, report.id, action)
    await tx.session.flush()
