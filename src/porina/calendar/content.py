"""What a draft says and when it is planned, read from a request (the API's JSON or form
parameters, the web editor's form) and checked as a post of the brand would be.

``scheduled_at`` is ISO 8601: with an offset (``2026-12-24T09:00:00Z``) it is that moment;
without one (``2026-12-24T09:00``, the web form's ``datetime-local``) it is a wall-clock time
in the brand's time zone. Any bad field is a 422 naming it; nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from porina.calendar.errors import InvalidDraft
from porina.calendar.models import CalendarDraft
from porina.core import inputs
from porina.core.ids import parse_id
from porina.posts.compose import NewStatus
from porina.posts.polls import PollSpec

MAX_COMMENT = 2000
BAD_TIME = "Validation failed: scheduled_at must be an ISO 8601 date and time"


@dataclass(frozen=True, slots=True)
class DraftContent:
    text: str = ""
    spoiler_text: str = ""
    visibility: str = "public"
    language: str | None = None
    sensitive: bool = False
    media_ids: list[str] = field(default_factory=list)
    poll: dict[str, Any] | None = None

    def new_status(self, key: str | None = None) -> NewStatus:
        """The post this draft makes (``key``: its idempotency key when publishing)."""
        poll = PollSpec.from_params(self.poll) if self.poll else None
        return NewStatus(
            text=self.text,
            media_ids=[m for m in (parse_id(x) for x in self.media_ids) if m],
            poll=poll,
            sensitive=self.sensitive,
            spoiler_text=self.spoiler_text,
            visibility=self.visibility,
            language=self.language,
            idempotency_key=key,
        )


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def planned_time(value: object, zone_name: str) -> datetime | None:
    """``value`` as an aware UTC moment (None for none given), or a 422."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise InvalidDraft(BAD_TIME)
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone(zone_name))
        parsed = parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidDraft(BAD_TIME) from None
    if not inputs.within_calendar(parsed):
        raise InvalidDraft(BAD_TIME)
    return parsed


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or inputs.has_nul(value):
        raise InvalidDraft(f"Validation failed: {name} must be text")
    return value


def _media(data: Mapping[str, Any]) -> list[str]:
    raw = data.get("media_ids") or []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or any(parse_id(str(x)) is None for x in raw):
        raise InvalidDraft("Validation failed: media_ids must be a list of media ids")
    return [str(x) for x in raw]


def _poll(data: Mapping[str, Any]) -> dict[str, Any] | None:
    raw = data.get("poll")
    if raw is None or raw == {}:
        return None
    options = raw.get("options") if isinstance(raw, Mapping) else None
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise InvalidDraft("Validation failed: poll must have options and expires_in")
    expires = inputs.int64(raw.get("expires_in"))
    if expires is None:
        raise InvalidDraft("Validation failed: poll must have options and expires_in")
    multiple = raw.get("multiple") in (True, "1", "true")
    PollSpec(options=list(options), expires_in=expires, multiple=multiple).check()
    return {"options": list(options), "expires_in": expires, "multiple": multiple}


def _flag(value: object) -> bool:
    return value in (True, 1, "1", "true", "on")


def content_of(data: Mapping[str, Any]) -> DraftContent:
    """The draft's content from ``status`` (or ``text``), ``spoiler_text``, ``visibility``,
    ``language``, ``sensitive``, ``media_ids`` and ``poll``; a 422 for a bad field."""
    language = _text(data, "language").strip() or None
    return DraftContent(
        text=_text(data, "status") or _text(data, "text"),
        spoiler_text=_text(data, "spoiler_text"),
        visibility=_text(data, "visibility").strip() or "public",
        language=language,
        sensitive=_flag(data.get("sensitive")),
        media_ids=_media(data),
        poll=_poll(data),
    )


def comment_of(value: object) -> str:
    """A reviewer's comment: 1 to ``MAX_COMMENT`` characters, or a 422."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > MAX_COMMENT or inputs.has_nul(text):
        raise InvalidDraft(f"Validation failed: comment must be 1 to {MAX_COMMENT} characters")
    return text


def draft_content(row: CalendarDraft) -> DraftContent:
    """What a stored draft says."""
    return DraftContent(
        text=row.text,
        spoiler_text=row.spoiler_text,
        visibility=row.visibility,
        language=row.language,
        sensitive=row.sensitive,
        media_ids=list(row.media_ids or []),
        poll=row.poll,
    )
