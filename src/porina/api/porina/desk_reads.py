"""The desk's inbox and a conversation's detail on the home timeline's paths (issue 16,
"Scale and checks"; docs/performance.md, "The desk at scale").

A list is one prebuilt statement (``desk/fast_reads.py``): the caller's role and the page
with the versions of the accounts it shows (a cursor's conversation read inside it). A
detail is one statement too: the conversation with the caller's role, its latest items and
their statuses as page rows (``timelines/page.py``); the role alone once more when the
conversation is not the brand's, to tell a 403 from a 404, and the rules' runs when there
are some. Accounts and statuses are rendered through the
process's status cache (``search_reads.rendered_accounts``, ``render/pages.rows_for``), so
each is rendered once per process and version; what the cache lacks is read once. A brand
with SLA targets adds the reads of ``service_levels.slas``. The answers are those of
``desk_render`` on the ORM's reads (``tests/desk/test_fast_reads.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from litestar import Request

from porina.api.mastodon.auth import ApiRuntime
from porina.api.mastodon.pagination import kept_query
from porina.api.mastodon.search_reads import rendered_accounts
from porina.api.porina import desk_render
from porina.api.porina.desk_render import (
    DeskConversation,
    DeskRuleRun,
    DeskViewer,
    RuleRef,
    Sla,
)
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Forbidden, NotFound
from porina.desk import access, detail_reads, fast_reads, presence, service_levels
from porina.desk.errors import ConversationNotFound, InvalidDeskRequest
from porina.desk.fast_reads import ConversationRow, ItemRow, RunRow
from porina.desk.service_levels import NO_SLA
from porina.render import entities as e
from porina.render.pages import rows_for
from porina.render.renderer import timestamp
from porina.render.status_cache import StatusCache
from porina.storage.fastread import Row
from porina.timelines import page as pages

ITEMS_DEFAULT = 20
"""Items on a conversation's page unless ``limit`` asks for more; earlier ones by ``max_id``."""
ITEMS_MAX = 200


async def worker(svc: ApiRuntime, actor: Actor) -> access.Staff:
    """``access.worker`` in one prebuilt statement: 403 for an analyst, 404 for anyone on no
    team of the brand."""
    if actor.user_id is None:
        raise NotFound()
    return _staff(actor, await fast_reads.role(svc.db, actor.account_id, actor.user_id))


def _staff(actor: Actor, role: str | None) -> access.Staff:
    if role is None or actor.user_id is None:
        raise NotFound()
    if role not in access.WORKERS:
        raise Forbidden(access.NO_CONTENT)
    return access.Staff(actor.account_id, actor.user_id, role)


async def _one(svc: ApiRuntime, actor: Actor, conversation_id: int) -> ConversationRow:
    """The brand's conversation with the caller's role checked, in one statement when it
    is one (otherwise the role decides between 403 and 404, as ``access.worker`` first)."""
    if actor.user_id is None:
        raise NotFound()
    found = await fast_reads.conversation(
        svc.db, actor.account_id, actor.user_id, conversation_id, now()
    )
    if found is None:
        await worker(svc, actor)
        raise ConversationNotFound()
    _staff(actor, found[0])
    return found[1]


async def detail_rows(
    svc: ApiRuntime, actor: Actor, conversation_id: int, asked: tuple[int, int | None]
) -> detail_reads.DetailRows:
    """The statement's rows of the conversation (``asked``: how many of its latest items,
    below which item id), the caller's role checked (refused as ``worker`` refuses, 404 when
    it is not the brand's conversation) before anything of them is used."""
    if actor.user_id is None:
        raise NotFound()
    found = await detail_reads.detail_rows(
        svc.db, actor.account_id, actor.user_id, conversation_id, asked
    )
    if found is None:
        await worker(svc, actor)
        raise ConversationNotFound()
    _staff(actor, found.role)
    return found


async def _accounts(svc: ApiRuntime, wanted: dict[int, int]) -> dict[int, e.Account]:
    """``{account id: version}`` rendered through the status cache."""
    shown = await rendered_accounts(svc, list(wanted.items()))
    return {int(a.id): a for a in shown}


