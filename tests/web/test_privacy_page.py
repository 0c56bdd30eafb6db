"""The privacy page: ask for an archive (once a week), watch it built by the job, download it
(only its owner; a 404 for anyone else, signed in or not), and delete the account after the
password and the typed username; in Finnish too."""

from __future__ import annotations

import html
import io
import json
import zipfile
from typing import Any

import httpx

from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import Browser, text_of


def words(page: str) -> str:
    return html.unescape(text_of(page))


async def test_signed_out_goes_to_sign_in(browser: Browser) -> None:
    response = await browser.get("/settings/privacy")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/auth/sign_in")


async def test_request_build_and_download_an_archive(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    await alice.status("my own words", visibility="private")
    browser = await signed_in(alice)

    first = words((await browser.get("/settings/privacy")).text)
    assert "Request an archive" in first and "Delete your account" in first

    asked = await browser.post("/settings/privacy/archive")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/settings/privacy?done=requested"
    page = await browser.get("/settings/privacy?done=requested")
    shown = words(page.text)
    assert "Your archive is being prepared" in shown
    assert "Your archive is ready. You can download it until" in shown
    assert "Request an archive" not in shown  # once a week
    link = page.text.split('id="download-archive" href="')[1].split('"')[0]

    download = await browser.get(link)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert "no-store" in download.headers["cache-control"]
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    outbox = json.loads(archive.read("outbox.json"))
    assert [i["object"]["content"] for i in outbox["orderedItems"]] == ["<p>my own words</p>"]
    assert json.loads(archive.read("actor.json"))["preferredUsername"] == "alice"

    again = await browser.post("/settings/privacy/archive")
    assert again.status_code == 429
    assert "You can ask for an archive once every seven days." in words(again.text)

    notifications = words((await browser.get("/notifications")).text)
    assert "Your data archive is ready to download" in notifications


async def test_nobody_else_can_download_it(
    make: Factory, signed_in: Any, client: httpx.AsyncClient
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    browser = await signed_in(alice)
    await browser.post("/settings/privacy/archive")
    page = await browser.get("/settings/privacy")
    link = page.text.split('id="download-archive" href="')[1].split('"')[0]
    assert (await browser.get(link)).status_code == 200

    bob_browser = await signed_in(bob)  # the same client, now bob's session
    assert (await bob_browser.get(link)).status_code == 404
    assert (await bob_browser.get("/settings/privacy/archive/1")).status_code == 404
    assert (await bob_browser.get("/settings/privacy/archive/nonsense")).status_code == 404
    assert (await bob.get(link)).status_code in (303, 401, 404)  # a token is not a session
    client.cookies.clear()
    anonymous = await client.get(link, headers={"accept": "text/html"}, follow_redirects=False)
    assert anonymous.status_code == 303 and "/auth/sign_in" in anonymous.headers["location"]


async def test_delete_account_needs_password_and_username(
    make: Factory, signed_in: Any, services: Services
) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    secret = await alice.status("@bob only for you", visibility="direct")
    browser = await signed_in(alice)

    wrong = await browser.post(
        "/settings/privacy/delete", {"password": "nope", "confirmation": "alice"}
    )
    assert wrong.status_code == 422
    assert "The password is not correct." in words(wrong.text)
    typo = await browser.post(
        "/settings/privacy/delete",
        {"password": "correct horse battery", "confirmation": "alicia"},
    )
    assert typo.status_code == 422
    assert "Type your username exactly as shown to confirm." in words(typo.text)
    assert (await alice.get("/api/v1/accounts/verify_credentials")).status_code == 200

    done = await browser.post(
        "/settings/privacy/delete",
        {"password": "correct horse battery", "confirmation": "alice"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/settings/privacy/deleted"
    assert (
        "porina_session" not in done.headers.get("set-cookie", "")
        or "Max-Age=0" in (done.headers.get("set-cookie", ""))
        or "expires" in done.headers.get("set-cookie", "").lower()
    )
    bye = await browser.get("/settings/privacy/deleted")
    assert "Your account was deleted" in words(bye.text)
    assert (await browser.get("/settings/privacy")).status_code == 303  # signed out
    assert (await alice.get("/api/v1/accounts/verify_credentials")).status_code == 401
    again = await browser.post(
        "/auth/sign_in", {"login": "alice@example.com", "password": "correct horse battery"}
    )
    assert again.status_code in (401, 422)  # the password no longer signs anyone in
    again = await browser.post("/auth/sign_in", {"login": "alice", "password": "!deleted"})
    assert again.status_code in (401, 422)
    assert (await bob.get(f"/api/v1/statuses/{secret['id']}")).status_code == 404


async def test_in_finnish(make: Factory, signed_in: Any) -> None:
    aino = await make.person("aino", locale="fi")
    browser = await signed_in(aino)
    page = words((await browser.get("/settings/privacy")).text)
    assert "Yksityisyys ja tiedot" in page and "Pyydä arkisto" in page
    assert "Poista tilisi" in page
    await browser.post("/settings/privacy/archive")
    ready = words((await browser.get("/settings/privacy")).text)
    assert "Arkistosi on valmis" in ready
    refused = await browser.post("/settings/privacy/archive")
    assert "Voit pyytää arkiston kerran viikossa." in words(refused.text)
