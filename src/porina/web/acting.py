"""What a staff member acting as a brand account may do on the web, by their role.

``check`` runs in ``common.reader`` for every page and form while the session acts as a
brand (``sessions.acting``). Pages about the person themselves (password, privacy, apps,
sessions, administration) are refused while acting, whatever the role: the brand's data is
not theirs to export or delete. An agent may send only the forms of desk work (posting, which
``accounts.operators.check_post`` limits to replies and direct messages; favourites,
bookmarks and the post actions the domain checks; conversations; notifications; the content
calendar's drafts, whose roles ``calendar.access`` checks); the rest is refused with a page
in the reader's language. The domain checks the role again in each action, so this is the
second fence, not the only one.

``written_by``: team members see which staff member wrote a brand's post ("by Aino").
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.errors import RoleLimit
from porina.accounts.models import Account, AccountOperator, User
from porina.posts.queries import Bundle
from porina.web import sessions
from porina.web.i18n import N_

PERSONAL = N_("This page is about your own account. Switch back to it in the Acting as menu first.")
AGENT_LIMIT = N_(
    "An agent cannot do this as the brand account: only replies, direct messages, "
    "favourites, bookmarks and desk work."
)
# Always allowed while acting: switching, signing out, language and theme.
ALWAYS = ("/web/acting", "/auth/sign_out", "/lang", "/settings/language", "/web/theme")
# The person's own preferences: these act as the person even while the session acts as a brand.
AS_PERSON = ("/lang", "/settings/language")
SETTINGS_ALLOWED = ("/settings", "/settings/profile", "/settings/language")
PERSONAL_PREFIXES = ("/oauth/", "/admin", "/auth/password", "/auth/confirmation")
AGENT_POSTS = (
    "/compose",
    "/web/statuses/",
    "/conversations/",
    "/web/notifications/",
    "/settings/team",
    "/desk/",
    "/calendar/",
)


def personal(path: str) -> bool:
    """Whether ``path`` is about the signed-in person rather than the account they act as."""
    if path.startswith(PERSONAL_PREFIXES):
        return True
    if path.startswith("/settings/"):
        return path not in SETTINGS_ALLOWED and not path.startswith(
            ("/settings/team", "/settings/desk")
        )
    return False


def allowed(method: str, path: str, role: str) -> str | None:
    """None if ``role`` may ``method`` ``path`` while acting as a brand, else why not."""
    if path.startswith(ALWAYS):
        return None
    if personal(path):
        return PERSONAL
    if role == "agent" and method not in ("GET", "HEAD") and not path.startswith(AGENT_POSTS):
        return AGENT_LIMIT
    return None


def as_person(request: Request[Any, Any, Any]) -> bool:
    """Whether this request is about the person's own preferences (their language)."""
    return request.url.path in AS_PERSON


def check(request: Request[Any, Any, Any], role: str) -> None:
    """Refuse (403, ``RoleLimit``) what ``role`` may not do as the brand on this request."""
    why = allowed(request.method, request.url.path, role)
    if why is not None:
        raise RoleLimit(why)


STATE_WRITTEN_BY = "porina_written_by"


async def written_by(
    request: Request[Any, Any, Any], session: AsyncSession, user: User, items: list[Bundle]
) -> None:
    """For a team member: which staff member wrote each brand post on this page that their
    team's brand published (``{status id: display name}`` in the request's state, read by
    ``partials/status.html``). Nobody else gets it: customers, anonymous readers and API
    clients never see who wrote a brand's post. Two reads, for team members only."""
    if not sessions.is_staff(request):
        return
    authored = {
        b.shown.status.id: (b.shown.status.account_id, b.shown.status.created_by_user_id)
        for b in items
        if b.shown.status.created_by_user_id not in (None, user.id)
    }
    authors = {account for account, _ in authored.values()}
    if not authors:
        return
    served = set(
        await session.scalars(
            select(AccountOperator.account_id).where(
                AccountOperator.user_id == user.id, AccountOperator.account_id.in_(authors)
            )
        )
    )
    if user.account_id in authors:
        served.add(user.account_id)
    await _names(request, session, {k: v for k, v in authored.items() if v[0] in served})


async def _names(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    authored: dict[int, tuple[int, int | None]],
) -> None:
    writers = {writer for _, writer in authored.values() if writer is not None}
    if not writers:
        return
    rows = await session.execute(
        select(User.id, Account.id, Account.display_name, Account.username)
        .join(Account, Account.id == User.account_id)
        .where(User.id.in_(writers))
    )
    names = {uid: (own, name or username) for uid, own, name, username in rows}
    shown: dict[str, str] = request.scope.setdefault("state", {}).setdefault(STATE_WRITTEN_BY, {})
    for status_id, (author, writer) in authored.items():
        found = names.get(writer) if writer is not None else None
        if found is not None and found[0] != author:
            shown[str(status_id)] = found[1]
