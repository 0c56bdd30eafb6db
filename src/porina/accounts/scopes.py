"""OAuth scopes as Mastodon defines them, and the check every endpoint makes."""

from __future__ import annotations

TOP = ("read", "write", "follow", "push", "profile", "admin:read", "admin:write")
READ = (
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
)
WRITE = (
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
)
ADMIN = (
    "accounts",
    "reports",
    "domain_allows",
    "domain_blocks",
    "ip_blocks",
    "email_domain_blocks",
    "canonical_email_blocks",
)
FOLLOW_GRANTS = frozenset(
    {"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"}
)

ALL: frozenset[str] = frozenset(
    [*TOP]
    + [f"read:{s}" for s in READ]
    + [f"write:{s}" for s in WRITE]
    + [f"admin:read:{s}" for s in ADMIN]
    + [f"admin:write:{s}" for s in ADMIN]
)


def parse(raw: str | None, default: str = "read") -> frozenset[str]:
    """Space- or plus-separated scopes; unknown ones raise ValueError."""
    words = (raw or default).replace("+", " ").split()
    unknown = [w for w in words if w not in ALL]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}")
    return frozenset(words)


def grants(held: frozenset[str], needed: str) -> bool:
    """Whether a token holding ``held`` may do what needs ``needed``."""
    if needed in held:
        return True
    if needed == "profile":
        return "read" in held or "read:accounts" in held
    parts = needed.split(":")
    if parts[0] == "admin":
        return len(parts) == 3 and f"admin:{parts[1]}" in held
    if parts[0] in held:
        return True
    return "follow" in held and needed in FOLLOW_GRANTS


def subset(requested: frozenset[str], allowed: frozenset[str]) -> bool:
    return all(grants(allowed, scope) for scope in requested)
