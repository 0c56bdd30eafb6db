"""``max_id`` / ``since_id`` / ``min_id`` / ``limit`` and the ``Link`` header, as Mastodon pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from litestar import Request
from sqlalchemy import ColumnElement, Select

from porina.api.mastodon.params import Params

T = TypeVar("T", bound=tuple[Any, ...])


@dataclass(frozen=True, slots=True)
class Page:
    max_id: int | None
    since_id: int | None
    min_id: int | None
    limit: int

    @classmethod
    def of(cls, params: Params, default: int = 20, maximum: int = 40) -> Page:
        return cls(
            max_id=params.id("max_id"),
            since_id=params.id("since_id"),
            min_id=params.id("min_id"),
            limit=params.limit(default, maximum),
        )

    @property
    def ascending(self) -> bool:
        """With ``min_id`` the page is the one just after it, so rows are fetched upwards."""
        return self.min_id is not None

    def apply(
        self, query: Select[Any], column: ColumnElement[Any], *, extra: int = 0
    ) -> Select[Any]:
        if self.max_id is not None:
            query = query.where(column < self.max_id)
        if self.since_id is not None:
            query = query.where(column > self.since_id)
        if self.min_id is not None:
            query = query.where(column > self.min_id).order_by(column.asc())
        else:
            query = query.order_by(column.desc())
        return query.limit(self.limit + extra)

    def arrange(self, rows: Sequence[Any]) -> list[Any]:
        """Newest first, whichever way the rows were fetched."""
        return list(reversed(rows)) if self.ascending else list(rows)


PATH_SAFE = "/:@!$&'()*+,;="
"""What a path keeps unquoted in a ``Link`` URL (RFC 3986 ``pchar``; letters, digits and
``-._~`` always): the rest, a hashtag beyond ASCII for one, is percent-encoded as UTF-8, which
a header's bytes (Latin-1) could not carry."""


def link_header(
    request: Request[Any, Any, Any], ids: Sequence[int | str], page: Page
) -> dict[str, str]:
    """``Link: <...?max_id=OLDEST>; rel="next", <...?min_id=NEWEST>; rel="prev"``."""
    if not ids:
        return {}
    base = f"{request.base_url}".rstrip("/") + quote(request.url.path, safe=PATH_SAFE)
    query = kept_query(request, page.limit)
    return {
        "Link": f'<{base}?{query}&max_id={ids[-1]}>; rel="next", '
        f'<{base}?{query}&min_id={ids[0]}>; rel="prev"'
    }


QUERIES_KEPT = 1024
"""Query strings whose ``Link`` query part a process keeps (a timeline's first page is asked
with the same one again and again; a cursor's each differ, and are encoded as before)."""
_QUERIES: dict[tuple[bytes, int | None], str] = {}


def kept_query(request: Request[Any, Any, Any], limit: int | None = None) -> str:
    """The request's parameters but the cursors (``max_id``, ``since_id``, ``min_id``), with
    ``limit`` when it was not asked (None: none added), encoded as a query string; kept per
    query string and limit."""
    asked: bytes = request.scope.get("query_string", b"")
    found = _QUERIES.get((asked, limit))
    return found if found is not None else _kept_query(request, asked, limit)


def _kept_query(request: Request[Any, Any, Any], asked: bytes, limit: int | None) -> str:
    """``kept_query`` encoded (``urlencode`` quotes each parameter: a tenth of a small
    page's CPU) and kept for the same query string and limit."""
    keep = [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k not in {"max_id", "since_id", "min_id"}
    ]
    if limit is not None and not any(k == "limit" for k, _ in keep):
        keep.append(("limit", str(limit)))
    query = urlencode(keep)
    if len(_QUERIES) >= QUERIES_KEPT:
        _QUERIES.clear()
    _QUERIES[(asked, limit)] = query
    return query
