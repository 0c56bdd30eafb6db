"""The desk API's reads as prebuilt statements (``storage/fastread.py``), as the home timeline
reads (issue 16, "Scale and checks").

Each statement is written with SQLAlchemy Core, compiled once per dialect and shape, and run
on the driver itself (SQLite: in the calling thread, no hop to aiosqlite's; PostgreSQL: a
prepared statement on asyncpg). Rows are plain tuples: ids, versions, short strings.

- ``role``: the caller's role on the brand (the brand's own login, or its operator row) in
  one statement;
- ``page_rows``: the caller's role and one page of a view in one statement (a cursor's
  conversation read inside it), with the versions of the contact's and assignee's accounts
  (their renderings come from the status cache) and whether the brand has SLA targets (so a
  page without them reads nothing more);
- ``conversation``: one conversation, the same columns.

A conversation's page (its items and their statuses) is ``detail_reads``'s.

The conditions are those of ``desk/queries.py`` (the web pages' ORM reads), so both show the
same conversations; ``tests/desk/test_fast_reads.py`` compares them.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    exists,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, AccountOperator, User
from porina.accounts.operators import role_named
from porina.core.clock import aware, iso
from porina.desk.errors import InvalidDeskRequest
from porina.desk.metrics_models import DeskSlaTarget
from porina.desk.models import STATUSES, DeskConversation, DeskMentioned
from porina.desk.queries import VIEWS
from porina.desk.rules_models import DeskRuleRun
from porina.storage.base import UTCDateTime
from porina.storage.fastread import Prebuilt, Row, as_datetime

if TYPE_CHECKING:
    from porina.storage.db import Database

C = DeskConversation
M = DeskMentioned
BRAND = bindparam("porina_brand", type_=BigInteger)
USER = bindparam("porina_user", type_=BigInteger)
MOMENT = bindparam("porina_moment", type_=UTCDateTime())
KEY_ID = bindparam("porina_key_id", type_=BigInteger)
LIMIT = bindparam("porina_limit", type_=Integer)
CONVERSATION = bindparam("porina_conversation", type_=BigInteger)
BEFORE = bindparam("porina_before", type_=BigInteger)
LABEL_A = bindparam("porina_label_a", type_=String)
LABEL_B = bindparam("porina_label_b", type_=String)
NO_BOUND = 2**63 - 1

CONTACT = aliased(Account, name="contact")
ASSIGNEE = aliased(User, name="assignee")
ASSIGNEE_ACCOUNT = aliased(Account, name="assignee_account")
LOGIN = aliased(User, name="login")


@dataclass(slots=True)
class ConversationRow:
    """A conversation as the API lists it, with the versions its accounts render at."""

    id: int
    contact_id: int
    contact_version: int
    status: str
    assignee_id: int | None
    assignee_version: int | None
    priority: str | None
    labels: list[str]
    sentiment: str | None
    last_activity_at: str
    """Mastodon's timestamp form (``core.clock.iso``)."""
    has_sla_targets: bool
    has_rule_runs: bool


@dataclass(slots=True)
class ItemRow:
    id: int
    kind: str
    status_id: int | None
    account_id: int
    account_version: int
    created_at: str
    """Mastodon's timestamp form."""
    sentiment: str | None
    text: str | None


@dataclass(frozen=True, slots=True)
class RunRow:
    rule_id: int | None
    rule_name: str
    item_id: int
    done: list[str]
    reply_status_id: int | None
    error: str | None
    created_at: datetime


# --- the caller's role ---------------------------------------------------------------------

_LOGIN = select(LOGIN.id).where(LOGIN.account_id == BRAND).limit(1).scalar_subquery()
_OPERATOR = (
    select(AccountOperator.role)
    .where(AccountOperator.account_id == BRAND, AccountOperator.user_id == USER)
    .limit(1)
    .scalar_subquery()
)
_ROLE = Prebuilt(select(_LOGIN, _OPERATOR))


def _role(login: Any, stored: Any, user_id: int) -> str | None:
    if login is not None and int(login) == user_id:
        return "owner"
    found = role_named(stored)
    return None if found is None else str(found)


async def role(db: Database, brand_id: int, user_id: int) -> str | None:
    """``accounts.operators.role_of`` in one statement: the brand's own login is its owner."""
    rows = await db.fast.fetch(_ROLE, {"porina_brand": brand_id, "porina_user": user_id})
    login, stored = rows[0] if rows else (None, None)
    return _role(login, stored, user_id)


# --- conversations -------------------------------------------------------------------------


def _columns() -> list[Any]:
    return [
        C.id,
        C.contact_account_id,
        CONTACT.version,
        C.status,
        C.snooze_until,
        ASSIGNEE.account_id,
        ASSIGNEE_ACCOUNT.version,
        C.priority,
        C.labels,
        C.sentiment,
        C.last_activity_at,
        exists().where(DeskSlaTarget.brand_account_id == BRAND),
    ]


