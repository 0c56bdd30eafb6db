"""Draft-cavage HTTP signatures: what Porina signs verifies, and every tampering is refused."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import pytest

from porina.core.clock import now
from porina.federation.keys import new_key_pair
from porina.federation.signatures import (
    SignatureError,
    check_request,
    parse_signature,
    sign_request,
    verify_signature,
)

URL = "https://b.example/users/bo/inbox"
BODY = b'{"type":"Follow"}'


@cache
def keys() -> tuple[str, str]:
    return new_key_pair()


def signed(body: bytes = BODY, **changes: str) -> dict[str, str]:
    private, _ = keys()
    headers = sign_request(
        "POST",
        URL,
        key_id="https://a.example/users/al#main-key",
        private_pem=private,
        body=body,
        when=now(),
    )
    return {**{k.lower(): v for k, v in headers.items()}, **changes}


def verify(headers: dict[str, str], body: bytes = BODY, public: str | None = None) -> None:
    sig = parse_signature(headers.get("signature"))
    check_request(sig, headers=headers, body=body, now=now())
    verify_signature(
        sig,
        method="POST",
        target="/users/bo/inbox",
        headers=headers,
        public_pem=public or keys()[1],
    )


def test_a_signed_delivery_verifies_and_names_its_key() -> None:
    headers = signed()
    verify(headers)
    sig = parse_signature(headers["signature"])
    assert sig.key_id == "https://a.example/users/al#main-key"
    assert sig.headers == ("(request-target)", "host", "date", "digest")
    assert headers["host"] == "b.example"


@pytest.mark.parametrize(
    ("headers", "body", "code"),
    [
        ({"signature": ""}, BODY, "signature_missing"),
        ({"signature": "garbage"}, BODY, "signature_malformed"),
        ({}, b'{"type":"Delete"}', "digest_mismatch"),
        ({"date": "Mon, 01 Jan 2001 00:00:00 GMT"}, BODY, "date_stale"),
        ({"date": "yesterday"}, BODY, "date_invalid"),
        ({"host": "c.example"}, BODY, "signature_invalid"),
    ],
)
def test_tampered_deliveries_are_refused(headers: dict[str, str], body: bytes, code: str) -> None:
    with pytest.raises(SignatureError) as caught:
        verify(signed(**headers), body)
    assert caught.value.code == code


def test_a_signature_under_another_key_is_refused() -> None:
    _, other_public = new_key_pair()
    with pytest.raises(SignatureError) as caught:
        verify(signed(), public=other_public)
    assert caught.value.code == "signature_invalid"


def test_a_signature_that_skips_the_digest_is_refused() -> None:
    headers = signed()
    headers["signature"] = headers["signature"].replace(" digest", "")
    with pytest.raises(SignatureError) as caught:
        verify(headers)
    assert caught.value.code == "signature_scope"


def test_dates_inside_the_window_are_accepted_either_way() -> None:
    sig = parse_signature(signed()["signature"])
    for hours in (-11, 11):
        when = now() + timedelta(hours=hours)
        check_request(sig, headers=signed(), body=BODY, now=when)


def test_the_digest_algorithm_name_is_case_insensitive() -> None:
    """bovine (and RFC 3230) write ``sha-256=``; a wrong value is still refused."""
    headers = signed()
    lower = headers["digest"].replace("SHA-256=", "sha-256=")
    sig = parse_signature(headers["signature"])
    check_request(sig, headers={**headers, "digest": lower}, body=BODY, now=now())
    with pytest.raises(SignatureError):
        check_request(sig, headers={**headers, "digest": "sha-256=AAAA"}, body=BODY, now=now())
