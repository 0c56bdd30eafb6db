"""The calendar's errors, each with a machine code (Mastodon's error shape on the API)."""

from __future__ import annotations

from porina.core.errors import Forbidden, NotFound, Unprocessable


class DraftNotFound(NotFound):
    """No such draft for the brand the caller acts as (another brand's draft too)."""

    code = "draft_not_found"


class InvalidDraft(Unprocessable):
    code = "draft_invalid"


class DraftStateRefused(Unprocessable):
    """The action does not apply to the draft's state (approving a draft not submitted)."""

    code = "draft_state"


class DraftRoleRefused(Forbidden):
    """The caller's role on the brand does not allow this (an analyst writing, an agent
    approving)."""

    code = "draft_role"


class PublishImpossible(Unprocessable):
    """The post cannot be published as it stands (the brand suspended, its media gone)."""

    code = "draft_publish_impossible"


class InvalidRange(Unprocessable):
    code = "calendar_range_invalid"
