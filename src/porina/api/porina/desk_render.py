"""The desk's entities (``docs/api.md``, "Desk") and their rendering: accounts and statuses
are the Mastodon entities of ``render/``, statuses as the brand sees them (one it may not
see, or one deleted since, is ``null``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.clock import iso
from porina.desk import presence, rules, service_levels
from porina.desk.models import DeskItem as ItemRow
from porina.desk.queries import Listed
from porina.desk.rules_models import DeskRuleRun as RunRow
from porina.desk.service_levels import NO_SLA
from porina.notifications.queries import accounts_by_id
from porina.render import entities as e
from porina.render.renderer import Renderer, statuses_by_id, timestamp


class Sla(msgspec.Struct, kw_only=True):
    due_at: str | None = None
    breached: bool = False
    warning: bool = False
    """The target's ``warning_percent`` has elapsed, and it is not breached yet."""


class DeskConversation(msgspec.Struct, kw_only=True):
    id: str
    contact: e.Account | None
    status: str
    assignee: e.Account | None
    priority: str | None
    labels: list[str]
    sentiment: str | None
    last_activity_at: str
    sla: Sla


class RuleRef(msgspec.Struct, kw_only=True):
    """The desk rule that did something (``id`` null: deleted since)."""

    id: str | None
    name: str


class DeskRuleRun(msgspec.Struct, kw_only=True):
    """A rule acted on the conversation after ``item_id`` opened it: ``done`` lists what it
    did (assign, priority, labels, reply, resolve); ``error`` why it could not."""

    rule: RuleRef
    item_id: str
    done: list[str]
    error: str | None
    created_at: str


class DeskItem(msgspec.Struct, kw_only=True):
    id: str
    kind: str
    status: e.Status | None
    account: e.Account | None
    created_at: str
    sentiment: str | None
    text: str | None = None
    """A note's text (null for every other kind)."""
    rule: RuleRef | None = None
    """The rule that sent it (a ``sent`` auto-reply), null when a person did."""


class DeskViewerAccount(msgspec.Struct, kw_only=True):
    """A staff member's own account, as presence names them."""

    id: str
    acct: str
    display_name: str


class DeskViewer(msgspec.Struct, kw_only=True):
    """Another staff member on the conversation: ``state`` ``viewing`` or ``typing`` (a
    reply), ``since`` when that state began."""

    account: DeskViewerAccount
    state: str
    since: str


class DeskPresence(msgspec.Struct, kw_only=True):
    """Who else of the team is on a conversation (the heartbeat's answer, and the payload of
    ``desk.presence`` on ``stream=desk``)."""

    conversation_id: str
    viewers: list[DeskViewer]


class DeskConversationDetail(DeskConversation, kw_only=True):
    items: list[DeskItem]
    rule_runs: list[DeskRuleRun]
    """What the desk's rules did to the conversation, oldest first."""
    viewers: list[DeskViewer] = []
    """The other staff on the conversation now (presence), longest there first."""


def viewers(
    entries: Sequence[tuple[int, str, str]], people: Mapping[int, presence.Person]
) -> list[DeskViewer]:
    """``(user id, state, since)`` of presence with the staff members' accounts; someone
    whose account is gone is left out."""
    out = []
    for user_id, state, since in entries:
        who = people.get(user_id)
        if who is not None:
            account = DeskViewerAccount(
                id=str(who.account_id), acct=who.acct, display_name=who.display_name
            )
            out.append(DeskViewer(account=account, state=state, since=since))
    return out


def entry_rows(entries: Iterable[presence.Entry]) -> list[tuple[int, str, str]]:
    return [(e.user_id, e.state, iso(e.since_at) or "") for e in entries]


def _ref(run: RunRow) -> RuleRef:
    return RuleRef(id=str(run.rule_id) if run.rule_id else None, name=run.rule_name)


def _run(run: RunRow) -> DeskRuleRun:
    return DeskRuleRun(
        rule=_ref(run),
        item_id=str(run.item_id),
        done=list(run.done or []),
        error=run.error,
        created_at=timestamp(run.created_at) or "",
    )


def _people(listed: Iterable[Listed]) -> set[int]:
    ids: set[int] = set()
    for row in listed:
        ids.add(row.conversation.contact_account_id)
        if row.assignee_account_id is not None:
            ids.add(row.assignee_account_id)
    return ids


def _conversation(
    renderer: Renderer, row: Listed, people: dict[int, Account], sla: service_levels.Sla
) -> DeskConversation:
    c = row.conversation
    contact = people.get(c.contact_account_id)
    assignee = people.get(row.assignee_account_id) if row.assignee_account_id else None
    return DeskConversation(
        id=str(c.id),
        contact=renderer.account(contact) if contact else None,
        status=row.status,
        assignee=renderer.account(assignee) if assignee else None,
        priority=c.priority,
        labels=list(c.labels or []),
        sentiment=c.sentiment,
        last_activity_at=timestamp(c.last_activity_at) or "",
        sla=Sla(due_at=timestamp(sla.due_at), breached=sla.breached, warning=sla.warning),
    )


async def conversations(
    renderer: Renderer, session: AsyncSession, rows: Sequence[Listed]
) -> list[DeskConversation]:
    """A page of conversations: one query for every account shown, one for the brand's SLA
    targets (and, when it has some, one for the page's clocks and one for its hours)."""
    people = await accounts_by_id(session, _people(rows))
    slas = await _slas(session, rows)
    return [_conversation(renderer, r, people, slas.get(r.conversation.id, NO_SLA)) for r in rows]


async def _slas(session: AsyncSession, rows: Sequence[Listed]) -> dict[int, service_levels.Sla]:
    if not rows:
        return {}
    brand = rows[0].conversation.brand_account_id
    pairs = [(r.conversation.id, r.conversation.priority) for r in rows]
    return await service_levels.slas(session, brand, pairs)


def item(
    renderer: Renderer,
    row: ItemRow,
    status: e.Status | None,
    who: Account | None,
    rule: RuleRef | None = None,
) -> DeskItem:
    return DeskItem(
        id=str(row.id),
        kind=row.kind,
        status=status,
        account=renderer.account(who) if who else None,
        created_at=timestamp(row.created_at) or "",
        sentiment=row.sentiment,
        text=row.text if row.kind == "note" else None,
        rule=rule,
    )


async def detail(
    renderer: Renderer, session: AsyncSession, brand_id: int, row: Listed, rows: Sequence[ItemRow]
) -> DeskConversationDetail:
    """A conversation with its items: the accounts in one query, the statuses in two or
    three (``statuses_by_id``), the rules' runs in one, whatever the number of items."""
    people = await accounts_by_id(session, _people([row]) | {i.account_id for i in rows})
    ids = [i.status_id for i in rows if i.status_id is not None]
    shown = {s.id: s for s in await statuses_by_id(renderer, session, brand_id, ids)}
    sla = (await _slas(session, [row])).get(row.conversation.id, NO_SLA)
    head = _conversation(renderer, row, people, sla)
    runs = await rules.runs_of(session, row.conversation.id)
    by_rule = {r.reply_status_id: _ref(r) for r in runs if r.reply_status_id is not None}
    items = [
        item(
            renderer,
            i,
            shown.get(str(i.status_id)),
            people.get(i.account_id),
            by_rule.get(i.status_id) if i.kind == "sent" and i.status_id else None,
        )
        for i in rows
    ]
    return DeskConversationDetail(
        **msgspec.structs.asdict(head), items=items, rule_runs=[_run(r) for r in runs]
    )
