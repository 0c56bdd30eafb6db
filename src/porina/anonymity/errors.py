"""Anonymity's errors, each with a machine code."""

from __future__ import annotations

from porina.core.errors import Forbidden, NotFound, RateLimited, Unprocessable


class InvalidAnonymousTarget(Unprocessable):
    code = "invalid_anonymous_target"


class AnonymityOff(Forbidden):
    code = "anonymity_off"


class AnonymousAsOperator(Forbidden):
    code = "anonymous_as_operator"


class BrandNotFound(NotFound):
    code = "brand_not_found"


class AnonymousStatusNotFound(NotFound):
    code = "anonymous_status_not_found"


class AnonymousRateLimited(RateLimited):
    code = "anonymous_rate_limited"


class RevealForbidden(Forbidden):
    code = "reveal_forbidden"


class InvalidRevealReason(Unprocessable):
    code = "invalid_reveal_reason"


class InvalidAnonymityPolicy(Unprocessable):
    code = "invalid_anonymity_policy"


class PendingNotFound(NotFound):
    code = "anonymous_pending_not_found"
