"""What follows when an archive is ready: a notification (``porina.archive_ready``, Porina's
own type; the web app shows it) and a mail in the person's language, both in the job's
transaction, so a retried job sends neither twice."""

from __future__ import annotations

from sqlalchemy import select

from porina.accounts.models import Account, User
from porina.core.clock import aware
from porina.core.events import ArchiveReady
from porina.jobs.events import subscribe
from porina.mail import outbox, templates
from porina.mail.compose import Draft
from porina.notifications.notify import notify
from porina.privacy.models import DataArchive
from porina.storage.db import Tx

MAIL = "archive_ready"
PAGE = "/settings/privacy"


@subscribe(ArchiveReady)
async def archive_ready(tx: Tx, event: ArchiveReady) -> None:
    await notify(
        tx,
        event.account_id,
        event.account_id,
        "porina.archive_ready",
        dedupe=f"porina.archive_ready:{event.archive_id}",
    )
    row = (
        await tx.session.execute(
            select(User, Account, DataArchive)
            .join(Account, Account.id == User.account_id)
            .join(DataArchive, DataArchive.account_id == Account.id)
            .where(DataArchive.id == event.archive_id, User.disabled.is_(False))
        )
    ).first()
    if row is None:
        return
    user, account, archive = row
    if archive.expires_at is None:
        return
    expires = aware(archive.expires_at)
    settings = tx.settings
    base = settings.base_url.rstrip("/")
    rendered = templates.render(
        MAIL,
        user.locale,
        {
            "instance": settings.instance_title,
            "base_url": base,
            "name": account.display_name or account.username,
            "username": account.username,
            "link": base + PAGE,
            "expires": expires.strftime("%Y-%m-%d %H:%M UTC"),
        },
    )
    await outbox.queue(
        tx, Draft(user.email, rendered.subject, rendered.text, rendered.html, kind=MAIL)
    )
