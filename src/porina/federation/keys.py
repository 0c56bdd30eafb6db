"""RSA key pairs for local actors: 2048 bits, PKCS#8 private and SubjectPublicKeyInfo public
PEM, as Mastodon publishes them. Made lazily, the first time an actor document is served or
an activity is signed (``ensure_keys``), so accounts that never federate cost nothing."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account

KEY_BITS = 2048


def new_key_pair() -> tuple[str, str]:
    """``(private_pem, public_pem)``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode(), public.decode()


async def ensure_keys(session: AsyncSession, account_id: int) -> tuple[str, str]:
    """The local account's ``(private_pem, public_pem)``, made and stored if it has none.
    Two requests racing here both make a pair; the guarded UPDATE keeps the first, and both
    read back the stored one."""
    query = select(Account.private_key_pem, Account.public_key_pem).where(
        Account.id == account_id, Account.domain.is_(None)
    )
    private, public = (await session.execute(query)).one()
    if private and public:
        return private, public
    private, public = new_key_pair()
    await session.execute(
        update(Account)
        .where(Account.id == account_id, Account.public_key_pem.is_(None))
        .values(private_key_pem=private, public_key_pem=public)
        .execution_options(synchronize_session=False)
    )
    stored = (await session.execute(query)).one()
    return str(stored[0]), str(stored[1])
