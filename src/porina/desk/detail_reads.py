"""A desk conversation's page as one prebuilt statement (``storage/fastread.py``; issue 16,
"Scale and checks"): the conversation and the caller's role, its latest items (before an
item id) and their statuses as the timelines' page rows, as the driver gives them
(``detail_rows``; ``detail_of`` parses them), and what the rules did to it (``runs``).

The conversation's conditions and columns are ``fast_reads``'s (a listed conversation's),
so both show the same conversation; ``tests/desk/test_fast_reads.py`` compares them with
the ORM's reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import cast, literal_column, null, select, union_all
from sqlalchemy.orm import aliased

from porina.accounts.models import Account
from porina.core.clock import now
from porina.desk.fast_reads import (
    BEFORE,
    BRAND,
    CONVERSATION,
    LIMIT,
    NO_BOUND,
    C,
    ConversationRow,
    ItemRow,
    RunRow,
    base,
    conversation_columns,
    conversation_row,
    has_rule_runs,
    json_value,
    role_in,
    shown_status,
    stamp,
)
from porina.desk.models import DeskItem
from porina.desk.rules_models import DeskRuleRun
from porina.storage.fastread import Prebuilt, Row, as_datetime
from porina.timelines import page as pages

if TYPE_CHECKING:
    from porina.storage.db import Database

ITEM_ACCOUNT = aliased(Account, name="item_account")
_OWN = select(C.id).where(C.id == CONVERSATION, C.brand_account_id == BRAND).scalar_subquery()
"""The conversation asked for when it is the brand's (no items of another brand's are read)."""
_LATEST = (
    select(
        DeskItem.id.label("item_id"),
        DeskItem.kind.label("item_kind"),
        DeskItem.status_id.label("item_status_id"),
        DeskItem.account_id.label("item_account_id"),
        ITEM_ACCOUNT.version.label("item_account_version"),
        DeskItem.created_at.label("item_created_at"),
        DeskItem.sentiment.label("item_sentiment"),
        DeskItem.text.label("item_text"),
    )
    .join(ITEM_ACCOUNT, ITEM_ACCOUNT.id == DeskItem.account_id)
    .where(DeskItem.conversation_id == _OWN, DeskItem.id < BEFORE)
    .order_by(DeskItem.id.desc())
    .limit(LIMIT)
    .cte("latest")
)
_CANDIDATES = (
    select(_LATEST.c.item_status_id.label("status_id"))
    .where(_LATEST.c.item_status_id.is_not(None))
    .distinct()  # a favourite and a boost of one post: one row of it
    .subquery("candidates")
)


def _shown() -> Any:
    """The items' statuses as page rows (``timelines/page.py``; ``porina_viewer`` the brand),
    as ``pages.for_ids`` reads them with ``mutes=False``, once each. Materialized on
    PostgreSQL: when the items were joined to it, its generic plan ran the whole join again
    for each item; read once by the union now, it is kept so for any later join."""
    query: Any = pages.from_candidates(_CANDIDATES, ascending=False, mutes=False).statement
    return query.order_by(None).cte("shown").prefix_with("MATERIALIZED", dialect="postgresql")


_SHOWN = _shown()
CONVERSATION_COLUMNS = len(conversation_columns())
ITEM_COLUMNS = 8
STATUS_COLUMNS = len(_SHOWN.c)
PART = -2
"""Where a detail row says what it is: ``CONVERSATION_PART``, ``ITEM_PART`` or
``STATUS_PART`` (and, after it, the item's or status's id)."""
CONVERSATION_PART, ITEM_PART, STATUS_PART = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each part's columns start in a detail row, and whether its NULLs are typed.
    SQLite's columns have no types: every part's start at 0, each row carries its own
    part's columns and few NULLs (each column of a row costs the driver a call, NULL or
    not). PostgreSQL's union needs one type per column: each part has columns of its own,
    the others' NULL of that column's type (a NULL-only column is ``text`` there)."""

    items_at: int
    statuses_at: int
    typed: bool

    @property
    def width(self) -> int:
        items, statuses = self.items_at + ITEM_COLUMNS, self.statuses_at + STATUS_COLUMNS
        return max(CONVERSATION_COLUMNS, items, statuses)

    def item(self, row: Row) -> Row:
        return row[self.items_at : self.items_at + ITEM_COLUMNS]

    def status(self, row: Row) -> Row:
        return row[self.statuses_at : self.statuses_at + STATUS_COLUMNS]


SHARED = Layout(items_at=0, statuses_at=0, typed=False)
APART = Layout(
    items_at=CONVERSATION_COLUMNS, statuses_at=CONVERSATION_COLUMNS + ITEM_COLUMNS, typed=True
)


@dataclass(frozen=True, slots=True)
class _Row:
    """A detail row's shape: its width, and the columns whose types its NULLs take (None:
    untyped, SQLite's)."""

    width: int
    typed: list[Any] | None

    def padded(self, own: list[Any], at: int, part: int, key: Any) -> list[Any]:
        """``own`` from position ``at``, NULL elsewhere (of the type of the column there:
        PostgreSQL gives a union's NULL-only column the type ``text``), then the part and
        its order."""
        return [
            *[self._empty(n) for n in range(at)],
            *own,
            *[self._empty(n) for n in range(at + len(own), self.width)],
            literal_column(str(part)).label("porina_part"),
            key.label("porina_order"),
        ]

    def _empty(self, n: int) -> Any:
        empty = null() if self.typed is None else cast(null(), self.typed[n].type)
        return empty.label(f"porina_{n}")


