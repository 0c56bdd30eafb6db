"""Bounces and complaints reported by a mail provider's webhook (issue 19, point 5;
docs/api.md, "Newsletter bounce webhook"): the body's shapes, read into ``Reported`` items.

- **generic** — ``{"email", "kind": "hard"|"soft"|"complaint", "campaign_id"?, "detail"?}``,
  or a list of up to ``MAX_ITEMS`` of them;
- **Amazon SES** through SNS — a ``Notification`` whose ``Message`` is SES's ``Bounce``
  (``Permanent``: hard; ``Transient``, ``Undetermined``: soft) or ``Complaint`` (not
  ``not-spam``); SES's ``mail.source`` is the envelope sender, so a VERP return path there
  names the campaign and subscriber. Its signature is checked first (``newsletter/sns.py``);
  a ``SubscriptionConfirmation`` records nothing here (the endpoint confirms it);
- **Postmark** — ``RecordType`` ``Bounce`` (``HardBounce``, ``BadEmailAddress``: hard;
  ``SoftBounce``, ``Transient``, ``DnsError``: soft; other types are not bounces) or
  ``SpamComplaint``.

A malformed body is ``InvalidWebhook`` (422) before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from email.utils import parseaddr
from typing import Any

import msgspec

from porina.core.inputs import int64
from porina.mail.compose import ADDRESS
from porina.newsletter import bounces, verp
from porina.newsletter.bounces import Bounce
from porina.newsletter.bounces_campaigns import campaign_brand
from porina.newsletter.errors import InvalidWebhook
from porina.newsletter.models import BOUNCE_KINDS
from porina.settings import Settings
from porina.storage.db import Tx

MAX_ITEMS = 1000
POSTMARK = {
    "HardBounce": "hard",
    "BadEmailAddress": "hard",
    "SoftBounce": "soft",
    "Transient": "soft",
    "DnsError": "soft",
    "SpamComplaint": "complaint",
}
SES_BOUNCE = {"Permanent": "hard", "Transient": "soft", "Undetermined": "soft"}


@dataclass(frozen=True, slots=True)
class Reported:
    """One report: about ``email``, or (from a VERP return path) ``subscriber_id``."""

    email: str
    bounce: Bounce
    subscriber_id: int | None = None


def _fail(why: str) -> InvalidWebhook:
    return InvalidWebhook(f"Validation failed: {why}")


def _email(value: Any, field: str = "email") -> str:
    address = parseaddr(value)[1].strip().lower() if isinstance(value, str) else ""
    if not address or len(address) > 320 or not ADDRESS.match(address):
        raise _fail(f"{field} must be an e-mail address")
    return address


def _text(value: Any) -> str:
    return " ".join(value.split())[:500] if isinstance(value, str) else ""


def generic(item: Any) -> Reported:
    if not isinstance(item, dict):
        raise _fail("each report must be an object with email and kind")
    kind = item.get("kind")
    if kind not in BOUNCE_KINDS:
        raise _fail("kind must be one of hard, soft, complaint")
    campaign = item.get("campaign_id")
    campaign_id = None if campaign is None else int64(campaign)
    if campaign is not None and (campaign_id is None or campaign_id <= 0):
        raise _fail("campaign_id must be a campaign's id")
    bounce = Bounce(kind, "webhook", campaign_id, _text(item.get("detail")))
    return Reported(_email(item.get("email")), bounce)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _ses_recipients(message: dict[str, Any]) -> tuple[str | None, list[Any]]:
    kind = message.get("notificationType") or message.get("eventType")
    if kind == "Bounce":
        found = _object(message.get("bounce"))
        bounce_kind = SES_BOUNCE.get(str(found.get("bounceType")))
        return bounce_kind, _list(found.get("bouncedRecipients"))
    if kind == "Complaint":
        found = _object(message.get("complaint"))
        if found.get("complaintFeedbackType") == "not-spam":
            return None, []
        return "complaint", _list(found.get("complainedRecipients"))
    return None, []


def ses(settings: Settings, message: Any) -> list[Reported]:
    if not isinstance(message, dict):
        raise _fail("the SNS Message must be an SES notification")
    kind, recipients = _ses_recipients(message)
    if kind is None:
        return []
    source = _object(message.get("mail")).get("source")
    found = verp.parse(settings, source) if isinstance(source, str) else None
    campaign_id, subscriber_id = found if found else (None, None)
    reports = []
    for raw in recipients[:MAX_ITEMS]:
        item = _object(raw)
        detail = _text(item.get("status") or item.get("diagnosticCode") or kind)
        bounce = Bounce(kind, "webhook", campaign_id, detail)
        reports.append(Reported(_email(item.get("emailAddress")), bounce, subscriber_id))
    return reports


def postmark(item: dict[str, Any]) -> list[Reported]:
    kind = POSTMARK.get(str(item.get("Type")))
    if kind is None:
        return []  # an auto-responder, an open, a subscription change: not a bounce
    campaign_id = int64(_object(item.get("Metadata")).get("campaign_id"))
    detail = _text(item.get("Description") or item.get("Type"))
    return [
        Reported(_email(item.get("Email"), "Email"), Bounce(kind, "webhook", campaign_id, detail))
    ]


def is_sns(body: Any) -> bool:
    """An SNS message (whose signature must verify before it is read)."""
    return isinstance(body, dict) and SHAPES[0][0](body)


def _sns(settings: Settings, body: dict[str, Any]) -> list[Reported]:
    kind = str(body.get("Type"))
    if kind in {"SubscriptionConfirmation", "UnsubscribeConfirmation"}:
        return []  # no report: the endpoint confirms a subscription (newsletter/sns.py)
    if kind != "Notification":
        raise _fail("Type must be an SNS Notification or SubscriptionConfirmation")
    try:
        message = msgspec.json.decode(str(body.get("Message") or ""))
    except msgspec.DecodeError:
        raise _fail("the SNS Message is not JSON") from None
    return ses(settings, message)


SHAPES: tuple[tuple[Callable[[dict[str, Any]], bool], str], ...] = (
    (lambda b: "TopicArn" in b and "Type" in b, "sns"),
    (lambda b: "notificationType" in b or "eventType" in b, "ses"),
    (lambda b: "RecordType" in b, "postmark"),
)


def reports(settings: Settings, body: Any) -> list[Reported]:
    """The reports of a decoded webhook body, whatever its shape."""
    if isinstance(body, list):
        if len(body) > MAX_ITEMS:
            raise _fail(f"at most {MAX_ITEMS} reports at once")
        return [generic(item) for item in body]
    if not isinstance(body, dict):
        raise _fail("the body must be a JSON object or a list of them")
    shape = next((name for test, name in SHAPES if test(body)), "generic")
    if shape == "sns":
        return _sns(settings, body)
    if shape == "ses":
        return ses(settings, body)
    if shape == "postmark":
        return postmark(body)
    return [generic(body)]


async def record(tx: Tx, found: list[Reported]) -> int:
    """Record each report: through its VERP subscriber when known, else by address on the
    campaign's brand (every brand with the address when the campaign is unknown, and then
    without the campaign). The number of subscriptions a bounce was recorded on."""
    count = 0
    for item in found:
        if item.subscriber_id is not None and await bounces.record(
            tx, item.subscriber_id, item.bounce
        ):
            count += 1
            continue
        brand = await campaign_brand(tx.session, item.bounce.campaign_id)
        bounce = item.bounce if brand is not None else replace(item.bounce, campaign_id=None)
        count += await bounces.record_address(tx, item.email, bounce, brand_id=brand)
    return count
