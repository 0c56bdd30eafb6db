"""``/api/v1/media`` and ``/api/v2/media`` through the HTTP API."""

from __future__ import annotations

import io

from PIL import Image

from porina.services import Services
from porina.storage.files import MediaStore
from tests.factories import Factory
from tests.support import media_files

MEDIA_PREFIX = "http://testserver.local/media/"


def png(width: int = 120, height: int = 80) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (220, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x0112] = 3  # upside down
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (0, 0, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def stored_path(services: Services, url: str) -> bytes:
    assert url.startswith(MEDIA_PREFIX)
    return MediaStore.of(services.settings).path_of(url.removeprefix(MEDIA_PREFIX)).read_bytes()


async def test_v2_upload_returns_a_processed_image_with_absolute_urls(
    make: Factory, services: Services
) -> None:
    alice = await make.person("alice")
    response = await alice.post(
        "/api/v2/media",
        files={"file": ("red.png", png(), "image/png")},
        data={"description": "a red rectangle", "focus": "0.5,-0.25"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["type"] == "image"
    assert body["description"] == "a red rectangle"
    assert body["url"].startswith(MEDIA_PREFIX) and body["preview_url"].startswith(MEDIA_PREFIX)
    assert body["blurhash"]
    assert body["meta"]["original"]["size"] == "120x80"
    assert body["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert Image.open(io.BytesIO(stored_path(services, body["url"]))).size == (120, 80)


async def test_uploaded_file_is_served_under_media(make: Factory) -> None:
    alice = await make.person("alice")
    body = (await alice.post("/api/v1/media", files={"file": ("a.png", png(), "image/png")})).json()
    served = await alice.client.get(body["url"].removeprefix("http://testserver.local"))
    assert served.status_code == 200
    assert Image.open(io.BytesIO(served.content)).size == (120, 80)


async def test_uploaded_jpeg_loses_its_exif(make: Factory, services: Services) -> None:
    alice = await make.person("alice")
    response = await alice.post(
        "/api/v1/media", files={"file": ("p.jpg", jpeg_with_gps(), "image/jpeg")}
    )
    assert response.status_code == 200, response.text
    data = stored_path(services, response.json()["url"])
    assert b"SecretCam" not in data
    assert dict(Image.open(io.BytesIO(data)).getexif()) == {}


async def test_text_file_named_png_is_422(make: Factory) -> None:
    alice = await make.person("alice")
    response = await alice.post(
        "/api/v2/media", files={"file": ("evil.png", b"<?php echo 'hi'; ?>", "image/png")}
    )
    assert response.status_code == 422
    assert response.json() == {"error": "Validation failed: File content type is invalid"}


async def test_image_over_the_limit_is_413(make: Factory, services: Services) -> None:
    services.settings = services.settings.with_(max_image_bytes=200)
    alice = await make.person("alice")
    response = await alice.post(
        "/api/v2/media", files={"file": ("big.png", png(400, 400), "image/png")}
    )
    assert response.status_code == 413
    assert "less than" in response.json()["error"]


async def test_request_body_far_over_every_limit_is_413_before_parsing(
    make: Factory, services: Services
) -> None:
    services.settings = services.settings.with_(max_image_bytes=100, max_video_bytes=100)
    alice = await make.person("alice")
    blob = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (2 * 1024 * 1024)
    response = await alice.post("/api/v2/media", files={"file": ("v.mp4", blob, "video/mp4")})
    assert response.status_code == 413
    assert "error" in response.json()


async def test_missing_file_is_422(make: Factory) -> None:
    alice = await make.person("alice")
    response = await alice.post("/api/v2/media", data={"description": "nothing"})
    assert response.status_code == 422


async def test_description_over_1500_characters_is_422(make: Factory) -> None:
    alice = await make.person("alice")
    response = await alice.post(
        "/api/v2/media",
        files={"file": ("a.png", png(), "image/png")},
        data={"description": "x" * 1501},
    )
    assert response.status_code == 422


async def test_bad_focus_is_422(make: Factory) -> None:
    alice = await make.person("alice")
    response = await alice.post(
        "/api/v2/media", files={"file": ("a.png", png(), "image/png")}, data={"focus": "3,0"}
    )
    assert response.status_code == 422


async def test_upload_needs_a_token_with_write_media(make: Factory) -> None:
    reader = await make.person("reader", scopes="read")
    response = await reader.post("/api/v2/media", files={"file": ("a.png", png(), "image/png")})
    assert response.status_code == 403
    anonymous = await reader.client.post(
        "/api/v2/media", files={"file": ("a.png", png(), "image/png")}
    )
    assert anonymous.status_code == 401


async def test_video_is_stored_with_its_detected_type(make: Factory) -> None:
    alice = await make.person("alice")
    response = await alice.post(
        "/api/v2/media", files={"file": ("clip.bin", media_files.mp4(), "application/octet-stream")}
    )
    assert response.status_code == 202, response.text
    assert response.json()["type"] == "video"
    shown = await alice.get(f"/api/v1/media/{response.json()['id']}")
    assert shown.status_code == 200 and shown.json()["url"].endswith(".mp4")


async def test_owner_can_read_and_update_unattached_media(make: Factory) -> None:
    alice = await make.person("alice")
    media = (
        await alice.post("/api/v2/media", files={"file": ("a.png", png(), "image/png")})
    ).json()
    shown = await alice.get(f"/api/v1/media/{media['id']}")
    assert shown.status_code == 200 and shown.json()["id"] == media["id"]
    updated = await alice.put(
        f"/api/v1/media/{media['id']}", data={"description": "now described", "focus": "-1,1"}
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["description"] == "now described"
    assert updated.json()["meta"]["focus"] == {"x": -1.0, "y": 1.0}


async def test_thumbnail_can_be_replaced(make: Factory, services: Services) -> None:
    alice = await make.person("alice")
    media = (
        await alice.post("/api/v2/media", files={"file": ("a.png", png(), "image/png")})
    ).json()
    updated = await alice.put(
        f"/api/v1/media/{media['id']}", files={"thumbnail": ("t.png", png(1000, 500), "image/png")}
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["preview_url"] != media["preview_url"]
    assert updated.json()["meta"]["small"]["size"] == "640x320"
    old = MediaStore.of(services.settings).path_of(media["preview_url"].removeprefix(MEDIA_PREFIX))
    assert not old.exists()


async def test_someone_elses_media_is_404(make: Factory) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    media = (
        await alice.post("/api/v2/media", files={"file": ("a.png", png(), "image/png")})
    ).json()
    assert (await bob.get(f"/api/v1/media/{media['id']}")).status_code == 404
    assert (
        await bob.put(f"/api/v1/media/{media['id']}", data={"description": "mine"})
    ).status_code == 404
    assert (await bob.delete(f"/api/v1/media/{media['id']}")).status_code == 404
    assert (await alice.get("/api/v1/media/not-an-id")).status_code == 404


async def test_delete_removes_the_record_and_the_files(make: Factory, services: Services) -> None:
    alice = await make.person("alice")
    media = (
        await alice.post("/api/v2/media", files={"file": ("a.png", png(), "image/png")})
    ).json()
    file = MediaStore.of(services.settings).path_of(media["url"].removeprefix(MEDIA_PREFIX))
    assert file.exists()
    response = await alice.delete(f"/api/v1/media/{media['id']}")
    assert response.status_code == 200
    assert response.json() == {}
    assert not file.exists()
    assert (await alice.get(f"/api/v1/media/{media['id']}")).status_code == 404


async def test_attached_media_belongs_to_its_status(make: Factory) -> None:
    """As Mastodon: once posted, GET and PUT /api/v1/media/:id answer 404 (the status's
    media is edited through the status) and DELETE 422, leaving the post intact."""
    alice = await make.person("alice")
    media = (
        await alice.post("/api/v2/media", files={"file": ("a.png", png(), "image/png")})
    ).json()
    status = await alice.status("with a picture", media_ids=[media["id"]])
    assert (await alice.get(f"/api/v1/media/{media['id']}")).status_code == 404
    changed = await alice.put(f"/api/v1/media/{media['id']}", data={"description": "late"})
    assert changed.status_code == 404
    deleted = await alice.delete(f"/api/v1/media/{media['id']}")
    assert deleted.status_code == 422
    assert deleted.json() == {"error": "Media attachment is currently used by a status"}
    shown = (await alice.get(f"/api/v1/statuses/{status['id']}")).json()
    assert [m["id"] for m in shown["media_attachments"]] == [media["id"]]
    assert shown["media_attachments"][0]["description"] is None
