"""An independent model of who may see what, written from Mastodon's rules (and the docstring
of ``porina.posts.visibility``) without calling Porina's code.

- the author always sees their own (live) statuses;
- nobody else sees a status when author and viewer block each other in either direction;
- public and unlisted: everyone, anonymous readers too;
- private: accepted followers of the author and accounts mentioned in it;
- direct: accounts mentioned in it;
- a reblog is visible when the reblog itself and the reblogged status both are;
- deleted statuses (and the reblogs of a deleted status) are seen by nobody.

Relationships follow Mastodon: following a locked account makes a request that counts for
nothing until authorised; a block removes follows and requests in both directions; a blocked
pair cannot follow each other; mutes hide nothing from ``GET /statuses/:id`` but hide the muted
account from timelines and notifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PUBLIC = frozenset({"public", "unlisted"})


@dataclass
class MStatus:
    key: int  # index in World.statuses
    author: int
    visibility: str
    mentions: frozenset[int] = frozenset()
    reply_to: int | None = None
    reblog_of: int | None = None
    deleted: bool = False
    api_id: str = ""


@dataclass
class World:
    n: int
    locked: list[bool]
    follows: set[tuple[int, int]] = field(default_factory=set)
    requests: set[tuple[int, int]] = field(default_factory=set)
    blocks: set[tuple[int, int]] = field(default_factory=set)
    mutes: set[tuple[int, int]] = field(default_factory=set)
    statuses: list[MStatus] = field(default_factory=list)
    favourites: set[tuple[int, int]] = field(default_factory=set)  # (account, status key)
    bookmarks: set[tuple[int, int]] = field(default_factory=set)

    # --- relationships -------------------------------------------------------------------

    def blocked(self, a: int, b: int) -> bool:
        return (a, b) in self.blocks or (b, a) in self.blocks

    def hides(self, viewer: int | None, author: int) -> bool:
        """Timelines and notifications: a block either way, or the viewer mutes ``author``."""
        if viewer is None or viewer == author:
            return False
        return self.blocked(viewer, author) or (viewer, author) in self.mutes

    def follow(self, a: int, b: int) -> str:
        """What ``a`` following ``b`` does: "forbidden", "following" or "requested"."""
        if self.blocked(a, b):
            return "forbidden"
        if (a, b) in self.follows:
            return "following"
        if self.locked[b]:
            self.requests.add((a, b))
            return "requested"
        self.follows.add((a, b))
        return "following"

    def authorize(self, target: int, requester: int) -> bool:
        if (requester, target) not in self.requests:
            return False
        self.requests.discard((requester, target))
        self.follows.add((requester, target))
        return True

    def unfollow(self, a: int, b: int) -> None:
        self.follows.discard((a, b))
        self.requests.discard((a, b))

    def block(self, a: int, b: int) -> None:
        self.blocks.add((a, b))
        for pair in ((a, b), (b, a)):
            self.follows.discard(pair)
            self.requests.discard(pair)

    # --- visibility ----------------------------------------------------------------------

    def own_visible(self, viewer: int | None, s: MStatus) -> bool:
        if s.deleted:
            return False
        if viewer is None:
            return s.visibility in PUBLIC
        if viewer == s.author:
            return True
        if self.blocked(viewer, s.author):
            return False
        if s.visibility in PUBLIC:
            return True
        if s.visibility == "private":
            return (viewer, s.author) in self.follows or viewer in s.mentions
        return viewer in s.mentions

    def visible(self, viewer: int | None, s: MStatus) -> bool:
        if not self.own_visible(viewer, s):
            return False
        if s.reblog_of is None:
            return True
        return self.visible(viewer, self.statuses[s.reblog_of])

    def can_reblog(self, a: int, s: MStatus) -> bool:
        """Mastodon: public and unlisted statuses the booster can see; never direct."""
        return self.visible(a, s) and s.reblog_of is None and s.visibility in PUBLIC

    def live_reblog(self, a: int, s: MStatus) -> MStatus | None:
        for r in self.statuses:
            if r.reblog_of == s.key and r.author == a and not r.deleted:
                return r
        return None

    # --- counts (Mastodon's counter caches) ----------------------------------------------

    def favourites_count(self, s: MStatus) -> int:
        return sum(1 for _, k in self.favourites if k == s.key)

    def reblogs_count(self, s: MStatus) -> int:
        return sum(1 for r in self.statuses if r.reblog_of == s.key and not r.deleted)

    def replies_count(self, s: MStatus) -> int:
        return sum(
            1
            for r in self.statuses
            if r.reply_to == s.key and not r.deleted and r.visibility in PUBLIC
        )

    def statuses_count(self, account: int) -> int:
        return sum(
            1
            for r in self.statuses
            if r.author == account and not r.deleted and r.visibility != "direct"
        )

    def by_api_id(self) -> dict[str, MStatus]:
        return {s.api_id: s for s in self.statuses}
