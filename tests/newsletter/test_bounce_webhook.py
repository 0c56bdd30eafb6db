"""The providers' bounce webhook (issue 19, point 5): the shared secret, the generic shape,
Amazon SES through SNS (its signatures verified with a key made in the test, the certificate
served by a stand-in transport of the guarded client) and Postmark, and Mastodon's error
shape for every refusal."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from porina.http.client import OutboundClient
from porina.newsletter import bounces_webhook, verp
from porina.newsletter.errors import InvalidWebhook
from porina.newsletter.sns import CERTIFICATES
from porina.services import Services
from porina.settings import Settings
from tests.factories import Factory

from .bounce_support import brand, statuses

HOOK = "/api/porina/v1/newsletter/webhooks/bounces"
SECRET = "s3cret-for-the-webhook"
AUTH = {"X-Porina-Webhook-Secret": SECRET}


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    overrides = {"bounce_webhook_secret": SECRET, **getattr(request, "param", {})}
    return settings.with_(**overrides)


async def hook(client: httpx.AsyncClient, body: Any, **kw: Any) -> httpx.Response:
    headers = kw.pop("headers", AUTH)
    return await client.post(HOOK, content=json.dumps(body), headers=headers, **kw)


async def test_the_secret_is_required(services: Services, make: Factory) -> None:
    body = {"email": "aino@example.com", "kind": "hard"}
    for headers in ({}, {"X-Porina-Webhook-Secret": "wrong"}):
        response = await hook(make.client, body, headers=headers)
        assert response.status_code == 401
        assert set(response.json()) >= {"error"}
    by_query = await hook(make.client, body, headers={}, params={"secret": SECRET})
    assert by_query.status_code == 200 and by_query.json() == {"recorded": 0}


@pytest.mark.parametrize("settings", [{"bounce_webhook_secret": ""}], indirect=True)
async def test_the_webhook_is_off_without_a_secret(services: Services, make: Factory) -> None:
    response = await hook(make.client, {"email": "a@example.com", "kind": "hard"}, headers={})
    assert response.status_code == 401
    assert "PORINA_BOUNCE_WEBHOOK_SECRET" in response.json()["error"]


async def test_the_generic_shape_blocklists_on_every_brand_with_the_address(
    services: Services, make: Factory
) -> None:
    cafe = await brand(services, make)
    shop = await brand(services, make, "leipomo", lists=1)
    rows = [await cafe.sign_up(make.client, "aino@example.com", n) for n in (0, 1)]
    rows.append(await shop.sign_up(make.client, "aino@example.com"))
    bea = await cafe.sign_up(make.client, "bea@example.com")
    body = [
        {"email": "Aino <AINO@example.com>", "kind": "complaint"},
        {"email": "bea@example.com", "kind": "soft", "detail": "mailbox full"},
        {"email": "nobody@example.com", "kind": "hard"},
    ]
    response = await hook(make.client, body)
    assert response.status_code == 200, response.text
    assert response.json() == {"recorded": 3}
    assert set((await statuses(services, "aino@example.com")).values()) == {"blocklisted"}
    assert await statuses(services, "bea@example.com") == {bea: "confirmed"}


MALFORMED: list[Any] = [
    "not json",
    {"kind": "hard"},
    {"email": "not-an-address", "kind": "hard"},
    {"email": "a@example.com", "kind": "bounced"},
    {"email": "a@example.com", "kind": "hard", "campaign_id": "x1"},
    [{"email": "a@example.com", "kind": "hard"}, 7],
    42,
    {"RecordType": "Bounce", "Type": "HardBounce", "Email": None},
]


async def test_malformed_bodies_are_422_and_record_nothing(
    services: Services, make: Factory
) -> None:
    cafe = await brand(services, make, lists=1)
    one = await cafe.sign_up(make.client, "a@example.com")
    for body in MALFORMED:
        raw = body if isinstance(body, str) else json.dumps(body)
        response = await make.client.post(HOOK, content=raw, headers=AUTH)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"].startswith("Validation failed"), body
    assert await statuses(services, "a@example.com") == {one: "confirmed"}


CERT_URL = "https://sns.eu-north-1.amazonaws.com/SimpleNotificationService-test.pem"
SUBSCRIBE_URL = "https://sns.eu-north-1.amazonaws.com/?Action=ConfirmSubscription&Token=t1"
FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}


@pytest.fixture(scope="module")
def signing() -> tuple[rsa.RSAPrivateKey, bytes]:
    """A key made here and its self-signed certificate, standing in for SNS's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    moment = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(moment - timedelta(days=1))
        .not_valid_after(moment + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def fetched(services: Services, signing: tuple[rsa.RSAPrivateKey, bytes]) -> list[str]:
    """The URLs the guarded outbound client was asked for; it answers SNS's certificate
    and the confirmation, and nothing reaches the internet."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if str(request.url) == CERT_URL:
            return httpx.Response(200, stream=httpx.ByteStream(signing[1]))
        return httpx.Response(200, stream=httpx.ByteStream(b"<ConfirmSubscriptionResponse/>"))

    services.outbound = OutboundClient(user_agent="test", transport=httpx.MockTransport(answer))
    CERTIFICATES.clear()
    return seen


def signed(
    key: rsa.RSAPrivateKey, body: dict[str, Any], version: str = "1", **over: Any
) -> dict[str, Any]:
    """``body`` signed as SNS signs: ``name\nvalue\n`` per field of the AWS docs' list."""
    body = {"SignatureVersion": version, "SigningCertURL": CERT_URL, **body, **over}
    text = "".join(f"{n}\n{body[n]}\n" for n in FIELDS[body["Type"]] if n in body)
    digest = hashes.SHA1() if version == "1" else hashes.SHA256()
    signature = key.sign(text.encode(), padding.PKCS1v15(), digest)
    return {**body, "Signature": base64.b64encode(signature).decode()}


def sns(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "Notification",
        "MessageId": "b1",
        "TopicArn": "arn:aws:sns:eu-north-1:123456789012:ses-bounces",
        "Message": json.dumps(message),
        "Timestamp": "2026-12-05T16:00:00.000Z",
    }


CONFIRMATION = {
    "Type": "SubscriptionConfirmation",
    "MessageId": "c1",
    "Token": "t1",
    "TopicArn": "arn:aws:sns:eu-north-1:123456789012:ses-bounces",
    "Message": "You have chosen to subscribe to the topic.",
    "SubscribeURL": SUBSCRIBE_URL,
    "Timestamp": "2026-12-05T16:00:00.000Z",
}


async def test_amazon_ses_through_sns_reads_the_verp_return_path(
    services: Services,
    make: Factory,
    signing: tuple[rsa.RSAPrivateKey, bytes],
    fetched: list[str],
) -> None:
    key = signing[0]
    cafe = await brand(services, make)
    one, two = [await cafe.sign_up(make.client, "aino@example.com", n) for n in (0, 1)]
    bounce = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bouncedRecipients": [{"emailAddress": "aino@example.com", "status": "5.1.1"}],
        },
        "mail": {"source": verp.return_path(services.settings, 77, two)},
    }
    # SNS posts its JSON as text/plain; version 1 signs with SHA1, 2 with SHA256
    response = await make.client.post(
        HOOK,
        content=json.dumps(signed(key, sns(bounce), Subject="Bounce")),
        headers={**AUTH, "content-type": "text/plain; charset=UTF-8"},
    )
    assert response.status_code == 200 and response.json() == {"recorded": 1}
    assert await statuses(services, "aino@example.com") == {one: "blocklisted", two: "blocklisted"}
    assert fetched == [CERT_URL]
    confirmed = await hook(make.client, signed(key, CONFIRMATION, "2"))
    assert confirmed.status_code == 200 and confirmed.json() == {"recorded": 0}
    assert fetched == [CERT_URL, SUBSCRIBE_URL]  # the certificate was kept


