"""Account-domain errors, each with a machine code."""

from __future__ import annotations

from porina.core.errors import Forbidden, NotFound, Unauthorized, Unprocessable


class UsernameTaken(Unprocessable):
    code = "username_taken"


class EmailTaken(Unprocessable):
    code = "email_taken"


class InvalidAccountField(Unprocessable):
    code = "invalid_account_field"


class AccountNotFound(NotFound):
    code = "account_not_found"


class BadCredentials(Unauthorized):
    code = "bad_credentials"


class RegistrationsClosed(Forbidden):
    code = "registrations_closed"


class SelfAction(Forbidden):
    code = "self_action"


class Blocked(Forbidden):
    code = "blocked"


class OperatorNotFound(NotFound):
    code = "operator_not_found"


class NotTeamManager(Forbidden):
    code = "not_team_manager"


class LastOwner(Unprocessable):
    code = "last_owner"


class RoleLimit(Forbidden):
    """What the operator's role does not allow (a responder posting a top-level status)."""

    code = "operator_role_limit"
