"""What must hold for every viewer (anonymous included) of a built world."""

from __future__ import annotations

import json
from typing import Any

from porina.api.mastodon import auth, streaming
from porina.streaming.hub import Arrival

from .build import TAG, WORD, Built
from .model import MStatus


def _status_of(b: Built, api_id: str, where: str) -> MStatus:
    known = b.world.by_api_id()
    assert api_id in known, f"{where}: status {api_id} was never made in this world"
    return known[api_id]


def _who(b: Built, account_id: str) -> int | None:
    for i, p in enumerate(b.people):
        if p.id == account_id:
            return i
    return None


def _describe(b: Built, viewer: int | None, s: MStatus) -> str:
    w = b.world
    return (
        f"viewer={viewer} status={s} follows={sorted(w.follows)} requests={sorted(w.requests)} "
        f"blocks={sorted(w.blocks)} mutes={sorted(w.mutes)} locked={w.locked}"
    )


def assert_entries_visible(b: Built, viewer: int | None, entries: list[Any], where: str) -> None:
    """Each status entity (and the status it reblogs) is visible to ``viewer``."""
    for entry in entries:
        for api_id in [entry["id"]] + ([entry["reblog"]["id"]] if entry.get("reblog") else []):
            s = _status_of(b, api_id, where)
            assert b.world.visible(viewer, s), f"{where} leaks: {_describe(b, viewer, s)}"


def assert_entries_not_hidden(b: Built, viewer: int | None, entries: list[Any], where: str) -> None:
    """No entry is by (or reblogs) an account the viewer blocks, is blocked by, or mutes."""
    for entry in entries:
        for api_id in [entry["id"]] + ([entry["reblog"]["id"]] if entry.get("reblog") else []):
            s = _status_of(b, api_id, where)
            assert not b.world.hides(viewer, s.author), (
                f"{where} shows a blocked or muted author: {_describe(b, viewer, s)}"
            )


def assert_only_public(b: Built, entries: list[Any], where: str) -> None:
    for entry in entries:
        shown = entry.get("reblog") or entry
        assert entry["visibility"] == "public" and shown["visibility"] == "public", (
            f"{where} lists a {entry['visibility']}/{shown['visibility']} status: {entry['id']}"
        )


def assert_accounts_not_blocked(
    b: Built, viewer: int | None, accounts: list[Any], where: str
) -> None:
    if viewer is None:
        return
    for account in accounts:
        other = _who(b, account["id"])
        assert other is None or other == viewer or not b.world.blocked(viewer, other), (
            f"{where} shows account {other} across a block with viewer {viewer}; "
            f"blocks={sorted(b.world.blocks)}"
        )


async def listing(b: Built, viewer: int | None, path: str, **params: Any) -> Any:
    r = await b.get(viewer, path, params=params)
    assert r.status_code == 200, f"{path} for viewer {viewer}: {r.status_code} {r.text[:300]}"
    return r.json()


# --- the checks ---------------------------------------------------------------------------


async def status_get(b: Built) -> None:
    for viewer in b.viewers():
        for s in b.world.statuses:
            r = await b.get(viewer, f"/api/v1/statuses/{s.api_id}")
            expected = 200 if b.world.visible(viewer, s) else 404
            assert r.status_code == expected, (
                f"GET /api/v1/statuses/{s.api_id} gave {r.status_code}, expected {expected}: "
                f"{_describe(b, viewer, s)}"
            )


async def home(b: Built) -> None:
    for viewer in range(b.world.n):
        body = await listing(b, viewer, "/api/v1/timelines/home", limit=40)
        assert_entries_visible(b, viewer, body, "home timeline")
        assert_entries_not_hidden(b, viewer, body, "home timeline")


async def public(b: Built) -> None:
    for viewer in b.viewers():
        for local in ("false", "true"):
            body = await listing(b, viewer, "/api/v1/timelines/public", limit=40, local=local)
            assert_entries_visible(b, viewer, body, "public timeline")
            assert_entries_not_hidden(b, viewer, body, "public timeline")
            assert_only_public(b, body, "public timeline")


async def tag(b: Built) -> None:
    for viewer in b.viewers():
        body = await listing(b, viewer, f"/api/v1/timelines/tag/{TAG}", limit=40)
        assert_entries_visible(b, viewer, body, "tag timeline")
        assert_entries_not_hidden(b, viewer, body, "tag timeline")
        assert_only_public(b, body, "tag timeline")


async def account_statuses(b: Built) -> None:
    for viewer in b.viewers():
        for author in b.people:
            body = await listing(b, viewer, f"/api/v1/accounts/{author.id}/statuses", limit=40)
            assert_entries_visible(b, viewer, body, "account statuses")


async def context(b: Built) -> None:
    for viewer in b.viewers():
        for s in b.world.statuses:
            if s.reblog_of is not None:
                continue
            r = await b.get(viewer, f"/api/v1/statuses/{s.api_id}/context")
            if not b.world.visible(viewer, s):
                assert r.status_code == 404, f"context of an invisible status: {r.status_code}"
                continue
            assert r.status_code == 200, r.text
            body = r.json()
            assert_entries_visible(b, viewer, body["ancestors"], "context ancestors")
            assert_entries_visible(b, viewer, body["descendants"], "context descendants")


