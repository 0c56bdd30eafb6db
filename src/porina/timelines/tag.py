"""The hashtag timeline's page rows (``any[]``, ``all[]``, ``none[]``, ``local``, ``remote``,
``only_media``) in one prebuilt statement, as the public timeline reads (``public.py``): the
candidates (public, not reblogs, visible to the viewer, authors neither muted nor blocked,
carrying the tags asked) chosen and limited in SQL, joined with their page rows. Each shape of
request (how many tag names in each list, origin, media, direction) is its own statement, built
once; tag names are bound parameters, lower-cased as ``tags.name`` is stored
(``interactions/tags.py``), so the names' unique index finds them."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, bindparam, select
from sqlalchemy.orm import aliased

from porina.posts.models import StatusTag, Tag
from porina.posts.queries import A, S
from porina.storage.db import Database
from porina.storage.fastread import Prebuilt
from porina.timelines import bounds
from porina.timelines import page as pages
from porina.timelines.home import Window
from porina.timelines.public import FETCH, candidates_page, public_conditions


def names(given: Sequence[str]) -> tuple[str, ...]:
    """Tag names as the timeline compares them: without ``#``, lower-cased, blanks dropped,
    each once."""
    return tuple(dict.fromkeys(n.lstrip("#").lower() for n in given if n.strip("# ")))


@dataclass(frozen=True, slots=True)
class TagQuery:
    """The tags a page asks for: statuses with any of ``any_of``, every one of ``all_of``
    (each an alternative set: ``all[]=a`` is one set) and none of ``none_of``."""

    any_of: tuple[str, ...]
    all_of: tuple[tuple[str, ...], ...]
    none_of: tuple[str, ...]

    @classmethod
    def of(
        cls, hashtag: str, any_of: Sequence[str], all_of: Sequence[str], none_of: Sequence[str]
    ) -> TagQuery:
        return cls(names([hashtag, *any_of]), tuple(names([n]) for n in all_of), names(none_of))

    @property
    def empty(self) -> bool:
        """Nothing can match (no usable tag name, or an ``all[]`` entry that names none)."""
        return not self.any_of or any(not one for one in self.all_of)

    def params(self) -> dict[str, str]:
        found = {f"porina_any_{n}": name for n, name in enumerate(self.any_of)}
        found.update({f"porina_all_{n}_0": one[0] for n, one in enumerate(self.all_of)})
        found.update({f"porina_none_{n}": name for n, name in enumerate(self.none_of)})
        return found


def tagged(prefix: str, count: int) -> ColumnElement[bool]:
    """SQL on ``S``: the status carries one of ``count`` tag names, bound as
    ``porina_<prefix>_0`` ..."""
    slots = [bindparam(f"porina_{prefix}_{n}", type_=String) for n in range(count)]
    return S.id.in_(
        select(StatusTag.status_id).where(
            StatusTag.tag_id.in_(select(Tag.id).where(Tag.name.in_(slots)))
        )
    )


@functools.cache
def statement(
    *, any_count: int, all_count: int, none_count: int, origin: str, media: bool, ascending: bool
) -> Prebuilt:
    """``origin``: "all", "local" or "remote"."""
    conditions = public_conditions(origin=origin, media=media)
    conditions.extend(tagged(f"all_{n}", 1) for n in range(all_count))
    if none_count:
        conditions.append(~tagged("none", none_count))
    if any_count == 1:
        return _one_tag_page(conditions, ascending=ascending)
    conditions.append(tagged("any", any_count))
    return candidates_page(conditions, ascending=ascending)


ST = aliased(StatusTag, name="st")


def _one_tag_page(conditions: list[Any], *, ascending: bool) -> Prebuilt:
    """``candidates_page`` for one tag (the common request), walking the tag's own
    ``status_tags`` key (tag, status) newest first: ``S.id IN (its statuses)`` walked every
    public status newest first until ``FETCH`` carried the tag (a bench tag on one post in
    160: ~3,200 rows, 0.48 ms of SQLite for a page; this 0.17 ms). The tag's id is one value
    (names are stored lower-cased and unique), so the planner starts from it; it is looked up
    by the stored name itself (``lower(name)`` has no index: SQLite scanned every tag)."""
    name = bindparam("porina_any_0", type_=String)
    tag_id = select(Tag.id).where(Tag.name == name).scalar_subquery()  # the name's unique index
    candidates = (
        select(ST.status_id.label("status_id"))
        .join(S, S.id == ST.status_id)
        .join(A, A.id == S.account_id)
        .where(ST.tag_id == tag_id, *conditions)
        .order_by(ST.status_id.asc() if ascending else ST.status_id.desc())
        .limit(FETCH)
        .subquery("candidates")
    )
    return pages.from_candidates(candidates, ascending=ascending)


async def rows(
    db: Database,
    viewer_id: int | None,
    window: Window,
    tags: TagQuery,
    *,
    origin: str,
    media: bool,
) -> list[pages.PageRow]:
    """Up to ``window.limit`` rows, newest first."""
    if tags.empty:
        return []
    prebuilt = statement(
        any_count=len(tags.any_of),
        all_count=len(tags.all_of),
        none_count=len(tags.none_of),
        origin=origin,
        media=media,
        ascending=window.upwards,
    )
    params = {**bounds.params(viewer_id, window), **tags.params()}
    shown = [row for row in pages.rows(await db.fast.fetch(prebuilt, params)) if row.visible]
    return bounds.newest_first(shown, window)
