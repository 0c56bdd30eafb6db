"""The archive job: durable (a request committed before a restart is built by the next process;
a build cut short is built again; a retried job sends one notification and one mail), the
mail reaches a real SMTP server in the person's language, the ZIP has Mastodon's layout with
the person's media, and an archive past its seven days is gone for its owner too."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.events import ArchiveRequested
from porina.jobs.recurring import Period
from porina.notifications.models import Notification
from porina.privacy import archive
from porina.privacy.models import DataArchive
from porina.services import Services, build
from porina.settings import Settings
from tests.factories import Factory, Person
from tests.posts.support import media, png
from tests.support.smtp import SmtpServer, sending_to

MAIL_FROM = "hello@kahvila.example"
LAYOUT = {
    "actor.json",
    "outbox.json",
    "direct_messages.json",
    "likes.json",
    "bookmarks.json",
    "following_accounts.csv",
    "followers.csv",
    "lists.csv",
    "blocked_accounts.csv",
    "muted_accounts.csv",
}


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp, mail_from=MAIL_FROM, instance_title="Kahvila Porina")


@pytest.fixture
async def restarted(services: Services) -> AsyncIterator[Services]:
    """Another process's services on the same database, started after the first stopped."""
    second = build(services.settings, pooled=services.db.pooled)
    yield second
    await second.stop()


async def _request(services: Services, person: Person) -> int:
    async with services.db.transaction() as tx:
        row = await archive.request_archive(tx, person.actor)
    return row.id


async def _archive(services: Services, archive_id: int) -> DataArchive:
    async with services.db.read() as session:
        row = await session.get(DataArchive, archive_id)
    assert row is not None
    return row


async def _notifications(services: Services, person: Person) -> int:
    async with services.db.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.account_id == int(person.id),
                Notification.type == "porina.archive_ready",
            )
        )
    return int(count or 0)


def _zip(services: Services, row: DataArchive) -> zipfile.ZipFile:
    assert row.file_name
    data = (archive.folder(services.settings) / row.file_name).read_bytes()
    return zipfile.ZipFile(io.BytesIO(data))


async def test_a_request_made_before_a_restart_is_built_by_the_next_process(
    services: Services, restarted: Services, make: Factory, smtp: SmtpServer
) -> None:
    aino = await make.person("aino", locale="fi")
    archive_id = await _request(services, aino)  # the first process stops before running it
    assert (await _archive(services, archive_id)).state == "requested"

    assert await restarted.runner.drain() >= 1
    row = await _archive(restarted, archive_id)
    assert row.state == "ready" and row.size > 0
    assert row.expires_at is not None and row.finished_at is not None
    assert row.expires_at - row.finished_at == timedelta(days=7)
    assert await _notifications(restarted, aino) == 1
    [mail] = smtp.messages
    assert mail.rcpt_tos == ["aino@example.com"]
    assert mail.message["Subject"] == "Tietoarkistosi on valmis ladattavaksi"
    assert "http://testserver.local/settings/privacy" in mail.part("plain")
    assert 'href="http://testserver.local/settings/privacy"' in mail.part("html")


async def test_a_build_cut_short_is_built_again_and_a_retry_sends_nothing_twice(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    alice = await make.person("alice")
    archive_id = await _request(services, alice)
    # As if a process died mid-build: the row says building, a partial file is left behind.
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(DataArchive).where(DataArchive.id == archive_id).values(state="building")
        )
    folder = archive.folder(services.settings)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f".{archive_id}.partial").write_bytes(b"half a zip")

    await services.runner.drain()
    row = await _archive(services, archive_id)
    assert row.state == "ready"
    assert set(_zip(services, row).namelist()) >= LAYOUT
    assert not (folder / f".{archive_id}.partial").exists()

    event = ArchiveRequested(
        actor=Actor(int(alice.id)), archive_id=archive_id, account_id=int(alice.id)
    )
    await archive.build_archive(services, event)  # the job delivered again
    await services.runner.drain()
    assert (await _archive(services, archive_id)).file_name == row.file_name
    assert await _notifications(services, alice) == 1
    assert len(smtp.messages) == 1
    assert smtp.messages[0].message["Subject"] == "Your archive is ready to download"


async def test_the_zip_has_mastodons_layout_with_the_persons_media(
    services: Services, make: Factory
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    media_id = await media(services, alice)
    posted = await alice.status("a photo for followers", visibility="private", media_ids=[media_id])
    await bob.follow(alice)
    await alice.follow(bob)
    await alice.post(f"/api/v1/statuses/{posted['id']}/bookmark")
    avatar = {"avatar": ("me.png", png((48, 48)), "image/png")}
    assert (await alice.patch("/api/v1/accounts/update_credentials", files=avatar)).is_success
    archive_id = await _request(services, alice)
    await services.runner.drain()

    zf = _zip(services, await _archive(services, archive_id))
    names = set(zf.namelist())
    assert names >= LAYOUT
    [photo] = [n for n in names if n.startswith("media_attachments/")]
    [picture] = [n for n in names if n.startswith("avatar.")]
    assert json.loads(zf.read("actor.json"))["icon"]["url"] == picture
    [created] = json.loads(zf.read("outbox.json"))["orderedItems"]
    note = created["object"]
    assert note["attachment"][0]["url"] == photo
    assert note["to"] == ["http://testserver.local/users/alice/followers"]
    assert zf.read(photo)[:8] == b"\x89PNG\r\n\x1a\n"
    following = zf.read("following_accounts.csv").decode().splitlines()
    assert following == [
        "Account address,Show boosts,Notify on new posts,Languages",
        "bob@testserver.local,true,false,",
    ]
    assert zf.read("followers.csv").decode().splitlines()[1:] == ["bob@testserver.local"]
    bookmarks = json.loads(zf.read("bookmarks.json"))["orderedItems"]
    assert bookmarks == [f"http://testserver.local/users/alice/statuses/{posted['id']}"]


async def test_an_expired_archive_is_deleted_and_no_longer_downloads(
    services: Services, make: Factory
) -> None:
    alice = await make.person("alice")
    archive_id = await _request(services, alice)
    await services.runner.drain()
    row = await _archive(services, archive_id)
    path = archive.folder(services.settings) / (row.file_name or "")
    assert path.is_file()
    async with services.db.read() as session:
        found = await archive.downloadable(session, services.settings, int(alice.id), archive_id)
        assert found is not None and found[0] == path
    async with services.db.transaction() as tx:
        await tx.session.execute(
            update(DataArchive)
            .where(DataArchive.id == archive_id)
            .values(expires_at=now() - timedelta(minutes=1))
        )
    moment = now()
    await archive.drop_expired(services, Period(moment - timedelta(days=1), moment))
    assert not path.exists()
    expired = await _archive(services, archive_id)
    assert archive.state_of(expired) == "expired"
    async with services.db.read() as session:
        assert (
            await archive.downloadable(session, services.settings, int(alice.id), archive_id)
            is None
        )
