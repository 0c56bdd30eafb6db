"""DKIM: with a key configured, what the SMTP server receives verifies against the DNS record
``porina admin dkim-record`` prints (RSA and Ed25519 keys made by openssl in the test)."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
from pathlib import Path

import dkim
import pytest

from porina.__main__ import main
from porina.mail import outbox
from porina.mail.compose import Draft
from porina.mail.dkim import load_key, parse_key
from porina.mail.dkim import sign as dkim_sign
from porina.mail.errors import DkimKeyError
from porina.services import Services
from porina.settings import Settings
from tests.mail.conftest import MAIL_FROM
from tests.support.smtp import SmtpServer

ALGORITHMS = {
    "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "ed25519": ["-algorithm", "ed25519"],
}


@pytest.fixture(params=sorted(ALGORITHMS))
def key_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"dkim-{request.param}.pem"
    subprocess.run(
        ["openssl", "genpkey", *ALGORITHMS[request.param], "-out", str(path)],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def settings(settings: Settings, key_file: Path) -> Settings:
    return settings.with_(dkim_key_file=str(key_file), dkim_selector="mail2026")


def printed_record(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, key_file: Path
) -> tuple[str, bytes]:
    """What ``porina admin dkim-record`` prints: the record's name and its TXT value."""
    monkeypatch.setenv("PORINA_DKIM_KEY_FILE", str(key_file))
    monkeypatch.setenv("PORINA_DKIM_SELECTOR", "mail2026")
    monkeypatch.setenv("PORINA_MAIL_FROM", MAIL_FROM)
    assert main(["admin", "dkim-record"]) == 0
    line = capsys.readouterr().out.strip()
    name, _, rest = line.partition(" IN TXT ")
    chunks = re.findall(r'"([^"]*)"', rest)
    assert all(len(chunk) <= 255 for chunk in chunks)
    return name, "".join(chunks).encode()


async def test_a_signed_message_verifies_against_the_printed_dns_record(
    services: Services,
    smtp: SmtpServer,
    key_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, record = printed_record(capsys, monkeypatch, key_file)
    assert name == "mail2026._domainkey.kahvila.example."
    async with services.db.transaction() as tx:
        await outbox.queue(tx, Draft("aino@example.com", "Hei", "Hei Aino!\n", "<p>Hei</p>", "t"))
    await services.runner.drain()
    [received] = smtp.messages
    assert received.raw.startswith(b"DKIM-Signature:")
    assert b"d=kahvila.example" in received.raw.split(b"\r\n\r\n")[0]
    looked_up: list[bytes] = []

    def dns(qname: bytes, timeout: int = 5) -> bytes:
        looked_up.append(qname)
        return record if qname.decode() == name else b""

    assert dkim.verify(received.raw, dnsfunc=dns)
    assert looked_up == [name.encode()]
    tampered = received.raw.replace(b"Hei Aino!", b"Hei Eino!")
    assert not dkim.verify(tampered, dnsfunc=dns)


def test_a_key_that_is_not_a_private_key_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(DkimKeyError):
        parse_key(b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(DkimKeyError):
        parse_key(b"not a key at all")
    with pytest.raises(DkimKeyError) as missing:
        load_key(tmp_path / "missing.pem")
    assert missing.value.code == "dkim_key_invalid"


def test_dkim_record_without_a_key_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORINA_DKIM_KEY_FILE", raising=False)
    assert main(["admin", "dkim-record"]) == 1
    assert "PORINA_DKIM_KEY_FILE is not set" in capsys.readouterr().err


def test_the_openssl_rsa_signature_is_the_one_dkimpy_computes(tmp_path: Path) -> None:
    """dkimpy's RSA step is given to OpenSSL (porina.mail.dkim._rsa_sign); PKCS#1 v1.5 is
    deterministic, so the signature must be byte for byte dkimpy's own, and verify."""
    path = tmp_path / "rsa.pem"
    subprocess.run(["openssl", "genpkey", *ALGORITHMS["rsa"], "-out", str(path)], check=True)
    key = load_key(path)
    message = (
        b"From: hello@kahvila.example\r\nTo: eve@example.com\r\nSubject: Hei\r\n"
        b"Date: Sat, 05 Dec 2026 12:00:00 +0000\r\nMessage-ID: <1@kahvila.example>\r\n\r\nHei!\r\n"
    )
    signed = dkim_sign(message, key, "porina", "kahvila.example")
    pure = dkim.crypto.RSASSA_PKCS1_v1_5_sign
    parsed = dkim.crypto.parse_pem_private_key(key.private)
    digest = hashlib.sha256(b"the same digest")
    assert dkim.RSASSA_PKCS1_v1_5_sign is not pure  # OpenSSL's is in place
    assert dkim.RSASSA_PKCS1_v1_5_sign(digest, parsed) == pure(digest, parsed)
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(key.public)
    assert dkim.verify(signed, dnsfunc=lambda _name, timeout=5: record)
    assert not dkim.verify(signed.replace(b"Hei!", b"Moi!"), dnsfunc=lambda _n, timeout=5: record)
