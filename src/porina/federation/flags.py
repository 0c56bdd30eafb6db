"""``Flag``: reports across servers, as Mastodon sends and reads them.

Incoming (``on_flag``): a remote server reports local accounts. Each local account the
``object`` names gets a report for this server's moderators (``moderation.reports.create``,
so they are notified as for a local report), with the local statuses the ``object`` also
names that are that account's, and the ``content`` as the comment. The reporter is the
sender, which Mastodon makes its instance actor (never the person who reported): the
moderators see which server reported, not who. Objects that are not ours are ignored, and a
domain the admin blocked with ``reject_reports`` is not heard at all. A Flag makes one report
per account however often it arrives: the report keeps the Flag's ``id`` (``Report.uri``),
and a Flag of the same id from the same server is not filed again; nor is one with another
id that repeats a report of the last ``DUPLICATE_WINDOW`` (same server, account, statuses
and comment), as a server that sends one report twice does.

Outgoing (``report_filed``): a local report of a remote account with ``forward`` asked is
sent to that account's inbox as a ``Flag`` from the instance actor (``/actor``),
never from the reporter, as Mastodon does, naming the account and the reported statuses
that came from there, with the comment as ``content``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import queries as account_queries
from porina.accounts.models import Account
from porina.core import events as ev
from porina.core.actor import Actor
from porina.core.clock import now
from porina.federation import documents as doc
from porina.federation import domains, instance_actor, notes
from porina.federation.dispatch import FederationContext, base_url, queue_delivery
from porina.federation.domain_models import InstanceBlock
from porina.jobs.events import subscribe
from porina.moderation import reports
from porina.moderation.models import Report
from porina.posts.models import Status
from porina.storage.db import Tx

MAX_OBJECTS = 100
DUPLICATE_WINDOW = timedelta(minutes=10)
"""A Flag repeating a report of the same server this recent makes no new report."""


async def reports_rejected(session: AsyncSession, domain: str) -> bool:
    """The admin blocked ``domain`` (or a parent) with ``reject_reports``."""
    rows = await session.scalars(
        select(InstanceBlock.domain).where(InstanceBlock.reject_reports.is_(True))
    )
    return domains.covered(domain, rows.all())


async def _local_account(session: AsyncSession, base: str, uri: str) -> Account | None:
    prefix = f"{base}/users/"
    name = uri.removeprefix(prefix)
    if not uri.startswith(prefix) or not name or "/" in name:
        return None
    return await account_queries.local(session, name)


async def _targets(
    session: AsyncSession, base: str, uris: list[str]
) -> tuple[list[Account], list[Status]]:
    """The local accounts and the local statuses ``uris`` name."""
    accounts: list[Account] = []
    statuses: list[Status] = []
    for uri in dict.fromkeys(uris):
        status = await notes.find_status(session, base, uri)
        if status is not None:
            if status.local:
                statuses.append(status)
            continue
        account = await _local_account(session, base, uri)
        if account is not None:
            accounts.append(account)
    return accounts, statuses


async def _filed(tx: Tx, sender: Account, uri: str | None, new: reports.NewReport) -> bool:
    """``sender`` already reported ``new``'s account from the Flag ``uri``, or made the same
    report (statuses and comment) within ``DUPLICATE_WINDOW``."""
    same_flag = Report.uri == uri if uri else false()
    recent = and_(Report.created_at >= now() - DUPLICATE_WINDOW, Report.comment == new.comment)
    rows = await tx.session.scalars(
        select(Report).where(
            Report.account_id == sender.id,
            Report.target_account_id == new.target_account_id,
            or_(same_flag, recent),
        )
    )
    wanted = sorted(str(i) for i in new.status_ids)
    return any((uri and r.uri == uri) or sorted(r.status_ids) == wanted for r in rows)


async def on_flag(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """A report from another server: one report per local account named (none that this
    Flag, or the same report just before, already made)."""
    if await reports_rejected(tx.session, sender.domain or ""):
        return
    uris = notes.listed(activity.get("object"))[:MAX_OBJECTS]
    accounts, statuses = await _targets(tx.session, base, uris)
    content, uri = activity.get("content"), activity.get("id")
    comment = content[: reports.MAX_COMMENT] if isinstance(content, str) else ""
    flag_uri = uri if isinstance(uri, str) and uri else None
    for account in accounts:
        new = reports.NewReport(
            target_account_id=account.id,
            status_ids=[s.id for s in statuses if s.account_id == account.id],
            comment=comment,
        )
        if not await _filed(tx, sender, flag_uri, new):
            report = await reports.create(tx, Actor(account_id=sender.id), new)
            report.uri = flag_uri


async def forwarded(tx: Tx, event: ev.ReportFiled) -> bool:
    """The reporter asked to forward the report (only a remote account's report can be)."""
    report = await tx.session.get(Report, event.report_id)
    return report is not None and report.forward


@subscribe(ev.ReportFiled, job="federation.on_report_filed", needed=forwarded)
async def report_filed(ctx: FederationContext, event: ev.ReportFiled) -> None:
    """A forwarded report, as a ``Flag`` from the instance actor (never the reporter) to the
    reported account's inbox, naming the account and the reported statuses of its server."""
    async with ctx.db.read() as session:
        report = await session.get(Report, event.report_id)
        target = await session.get(Account, event.target_account_id)
        if report is None or target is None or target.domain is None or not target.inbox_url:
            return
        ids = [int(i) for i in report.status_ids]
        statuses = await session.scalars(
            select(Status.uri).where(Status.id.in_(ids), Status.local.is_(False))
        )
        objects = [str(target.uri), *(uri for uri in statuses if uri)]
    actor = instance_actor.actor_url(base_url(ctx))
    flag = {
        "@context": doc.CONTEXT,
        "id": f"{actor}#flags/{report.id}",
        "type": "Flag",
        "actor": actor,
        "content": report.comment,
        "object": objects,
    }
    async with ctx.db.transaction() as tx:
        await queue_delivery(tx, instance_actor.SENDER, target.inbox_url, flag)