async def favourites_and_bookmarks(b: Built) -> None:
    for viewer in range(b.world.n):
        for path in ("/api/v1/favourites", "/api/v1/bookmarks"):
            body = await listing(b, viewer, path, limit=40)
            assert_entries_visible(b, viewer, body, path)


async def search(b: Built) -> None:
    for viewer in b.viewers():
        r = await b.get(
            viewer, "/api/v2/search", params={"q": WORD, "type": "statuses", "limit": 40}
        )
        if viewer is None and r.status_code == 401:
            continue
        assert r.status_code == 200, r.text
        assert_entries_visible(b, viewer, r.json()["statuses"], "search v2")
        r = await b.get(viewer, "/api/v2/search", params={"q": f"#{TAG}", "limit": 40})
        if r.status_code == 200:
            assert_entries_visible(b, viewer, r.json()["statuses"], "search v2 (tag)")


async def notifications(b: Built) -> None:
    for viewer in range(b.world.n):
        body = await listing(b, viewer, "/api/v1/notifications", limit=80)
        for n in body:
            if n.get("status"):
                assert_entries_visible(b, viewer, [n["status"]], f"notification {n['type']}")
            other = _who(b, n["account"]["id"])
            assert other is None or not b.world.hides(viewer, other), (
                f"notification {n['type']} from {other} who viewer {viewer} blocks/mutes "
                f"or is blocked by: blocks={sorted(b.world.blocks)} "
                f"mutes={sorted(b.world.mutes)}"
            )
        grouped = await listing(b, viewer, "/api/v2/notifications", limit=80)
        assert_entries_visible(b, viewer, grouped.get("statuses", []), "grouped notifications")
        for account in grouped.get("accounts", []):
            other = _who(b, account["id"])
            assert other is None or not b.world.hides(viewer, other), (
                f"grouped notifications show account {other} to {viewer}"
            )
        known = {s["id"] for s in grouped.get("statuses", [])}
        for group in grouped.get("notification_groups", []):
            if group.get("status_id"):
                s = _status_of(b, group["status_id"], "notification group")
                assert b.world.visible(viewer, s), f"notification group leaks {s}"
                assert group["status_id"] in known


async def conversations(b: Built) -> None:
    for viewer in range(b.world.n):
        body = await listing(b, viewer, "/api/v1/conversations", limit=40)
        for c in body:
            if c.get("last_status"):
                assert_entries_visible(b, viewer, [c["last_status"]], "conversation")


async def who_interacted(b: Built) -> None:
    for viewer in b.viewers():
        for s in b.world.statuses:
            if s.reblog_of is not None:
                continue
            for what in ("favourited_by", "reblogged_by"):
                r = await b.get(viewer, f"/api/v1/statuses/{s.api_id}/{what}")
                if not b.world.visible(viewer, s):
                    assert r.status_code == 404, f"{what} of an invisible status: {r.status_code}"
                    continue
                assert r.status_code == 200, r.text
                assert_accounts_not_blocked(b, viewer, r.json(), what)


async def counts(b: Built) -> None:
    w = b.world
    for viewer in b.viewers():
        for s in w.statuses:
            if s.reblog_of is not None or not w.visible(viewer, s):
                continue
            body = (await b.get(viewer, f"/api/v1/statuses/{s.api_id}")).json()
            where = f"status {s} seen by {viewer}"
            assert body["replies_count"] == w.replies_count(s), f"replies_count of {where}"
            assert body["favourites_count"] == w.favourites_count(s), f"favourites of {where}"
            assert body["reblogs_count"] == w.reblogs_count(s), f"reblogs_count of {where}"
        for i, person in enumerate(b.people):
            r = await b.get(viewer, f"/api/v1/accounts/{person.id}")
            if r.status_code != 200:
                continue
            assert r.json()["statuses_count"] == w.statuses_count(i), (
                f"statuses_count of {i} seen by {viewer}: {r.json()['statuses_count']}, "
                f"statuses={w.statuses}"
            )


async def more_timelines(b: Built) -> None:
    """List and direct timelines, several statuses at once, trending statuses."""
    ids = [s.api_id for s in b.world.statuses]
    for viewer in b.viewers():
        body = await listing(b, viewer, "/api/v1/statuses", **{"id[]": ids})
        assert_entries_visible(b, viewer, body, "GET /api/v1/statuses?id[]=")
        got = {entry["id"] for entry in body}
        for s in b.world.statuses:
            if b.world.visible(viewer, s):
                assert s.api_id in got, f"statuses?id[] dropped a visible status {s}"
        trending = await listing(b, viewer, "/api/v1/trends/statuses", limit=40)
        assert_entries_visible(b, viewer, trending, "trending statuses")
        assert_entries_not_hidden(b, viewer, trending, "trending statuses")
        assert_only_public(b, trending, "trending statuses")
        if viewer is None:
            continue
        direct = await listing(b, viewer, "/api/v1/timelines/direct", limit=40)
        assert_entries_visible(b, viewer, direct, "direct timeline")
        if viewer in b.lists:
            path = f"/api/v1/timelines/list/{b.lists[viewer]}"
            body = await listing(b, viewer, path, limit=40)
            assert_entries_visible(b, viewer, body, "list timeline")
            assert_entries_not_hidden(b, viewer, body, "list timeline")