def _people(rows: Sequence[ConversationRow]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for row in rows:
        wanted[row.contact_id] = row.contact_version
        if row.assignee_id is not None and row.assignee_version is not None:
            wanted[row.assignee_id] = row.assignee_version
    return wanted


async def _slas(
    svc: ApiRuntime, brand_id: int, rows: Sequence[ConversationRow]
) -> dict[int, service_levels.Sla]:
    """Nothing to read when the brand has no SLA targets (the page said so)."""
    if not rows or not rows[0].has_sla_targets:
        return {}
    async with svc.db.read() as session:
        return await service_levels.slas(session, brand_id, [(r.id, r.priority) for r in rows])


def _conversation(
    row: ConversationRow, people: dict[int, e.Account], sla: service_levels.Sla
) -> DeskConversation:
    return DeskConversation(
        id=str(row.id),
        contact=people.get(row.contact_id),
        status=row.status,
        assignee=people.get(row.assignee_id) if row.assignee_id is not None else None,
        priority=row.priority,
        labels=row.labels,
        sentiment=row.sentiment,
        last_activity_at=row.last_activity_at,
        sla=Sla(due_at=timestamp(sla.due_at), breached=sla.breached, warning=sla.warning),
    )


async def page_rows(
    svc: ApiRuntime, actor: Actor, asked: fast_reads.Asked, moment: datetime
) -> tuple[access.Staff, list[Row]]:
    """The caller as the brand's working staff (refused as ``worker`` refuses) and a page of
    a view as ``fast_reads.page_rows`` gives it, in one statement. A view or status that is
    not one is refused after the role, as before (so an outsider still gets a 404)."""
    if actor.user_id is None:
        raise NotFound()
    try:
        fast_reads.check(asked.view, asked.status, asked.label)
    except InvalidDeskRequest:
        await worker(svc, actor)
        raise
    role, rows = await fast_reads.page_rows(svc.db, actor.account_id, actor.user_id, asked, moment)
    return _staff(actor, role), rows


async def rendered(
    svc: ApiRuntime, brand_id: int, rows: Sequence[ConversationRow]
) -> list[DeskConversation]:
    """``rows`` with their accounts and SLAs."""
    people = await people_of(svc, rows)
    slas = await _slas(svc, brand_id, rows)
    return [_conversation(r, people, slas.get(r.id, NO_SLA)) for r in rows]


async def people_of(svc: ApiRuntime, rows: Sequence[ConversationRow]) -> dict[int, e.Account]:
    """The contacts and assignees of ``rows``, rendered through the status cache."""
    return await _accounts(svc, _people(rows))


listed = _conversation
"""One conversation as a list shows it, from its row, its accounts and its SLA."""


async def summary(svc: ApiRuntime, actor: Actor, conversation_id: int) -> DeskConversation:
    """One conversation as a list shows it (404: not one of the brand's)."""
    row = await _one(svc, actor, conversation_id)
    people = await _accounts(svc, _people([row]))
    sla = (await _slas(svc, actor.account_id, [row])).get(row.id, NO_SLA)
    return _conversation(row, people, sla)


def _ref(run: RunRow) -> RuleRef:
    return RuleRef(id=str(run.rule_id) if run.rule_id else None, name=run.rule_name)


def _run(run: RunRow) -> DeskRuleRun:
    return DeskRuleRun(
        rule=_ref(run),
        item_id=str(run.item_id),
        done=run.done,
        error=run.error,
        created_at=timestamp(run.created_at) or "",
    )


class JoinedItem(msgspec.Struct, kw_only=True):
    """``DeskItem`` with its status as JSON already encoded (the same fields, in order)."""

    id: str
    kind: str
    status: msgspec.Raw | None
    account: e.Account | None
    created_at: str
    sentiment: str | None
    text: str | None = None
    rule: RuleRef | None = None


class JoinedDetail(DeskConversation, kw_only=True):
    """``DeskConversationDetail`` with ``JoinedItem`` items (the same fields, in order)."""

    items: list[JoinedItem]
    rule_runs: list[DeskRuleRun]
    viewers: list[DeskViewer] = []


async def _statuses(
    svc: ApiRuntime, brand_id: int, items: Sequence[ItemRow], found: Sequence[pages.PageRow]
) -> tuple[dict[int, msgspec.Raw], bool]:
    """The items' statuses as the brand sees them, as JSON (one it may not see, or deleted,
    is left out), through the status cache; not counted as impressions. ``found``: their
    page rows (``detail_reads.detail_rows`` read them with the items). When every
    one is cached, and none has a quote or a filter of the brand's, each is the cache's
    encoding (``status_cache.personal_json``: the same object, keys in another order);
    otherwise they are rendered (``render/pages.rows_for``) and encoded. The flag: whether
    they are the cache's encodings (none to show counts as one)."""
    wanted = set(detail_reads.status_ids(items))
    visible = [r for r in found if r.visible and r.id in wanted]
    if not visible:
        return {}, True
    joined = _joined(svc.status_cache, brand_id, visible)
    if joined is not None:
        return joined, True
    shown = await rows_for(svc, brand_id, visible, seen=False)
    return {int(s.id): msgspec.Raw(msgspec.json.encode(s)) for s in shown}, False


def _joined(
    cache: StatusCache, brand_id: int, rows: Sequence[pages.PageRow]
) -> dict[int, msgspec.Raw] | None:
    """Each row's status from the cache's encodings, or None when one is not cached, has
    a quote (filled by another read) or the brand has filters (their results show)."""
    joined: dict[int, msgspec.Raw] = {}
    for row in rows:
        hit = cache.find(row)
        if hit is None or row.has_filters:
            return None
        proper = hit.reblog if hit.reblog is not None else hit.status
        if proper.quote_of_id is not None:
            return None
        joined[row.id] = msgspec.Raw(cache.personal_json(hit, row, brand_id))
    return joined


def _item(
    row: ItemRow,
    statuses: dict[int, msgspec.Raw],
    people: dict[int, e.Account],
    by_rule: dict[int, RuleRef],
) -> JoinedItem:
    sent = row.kind == "sent" and row.status_id is not None
    return JoinedItem(
        id=str(row.id),
        kind=row.kind,
        status=statuses.get(row.status_id) if row.status_id is not None else None,
        account=people.get(row.account_id),
        created_at=row.created_at,
        sentiment=row.sentiment,
        text=row.text,
        rule=by_rule.get(row.status_id) if sent and row.status_id is not None else None,
    )


async def runs_of(svc: ApiRuntime, read: detail_reads.DetailRows) -> list[RunRow]:
    """What the rules did to the conversation (nothing read when they did nothing)."""
    return await detail_reads.runs(svc.db, int(read.conversation[0])) if read.has_rule_runs else []


@dataclass(frozen=True, slots=True)
class DetailBody:
    """A conversation's page as JSON with no viewers (``with_viewers`` adds them), the item
    id to ask ``max_id`` for the earlier items (None: there are none), the accounts it shows
    (``{id: (version, rendering)}``) and whether each status in it is the status cache's
    encoding (not rendered for the page: a quote, or a brand with filters)."""

    body: bytes
    earlier: int | None
    people: dict[int, tuple[int, e.Account]]
    joined: bool


async def detail_body(
    svc: ApiRuntime, brand_id: int, read: detail_reads.DetailRows, limit: int, runs: list[RunRow]
) -> DetailBody:
    """The page of ``read`` (the statement's rows for ``limit`` + 1 items), oldest first."""
    found = detail_reads.detail_of(read)
    row, newest_first = found.conversation, found.items
    earlier = newest_first[limit - 1].id if len(newest_first) > limit else None
    items = list(reversed(newest_first[:limit]))
    wanted = _people([row]) | {i.account_id: i.account_version for i in items}
    people = await _accounts(svc, wanted)
    statuses, joined = await _statuses(svc, brand_id, items, found.statuses)
    sla = (await _slas(svc, brand_id, [row])).get(row.id, NO_SLA)
    head = _conversation(row, people, sla)
    by_rule = {r.reply_status_id: _ref(r) for r in runs if r.reply_status_id is not None}
    body = JoinedDetail(
        **msgspec.structs.asdict(head),
        items=[_item(i, statuses, people, by_rule) for i in items],
        rule_runs=[_run(r) for r in runs],
    )
    shown = {key: (version, people[key]) for key, version in wanted.items() if key in people}
    return DetailBody(msgspec.json.encode(body), earlier, shown, joined)


NO_VIEWERS = b'"viewers":[]}'
"""How a ``JoinedDetail`` with no viewers ends (``viewers`` is its last field)."""


def with_viewers(body: bytes, shown: list[DeskViewer]) -> bytes:
    """A ``detail_body``'s JSON with ``shown`` as its viewers."""
    if not shown:
        return body
    assert body.endswith(NO_VIEWERS)
    head = body[: -len(NO_VIEWERS)]
    return head + b'"viewers":' + msgspec.json.encode(shown) + b"}"


async def viewers(svc: ApiRuntime, actor: Actor, conversation_id: int) -> list[DeskViewer]:
    """The other staff on the conversation (presence; nothing read when nobody is), for a
    caller already checked as the brand's working staff."""
    found = await presence.others(
        svc.desk_presence, actor.account_id, actor.user_id, conversation_id
    )
    return await shown_viewers(svc, found)


async def shown_viewers(svc: ApiRuntime, found: Sequence[presence.Entry]) -> list[DeskViewer]:
    if not found:
        return []
    async with svc.db.read() as session:
        people = await presence.people(session, {e.user_id for e in found})
    return desk_render.viewers(desk_render.entry_rows(found), people)


def earlier_link(request: Request[Any, Any, Any], earlier: int | None) -> dict[str, str]:
    """``Link: <…/conversations/:id?limit=N&max_id=ITEM>; rel="next"``: the earlier items."""
    if earlier is None:
        return {}
    base = f"{request.base_url}".rstrip("/") + request.url.path
    query = kept_query(request)
    cursor = f"max_id={earlier}" if not query else f"{query}&max_id={earlier}"
    return {"Link": f'<{base}?{cursor}>; rel="next"'}
