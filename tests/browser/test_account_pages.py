"""The account pages of issue 15 item 4 in a real browser: one person signs up, lets an app
use their account and blocks someone (through the API, as an app would), then walks
bookmarks, favourites and the settings pages at 360 px and 1280 px, in English and Finnish,
revokes the app and unblocks the account from the web (the confirm step opens as a dialog).
Nothing scrolls sideways at 360 px; screenshots go to ``test-artifacts/``; any console error
fails the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.test_journey import PASSWORD, assert_fits, choose_language, shoot, sign_up, t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AUDIT = Path(__file__).with_name("audit.js").read_text()

PAGES = (
    "/bookmarks",
    "/favourites",
    "/settings/filters",
    "/settings/filters/new",
    "/settings/relations",
    "/settings/tags",
    "/settings/apps",
    "/settings/scheduled",
)


def app_token(server: str, username: str) -> str:
    """An app ("Kahviappi") the person signs in to with their password: a token of theirs."""
    app = httpx.post(
        f"{server}/api/v1/apps",
        json={
            "client_name": "Kahviappi",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write follow",
        },
    ).json()
    grant = httpx.post(
        f"{server}/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": f"{username}@example.com",
            "password": PASSWORD,
            "scope": "read write follow",
        },
    )
    assert grant.status_code == 200, grant.text
    return str(grant.json()["access_token"])


def someone_blocked(server: str, token: str) -> None:
    """A second account (signed up through the API), blocked by the person; a filter, a
    followed hashtag and a scheduled post too."""
    auth = {"authorization": f"Bearer {token}"}
    app = httpx.post(
        f"{server}/api/v1/apps",
        json={
            "client_name": "Signup",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write follow",
        },
    ).json()
    app_only = httpx.post(
        f"{server}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read write follow",
        },
    ).json()["access_token"]
    made = httpx.post(
        f"{server}/api/v1/accounts",
        headers={"authorization": f"Bearer {app_only}"},
        json={
            "username": "trollbot",
            "email": "trollbot@example.com",
            "password": PASSWORD,
            "agreement": True,
            "locale": "en",
        },
    )
    assert made.status_code == 200, made.text
    found = httpx.get(f"{server}/api/v1/accounts/lookup?acct=trollbot", headers=auth).json()
    assert httpx.post(f"{server}/api/v1/accounts/{found['id']}/block", headers=auth).is_success
    httpx.post(
        f"{server}/api/v2/filters",
        headers=auth,
        json={
            "title": "Spoilers",
            "context": ["home", "public"],
            "keywords_attributes": [{"keyword": "finale"}, {"keyword": "ending"}],
        },
    )
    httpx.post(f"{server}/api/v1/tags/sauna/follow", headers=auth)
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    httpx.post(
        f"{server}/api/v1/statuses",
        headers=auth,
        json={"status": "Sauna evening on Friday #sauna", "scheduled_at": later},
    )


def edited_post(server: str, token: str) -> str:
    """A post of the person's, edited once: the path of its edit history."""
    auth = {"authorization": f"Bearer {token}"}
    made = httpx.post(f"{server}/api/v1/statuses", headers=auth, json={"status": "Open at 9"})
    status = made.json()
    httpx.put(
        f"{server}/api/v1/statuses/{status['id']}", headers=auth, json={"status": "Open at 10"}
    )
    return f"/@{status['account']['acct']}/{status['id']}/history"


def walk(page: Any, lang: str, label: str, extra: tuple[str, ...] = ()) -> None:
    """Each page answers in ``lang``, names its controls, has alt text and one main."""
    for path in (*PAGES, *extra):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        found = page.evaluate(AUDIT)
        assert (found["unnamed"], found["noAlt"], found["mains"]) == ([], [], 1), path
        name = "history" if path.endswith("/history") else path.strip("/").replace("/", "-")
        if page.viewport_size["width"] <= 360:
            assert_fits(page, path)
        shoot(page, f"{lang}-{name}-{label}")


def test_account_pages_walk_revoke_and_unblock(new_page: Any, server: str) -> None:
    page = new_page(width=360, height=780)
    choose_language(page, "en")
    sign_up(page, "en", "pirjo")
    token = app_token(server, "pirjo")
    someone_blocked(server, token)
    history = edited_post(server, token)
    me = {"authorization": f"Bearer {token}"}

    walk(page, "en", "phone", (history,))
    page.set_viewport_size({"width": 1280, "height": 900})
    walk(page, "en", "desktop", (history,))

    page.goto("/settings/apps")
    page.get_by_role(
        "link", name=t("en", "Revoke access of %(app)s") % {"app": "Kahviappi"}
    ).click()
    page.locator("dialog[open]").wait_for()  # with JavaScript the confirm step is a dialog
    assert page.url.endswith("/settings/apps")
    shoot(page, "en-settings-apps-revoke-dialog-desktop")
    page.get_by_role("button", name=t("en", "Revoke access")).click()
    page.get_by_text(t("en", "The app's access is revoked.")).wait_for()
    assert "Kahviappi" not in page.locator("#apps").inner_text()
    assert httpx.get(f"{server}/api/v1/accounts/verify_credentials", headers=me).status_code == 401

    page.locator(".lang-switch button[value=fi]").click()
    page.wait_for_url("**/settings/apps*")
    assert page.locator("html").get_attribute("lang") == "fi"
    page.set_viewport_size({"width": 360, "height": 780})
    walk(page, "fi", "phone", (history,))
    page.goto("/settings/relations")
    page.get_by_role("link", name=t("fi", "Unblock @%(name)s") % {"name": "trollbot"}).click()
    page.locator("dialog[open]").wait_for()
    assert_fits(page, "/settings/relations (dialog)")
    shoot(page, "fi-settings-relations-unblock-dialog-phone")
    page.get_by_role("button", name=t("fi", "Unblock")).click()
    page.get_by_text(t("fi", "Unblocked.")).wait_for()
    assert t("fi", "You have not blocked anyone.") in page.locator("#blocked").inner_text()
    assert_fits(page, "/settings/relations")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/settings/filters")
    shoot(page, "fi-settings-filters-desktop")
