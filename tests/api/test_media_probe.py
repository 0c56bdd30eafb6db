"""Video and audio uploads are what they claim (FFmpeg's libraries open and decode them), are
processed by a job behind ``POST /api/v2/media``'s 202, and are served back under ``/media``
with the verified type, ``nosniff`` and a sandboxing Content-Security-Policy."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from porina.http.media_files import MEDIA_TYPES
from porina.posts import probe
from porina.posts.content import NOT_READY
from porina.posts.media import _PIL_FORMATS
from porina.posts.models import MediaAttachment
from porina.services import Services
from porina.storage.files import MediaStore
from tests.factories import Factory, Person
from tests.support import media_files
from tests.support.openapi import assert_component, assert_response

BASE = "http://testserver.local"
INVALID = {"error": "Validation failed: File content type is invalid"}
FAILED = {"error": "Error processing thumbnail for uploaded media"}


@contextlib.contextmanager
def jobs_held(client: httpx.AsyncClient) -> Iterator[None]:
    """Requests answer without the test client running the jobs they queued (as a busy job
    runner would), so what a client sees before processing ends can be looked at."""
    hooks = client.event_hooks["response"]
    saved = list(hooks)
    hooks.clear()
    try:
        yield
    finally:
        hooks.extend(saved)


def stored_files(services: Services) -> list[str]:
    root = services.settings.media_dir
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


async def upload(person: Person, data: bytes, *, version: str = "v2", **fields: Any) -> Any:
    files = {"file": ("upload.bin", data, "application/octet-stream")}
    if "thumbnail" in fields:
        files["thumbnail"] = ("t.png", fields.pop("thumbnail"), "image/png")
    return await person.post(f"/api/{version}/media", files=files, data=fields)


async def served(person: Person, url: str) -> httpx.Response:
    return await person.client.get(url.removeprefix(BASE))


@pytest.mark.parametrize("version", ["v1", "v2"])
async def test_an_mp4_header_in_front_of_html_is_refused_and_nothing_is_kept(
    make: Factory, services: Services, version: str
) -> None:
    alice = await make.person("alice")
    response = await upload(alice, media_files.FAKE_MP4, version=version)
    assert response.status_code == 422
    assert response.json() == INVALID
    assert stored_files(services) == []
    async with services.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(MediaAttachment)) == 0


@pytest.mark.parametrize(
    "fake",
    [
        b"\x1a\x45\xdf\xa3webm" + b"<html>" * 50,  # a WebM's first bytes
        b"OggS" + b"<html>" * 50,
        b"ID3\x04\x00\x00\x00\x00\x00#" + b"<html>" * 50,
        b"RIFF\x00\x00\x00\x00WAVEfmt " + b"<html>" * 50,
        media_files.mp4()[:600],  # a real video cut short
    ],
    ids=["webm", "ogg", "mp3", "wav", "truncated-mp4"],
)
async def test_other_files_that_only_start_like_media_are_refused(
    make: Factory, services: Services, fake: bytes
) -> None:
    alice = await make.person("alice")
    response = await upload(alice, fake)
    assert response.status_code == 422, response.text
    assert response.json() == INVALID
    assert stored_files(services) == []


async def test_a_video_in_a_codec_no_decoder_knows_is_refused(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    real = media_files.mp4()
    unknown = real[:40] + real[40:].replace(b"avc1", b"zzzz")  # the sample entry's codec
    response = await upload(alice, unknown)
    assert response.status_code == 422
    assert response.json() == {"error": "Validation failed: Video has no video stream"}
    assert stored_files(services) == []


@pytest.mark.parametrize(
    ("make_video", "mime_type", "ext"),
    [(media_files.mp4, "video/mp4", ".mp4"), (media_files.webm, "video/webm", ".webm")],
    ids=["mp4", "webm"],
)
async def test_v2_video_is_202_without_url_then_processed_with_meta_and_a_preview(
    make: Factory, make_video: Any, mime_type: str, ext: str
) -> None:
    alice = await make.person("alice")
    response = await upload(alice, make_video(), description="five frames")
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["type"] == "video"
    assert accepted["url"] is None and accepted["preview_url"] is None
    assert accepted["description"] == "five frames"
    # the test client has let the job run: the attachment is published
    shown = await alice.get(f"/api/v1/media/{accepted['id']}")
    assert shown.status_code == 200
    done = shown.json()
    assert done["url"].startswith(f"{BASE}/media/") and done["url"].endswith(ext)
    assert done["meta"]["original"] == {
        "width": 16,
        "height": 16,
        "size": "16x16",
        "aspect": 1.0,
        "frame_rate": "25/1",
        "duration": 0.2,
        "bitrate": done["meta"]["original"]["bitrate"],
    }
    assert done["meta"]["original"]["bitrate"] > 0
    assert done["meta"]["small"]["size"] == "16x16"
    assert done["blurhash"] and done["description"] == "five frames"
    preview = await served(alice, done["preview_url"])
    assert preview.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(preview.content)).size == (16, 16)
    file = await served(alice, done["url"])
    assert file.status_code == 200 and file.headers["content-type"] == mime_type


@pytest.mark.parametrize(
    ("container", "codec", "mime_type"),
    [
        ("ogg", "libopus", "audio/ogg"),
        ("mp3", "libmp3lame", "audio/mpeg"),
        ("ipod", "aac", "audio/mp4"),
        ("wav", "pcm_s16le", "audio/wav"),
        ("flac", "flac", "audio/flac"),
    ],
    ids=["ogg", "mp3", "m4a", "wav", "flac"],
)
async def test_v2_audio_is_accepted_processed_and_served_as_what_it_is(
    make: Factory, container: str, codec: str, mime_type: str
) -> None:
    alice = await make.person("alice")
    response = await upload(alice, media_files.sound(container, codec, seconds=0.25))
    assert response.status_code == 202, response.text
    assert response.json()["type"] == "audio" and response.json()["url"] is None
    done = (await alice.get(f"/api/v1/media/{response.json()['id']}")).json()
    assert done["meta"]["original"]["duration"] == pytest.approx(0.25, abs=0.03)
    assert done["meta"]["original"]["bitrate"] > 0
    assert done["preview_url"] is None
    assert (await served(alice, done["url"])).headers["content-type"] == mime_type


async def test_an_mp4_holding_only_sound_is_audio(make: Factory) -> None:
    alice = await make.person("alice")
    response = await upload(alice, media_files.sound("mp4", "aac"))
    assert response.status_code == 202 and response.json()["type"] == "audio"
    done = (await alice.get(f"/api/v1/media/{response.json()['id']}")).json()
    assert done["url"].endswith(".m4a")
    assert (await served(alice, done["url"])).headers["content-type"] == "audio/mp4"


async def test_v1_processes_a_video_at_once(make: Factory) -> None:
    alice = await make.person("alice")
    with jobs_held(alice.client):
        response = await upload(alice, media_files.mp4(), version="v1")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["url"].endswith(".mp4") and body["preview_url"].endswith(".jpg")
    assert body["meta"]["original"]["size"] == "16x16"


async def test_while_processing_show_and_update_answer_206_and_a_status_cannot_use_it(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    with jobs_held(alice.client):
        media_id = (await upload(alice, media_files.mp4())).json()["id"]
        shown = await alice.get(f"/api/v1/media/{media_id}")
        assert shown.status_code == 206
        assert shown.json()["url"] is None
        updated = await alice.put(f"/api/v1/media/{media_id}", data={"description": "later"})
        assert updated.status_code == 206
        assert updated.json()["description"] == "later"
        status = await alice.post("/api/v1/statuses", json={"status": "", "media_ids": [media_id]})
        assert status.status_code == 422
        assert status.json() == {"error": NOT_READY}
    await services.runner.drain()
    shown = await alice.get(f"/api/v1/media/{media_id}")
    assert shown.status_code == 200 and shown.json()["description"] == "later"
    posted = await alice.post("/api/v1/statuses", json={"status": "", "media_ids": [media_id]})
    assert posted.status_code == 200, posted.text
    [attachment] = posted.json()["media_attachments"]
    assert attachment["url"] == shown.json()["url"]


async def test_a_custom_thumbnail_outlives_processing(make: Factory) -> None:
    alice = await make.person("alice")
    square = io.BytesIO()
    Image.new("RGB", (100, 50), (0, 0, 200)).save(square, "PNG")
    response = await upload(alice, media_files.mp4(), thumbnail=square.getvalue())
    assert response.status_code == 202
    assert response.json()["preview_url"] is not None
    done = (await alice.get(f"/api/v1/media/{response.json()['id']}")).json()
    assert done["preview_url"] == response.json()["preview_url"]
    assert done["meta"]["small"]["size"] == "100x50"
    assert done["meta"]["original"]["size"] == "16x16"


async def test_a_thumbnail_sent_while_processing_is_kept_and_no_other_preview_is_left(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    square = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 200, 0)).save(square, "PNG")
    with jobs_held(alice.client):
        media_id = (await upload(alice, media_files.mp4())).json()["id"]
        thumb = {"thumbnail": ("t.png", square.getvalue(), "image/png")}
        updated = await alice.put(f"/api/v1/media/{media_id}", files=thumb)
        assert updated.status_code == 206
    await services.runner.drain()
    done = (await alice.get(f"/api/v1/media/{media_id}")).json()
    assert done["preview_url"] == updated.json()["preview_url"]
    assert done["meta"]["small"]["size"] == "40x40"
    assert done["meta"]["original"]["size"] == "16x16"
    assert len(stored_files(services)) == 2  # the video and the thumbnail sent


async def test_a_file_that_no_longer_reads_fails_processing(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    with jobs_held(alice.client):
        media_id = (await upload(alice, media_files.mp4())).json()["id"]
    async with services.db.read() as session:
        row = await session.get(MediaAttachment, int(media_id))
    assert row is not None and row.file_path is not None
    MediaStore.of(services.settings).path_of(row.file_path).write_bytes(media_files.FAKE_MP4)
    await services.runner.drain()
    shown = await alice.get(f"/api/v1/media/{media_id}")
    assert shown.status_code == 422 and shown.json() == FAILED
    updated = await alice.put(f"/api/v1/media/{media_id}", data={"description": "x"})
    assert updated.status_code == 422 and updated.json() == FAILED
    status = await alice.post("/api/v1/statuses", json={"status": "", "media_ids": [media_id]})
    assert status.status_code == 422
    assert (await alice.delete(f"/api/v1/media/{media_id}")).status_code == 200


async def test_deleting_while_processing_leaves_no_files(make: Factory, services: Services) -> None:
    alice = await make.person("alice")
    with jobs_held(alice.client):
        response = await upload(alice, media_files.mp4())
        assert response.status_code == 202
        media_id = response.json()["id"]
        assert len(stored_files(services)) == 1
        assert (await alice.delete(f"/api/v1/media/{media_id}")).status_code == 200
    await services.runner.drain()
    assert stored_files(services) == []


async def test_oversized_or_too_fast_video_is_refused_with_mastodon_words(make: Factory) -> None:
    alice = await make.person("alice")
    wide = await upload(alice, media_files.video(width=4096, height=2160, frames=1))
    assert wide.status_code == 422
    assert wide.json() == {"error": "Validation failed: 4096x2160 videos are not supported"}
    fast = await upload(alice, media_files.video(rate=240, frames=3))
    assert fast.status_code == 422
    assert fast.json() == {"error": "Validation failed: 240fps videos are not supported"}


async def test_media_files_are_served_with_nosniff_and_a_sandboxing_policy(
    make: Factory,
) -> None:
    alice = await make.person("alice")
    # a real WebM sent with the claims of a web page
    response = await alice.post(
        "/api/v1/media", files={"file": ("page.html", media_files.webm(), "text/html")}
    )
    assert response.status_code == 200, response.text
    for url in (response.json()["url"], response.json()["preview_url"]):
        file = await served(alice, url)
        assert file.status_code == 200
        assert file.headers["x-content-type-options"] == "nosniff"
        policy = file.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "sandbox" in policy.split("; ")
    file = await served(alice, response.json()["url"])
    assert file.headers["content-type"] == "video/webm"
    assert (await alice.client.head(response.json()["url"].removeprefix(BASE))).headers[
        "content-type"
    ] == "video/webm"


def test_every_extension_media_are_stored_under_is_served_as_its_verified_type() -> None:
    verified = {ext: mime for mime, ext in probe.EXTENSIONS.items()}
    verified.update({ext: mime for mime, ext in _PIL_FORMATS.values()})
    assert {ext: MEDIA_TYPES[ext] for ext in verified} == verified


async def test_processing_answers_match_the_documented_shape(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    with jobs_held(alice.client):
        accepted = assert_response(
            await upload(alice, media_files.mp4()), "/api/v2/media", status=202
        )
        path = f"/api/v1/media/{accepted['id']}"
        assert_response(await alice.get(path), "/api/v1/media/{id}", status=206)
        updated = await alice.put(path, data={"description": "x"})
        assert updated.status_code == 206
        assert_component(updated.json(), "MediaAttachment")
    await services.runner.drain()
    assert_response(await alice.get(path), "/api/v1/media/{id}", status=200)
    audio = await upload(alice, media_files.sound(), version="v1")
    assert_response(audio, "/api/v1/media", status=200)


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(out, kind)
    return out.getvalue()


MAKERS: dict[str, Callable[[], bytes]] = {
    "image/jpeg": lambda: _image("JPEG"),
    "image/png": lambda: _image("PNG"),
    "image/gif": lambda: _image("GIF"),
    "image/webp": lambda: _image("WEBP"),
    "video/mp4": media_files.mp4,
    "video/webm": media_files.webm,
    "video/quicktime": lambda: media_files.video("mov", "libx264"),
    "audio/mpeg": lambda: media_files.sound("mp3", "libmp3lame"),
    "audio/mp3": lambda: media_files.sound("mp3", "libmp3lame"),
    "audio/ogg": media_files.sound,
    "audio/wav": lambda: media_files.sound("wav", "pcm_s16le"),
    "audio/flac": lambda: media_files.sound("flac", "flac"),
    "audio/mp4": lambda: media_files.sound("ipod", "aac"),
    "audio/webm": lambda: media_files.sound("webm", "libopus"),
}


async def test_every_type_the_instance_advertises_is_taken(make: Factory) -> None:
    """A client offers what ``supported_mime_types`` lists; each must upload (HEIC, AVIF and
    AAC were listed and refused)."""
    alice = await make.person()
    instance = (await alice.get("/api/v2/instance")).json()
    advertised = instance["configuration"]["media_attachments"]["supported_mime_types"]
    assert set(advertised) <= set(MAKERS), "advertised with no real file to try"
    for mime in advertised:
        response = await alice.post(
            "/api/v1/media", files={"file": (f"upload.{mime.split('/')[1]}", MAKERS[mime](), mime)}
        )
        assert response.status_code == 200, (mime, response.text)
