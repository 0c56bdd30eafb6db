"""The newsletter's typed errors (codes in docs/newsletter.md)."""

from __future__ import annotations

from porina.core.errors import Forbidden, NotFound, Unauthorized, Unprocessable


class ListNotFound(NotFound):
    code = "newsletter_list_not_found"


class SubscriberNotFound(NotFound):
    code = "newsletter_subscriber_not_found"


class InvalidList(Unprocessable):
    code = "newsletter_list_invalid"


class InvalidSubscription(Unprocessable):
    code = "newsletter_subscription_invalid"


class NotListStaff(Forbidden):
    code = "newsletter_forbidden"


class WebhookUnauthorized(Unauthorized):
    code = "newsletter_webhook_unauthorized"


class WebhookSignatureInvalid(Forbidden):
    """An SNS message whose signature does not verify, or whose certificate or confirmation
    URL is not on SNS's own host (``newsletter/sns.py``)."""

    code = "newsletter_webhook_signature"


class InvalidWebhook(Unprocessable):
    code = "newsletter_webhook_invalid"


class LinkNotFound(NotFound):
    code = "newsletter_link_not_found"
