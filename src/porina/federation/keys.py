"""RSA key pairs for local actors: 2048 bits, PKCS#8 private and SubjectPublicKeyInfo public
PEM, as Mastodon publishes them. Made lazily, the first time an actor document is served or
an activity is signed (``ensure_keys``), so accounts that never federate cost nothing.

The instance actor (``/actor``, ``instance_keys``) has one more pair, kept in
``federation_instance_keys``: it signs the fetches this server makes (actors, notes,
collections), as Mastodon's representative actor does, so that peers in authorized-fetch
mode answer them without learning which local person asked."""

from __future__ import annotations

import weakref

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.clock import now
from porina.federation.key_models import InstanceActorKey
from porina.storage.db import Database, insert_if_absent

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


_INSTANCE: weakref.WeakKeyDictionary[Database, tuple[str, str]] = weakref.WeakKeyDictionary()


async def instance_keys(db: Database) -> tuple[str, str]:
    """The instance actor's ``(private_pem, public_pem)``: read once per process (it never
    changes), made on first need. Two processes making it at once both insert with ``ON
    CONFLICT DO NOTHING`` and read back the one row that won."""
    cached = _INSTANCE.get(db)
    if cached is not None:
        return cached
    query = select(InstanceActorKey.private_pem, InstanceActorKey.public_pem).where(
        InstanceActorKey.id == 1
    )
    async with db.read() as session:
        row = (await session.execute(query)).one_or_none()
    if row is None:
        private, public = new_key_pair()
        values = {"id": 1, "private_pem": private, "public_pem": public, "created_at": now()}
        async with db.transaction() as tx:
            await insert_if_absent(tx.session, InstanceActorKey, values, unique=("id",))
            row = (await tx.session.execute(query)).one()
    pair = (str(row[0]), str(row[1]))
    _INSTANCE[db] = pair
    return pair
