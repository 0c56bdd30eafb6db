"""How much a person's filters may hold, so that matching them stays cheap whatever they hold.

- ``MAX_FILTERS`` filters per person (expired ones count until deleted);
- ``MAX_KEYWORDS`` keywords per filter, each at most ``MAX_KEYWORD_CHARS`` characters;
- ``MAX_KEYWORD_TOTAL`` characters of keywords across all of a person's filters: the size of
  the automaton their filters compile to (``interactions.matching``, about 200 bytes a
  character, built in ~0.15 s at the cap).

Each refusal is a 422 ``Validation failed: ...`` naming the limit, checked in the transaction
that writes (a filter's keywords are checked before any is written when a request adds more
than a filter may hold at all).
"""

from __future__ import annotations

from sqlalchemy import func, select

from porina.core.errors import Unprocessable
from porina.interactions.models import Filter, FilterKeyword
from porina.storage.db import Tx

MAX_FILTERS = 100
MAX_KEYWORDS = 200
MAX_KEYWORD_CHARS = 255
MAX_KEYWORD_TOTAL = 20_000

TOO_MANY_FILTERS = f"Validation failed: You cannot have more than {MAX_FILTERS} filters"
TOO_MANY_KEYWORDS = f"Validation failed: A filter cannot have more than {MAX_KEYWORDS} keywords"
TOO_MUCH_TEXT = (
    "Validation failed: The keywords of all your filters cannot hold more than "
    f"{MAX_KEYWORD_TOTAL} characters"
)


async def check_filter_count(tx: Tx, account_id: int) -> None:
    """Refuse a new filter to a person who has ``MAX_FILTERS`` already."""
    count = await tx.session.scalar(
        select(func.count()).select_from(Filter).where(Filter.account_id == account_id)
    )
    if (count or 0) >= MAX_FILTERS:
        raise Unprocessable(TOO_MANY_FILTERS)


def check_adding(adding: int) -> None:
    """Refuse, before writing any, more new keywords than one filter may hold."""
    if adding > MAX_KEYWORDS:
        raise Unprocessable(TOO_MANY_KEYWORDS)


async def check_keywords(tx: Tx, account_id: int, filter_id: int, adding: int = 0) -> None:
    """Refuse when the filter, or the person's filters together, hold (or would, with
    ``adding`` more keywords) past their caps (after the changes are flushed)."""
    check_adding(adding)
    count = await tx.session.scalar(
        select(func.count()).select_from(FilterKeyword).where(FilterKeyword.filter_id == filter_id)
    )
    if (count or 0) + adding > MAX_KEYWORDS:
        raise Unprocessable(TOO_MANY_KEYWORDS)
    total = await tx.session.scalar(
        select(func.coalesce(func.sum(func.length(FilterKeyword.keyword)), 0))
        .join(Filter, Filter.id == FilterKeyword.filter_id)
        .where(Filter.account_id == account_id)
    )
    if int(total or 0) > MAX_KEYWORD_TOTAL:
        raise Unprocessable(TOO_MUCH_TEXT)
