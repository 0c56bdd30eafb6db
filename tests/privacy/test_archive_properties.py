"""A person's data archive holds exactly their data, checked over random small worlds (the
worlds of ``test_visibility_properties``, built through the API).

For every person, the archive the job builds (``privacy.contents.build``) must hold:
- in ``outbox.json``, exactly their live statuses (every visibility, direct included) and
  their boosts of statuses they may still see;
- in ``direct_messages.json``, exactly the direct statuses they may see (theirs, and those
  that mention them), never a DM they were not part of;
- in ``likes.json`` and ``bookmarks.json``, exactly what they liked or bookmarked and may
  still see;
- in ``following_accounts.csv`` and ``followers.csv``, their follows;
and no status anywhere in it that the independent model says they may not see.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from litestar import Litestar

from porina.privacy import contents

from ..support.routes import assert_served
from .build import Built
from .harness import check_worlds
from .test_visibility_properties import BUILD

STATUS_ID = re.compile(r"/statuses/(\d+)")


def _ids(value: Any) -> set[str]:
    return set(STATUS_ID.findall(json.dumps(value)))


async def archives_hold_exactly_the_owners_data(b: Built) -> None:
    w = b.world
    by_id = w.by_api_id()
    svc = b.env.services
    for owner, person in enumerate(b.people):
        async with svc.db.read() as session:
            held = await contents.build(session, svc.settings, int(person.id))
        files = {name: data.decode() for name, data in held.files.items()}
        where = f"archive of {owner}: follows={sorted(w.follows)} blocks={sorted(w.blocks)}"

        everything = set().union(*(STATUS_ID.findall(text) for text in files.values()))
        for api_id in everything:
            assert api_id in by_id, f"{where}: a status never made: {api_id}"
            s = by_id[api_id]
            assert w.visible(owner, s), f"{where} leaks {s}"

        outbox = json.loads(files["outbox.json"])["orderedItems"]
        created = {_one(i["object"]["id"]) for i in outbox if i["type"] == "Create"}
        announced = {_one(i["id"]) for i in outbox if i["type"] == "Announce"}
        mine = [s for s in w.statuses if s.author == owner and not s.deleted]
        assert created == {s.api_id for s in mine if s.reblog_of is None}, where
        assert announced == {
            s.api_id for s in mine if s.reblog_of is not None and w.visible(owner, s)
        }, where

        direct = json.loads(files["direct_messages.json"])["orderedItems"]
        dms = {_one(n["id"]) for c in direct for n in c["orderedItems"]}
        expected_dms = {
            s.api_id
            for s in w.statuses
            if s.visibility == "direct" and s.reblog_of is None and w.visible(owner, s)
        }
        assert dms == expected_dms, where

        for name, pairs in (("likes.json", w.favourites), ("bookmarks.json", w.bookmarks)):
            listed = {_one(uri) for uri in json.loads(files[name])["orderedItems"]}
            wanted = {
                w.statuses[k].api_id
                for a, k in pairs
                if a == owner and w.visible(owner, w.statuses[k])
            }
            assert listed == wanted, f"{where}: {name}"

        following = files["following_accounts.csv"].splitlines()[1:]
        followers = files["followers.csv"].splitlines()[1:]
        names = {i: p.username for i, p in enumerate(b.people)}
        assert {line.split("@")[0] for line in following} == {
            names[t] for a, t in w.follows if a == owner
        }, where
        assert {line.split("@")[0] for line in followers} == {
            names[a] for a, t in w.follows if t == owner
        }, where


def _one(uri: str) -> str:
    found = STATUS_ID.findall(uri)
    assert len(found) == 1, uri
    return str(found[0])


def test_an_archive_holds_exactly_what_its_owner_may_see_of_their_own(
    template: Path | str, app: Litestar
) -> None:
    assert_served(app, *BUILD)
    check_worlds(template, archives_hold_exactly_the_owners_data)
