"""DKIM signing (RFC 6376, RFC 8463) with dkimpy, from a PEM private key.

``PORINA_DKIM_KEY_FILE`` holds an RSA (2048 bits recommended) or Ed25519 private key in PEM
(PKCS#1 or PKCS#8, as ``openssl genpkey`` writes them). The public half, for the DNS record
``porina admin dkim-record`` prints, is derived here: a SubjectPublicKeyInfo for RSA, the raw
32 bytes for Ed25519.

**RSA through OpenSSL.** dkimpy builds, canonicalizes and hashes the signature itself, but
does RSA in pure Python and parses the PEM key again for every message: 38 ms a signature on
this project's 2-core machine, which capped a newsletter's sending near 20 messages a second
(docs/performance.md, "Newsletter sending"). ``_rsa_sign`` gives dkimpy the same RSASSA-PKCS1-
v1_5 signature from ``cryptography`` (OpenSSL), with the key parsed once, in place of
``dkim.RSASSA_PKCS1_v1_5_sign``; ``_parsed`` keeps the parsed PEM. The signature is byte for
byte the one dkimpy computes (PKCS#1 v1.5 is deterministic; tests/mail checks it and verifies
with dkimpy).
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import dkim
import dkim.crypto
import nacl.signing
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from porina.mail.errors import DkimKeyError
from porina.settings import Settings

Algorithm = Literal["rsa-sha256", "ed25519-sha256"]
PEM = re.compile(rb"-----BEGIN ([A-Z ]+)-----(.*?)-----END \1-----", re.DOTALL)
ED25519_PKCS8 = bytes.fromhex("302e020100300506032b657004220420")
RSA_ENCRYPTION = bytes.fromhex("06092a864886f70d0101010500")
MIN_RSA_BITS = 1024
SIGNED = (b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type")
TXT_CHUNK = 255


@dataclass(frozen=True, slots=True)
class DkimKey:
    algorithm: Algorithm
    private: bytes
    """As dkimpy's ``sign`` takes it: PEM for RSA, the base64 seed for Ed25519."""
    public: bytes
    """As the DNS record's ``p=`` carries it (before base64)."""

    @property
    def key_type(self) -> str:
        return self.algorithm.split("-")[0]


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def rsa_public_der(modulus: int, exponent: int) -> bytes:
    """SubjectPublicKeyInfo (RFC 5280) of an RSA public key."""
    rsa_key = _der(0x30, _der_int(modulus) + _der_int(exponent))
    return _der(0x30, _der(0x30, RSA_ENCRYPTION) + _der(0x03, b"\x00" + rsa_key))


def _pem_der(pem: bytes) -> bytes:
    found = PEM.search(pem)
    if found is None or b"ENCRYPTED" in found.group(1):
        raise DkimKeyError("The DKIM key must be an unencrypted private key in PEM")
    try:
        return base64.b64decode(b"".join(found.group(2).split()), validate=True)
    except binascii.Error as exc:
        raise DkimKeyError("The DKIM key file is not valid PEM") from exc


def _armour(der: bytes) -> bytes:
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = b"\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return b"-----BEGIN PRIVATE KEY-----\n" + lines + b"\n-----END PRIVATE KEY-----\n"


def parse_key(pem: bytes) -> DkimKey:
    """The DKIM key in a PEM file's bytes; ``DkimKeyError`` if it is neither RSA nor Ed25519."""
    der = _pem_der(pem)
    if der.startswith(ED25519_PKCS8) and len(der) == len(ED25519_PKCS8) + 32:
        seed = der[len(ED25519_PKCS8) :]
        public = bytes(nacl.signing.SigningKey(seed).verify_key)
        return DkimKey("ed25519-sha256", base64.b64encode(seed), public)
    try:
        rsa = dkim.crypto.parse_private_key(der)
    except dkim.crypto.UnparsableKeyError as exc:
        raise DkimKeyError("The DKIM key is neither an RSA nor an Ed25519 private key") from exc
    modulus, exponent = int(rsa["modulus"]), int(rsa["publicExponent"])
    if modulus.bit_length() < MIN_RSA_BITS:
        raise DkimKeyError(f"An RSA DKIM key needs at least {MIN_RSA_BITS} bits (2048 advised)")
    return DkimKey("rsa-sha256", _armour(der), rsa_public_der(modulus, exponent))


@functools.lru_cache(maxsize=4)
def _load(path: Path, _mtime_ns: int) -> DkimKey:
    return parse_key(path.read_bytes())


def load_key(path: Path) -> DkimKey:
    """The key in ``path``, read again only when the file changes."""
    try:
        return _load(path, path.stat().st_mtime_ns)
    except OSError as exc:
        raise DkimKeyError(f"Cannot read the DKIM key file {path}: {exc.strerror}") from exc


def configured_key(settings: Settings) -> DkimKey | None:
    return load_key(Path(settings.dkim_key_file)) if settings.dkim_key_file else None


def sign(message: bytes, key: DkimKey, selector: str, domain: str) -> bytes:
    """``message`` with a DKIM-Signature header in front (relaxed/simple canonicalization)."""
    header: bytes = dkim.sign(
        message,
        selector.encode("ascii"),
        domain.encode("ascii"),
        key.private,
        signature_algorithm=key.algorithm.encode("ascii"),
        include_headers=list(SIGNED),
    )
    return header + message


@functools.lru_cache(maxsize=8)
def _openssl_key(numbers: tuple[int, ...]) -> rsa.RSAPrivateKey:
    n, e, d, p, q, dp, dq, qinv = numbers
    public = rsa.RSAPublicNumbers(e, n)
    return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qinv, public).private_key()


FIELDS = (
    "modulus",
    "publicExponent",
    "privateExponent",
    "prime1",
    "prime2",
    "exponent1",
    "exponent2",
    "coefficient",
)
DIGESTS: dict[str, hashes.HashAlgorithm] = {"sha256": hashes.SHA256(), "sha1": hashes.SHA1()}


def _rsa_sign(digest: Any, private_key: dict[str, int]) -> bytes:
    """dkimpy's ``RSASSA_PKCS1_v1_5_sign(hash, private_key)``, by OpenSSL."""
    key = _openssl_key(tuple(int(private_key[f]) for f in FIELDS))
    algorithm = DIGESTS[str(digest.name).lower()]
    return key.sign(digest.digest(), padding.PKCS1v15(), Prehashed(algorithm))


_parsed = functools.lru_cache(maxsize=8)(dkim.crypto.parse_pem_private_key)
dkim.RSASSA_PKCS1_v1_5_sign = _rsa_sign
dkim.parse_pem_private_key = _parsed


def record_name(selector: str, domain: str) -> str:
    return f"{selector}._domainkey.{domain}"


def record_text(key: DkimKey) -> str:
    """The TXT record's value: ``v=DKIM1; k=rsa; p=...``."""
    return f"v=DKIM1; k={key.key_type}; p={base64.b64encode(key.public).decode('ascii')}"


def zone_line(key: DkimKey, selector: str, domain: str) -> str:
    """The record as a zone-file line, split into strings of at most 255 characters."""
    value = record_text(key)
    chunks = [value[i : i + TXT_CHUNK] for i in range(0, len(value), TXT_CHUNK)]
    quoted = " ".join(f'"{chunk}"' for chunk in chunks)
    return f"{record_name(selector, domain)}. IN TXT {quoted}"
