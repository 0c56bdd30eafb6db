"""The pages added after the journey, in a real browser at phone width, in Finnish: sign-in,
the OAuth consent page, follow requests of a locked account, quoting a post, and search.
Screenshots go to ``test-artifacts/``; any console error fails the test."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.browser.conftest import ConsoleWatch
from tests.browser.test_journey import assert_fits, choose_language, shoot, sign_up, t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANG = "fi"


def phone(new_page: Any) -> Any:
    page = new_page(width=360, height=780, locale="fi-FI")
    choose_language(page, LANG)
    return page


def test_sign_in_and_consent_pages_in_finnish(
    new_page: Any, server: str, console: ConsoleWatch
) -> None:
    page = phone(new_page)
    page.goto("/auth/sign_in")
    page.get_by_label(t(LANG, "E-mail address or username")).fill("nobody")
    page.get_by_label(t(LANG, "Password"), exact=True).fill("wrong password")
    page.get_by_role("button", name=t(LANG, "Log in")).click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("alert").inner_text() == t(LANG, "Invalid email/username or password.")
    # The refused sign-in is answered 401 on purpose (as the OAuth tests require); chromium
    # logs any 4xx document as "Failed to load resource". That one line is expected.
    console.errors[:] = [e for e in console.errors if not ("401" in e and "/auth/sign_in" in e)]
    shoot(page, "fi-sign-in-phone")
    assert_fits(page, "/auth/sign_in")

    sign_up(page, LANG, "kerttu")
    app = httpx.post(
        f"{server}/api/v1/apps",
        json={
            "client_name": "Kahviappi",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write",
            "website": "https://kahviappi.example",
        },
    ).json()
    page.goto(
        f"/oauth/authorize?client_id={app['client_id']}&response_type=code"
        "&redirect_uri=urn:ietf:wg:oauth:2.0:oob&scope=read+write"
    )
    page.get_by_role("button", name=t(LANG, "Authorize")).wait_for()
    shoot(page, "fi-consent-phone")
    assert_fits(page, "/oauth/authorize")
    page.get_by_role("button", name=t(LANG, "Authorize")).click()
    code = page.locator("#code")
    code.wait_for()
    assert len(code.input_value()) > 20
    shoot(page, "fi-oauth-code-phone")
    assert_fits(page, "/oauth/authorize (code)")


def test_follow_requests_quotes_and_search_in_finnish(new_page: Any) -> None:
    owner = phone(new_page)
    sign_up(owner, LANG, "liisa")
    owner.goto("/settings")
    owner.locator("#locked").check()
    owner.get_by_role("button", name=t(LANG, "Save profile")).click()
    owner.wait_for_load_state()
    owner.goto("/compose")
    owner.get_by_label(t(LANG, "What's on your mind?")).fill("Korvapuustit uunista kello yhdeksän")
    owner.get_by_role("button", name=t(LANG, "Publish")).click()
    owner.wait_for_url(re.compile(r".*/@liisa/\d+$"))
    post_url = owner.url

    fan = phone(new_page)
    sign_up(fan, LANG, "ville")
    fan.goto("/@liisa")
    fan.locator(".follow-form button").click()
    fan.get_by_role("button", name=t(LANG, "Cancel follow request")).wait_for()

    owner.goto("/home")
    owner.get_by_role("link", name=re.compile(t(LANG, "Follow requests"))).click()
    owner.wait_for_url("**/follow_requests")
    shoot(owner, "fi-follow-requests-phone")
    assert_fits(owner, "/follow_requests")
    owner.get_by_role("button", name=f"{t(LANG, 'Approve')}: Ville").click()
    owner.get_by_text(t(LANG, "%(name)s now follows you.") % {"name": "Ville"}).wait_for()

    fan.goto(post_url)
    fan.locator('a[href^="/compose?quote="]').first.click()
    fan.wait_for_url(re.compile(r".*/compose\?quote=\d+"))
    preview = fan.locator(".quoting blockquote.quote")
    assert "Korvapuustit uunista" in preview.inner_text()
    fan.get_by_label(t(LANG, "What's on your mind?")).fill("Nähdään siellä!")
    shoot(fan, "fi-quote-compose-phone")
    assert_fits(fan, "/compose?quote=")
    fan.get_by_role("button", name=t(LANG, "Publish")).click()
    fan.wait_for_url(re.compile(r".*/@ville/\d+$"))
    quoted = fan.locator("#focus blockquote.quote")
    assert "Korvapuustit uunista" in quoted.inner_text()
    shoot(fan, "fi-quote-status-phone")
    assert_fits(fan, "/@ville/:id")

    fan.goto("/search?q=korvapuustit")
    fan.locator("#feed .status", has_text="Korvapuustit uunista").first.wait_for()
    fan.goto("/search?q=lii")
    fan.get_by_role("link", name="Liisa").first.wait_for()
    shoot(fan, "fi-search-phone")
    assert_fits(fan, "/search")