async def test_sns_messages_that_do_not_verify_are_403_and_change_nothing(
    services: Services,
    make: Factory,
    signing: tuple[rsa.RSAPrivateKey, bytes],
    fetched: list[str],
) -> None:
    key = signing[0]
    cafe = await brand(services, make, lists=1)
    one = await cafe.sign_up(make.client, "aino@example.com")
    complaint = sns(
        {
            "notificationType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": "aino@example.com"}]},
            "mail": {"source": "hello@kahvila.example"},
        }
    )
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    good = signed(key, complaint, "2")
    refused = [
        {k: v for k, v in good.items() if k != "Signature"},
        {**good, "Message": good["Message"].replace("aino", "bea")},  # changed after signing
        signed(other, complaint),  # someone else's key
        {**good, "SignatureVersion": "3"},
        {**good, "Signature": "not base64!"},
        signed(key, complaint, SigningCertURL=CERT_URL.replace("https", "http")),
        signed(key, complaint, SigningCertURL="https://evil.example/cert.pem"),
        signed(key, complaint, SigningCertURL="https://sns.x.amazonaws.com.evil.example/c.pem"),
        signed(key, CONFIRMATION, SubscribeURL="https://evil.example/?Action=Confirm"),
    ]
    for body in refused:
        response = await hook(make.client, body)
        assert response.status_code == 403, (body, response.text)
        assert set(response.json()) >= {"error"}
    assert await statuses(services, "aino@example.com") == {one: "confirmed"}
    assert all(url == CERT_URL for url in fetched)
    bad_message = signed(key, {**sns({}), "Message": "{oops"})
    assert (await hook(make.client, bad_message)).status_code == 422
    assert (await hook(make.client, good)).json() == {"recorded": 1}
    assert await statuses(services, "aino@example.com") == {one: "blocklisted"}


