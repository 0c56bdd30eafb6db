"""What a front end is given of the running system.

``api/`` and ``web/`` never import the composition root (``porina.services``); their handlers
reach the running parts through this Protocol, which ``Services`` satisfies. A front end that
needs more (the API's token cache) extends it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from porina.accounts.throttle import LoginThrottle
from porina.render.status_cache import StatusCache
from porina.timelines.feeds import FeedContext

if TYPE_CHECKING:  # importing the desk here would register its subscribers out of order
    from porina.desk.presence import PresenceStore


class Runtime(FeedContext, Protocol):
    """The database, settings, broker and feed store, the process's status cache, the
    login throttle every password entry point counts its attempts with, and the desk's
    presence."""

    @property
    def status_cache(self) -> StatusCache: ...

    @property
    def login_throttle(self) -> LoginThrottle: ...

    @property
    def desk_presence(self) -> PresenceStore:
        """Which staff are on which desk conversation (``desk/presence.py``)."""
        ...
