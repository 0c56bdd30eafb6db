"""Presence on the desk's conversation page: the heartbeat ``static/desk-live.js`` sends
(``POST /desk/conversations/:id/presence``, ``state`` viewing or typing; ``DELETE`` when the
page goes) and the words the page and the desk stream show for it, in the reader's language:
"Aino is viewing", "Aino is typing a reply", and the soft lock's warning in the reply form
(it warns; sending still works).

The same action as the API (``desk.presence``): the brand's working staff only, while the
session acts as the brand; 404 for anyone else or another brand's conversation, 403 for an
analyst.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Request, Response, delete, post

from porina.core.errors import NotFound
from porina.desk import presence
from porina.desk.presence import Entry, Person
from porina.web import i18n
from porina.web.common import Me, form, id_or_404, signed_in, text
from porina.web.runtime import services

PATH = "/desk/conversations/{conversation_id:str}/presence"


def _names(entries: Sequence[Entry], people: Mapping[int, Person]) -> list[tuple[str, str]]:
    return [(people[e.user_id].name, e.state) for e in entries if e.user_id in people]


def line(entries: Sequence[Entry], people: Mapping[int, Person]) -> str:
    """ "Aino is viewing · Olli is typing a reply" (empty: nobody else is here)."""
    parts = []
    for name, state in _names(entries, people):
        if state == "typing":
            parts.append(i18n._("%(name)s is typing a reply") % {"name": name})
        else:
            parts.append(i18n._("%(name)s is viewing") % {"name": name})
    return " · ".join(parts)


def typing_warning(entries: Sequence[Entry], people: Mapping[int, Person]) -> str:
    """The soft lock's words in the reply form while others type (empty: nobody does)."""
    typing = [name for name, state in _names(entries, people) if state == "typing"]
    if not typing:
        return ""
    return i18n.ngettext(
        "%(names)s is typing a reply. You can still send yours, but they may cross.",
        "%(names)s are typing a reply. You can still send yours, but they may cross.",
        len(typing),
    ) % {"names": ", ".join(typing)}


def _actor(me: Me) -> Any:
    """The desk is worked while acting as a brand; a person's own account has none."""
    if not me.actor.operated:
        raise NotFound()
    return me.actor


@post(PATH, name="web:desk-presence", status_code=204)
async def announce(request: Request[Any, Any, Any], conversation_id: str) -> Response[None]:
    """A heartbeat of the conversation page: ``state`` viewing (the default) or typing."""
    me = await signed_in(request)
    wanted = id_or_404(conversation_id)
    state = text(await form(request), "state") or "viewing"
    await presence.present(services(request), _actor(me), wanted, state)
    return Response(None, status_code=204)


@delete(PATH, name="web:desk-presence-leave", status_code=204)
async def leave(request: Request[Any, Any, Any], conversation_id: str) -> None:
    """The page went away."""
    me = await signed_in(request)
    await presence.leave(services(request), _actor(me), id_or_404(conversation_id))


ROUTES = [announce, leave]