async def notification_group_accounts(b: Built) -> None:
    for viewer in range(b.world.n):
        grouped = await listing(b, viewer, "/api/v2/notifications", limit=80)
        for group in grouped.get("notification_groups", []):
            key = group["group_key"]
            accounts = await listing(b, viewer, f"/api/v2/notifications/{key}/accounts")
            for account in accounts:
                other = _who(b, account["id"])
                assert other is None or not b.world.hides(viewer, other), (
                    f"notification group {key} lists account {other} to {viewer}"
                )


# --- streaming ----------------------------------------------------------------------------

PUBLIC_STREAMS = (
    ("public", None),
    ("public:local", None),
    ("hashtag", TAG),
    ("hashtag:local", TAG),
)
PERSONAL_STREAMS = (("user", None), ("user:notification", None), ("direct", None))
SCOPES = frozenset({"read", "write", "follow", "push"})


def _stream_viewer(b: Built, viewer: int | None) -> auth.Viewer | None:
    if viewer is None:
        return None
    return auth.Viewer(
        token_id=0, account_id=b.people[viewer].account.id, user_id=None, app_id=None, scopes=SCOPES
    )


async def streams(b: Built, published: list[tuple[str, dict[str, Any]]]) -> None:
    """Run what one operation published through each viewer's streams, with the streaming
    module's own per-connection reader (what an SSE or WebSocket client would receive),
    and compare with the model at that moment."""
    for viewer in b.viewers():
        who = _stream_viewer(b, viewer)
        reader = streaming.Reader(b.env.services, who)
        names = PUBLIC_STREAMS + (() if viewer is None else PERSONAL_STREAMS)
        for name, param in names:
            stream = streaming.resolve_name(name, who, param, False)
            for channel, message in published:
                if channel != stream.channel:
                    continue
                out = await reader.payload(stream, message)
                if out is None or out[0] == "delete":
                    continue
                event, payload = out
                _check_streamed(b, viewer, name, event, json.loads(payload))


async def hub_batches(b: Built) -> None:
    """Every status of the world (deleted ones too) as one batch through the hub's way
    (``Deliverer.handle``: the batch's statuses read together, ``render_many``): on each
    viewer's ``user`` stream, each status arrives exactly when the model lets the viewer see
    it, its author neither blocked nor muted either way."""
    deliverer = streaming.Deliverer(b.env.services)
    listeners: dict[int, streaming.Listener] = {}
    for viewer in range(b.world.n):
        who = _stream_viewer(b, viewer)
        stream = streaming.resolve_name("user", who, None, False)
        outbox = streaming.Outbox(b.env.services, who, sse=True)
        listeners[viewer] = streaming.Listener(outbox, stream)
    members = tuple(listeners.values())
    batch = [
        Arrival("timeline", {"event": "update", "status_id": status.api_id}, members)
        for status in b.world.statuses
    ]
    await deliverer.handle(batch)
    for viewer, listener in listeners.items():
        got: set[str] = set()
        while not listener.outbox.frames.empty():
            frame = listener.outbox.frames.get_nowait().decode()
            body = json.loads(frame.split("data: ", 1)[1])
            _check_streamed(b, viewer, "user", "update", body)
            got.add(body["id"])
        want = {
            s.api_id
            for s in b.world.statuses
            if b.world.visible(viewer, s) and not _hidden_either(b, viewer, s)
        }
        assert got == want, f"hub batch for viewer {viewer}: {sorted(got ^ want)}"


def _hidden_either(b: Built, viewer: int, status: MStatus) -> bool:
    """The status's author (or the reblogged status's) is blocked or muted by ``viewer``,
    or blocks them."""
    shown = [status] if status.reblog_of is None else [status, b.world.statuses[status.reblog_of]]
    return any(b.world.hides(viewer, s.author) for s in shown)


def _check_streamed(b: Built, viewer: int | None, name: str, event: str, body: Any) -> None:
    where = f"stream {name} ({event}) for viewer {viewer}"
    if event in ("update", "status.update"):
        assert_entries_visible(b, viewer, [body], where)
        assert_entries_not_hidden(b, viewer, [body], where)
        if name not in ("user", "direct"):
            assert_only_public(b, [body], where)
    elif event == "notification":
        if body.get("status"):
            assert_entries_visible(b, viewer, [body["status"]], where)
        other = _who(b, body["account"]["id"])
        assert other is None or not b.world.hides(viewer, other), f"{where} from {other}"
    elif event == "conversation" and body.get("last_status"):
        assert_entries_visible(b, viewer, [body["last_status"]], where)
