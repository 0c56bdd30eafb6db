"""Who of the team is on a conversation: presence ("Aino is viewing") and the soft lock
("Aino is typing a reply"), issue 16 point 2.

A staff member's page (or client) announces itself with a heartbeat, ``viewing`` or
``typing``, every few seconds; an announcement lives ``TTL_SECONDS`` (30 s) unless renewed,
and leaving takes it away at once. Presence is ephemeral: it is kept where the process keeps
its other short-lived state, never in the database -- in memory for the embedded, single
process install, in Redis when the broker is Redis, so every ``serve`` process sees the same
viewers (as the login throttle's counters, ``accounts/throttle.py``).

Per conversation, each staff member (by user) has one entry: the state, since when it holds
(``since`` moves only when the state changes) and until when it lives. A heartbeat or a leave
that changes who is there or in what state -- a new viewer, viewing to typing and back, a
leave, an entry found expired -- publishes ``desk.presence`` on the brand's ``desk:{brand}``
channel with the conversation's whole list (user ids, states, times: no names, no text), so
the streams render it for each reader, without the reader. An entry that expires is noticed
at the next heartbeat of anyone on the conversation (within one heartbeat interval, since
each open page renews its own), which is the moment someone is there to see it go.

Nothing here is a note or a draft: a typing announcement says only that someone types.
Who may announce and see it: the brand's working staff (owner, manager, agent), checked by
``present``/``leave`` and by every reader (``desk/access.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import redis.asyncio as aioredis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, User
from porina.core.actor import Actor
from porina.core.clock import iso, now
from porina.core.errors import Forbidden, NotFound
from porina.desk import access, fast_reads
from porina.desk.errors import ConversationNotFound, InvalidDeskRequest
from porina.desk.live import channel
from porina.settings import Settings
from porina.storage.broker import Broker

if TYPE_CHECKING:
    from porina.storage.db import Database

EVENT = "desk.presence"
STATES = ("viewing", "typing")
TTL_SECONDS = 30
"""An announcement lives this long without a heartbeat."""
HEARTBEAT_SECONDS = 10
"""How often a page renews its announcement (``static/desk-live.js``)."""
BAD_STATE = "Validation failed: state must be viewing or typing"


@dataclass(frozen=True, slots=True)
class Entry:
    """One staff member on a conversation: ``since`` and ``until`` in epoch milliseconds."""

    user_id: int
    state: str
    since: int
    until: int

    @property
    def since_at(self) -> datetime:
        return datetime.fromtimestamp(self.since / 1000, UTC)


@dataclass(frozen=True, slots=True)
class Change:
    """The conversation's entries after a heartbeat or a leave; ``changed``: who is there or
    in what state differs from before (an expired entry dropped counts)."""

    changed: bool
    entries: list[Entry]


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class PresenceStore(Protocol):
    """Per conversation, the entries of the staff on it (see the module's text)."""

    async def beat(
        self, brand_id: int, conversation_id: int, user_id: int, state: str, moment: int
    ) -> Change: ...

    async def leave(
        self, brand_id: int, conversation_id: int, user_id: int, moment: int
    ) -> Change: ...

    async def entries(self, brand_id: int, conversation_id: int, moment: int) -> list[Entry]: ...

    async def close(self) -> None: ...


def _next(
    found: dict[int, Entry], user_id: int, state: str | None, moment: int, ttl: int
) -> tuple[bool, dict[int, Entry]]:
    """The entries after ``user_id`` announces ``state`` (None: leaves) at ``moment``."""
    alive = {uid: e for uid, e in found.items() if e.until > moment}
    changed = len(alive) != len(found)
    mine = alive.pop(user_id, None)
    if state is None:
        return changed or mine is not None, alive
    same = mine is not None and mine.state == state
    since = mine.since if same and mine is not None else moment
    alive[user_id] = Entry(user_id, state, since, moment + ttl)
    return changed or not same, alive


class MemoryPresence:
    """This process's presence (the embedded install: one process serves everyone)."""

    LIMIT = 100_000
    """Conversations kept before the expired ones are swept."""

    def __init__(self, ttl_seconds: int = TTL_SECONDS) -> None:
        self.ttl = ttl_seconds * 1000
        self._on: dict[tuple[int, int], dict[int, Entry]] = {}

    def _sweep(self, moment: int) -> None:
        if len(self._on) > self.LIMIT:
            self._on = {
                key: entries
                for key, entries in self._on.items()
                if any(e.until > moment for e in entries.values())
            }

    def _store(self, key: tuple[int, int], entries: dict[int, Entry]) -> None:
        if entries:
            self._on[key] = entries
        else:
            self._on.pop(key, None)

    async def beat(
        self, brand_id: int, conversation_id: int, user_id: int, state: str, moment: int
    ) -> Change:
        self._sweep(moment)
        key = (brand_id, conversation_id)
        changed, after = _next(self._on.get(key, {}), user_id, state, moment, self.ttl)
        self._store(key, after)
        return Change(changed, _ordered(after.values()))

    async def leave(self, brand_id: int, conversation_id: int, user_id: int, moment: int) -> Change:
        key = (brand_id, conversation_id)
        changed, after = _next(self._on.get(key, {}), user_id, None, moment, self.ttl)
        self._store(key, after)
        return Change(changed, _ordered(after.values()))

    async def entries(self, brand_id: int, conversation_id: int, moment: int) -> list[Entry]:
        found = self._on.get((brand_id, conversation_id), {})
        return _ordered(e for e in found.values() if e.until > moment)

    async def close(self) -> None:
        self._on.clear()


# A hash per conversation: field = user id, value = "state|since|until" (epoch ms). One call
# drops the expired entries, applies the announcement (ARGV[4] empty: a leave), renews the
# key's lifetime and answers whether anything changed and the entries after. Numbers travel
# as the strings Python wrote: Lua only compares them, never formats them.
# KEYS[1] the hash; ARGV: now, until (now + ttl), user id, state, ttl (ms)
_BEAT = """
local now = tonumber(ARGV[1])
local user, state = ARGV[3], ARGV[4]
local changed = 0
local seen = false
local out = {}
local raw = redis.call('HGETALL', KEYS[1])
for i = 1, #raw, 2 do
  local field, value = raw[i], raw[i + 1]
  local s, since, untils = string.match(value, '^(%a+)|(%d+)|(%d+)$')
  if (not untils) or tonumber(untils) <= now then
    redis.call('HDEL', KEYS[1], field)
    changed = 1
  elseif field == user then
    seen = true
    if state == '' then
      redis.call('HDEL', KEYS[1], field)
      changed = 1
    else
      if s ~= state then
        since = ARGV[1]
        changed = 1
      end
      local fresh = state .. '|' .. since .. '|' .. ARGV[2]
      redis.call('HSET', KEYS[1], field, fresh)
      out[#out + 1] = field
      out[#out + 1] = fresh
    end
  else
    out[#out + 1] = field
    out[#out + 1] = value
  end
end
if state ~= '' and not seen then
  local fresh = state .. '|' .. ARGV[1] .. '|' .. ARGV[2]
  redis.call('HSET', KEYS[1], user, fresh)
  out[#out + 1] = user
  out[#out + 1] = fresh
  changed = 1
end
if #out > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
table.insert(out, 1, changed)
return out
"""


def _decode(field: Any, value: Any) -> Entry | None:
    text = value.decode() if isinstance(value, bytes) else str(value)
    parts = text.split("|")
    name = field.decode() if isinstance(field, bytes) else str(field)
    if len(parts) != 3 or not name.isdigit() or not all(p.isdigit() for p in parts[1:]):
        return None
    return Entry(int(name), parts[0], int(parts[1]), int(parts[2]))


def _pairs(flat: Sequence[Any]) -> list[Entry]:
    found = (_decode(flat[i], flat[i + 1]) for i in range(0, len(flat) - 1, 2))
    return _ordered(e for e in found if e is not None)


class RedisPresence:
    """Presence every ``serve`` process shares: one Lua call per heartbeat or leave."""

    def __init__(self, url: str, prefix: str, ttl_seconds: int = TTL_SECONDS) -> None:
        self._redis = aioredis.from_url(url)
        self._prefix = prefix + "desk:presence:"
        self.ttl = ttl_seconds * 1000
        self._beat = self._redis.register_script(_BEAT)

    def _key(self, brand_id: int, conversation_id: int) -> str:
        return f"{self._prefix}{brand_id}:{conversation_id}"

    async def _call(
        self, brand_id: int, conversation_id: int, user_id: int, state: str, moment: int
    ) -> Change:
        args = [str(moment), str(moment + self.ttl), str(user_id), state, str(self.ttl)]
        reply = await self._beat(keys=[self._key(brand_id, conversation_id)], args=args)
        return Change(bool(int(reply[0])), _pairs(reply[1:]))

    async def beat(
        self, brand_id: int, conversation_id: int, user_id: int, state: str, moment: int
    ) -> Change:
        return await self._call(brand_id, conversation_id, user_id, state, moment)

    async def leave(self, brand_id: int, conversation_id: int, user_id: int, moment: int) -> Change:
        return await self._call(brand_id, conversation_id, user_id, "", moment)

    async def entries(self, brand_id: int, conversation_id: int, moment: int) -> list[Entry]:
        found = await self._redis.hgetall(self._key(brand_id, conversation_id))
        flat = [part for pair in found.items() for part in pair]
        return [e for e in _pairs(flat) if e.until > moment]

    async def close(self) -> None:
        await self._redis.aclose()


def _ordered(entries: Any) -> list[Entry]:
    """Longest there first (then by user), so a list reads the same in every process."""
    return sorted(entries, key=lambda e: (e.since, e.user_id))


def build_store(settings: Settings) -> PresenceStore:
    """In Redis when the broker is Redis (several processes), else in this process."""
    if settings.broker == "redis":
        return RedisPresence(settings.redis_url, settings.redis_prefix)
    return MemoryPresence()


# --- the broker message ---------------------------------------------------------------------


def message(conversation_id: int, entries: Sequence[Entry]) -> dict[str, Any]:
    """``desk.presence``: ids, states and times only; streams render it for each reader."""
    return {
        "event": EVENT,
        "conversation_id": str(conversation_id),
        "viewers": [
            {"user_id": str(e.user_id), "state": e.state, "since": iso(e.since_at)} for e in entries
        ],
    }


def entries_of(raw: dict[str, Any]) -> list[tuple[int, str, str]]:
    """``(user id, state, since)`` of a ``desk.presence`` message (malformed parts left out)."""
    out: list[tuple[int, str, str]] = []
    for one in raw.get("viewers") or []:
        if not isinstance(one, dict):
            continue
        uid, state, since = str(one.get("user_id", "")), one.get("state"), one.get("since")
        if uid.isdigit() and state in STATES and isinstance(since, str):
            out.append((int(uid), state, since))
    return out


# --- who is shown -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    """A staff member as presence shows them: their own account."""

    user_id: int
    account_id: int
    username: str
    domain: str | None
    display_name: str

    @property
    def acct(self) -> str:
        return self.username if not self.domain else f"{self.username}@{self.domain}"

    @property
    def name(self) -> str:
        return self.display_name or self.username


async def people(session: AsyncSession, user_ids: set[int]) -> dict[int, Person]:
    """The staff members' own accounts, by user id, in one query (none when nobody)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(User.id, Account.id, Account.username, Account.domain, Account.display_name)
        .join(Account, Account.id == User.account_id)
        .where(User.id.in_(user_ids))
    )
    return {int(r[0]): Person(int(r[0]), int(r[1]), r[2], r[3], r[4] or "") for r in rows.all()}


# --- the actions ------------------------------------------------------------------------------


async def _on_conversation(db: Database, actor: Actor, conversation_id: int) -> access.Staff:
    """The caller as staff who works this brand's conversation ``conversation_id``: one
    statement (the role alone once more when it is not the brand's, to tell 403 from 404)."""
    if actor.user_id is None:
        raise NotFound()
    found = await fast_reads.conversation(
        db, actor.account_id, actor.user_id, conversation_id, now()
    )
    role = (
        found[0]
        if found is not None
        else await fast_reads.role(db, actor.account_id, actor.user_id)
    )
    if role is None:
        raise NotFound()
    if role not in access.WORKERS:
        raise Forbidden(access.NO_CONTENT)
    if found is None:
        raise ConversationNotFound()
    return access.Staff(actor.account_id, actor.user_id, role)


class Running(Protocol):
    """What the actions need of the running system (``Services`` is one)."""

    @property
    def db(self) -> Database: ...

    @property
    def broker(self) -> Broker: ...

    @property
    def desk_presence(self) -> PresenceStore: ...


Clock = Callable[[], datetime]


async def _publish(svc: Running, staff: access.Staff, conversation_id: int, change: Change) -> None:
    if change.changed:
        body = message(conversation_id, change.entries)
        await svc.broker.publish(channel(staff.brand_id), body)


async def present(
    svc: Running, actor: Actor, conversation_id: int, state: str, *, clock: Clock = now
) -> list[Entry]:
    """The caller is on the conversation, ``viewing`` or ``typing`` (a heartbeat); the other
    staff on it, longest there first. 404 off the team or for another brand's conversation,
    403 for an analyst, 422 for another state."""
    if state not in STATES:
        raise InvalidDeskRequest(BAD_STATE)
    staff = await _on_conversation(svc.db, actor, conversation_id)
    moment = _millis(clock())
    change = await svc.desk_presence.beat(
        staff.brand_id, conversation_id, staff.user_id, state, moment
    )
    await _publish(svc, staff, conversation_id, change)
    return [e for e in change.entries if e.user_id != staff.user_id]


async def leave(svc: Running, actor: Actor, conversation_id: int, *, clock: Clock = now) -> None:
    """The caller left the conversation (their page closed); the same refusals."""
    staff = await _on_conversation(svc.db, actor, conversation_id)
    moment = _millis(clock())
    change = await svc.desk_presence.leave(staff.brand_id, conversation_id, staff.user_id, moment)
    await _publish(svc, staff, conversation_id, change)


async def others(
    store: PresenceStore,
    brand_id: int,
    user_id: int | None,
    conversation_id: int,
    *,
    clock: Clock = now,
) -> list[Entry]:
    """Who else than ``user_id`` is on the conversation, for a reader already checked as the
    brand's working staff."""
    found = await store.entries(brand_id, conversation_id, _millis(clock()))
    return [e for e in found if e.user_id != user_id]
