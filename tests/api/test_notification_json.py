"""The notifications page encoded from the status cache's encodings (``notification_reads.
page_json``: each status's cached JSON with the viewer's marks, each sender encoded once) is
the complete path's answer (``render_notifications``: everything read and rendered through the
ORM; the same JSON, a status's keys in the home timeline's order) for every viewer of a world
with every notification type, blocked, muted and suspended senders, a locked account filtering
strangers (its filtered notifications with ``include_filtered``), anonymous posts to a brand, a
private and a direct mention, a deleted status, a quote post and a viewer with a filter (those
two take the entities), every page of sizes 1, 2 and 40, cold and warm."""

from __future__ import annotations

from typing import Any, cast

import msgspec

from porina.api.mastodon import notification_reads as reads
from porina.api.mastodon.notifications import PORINA_ONLY, TYPES, render_notifications
from porina.api.mastodon.pagination import Page
from porina.notifications import queries as q
from porina.notifications.models import Notification
from porina.services import Services
from tests.api.test_notification_misses import _world

from ..factories import Factory, Person

WANTED = [
    q.NotificationFilter(exclude_types=PORINA_ONLY),  # what a client asks with no parameters
    q.NotificationFilter(),
    q.NotificationFilter(include_filtered=True),
    q.NotificationFilter(types=frozenset({"mention", "favourite"})),
]


async def _complete(services: Services, me: int, wanted: q.NotificationFilter, page: Page) -> Any:
    async with services.db.read() as session:
        query = page.apply(q.notifications_select(me, wanted), cast(Any, Notification.id))
        notes = page.arrange(list(await session.scalars(query)))
        body = await render_notifications(services.status_cache.renderer, session, me, notes)
    return msgspec.json.decode(msgspec.json.encode(body)), [n.id for n in notes]


async def _pages(services: Services, who: Person, wanted: q.NotificationFilter, limit: int) -> int:
    """Walks ``who``'s pages of ``limit`` newest first; each page's answer cold and warm equals
    the complete path's. The number of notifications shown."""
    me, below, shown = who.account.id, None, 0
    while True:
        page = Page(max_id=below, since_id=None, min_id=None, limit=limit)
        expected, ids = await _complete(services, me, wanted, page)
        for clear in (True, False):
            if clear:
                services.status_cache.clear()
            found = await reads.notes(services, me, wanted, page, TYPES)
            assert [n.id for n in found] == ids
            if reads.has_reports(found):
                break
            got = msgspec.json.decode(await reads.page_json(services, me, found))
            assert got == expected, (who.username, page)
        shown += len(expected)
        if len(ids) < limit:
            return shown
        below = ids[-1]


async def test_the_encoded_page_is_the_complete_paths_for_every_reader(
    services: Services, make: Factory
) -> None:
    people = await _world(services, make)
    alice, bob, brand = people[0], people[1], people[3]
    keyword = {"title": "no cards", "context": ["notifications"], "filter_action": "warn"}
    keyword["keywords_attributes"] = [{"keyword": "cards", "whole_word": True}]
    assert (await brand.post("/api/v2/filters", json=keyword)).is_success
    shown = {}
    for who in people:
        for wanted in WANTED:
            for limit in (1, 2, 40):
                shown[who.username, wanted, limit] = await _pages(services, who, wanted, limit)
    assert shown[alice.username, WANTED[0], 40] >= 12
    assert shown[bob.username, WANTED[2], 40] > shown[bob.username, WANTED[0], 40] >= 1
    assert shown[brand.username, WANTED[0], 40] >= 1