def base() -> Any:
    return (
        select(*_columns())
        .select_from(C)
        .join(CONTACT, CONTACT.id == C.contact_account_id)
        .outerjoin(ASSIGNEE, ASSIGNEE.id == C.assignee_user_id)
        .outerjoin(ASSIGNEE_ACCOUNT, ASSIGNEE_ACCOUNT.id == ASSIGNEE.account_id)
        .where(C.brand_account_id == BRAND)
    )


def _status_clause(status: str, table: Any = C) -> ColumnElement[bool]:
    """``table``: the conversations, or the *Mentioned* rows (their copies of the columns)."""
    woken = and_(table.status == "snoozed", table.snooze_until <= MOMENT)
    if status == "open":
        return or_(table.status == "open", woken)
    if status == "snoozed":
        return and_(table.status == "snoozed", table.snooze_until > MOMENT)
    found: ColumnElement[bool] = table.status == status
    return found


def _view_clause(view: str) -> ColumnElement[bool] | None:
    if view == "mine":
        return C.assignee_user_id == USER
    if view == "unassigned":
        return C.assignee_user_id.is_(None)
    return None


def _viewed(view: str, status: str) -> tuple[Any, Any, Any]:
    """The page's query with its view and status, and its key columns (activity, id).
    *Mentioned* walks the caller's own ``desk_mentioned`` rows of the brand, newest first
    (``desk/mentioned.py``), and joins each conversation."""
    if view == "mentioned":
        query = (
            base()
            .join(M, M.conversation_id == C.id)
            .where(M.user_id == USER, M.brand_account_id == BRAND, _status_clause(status, M))
        )
        return query, M.last_activity_at, M.conversation_id
    query = base().where(_status_clause(status))
    by_view = _view_clause(view)
    if by_view is not None:
        query = query.where(by_view)
    return query, C.last_activity_at, C.id


_NAMED_AT = (
    select(C.last_activity_at)
    .where(C.id == KEY_ID, C.brand_account_id == BRAND)
    .limit(1)
    .scalar_subquery()
)
"""The activity time of the conversation a cursor names (none when it is not the brand's:
the comparison is then unknown and the page empty)."""
_ROLES = select(_LOGIN.label("porina_login"), _OPERATOR.label("porina_operator")).subquery("roles")


@functools.cache
def _page(view: str, status: str, *, cursor: str | None, label: bool) -> Prebuilt:
    """The caller's role (the brand's login, the operator row) and the page, in one
    statement: one row per conversation, or one row of the role alone when there is none.
    ``cursor``: None, ``older`` (``max_id``) or ``newer`` (``since_id``/``min_id``): a
    page's rows are newest first either way."""
    query, at, key_id = _viewed(view, status)
    if label:
        text = cast(C.labels, String)
        query = query.where(or_(text.like(LABEL_A, escape="\\"), text.like(LABEL_B, escape="\\")))
    key = tuple_(at, key_id)
    if cursor == "older":
        query = query.where(key < tuple_(_NAMED_AT, KEY_ID))
    elif cursor == "newer":
        query = query.where(key > tuple_(_NAMED_AT, KEY_ID))
    order = [at.asc(), key_id.asc()] if cursor == "newer" else [at.desc(), key_id.desc()]
    listed = (
        query.add_columns(at.label("porina_at"), key_id.label("porina_key"))
        .order_by(*order)
        .limit(LIMIT)
        .subquery("listed")
    )
    return Prebuilt(
        select(_ROLES.c.porina_login, _ROLES.c.porina_operator, *listed.c)
        .select_from(_ROLES)
        .outerjoin(listed, true())
        .order_by(listed.c.porina_at.desc(), listed.c.porina_key.desc())
    )


def json_value(value: Any) -> Any:
    if value == "[]":
        return []
    return json.loads(value) if isinstance(value, str | bytes) else value


def stamp(value: Any) -> str:
    """A timestamp column as the driver gave it, in Mastodon's form (``core.clock.iso``).
    SQLite's text (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC, as SQLAlchemy stores it) is cut to
    that form without parsing it: the page formats twenty of them."""
    if isinstance(value, str) and len(value) == 26 and value[10] == " ":
        return f"{value[:10]}T{value[11:23]}Z"
    return iso(as_datetime(value)) or ""


def shown_status(row: Row, moment: datetime) -> str:
    """A conversation row's status as shown, as ``queries.shown_status``: a snooze that has
    run out is open (a list's row and a detail's have the status and the snooze at 3, 4)."""
    status, snooze = row[3], row[4]
    if status == "snoozed" and snooze is not None and aware(as_datetime(snooze)) <= moment:
        return "open"
    return str(status)


