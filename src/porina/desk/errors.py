"""Desk errors, each with a machine code (Mastodon's error shape on the API)."""

from __future__ import annotations

from porina.core.errors import NotFound, Unprocessable


class ConversationNotFound(NotFound):
    code = "desk_conversation_not_found"


class InvalidDeskRequest(Unprocessable):
    code = "desk_invalid"
