"""'Notifications on this device' in a real browser, EN and FI, at 360 and 1280 px.

Headless chromium has no push service to reach offline, so ``PushManager.subscribe`` cannot
succeed here (the subscription itself is tested end to end in tests/web/test_web_push.py, with
a local push service that decrypts). What is tested is what a browser does on its own: the
switch registers the service worker at scope ``/``; a real ``PushEvent`` dispatched inside
that worker shows a notification with the payload's title, body, tag and page; and in a
context without the notifications permission, the page says notifications are blocked."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import ConsoleWatch
from tests.browser.test_axe import violations
from tests.browser.test_journey import choose_language, shoot, sign_up, t

pytestmark = [pytest.mark.browser]

INCOGNITO = "Chrome currently does not support the Push API in incognito mode"
PAYLOAD = {
    "access_token": "",
    "preferred_locale": "en",
    "notification_id": 4242,
    "notification_type": "mention",
    "icon": "/static/icon-192.png",
    "title": "You were mentioned by Bob B",
    "body": "@alice lunch at noon?",
    "url": "/@bob/4243",
}

PUSH = """async (payload) => {
  self.dispatchEvent(new PushEvent("push", { data: payload }));
  for (let i = 0; i < 100; i++) {
    const shown = await self.registration.getNotifications({ tag: "porina-4242" });
    if (shown.length) {
      const n = shown[0];
      return { title: n.title, body: n.body, tag: n.tag, icon: n.icon, url: n.data.url };
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  return null;
}"""


def _fits(page: Any) -> None:
    """Nothing on the page is wider than the window."""
    wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{wide}px too wide"


def _open_settings(page: Any, lang: str, name: str) -> None:
    choose_language(page, lang)
    sign_up(page, lang, name)
    page.goto("/settings/notifications")
    assert page.locator("h1").inner_text() == t(lang, "Notifications on this device")


@pytest.mark.parametrize(("lang", "width"), [("en", 1280), ("fi", 360)])
def test_the_switch_registers_the_worker_that_shows_a_push(
    new_page: Any, server: str, console: ConsoleWatch, lang: str, width: int
) -> None:
    page = new_page(width=width, locale="fi-FI" if lang == "fi" else "en-US")
    page.context.grant_permissions(["notifications"], origin=server)
    _open_settings(page, lang, f"push{lang}")
    state = page.locator("#push-state")
    toggle = page.get_by_role("switch", name=t(lang, "Show notifications on this device"))
    assert state.inner_text() == t(lang, "Notifications are off for this device.")
    assert toggle.is_enabled() and not toggle.is_checked()
    _fits(page)
    shoot(page, f"push-settings-{lang}-{width}")

    with page.context.expect_event("serviceworker") as registered:
        toggle.click()
    worker = registered.value
    assert worker.url == f"{server}/sw.js"
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{server}/"
    # No push service offline: the subscription fails and the page says so.
    failed = t(
        lang,
        "Your browser could not turn on notifications. Check that it is online and "
        "try again later.",
    )
    page.wait_for_function(
        "(text) => document.getElementById('push-state').textContent === text", arg=failed
    )
    assert not toggle.is_checked()
    # Chromium says why on the console (a Playwright context is incognito): that is the
    # expected refusal, not a page error.
    refusals = [e for e in console.errors if INCOGNITO in e]
    assert len(refusals) == 1
    console.errors.remove(refusals[0])

    shown = worker.evaluate(PUSH, json.dumps(PAYLOAD))
    assert shown == {
        "title": "You were mentioned by Bob B",
        "body": "@alice lunch at noon?",
        "tag": "porina-4242",
        "icon": f"{server}/static/icon-192.png",
        "url": f"{server}/@bob/4243",
    }
    page.set_viewport_size({"width": 1280 if width == 360 else 360, "height": 800})
    _fits(page)


@pytest.mark.parametrize(("lang", "width"), [("en", 360), ("fi", 1280)])
def test_blocked_notifications_are_explained(
    chromium: Any, server: str, console: ConsoleWatch, lang: str, width: int
) -> None:
    """A context without the notifications permission: the browser refuses, the page says so
    and how to allow them; axe finds nothing serious on the page (CSP bypassed to inject it)."""
    context = chromium.new_context(
        base_url=server,
        viewport={"width": width, "height": 900},
        locale="fi-FI" if lang == "fi" else "en-US",
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    console.attach(page)
    try:
        _blocked(page, lang, width)
    finally:
        context.close()
    assert console.errors == []


def _blocked(page: Any, lang: str, width: int) -> None:
    _open_settings(page, lang, f"blocked{lang}")
    toggle = page.locator("#push-toggle")
    assert t(lang, "Notifications are off for this device.") == page.inner_text("#push-state")
    toggle.click()  # not asked yet: the browser asks, and it is refused
    denied = t(
        lang,
        "Notifications from this site are blocked in your browser. Allow them in the "
        "browser\N{RIGHT SINGLE QUOTATION MARK}s site settings, then turn this on again.",
    )
    page.wait_for_function(
        "(text) => document.getElementById('push-state').textContent === text", arg=denied
    )
    assert not toggle.is_checked() and toggle.is_disabled()
    _fits(page)
    shoot(page, f"push-blocked-{lang}-{width}")
    assert violations(page, "/settings/notifications") == []