def conversation_row(row: Row, moment: datetime) -> ConversationRow:
    (cid, contact, contact_v, _, _, assignee, assignee_v, priority, labels) = row[:9]
    return ConversationRow(
        id=int(cid),
        contact_id=int(contact),
        contact_version=int(contact_v),
        status=shown_status(row, moment),
        assignee_id=None if assignee is None else int(assignee),
        assignee_version=None if assignee_v is None else int(assignee_v),
        priority=priority,
        labels=[str(name) for name in json_value(labels) or []],
        sentiment=row[9],
        last_activity_at=stamp(row[10]),
        has_sla_targets=bool(row[11]),
        has_rule_runs=False,
    )


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _label_params(label: str) -> dict[str, str]:
    """As ``queries.label_clause``: the name quoted, as written or JSON-escaped."""
    forms = sorted({f'"{label}"', json.dumps(label)})
    patterns = [f"%{_like(form)}%" for form in forms]
    return {"porina_label_a": patterns[0], "porina_label_b": patterns[-1]}


@dataclass(frozen=True, slots=True)
class Asked:
    """A view's page as asked: ``named``/``older`` the cursor (a conversation id)."""

    view: str
    status: str
    limit: int
    named: int | None = None
    older: bool = True
    label: str | None = None


def check(view: str, status: str, label: str | None) -> str:
    """The view the statement reads (``label`` is ``all`` narrowed), or the refusal."""
    if status not in STATUSES:
        raise InvalidDeskRequest(f"Validation failed: status must be one of {', '.join(STATUSES)}")
    if view not in VIEWS:
        raise InvalidDeskRequest(f"Validation failed: view must be one of {', '.join(VIEWS)}")
    if view == "label" and not label:
        raise InvalidDeskRequest("Validation failed: view=label needs label")
    return "all" if view == "label" else view


async def page_rows(
    db: Database, brand_id: int, user_id: int, asked: Asked, moment: datetime
) -> tuple[str | None, list[Row]]:
    """The caller's role on the brand (as ``role``) and one page of a view, newest activity
    first (``queries.page``'s conversations), in one statement: the rows as the driver gave
    them (what an encoding is kept by; ``listed`` makes each a ``ConversationRow``,
    ``Listed`` reads what names its accounts). The rows are read before the role is
    checked: the caller must check it before anything is shown."""
    view = check(asked.view, asked.status, asked.label)
    params: dict[str, Any] = {
        "porina_brand": brand_id,
        "porina_user": user_id,
        "porina_moment": moment,
        "porina_limit": asked.limit,
    }
    cursor = None
    if asked.named is not None:
        cursor = "older" if asked.older else "newer"
        params["porina_key_id"] = asked.named
    if asked.label:
        params |= _label_params(asked.label)
    statement = _page(view, asked.status, cursor=cursor, label=bool(asked.label))
    found = await db.fast.fetch(statement, params)
    role = _role(found[0][0], found[0][1], user_id) if found else None
    return role, [row[2:14] for row in found if row[2] is not None]


listed = conversation_row


class Listed:
    """What a page's raw row (``page_rows``) says without building its ``ConversationRow``."""

    @staticmethod
    def id(row: Row) -> int:
        return int(row[0])

    @staticmethod
    def status(row: Row, moment: datetime) -> str:
        """The status shown (a snooze that has run out is open)."""
        return shown_status(row, moment)

    @staticmethod
    def contact(row: Row) -> tuple[int, int]:
        return int(row[1]), int(row[2])

    @staticmethod
    def assignee(row: Row) -> tuple[int, int] | None:
        return None if row[5] is None or row[6] is None else (int(row[5]), int(row[6]))

    @staticmethod
    def has_sla_targets(row: Row) -> bool:
        return bool(row[11])


_HAS_RUNS = exists().where(DeskRuleRun.conversation_id == C.id)


def conversation_columns() -> list[Any]:
    """One conversation's columns: a listed one's, then whether rules ran on it and the
    caller's role (the brand's login, the operator's row), read by ``has_rule_runs`` and
    ``role_in``."""
    return [*_columns(), _HAS_RUNS, _LOGIN, _OPERATOR]


def has_rule_runs(row: Row) -> bool:
    return bool(row[12])


def role_in(row: Row, user_id: int) -> str | None:
    """The caller's role from a row of ``conversation_columns``."""
    return _role(row[13], row[14], user_id)


_ONE_AS = Prebuilt(
    base().with_only_columns(*conversation_columns()).where(C.id == CONVERSATION).limit(1)
)


async def conversation(
    db: Database, brand_id: int, user_id: int, conversation_id: int, moment: datetime
) -> tuple[str | None, ConversationRow] | None:
    """One of the brand's conversations, whether rules ran on it, and the caller's role on
    the brand (as ``role``), in one statement; None when it is not one of the brand's (the
    caller's role then needs ``role``). The caller must be refused before anything of the
    row is shown."""
    found = await db.fast.fetch(
        _ONE_AS,
        {"porina_brand": brand_id, "porina_user": user_id, "porina_conversation": conversation_id},
    )
    if not found:
        return None
    raw = found[0]
    row = conversation_row(raw, moment)
    row.has_rule_runs = has_rule_runs(raw)
    return role_in(raw, user_id), row
