"""Who performs an action: the account acting, and the person operating it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """``account_id`` acts; ``user_id`` is the signed-in person (for a team-operated brand
    account, the staff member), recorded with every event; ``app_id`` the OAuth app used.
    ``operated``: the person acts as an account other than their own (staff acting as a
    brand); the team's audit log (``accounts.audit``) records these actions."""

    account_id: int
    user_id: int | None = None
    app_id: int | None = None
    operated: bool = False