async def test_ses_transient_bounces_are_soft_and_postmark_complaints_blocklist(
    services: Services,
    make: Factory,
    signing: tuple[rsa.RSAPrivateKey, bytes],
    fetched: list[str],
) -> None:
    cafe = await brand(services, make, lists=1)
    one = await cafe.sign_up(make.client, "aino@example.com")
    soft = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Transient",
            "bouncedRecipients": [{"emailAddress": "aino@example.com"}],
        },
        "mail": {"source": "hello@kahvila.example"},
    }
    assert (await hook(make.client, signed(signing[0], sns(soft)))).json() == {"recorded": 1}
    opened = {"RecordType": "Open", "Email": "aino@example.com"}
    auto = {"RecordType": "Bounce", "Type": "AutoResponder", "Email": "aino@example.com"}
    for body in (opened, auto):
        assert (await hook(make.client, body)).json() == {"recorded": 0}
    assert await statuses(services, "aino@example.com") == {one: "confirmed"}
    complaint = {
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "Email": "aino@example.com",
    }
    assert (await hook(make.client, complaint)).json() == {"recorded": 1}
    assert await statuses(services, "aino@example.com") == {one: "blocklisted"}


LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.sampled_from(["hard", "soft", "complaint", "Bounce", "Complaint", "Notification"]),
    st.sampled_from(["Permanent", "HardBounce", "SpamComplaint", "a@example.com"]),
)
KEYS = st.sampled_from(
    [
        "email",
        "kind",
        "campaign_id",
        "Type",
        "TopicArn",
        "Message",
        "notificationType",
        "bounce",
        "complaint",
        "mail",
        "source",
        "bounceType",
        "bouncedRecipients",
        "complainedRecipients",
        "emailAddress",
        "RecordType",
        "Email",
        "Metadata",
    ]
)
BODIES = st.recursive(
    LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=6)),
    max_leaves=20,
)


@examples(max_examples=300, deadline=None)
@given(BODIES)
def test_any_json_body_reads_as_reports_or_a_422(body: Any) -> None:
    """What the endpoint does before writing: never an exception but the 422 one."""
    try:
        found = bounces_webhook.reports(Settings(secret_key="k"), body)
    except InvalidWebhook:
        return
    assert all(r.bounce.kind in {"hard", "soft", "complaint"} for r in found)


@pytest.mark.parametrize(
    "settings", [{"rate_limits": True, "rate_limit_per_5min": 3}], indirect=True
)
async def test_a_provider_with_the_secret_is_not_rate_limited_and_guessing_is(
    services: Services, make: Factory
) -> None:
    body = {"email": "nobody@example.com", "kind": "soft"}
    for _ in range(5):
        assert (await hook(make.client, body)).status_code == 200
    by_query = await hook(make.client, body, headers={}, params={"secret": SECRET})
    assert by_query.status_code == 200
    guesses = [
        await hook(make.client, body, headers={"X-Porina-Webhook-Secret": f"g{n}"})
        for n in range(4)
    ]
    assert [r.status_code for r in guesses] == [401, 401, 401, 429]
