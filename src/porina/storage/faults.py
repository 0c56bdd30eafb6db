"""Database errors that only a client's input can cause, as the client errors they are.

PostgreSQL cannot store U+0000 in text, so it refuses a query parameter holding one
(SQLSTATE 22021, ``character_not_in_repertoire``, "invalid byte sequence for encoding UTF8:
0x00"). Porina never makes a NUL itself; the input rules (``core/inputs.py``) refuse it in
every parameter before any query. A request that still carries one to the database went past
a check that is missing: ``client_fault`` turns the error into a 400 and logs a warning naming
the route, so the front end answers as it should and the missing check is found and added.
Every other database error stays a server error.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError

from porina.core.errors import BadRequest

log = logging.getLogger(__name__)

CHARACTER_NOT_IN_REPERTOIRE = "22021"


def client_fault(exc: BaseException, where: str) -> BadRequest | None:
    """The client error ``exc`` stands for when only client input can have caused it (a NUL
    in text reaching PostgreSQL), else None. ``where`` names the request for the log."""
    if not isinstance(exc, DBAPIError):
        return None
    state = getattr(exc.orig, "sqlstate", None)
    if state != CHARACTER_NOT_IN_REPERTOIRE or "0x00" not in str(exc.orig):
        return None
    log.warning("a NUL character reached the database unvalidated on %s", where)
    return BadRequest(
        "Validation failed: text must not contain a NUL character", code="validation_failed"
    )
