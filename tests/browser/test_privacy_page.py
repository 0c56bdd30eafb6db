"""The privacy page in a real browser, in Finnish: a person signs up, posts for followers
only, asks for an archive, waits for the job to build it (the page shows the link), downloads
it (the ZIP holds the post), then deletes the account with the password and the typed
username, and lands on the goodbye page signed out. Any console error fails the test."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_journey import PASSWORD, choose_language, shoot, sign_up, t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANG = "fi"
RELOADS = 100


def wait_for_archive(page: Any) -> Any:
    """Reload until the job has built the archive and the page links it."""
    link = page.locator("#download-archive")
    for _ in range(RELOADS):
        if link.count():
            return link
        page.wait_for_timeout(200)
        page.reload()
    raise AssertionError("the archive was never built: " + page.inner_text("#archive"))


def test_request_download_and_delete(new_page: Any, tmp_path: Path) -> None:
    page = new_page(width=1280, locale="fi-FI")
    choose_language(page, LANG)
    sign_up(page, LANG, "helmi")
    page.goto("/compose")
    page.get_by_label(t(LANG, "What's on your mind?")).fill("Vain seuraajille")
    page.locator("#compose-new-visibility").select_option("private")
    page.get_by_role("button", name=t(LANG, "Publish")).click()
    page.wait_for_url(re.compile(r".*/@\w+/\d+$"))

    page.goto("/settings/privacy")
    page.get_by_role("button", name=t(LANG, "Request an archive")).click()
    page.wait_for_url("**/settings/privacy?done=requested")
    link = wait_for_archive(page)
    shoot(page, "privacy-fi")
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "archive.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as zf:
        outbox = json.loads(zf.read("outbox.json"))
    contents = [item["object"]["content"] for item in outbox["orderedItems"]]
    assert contents == ["<p>Vain seuraajille</p>"]

    page.get_by_label(t(LANG, "Your password")).fill(PASSWORD)
    page.locator("#delete-confirmation").fill("helmi")
    page.get_by_role("button", name=t(LANG, "Delete my account permanently")).click()
    page.wait_for_url("**/settings/privacy/deleted")
    assert t(LANG, "Your account was deleted") in page.inner_text("h1")

    page.goto("/settings/privacy")
    page.wait_for_url("**/auth/sign_in**")
