"""The mail providers' bounce webhook (docs/api.md, "Newsletter bounce webhook";
docs/newsletter.md, "Bounces and complaints"):

- ``POST /api/porina/v1/newsletter/webhooks/bounces`` — authenticated by the shared secret
  ``PORINA_BOUNCE_WEBHOOK_SECRET`` (the ``X-Porina-Webhook-Secret`` header, or ``?secret=``
  for providers that cannot set headers, such as SNS); no token. The body: the generic
  shape, Amazon SES through SNS, or Postmark (``newsletter/bounces_webhook.py``). An SNS
  message's signature is verified first (``newsletter/sns.py``; 403 when it does not), and a
  ``SubscriptionConfirmation`` is confirmed through the guarded outbound client.
"""

from __future__ import annotations

import hmac
from typing import Any, Protocol

import msgspec
from litestar import Request, post

from porina.api.mastodon.auth import ApiRuntime
from porina.core.inputs import nesting_fault
from porina.http.client import OutboundClient
from porina.newsletter import bounces_webhook, sns
from porina.newsletter.errors import InvalidWebhook, WebhookUnauthorized
from porina.settings import Settings

PATH = "/api/porina/v1/newsletter/webhooks/bounces"
HEADER = "x-porina-webhook-secret"


class WebhookRuntime(ApiRuntime, Protocol):
    """The API's runtime and the guarded outbound client (SNS's certificates)."""

    @property
    def outbound(self) -> OutboundClient: ...


class WebhookRecorded(msgspec.Struct, kw_only=True):
    recorded: int
    """Subscriptions a bounce or complaint was recorded on (0 for an unknown address)."""


def _authenticate(request: Request[Any, Any, Any], settings: Settings) -> None:
    expected = settings.bounce_webhook_secret
    if not expected:
        raise WebhookUnauthorized(
            "The bounce webhook is off: PORINA_BOUNCE_WEBHOOK_SECRET is unset"
        )
    given = request.headers.get(HEADER) or request.query_params.get("secret") or ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise WebhookUnauthorized("The webhook secret is missing or wrong")


async def _body(request: Request[Any, Any, Any]) -> Any:
    """The JSON body, whatever the content type (SNS posts JSON as text/plain)."""
    raw = await request.body()
    try:
        body = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise InvalidWebhook("Validation failed: the body must be JSON") from None
    if nesting_fault(body) is not None:
        raise InvalidWebhook("Validation failed: the body nests too deep or holds a NUL")
    return body


@post(PATH, status_code=200)
async def bounce_webhook(request: Request[Any, Any, Any]) -> WebhookRecorded:
    """A mail provider reports bounces and complaints. Authenticated by the shared secret
    ``PORINA_BOUNCE_WEBHOOK_SECRET`` in the ``X-Porina-Webhook-Secret`` header (or
    ``?secret=``); 401 without it or when the webhook is off. Body: ``{email, kind:
    hard|soft|complaint, campaign_id?, detail?}`` or a list of up to 1000 of them, an Amazon
    SES notification through SNS, or a Postmark bounce or spam-complaint webhook; 422 for
    anything else. An SNS message must carry SNS's signature (403 otherwise; its certificate
    only from ``https://sns.<region>.amazonaws.com``); a ``SubscriptionConfirmation`` is
    confirmed by fetching its ``SubscribeURL`` (the same host rule). A hard bounce or
    complaint blocklists the address on the brand's lists, a third soft bounce too.
    Answers ``{recorded}``: the subscriptions it was recorded on."""
    svc: WebhookRuntime = request.app.state.services
    _authenticate(request, svc.settings)
    body = await _body(request)
    if bounces_webhook.is_sns(body):
        fetch = sns.fetcher(svc.outbound)
        await sns.verify(body, fetch)
        if body.get("Type") == "SubscriptionConfirmation":
            await sns.confirm(body, fetch)
    found = bounces_webhook.reports(svc.settings, body)
    async with svc.db.transaction() as tx:
        count = await bounces_webhook.record(tx, found)
    return WebhookRecorded(recorded=count)


ROUTES = [bounce_webhook]