def _one_with_items(layout: Layout) -> Prebuilt:
    """The conversation (one row), its items (one row each) and their statuses' page rows
    (one row per status), one after another in one statement (``PART`` says which each row
    is, in ``layout``'s columns). Each status is read and sent once, the conversation's
    columns once, and no item is joined to its status in the database (``detail_of`` does).
    The parts come in no promised order: ``detail_of`` orders them."""
    own = conversation_columns()
    latest, shown = list(_LATEST.c), list(_SHOWN.c)
    row = _Row(layout.width, [*own, *latest, *shown] if layout.typed else None)
    conversation = (
        base()
        .with_only_columns(*row.padded(own, 0, CONVERSATION_PART, C.id))
        .where(C.id == CONVERSATION)
    )
    items = select(*row.padded(latest, layout.items_at, ITEM_PART, _LATEST.c.item_id))
    statuses = select(*row.padded(shown, layout.statuses_at, STATUS_PART, _SHOWN.c.id))
    return Prebuilt(union_all(conversation, items, statuses))


_DETAIL = {True: (SHARED, _one_with_items(SHARED)), False: (APART, _one_with_items(APART))}
"""The detail statement and its layout, by whether the database is SQLite."""


@dataclass(frozen=True, slots=True)
class Detail:
    """A conversation as ``detail_of`` parses it: the caller's role (to check
    before anything is shown), the conversation, its items newest first, and the items'
    statuses as page rows for the brand (one per status, hidden ones included: check
    ``visible``), newest first."""

    role: str | None
    conversation: ConversationRow
    items: list[ItemRow]
    statuses: list[pages.PageRow]


@dataclass(frozen=True, slots=True)
class DetailRows:
    """What ``detail_rows``'s statement gave, as the driver gave it (the conversation's row,
    each item's and each status's, in ``layout``), and the time it was read: the caller's
    role (to check before anything is shown) and the rows to compare with an earlier
    read's."""

    role: str | None
    rows: list[Row]
    moment: datetime
    conversation: Row
    layout: Layout

    @property
    def status(self) -> str:
        """The conversation's status as shown (a snooze that has run out is open)."""
        return shown_status(self.conversation, self.moment)

    @property
    def has_sla_targets(self) -> bool:
        return bool(self.conversation[11])

    @property
    def has_rule_runs(self) -> bool:
        return has_rule_runs(self.conversation)


async def detail_rows(
    db: Database, brand_id: int, user_id: int, conversation_id: int, asked: tuple[int, int | None]
) -> DetailRows | None:
    """``conversation``, its latest ``asked[0]`` items below the item id ``asked[1]`` and
    their statuses' page rows in one statement (one round trip on PostgreSQL), unparsed
    (``detail_of`` parses them); None when it is not one of the brand's. Everything is read
    before the role is checked: the caller must check it before anything is shown."""
    limit, before = asked
    moment = now()
    params = {
        "porina_brand": brand_id,
        "porina_user": user_id,
        "porina_conversation": conversation_id,
        "porina_before": NO_BOUND if before is None else before,
        "porina_limit": limit,
        "porina_viewer": brand_id,
        "porina_moment": moment,
    }
    layout, statement = _DETAIL[db.is_sqlite]
    found = await db.fast.fetch(statement, params)
    conversation = next((r for r in found if r[PART] == CONVERSATION_PART), None)
    if conversation is None:
        return None
    return DetailRows(role_in(conversation, user_id), found, moment, conversation, layout)


def _newest_first(rows: list[Row], part: int) -> list[Row]:
    return sorted((r for r in rows if r[PART] == part), key=lambda r: -int(r[-1]))


def detail_of(read: DetailRows) -> Detail:
    """The conversation, its items and their statuses' page rows from ``read``'s rows,
    newest first."""
    row = conversation_row(read.conversation, read.moment)
    row.has_rule_runs = read.has_rule_runs
    layout = read.layout
    items = [_item_row(layout.item(r)) for r in _newest_first(read.rows, ITEM_PART)]
    statuses = [layout.status(r) for r in _newest_first(read.rows, STATUS_PART)]
    return Detail(read.role, row, items, pages.rows(statuses))


def _item_row(raw: tuple[Any, ...]) -> ItemRow:
    iid, kind, status_id, account, version, created, sentiment, text = raw
    return ItemRow(
        id=int(iid),
        kind=str(kind),
        status_id=None if status_id is None else int(status_id),
        account_id=int(account),
        account_version=int(version),
        created_at=stamp(created),
        sentiment=sentiment,
        text=text if kind == "note" else None,
    )


_RUNS = Prebuilt(
    select(
        DeskRuleRun.rule_id,
        DeskRuleRun.rule_name,
        DeskRuleRun.item_id,
        DeskRuleRun.done,
        DeskRuleRun.reply_status_id,
        DeskRuleRun.error,
        DeskRuleRun.created_at,
    )
    .where(DeskRuleRun.conversation_id == CONVERSATION)
    .order_by(DeskRuleRun.id)
)


async def runs(db: Database, conversation_id: int) -> list[RunRow]:
    """What the rules did to a conversation, oldest first (``rules.runs_of``)."""
    found = await db.fast.fetch(_RUNS, {"porina_conversation": conversation_id})
    return [
        RunRow(
            rule_id=None if rule_id is None else int(rule_id),
            rule_name=str(name),
            item_id=int(item_id),
            done=[str(d) for d in json_value(done) or []],
            reply_status_id=None if reply is None else int(reply),
            error=error,
            created_at=as_datetime(created),
        )
        for rule_id, name, item_id, done, reply, error, created in found
    ]


def status_ids(rows: Sequence[ItemRow]) -> list[int]:
    return [i.status_id for i in rows if i.status_id is not None]
