"""Post-domain errors, each with a machine code."""

from __future__ import annotations

from porina.core.errors import Forbidden, NotFound, Unprocessable


class StatusNotFound(NotFound):
    code = "status_not_found"


class PollNotFound(NotFound):
    code = "poll_not_found"


class ScheduledStatusNotFound(NotFound):
    code = "scheduled_status_not_found"


class InvalidStatus(Unprocessable):
    code = "invalid_status"


class InvalidPoll(Unprocessable):
    code = "invalid_poll"


class InvalidVote(Unprocessable):
    code = "invalid_vote"


class InvalidMedia(Unprocessable):
    code = "invalid_media"


class PinLimit(Unprocessable):
    code = "pin_limit"


class NotAllowed(Forbidden):
    code = "status_action_not_allowed"
