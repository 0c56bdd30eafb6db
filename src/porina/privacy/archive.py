"""A person's archive of their data: asked for with ``request_archive``, built by the durable
job ``privacy.build_archive`` (a subscriber of ``ArchiveRequested``), announced with
``ArchiveReady`` (a notification and a mail: ``privacy.subscribers``).

- At most one request per ``EVERY`` (7 days, as Mastodon); a failed build does not count.
- The ZIP (``contents``) is written under ``<data dir>/archives`` with a random name, first to
  a partial name then renamed, so a download never sees half a file; a job run again after a
  crash builds it again.
- Its owner may download it for ``KEEP`` (7 days) from ``/settings/privacy``; anyone else gets
  a 404. The recurring job ``privacy.drop_expired_archives`` deletes expired files daily.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.errors import PorinaError
from porina.core.events import ArchiveReady, ArchiveRequested
from porina.core.ids import new_id
from porina.jobs.events import emit, subscribe
from porina.jobs.queue import JobContext
from porina.jobs.recurring import Period, recurring
from porina.privacy import contents
from porina.privacy.models import DataArchive
from porina.settings import Settings
from porina.storage.db import Tx
from porina.storage.files import MediaPathError, MediaStore

log = logging.getLogger(__name__)

BUILD = "privacy.build_archive"
EVERY = timedelta(days=7)
"""At most one archive per this long (Mastodon's rule)."""
KEEP = timedelta(days=7)
"""How long a built archive may be downloaded."""
FOLDER = "archives"


class ArchiveTooSoon(PorinaError):
    """An archive was asked for less than ``EVERY`` ago."""

    status = 429
    code = "archive_too_soon"


def folder(settings: Settings) -> Path:
    return settings.data_dir / FOLDER


def state_of(archive: DataArchive) -> str:
    """``requested``, ``building``, ``ready``, ``expired`` or ``failed``, as the page says."""
    if archive.state == "ready" and (
        archive.expires_at is None or aware(archive.expires_at) <= now()
    ):
        return "expired"
    return archive.state


async def latest(session: AsyncSession, account_id: int) -> DataArchive | None:
    """The person's newest archive request, if any."""
    found: DataArchive | None = await session.scalar(
        select(DataArchive)
        .where(DataArchive.account_id == account_id)
        .order_by(DataArchive.created_at.desc(), DataArchive.id.desc())
        .limit(1)
    )
    return found


def next_allowed(archive: DataArchive | None) -> Any:
    """When the person may ask again (None: now)."""
    if archive is None or archive.state == "failed":
        return None
    moment = aware(archive.created_at) + EVERY
    return moment if moment > now() else None


async def request_archive(tx: Tx, actor: Actor) -> DataArchive:
    """Record a request for an archive of ``actor``'s data and announce it (the job builds
    it); ``ArchiveTooSoon`` within ``EVERY`` of the previous one."""
    if not tx.db.is_sqlite:  # two requests at once: the second waits, then sees the first
        await tx.session.execute(
            select(Account.id).where(Account.id == actor.account_id).with_for_update()
        )
    previous = await latest(tx.session, actor.account_id)
    if next_allowed(previous) is not None:
        raise ArchiveTooSoon("You can request an archive once every 7 days")
    archive = DataArchive(
        id=new_id(), account_id=actor.account_id, state="requested", size=0, created_at=now()
    )
    tx.session.add(archive)
    await tx.session.flush()
    await emit(
        tx, ArchiveRequested(actor=actor, archive_id=archive.id, account_id=archive.account_id)
    )
    return archive


async def downloadable(
    session: AsyncSession, settings: Settings, account_id: int, archive_id: int | None
) -> tuple[Path, str] | None:
    """The file of archive ``archive_id`` and its download name, when it is ``account_id``'s,
    built and not expired; else None (a 404 for everyone)."""
    if archive_id is None:
        return None
    archive = await session.get(DataArchive, archive_id)
    if archive is None or archive.account_id != account_id or state_of(archive) != "ready":
        return None
    if not archive.file_name:
        return None
    path = folder(settings) / archive.file_name
    if not path.is_file():
        return None
    stamp = aware(archive.created_at).strftime("%Y%m%d")
    return path, f"archive-{stamp}-{archive.id}.zip"


# --- the job ------------------------------------------------------------------------------------


@subscribe(ArchiveRequested, job=BUILD, key=lambda e: f"{BUILD}:{e.archive_id}")
async def build_archive(ctx: JobContext, event: ArchiveRequested) -> None:
    async with ctx.db.transaction() as tx:
        archive = await tx.session.get(DataArchive, event.archive_id)
        if archive is None or archive.state not in ("requested", "building"):
            return  # built already (a retried job), or the account is gone
        account = await tx.session.get(Account, archive.account_id)
        if account is None or account.suspended_at is not None:
            archive.state = "failed"
            return
        archive.state = "building"
    async with ctx.db.read() as session:
        held = await contents.build(session, ctx.settings, event.account_id)
    name, size = await asyncio.to_thread(_write, ctx.settings, event.archive_id, held)
    async with ctx.db.transaction() as tx:
        archive = await tx.session.get(DataArchive, event.archive_id)
        if archive is None or archive.state != "building":
            await asyncio.to_thread(_discard, ctx.settings, name)
            return
        moment = now()
        archive.state, archive.file_name, archive.size = "ready", name, size
        archive.finished_at, archive.expires_at = moment, moment + KEEP
        ready = ArchiveReady(
            actor=Actor(archive.account_id), archive_id=archive.id, account_id=archive.account_id
        )
        await emit(tx, ready)


def _write(settings: Settings, archive_id: int, held: contents.Contents) -> tuple[str, int]:
    """Write the ZIP under a partial name, then rename it to a new random name."""
    target_dir = folder(settings)
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = target_dir / f".{archive_id}.partial"
    media = MediaStore.of(settings)
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for member, data in held.files.items():
            zf.writestr(member, data)
        for member, rel in held.media:
            try:
                source = media.path_of(rel)
            except MediaPathError:
                continue
            if source.is_file():
                zf.write(source, member, compress_type=zipfile.ZIP_STORED)
    name = f"{archive_id}-{secrets.token_hex(16)}.zip"
    os.replace(partial, target_dir / name)
    return name, (target_dir / name).stat().st_size


def _discard(settings: Settings, name: str | None) -> None:
    if name and "/" not in name and not name.startswith("."):
        (folder(settings) / name).unlink(missing_ok=True)


async def discard_all(tx: Tx, account_id: int) -> None:
    """Delete every archive of ``account_id`` (its files once ``tx`` commits)."""
    rows = list(
        await tx.session.scalars(select(DataArchive).where(DataArchive.account_id == account_id))
    )
    names = [r.file_name for r in rows]
    for row in rows:
        await tx.session.delete(row)
    settings = tx.settings

    async def remove() -> None:
        for name in names:
            await asyncio.to_thread(_discard, settings, name)

    tx.after_commit(remove)


@recurring("privacy.drop_expired_archives", every=timedelta(days=1), at=timedelta(hours=5))
async def drop_expired(ctx: JobContext, period: Period) -> None:
    """Delete the files of archives past their download time (the rows stay, ``expired``)."""
    async with ctx.db.transaction() as tx:
        rows = list(
            await tx.session.scalars(
                select(DataArchive).where(
                    DataArchive.state == "ready",
                    DataArchive.expires_at <= now(),
                    DataArchive.file_name.is_not(None),
                )
            )
        )
        names = [r.file_name for r in rows]
        for row in rows:
            row.file_name = None
    for name in names:
        await asyncio.to_thread(_discard, ctx.settings, name)
    if names:
        log.info("dropped %d expired data archives", len(names))
