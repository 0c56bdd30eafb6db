"""The compose page takes a video as the API's v1 does: verified and processed at once, so the
post shows it playable with its preview; a file that only looks like a video is refused."""

from __future__ import annotations

from typing import Any

from porina.services import Services
from tests.factories import Factory
from tests.support import media_files
from tests.web.conftest import Browser, text_of


async def compose(browser: Browser, data: bytes, name: str, content_type: str) -> Any:
    await browser.get("/compose")
    return await browser.client.post(
        "/compose",
        data={
            "_csrf_token": browser.token(),
            "status": "A clip",
            "visibility": "public",
            "media_1_description": "Five frames",
            "poll_option": ["", "", "", ""],
            "poll_expires_in": "86400",
        },
        files={"media_1": (name, data, content_type)},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )


async def test_compose_with_a_video_posts_it_playable_with_a_preview(
    make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice")
    browser = await signed_in(alice)
    response = await compose(browser, media_files.mp4(), "clip.mp4", "video/mp4")
    assert response.status_code == 303, text_of(response.text)[:1500]
    page = await browser.get(response.headers["location"])
    assert "<video" in page.text
    [status] = (await alice.get(f"/api/v1/accounts/{alice.id}/statuses")).json()
    [video] = status["media_attachments"]
    assert video["type"] == "video" and video["url"].endswith(".mp4")
    assert video["preview_url"].endswith(".jpg")
    assert f'src="{video["url"]}"' in page.text
    assert f'poster="{video["preview_url"]}"' in page.text


async def test_compose_with_a_fake_video_is_refused_and_posts_nothing(
    make: Factory, signed_in: Any, services: Services
) -> None:
    alice = await make.person("alice")
    browser = await signed_in(alice)
    response = await compose(browser, media_files.FAKE_MP4, "clip.mp4", "video/mp4")
    assert response.status_code == 422
    assert (await alice.get(f"/api/v1/accounts/{alice.id}/statuses")).json() == []
    assert not any(p.is_file() for p in services.settings.media_dir.rglob("*"))
