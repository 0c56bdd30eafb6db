"""Calls in a real browser (issue 21, point 3): two chromium contexts with a fake camera and
microphone (``--use-fake-device-for-media-stream --use-fake-ui-for-media-stream``), one in
English, one in Finnish. A video call is placed from a profile, rings, is accepted, and each
side decodes the other's video (``RTCPeerConnection.connectionState`` connected, inbound
``framesDecoded`` rising), then mute, camera off and hang-up; a declined call; a call nobody
answers is missed (the server rings for 4 s here) and the callee is notified.

One ``porina serve`` for the module, people signed up once; no STUN or TURN: both browsers are
on one machine, as calls on one network need none."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from porina.web import i18n
from tests.browser.conftest import ARTIFACTS, CHROMIUM_ARGS, ConsoleWatch
from tests.support.server import free_port, porina, porina_env, serving

pytestmark = [pytest.mark.browser]

PASSWORD = "correct horse battery"
MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
FRAMES = """async () => {
  const pc = window.porinaCall();
  if (!pc) return -1;
  let frames = 0;
  (await pc.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0;
  });
  return frames;
}"""


def t(lang: str, message: str) -> str:
    i18n.activate(lang)
    try:
        return i18n.gettext(message)
    finally:
        i18n.activate(i18n.DEFAULT)


@dataclass
class Person:
    name: str
    id: str
    lang: str
    state: dict[str, Any]


@pytest.fixture(scope="module")
def calls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("porina-calls")
    env = porina_env(
        data_dir, free_port(), PORINA_RATE_LIMITS="false", PORINA_CALL_RING_SECONDS="4"
    )
    porina(env, "migrate")
    log = data_dir / "serve.log"
    try:
        with serving(env, log, ready_path="/about") as base:
            yield base
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        if log.exists():
            shutil.copyfile(log, ARTIFACTS / "browser-calls-server.log")


@pytest.fixture(scope="module")
def media_chromium(chromium: Any, chromium_path: str) -> Iterator[Any]:
    """A chromium of the session's Playwright with a fake camera and microphone."""
    browser = chromium.browser_type.launch(
        executable_path=chromium_path, args=[*CHROMIUM_ARGS, *MEDIA], headless=True
    )
    yield browser
    browser.close()


def _sign_up(server: str, chromium: Any, app: str, name: str, lang: str) -> tuple[Person, str]:
    with httpx.Client(base_url=server, timeout=30) as http:
        made = http.post(
            "/api/v1/accounts",
            headers={"Authorization": f"Bearer {app}"},
            data={
                "username": name,
                "email": f"{name}@example.com",
                "password": PASSWORD,
                "agreement": "true",
                "locale": lang,
            },
        )
        assert made.status_code == 200, made.text
        token = made.json()["access_token"]
        me = http.get(
            "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
        ).json()
    context = chromium.new_context(base_url=server)
    page = context.new_page()
    page.goto("/auth/sign_in")
    page.locator("#login").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r".*/home$"))
    state = context.storage_state()
    context.close()
    return Person(name, str(me["id"]), lang, state), token


def _app(server: str) -> str:
    with httpx.Client(base_url=server, timeout=30) as http:
        app = http.post(
            "/api/v1/apps",
            data={
                "client_name": "calls",
                "scopes": "read write follow",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            },
        ).json()
        token = http.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "scope": "read write follow",
            },
        ).json()
    return str(token["access_token"])


@pytest.fixture(scope="module")
def pair(calls_server: str, media_chromium: Any) -> tuple[Person, Person, str]:
    """Aino (English) and Olli (Finnish) follow each other; Olli's API token."""
    server = calls_server
    app = _app(server)
    aino, aino_token = _sign_up(server, media_chromium, app, "ainocalls", "en")
    olli, olli_token = _sign_up(server, media_chromium, app, "ollicalls", "fi")
    for token, other in ((aino_token, olli), (olli_token, aino)):
        with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}) as api:
            assert api.post(f"/api/v1/accounts/{other.id}/follow").status_code == 200
    return aino, olli, olli_token


@pytest.fixture
def open_as(media_chromium: Any, calls_server: str) -> Iterator[Any]:
    contexts: list[Any] = []
    console = ConsoleWatch()

    def make(person: Person, path: str) -> Any:
        context = media_chromium.new_context(
            base_url=calls_server,
            storage_state=person.state,
            viewport={"width": 1280, "height": 800},
            permissions=["camera", "microphone"],
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        console.attach(page)
        page.goto(path)
        page.wait_for_function("() => document.getElementById('call-ui').dataset.live === 'open'")
        return page

    yield make
    for context in contexts:
        context.close()
    assert console.errors == [], "browser console errors:\n" + "\n".join(console.errors)


def _status(page: Any, person: Person, words: str) -> None:
    expect(page.locator("#call-status")).to_have_text(t(person.lang, words))


def _ring(caller: Any, callee: Any, aino: Person, olli: Person, kind: str = "Video call") -> None:
    caller.get_by_role("button", name=t(aino.lang, kind)).first.click()
    _status(caller, aino, "Calling…")
    _status(callee, olli, "Calling you…")
    expect(callee.locator("#call-peer")).to_have_text(aino.name)


def _frames_rise(page: Any) -> None:
    page.wait_for_function(f"async () => (await ({FRAMES})()) > 0")
    first = page.evaluate(FRAMES)
    page.wait_for_function(f"async () => (await ({FRAMES})()) > {first}")


def test_a_video_call_connects_both_ways_and_hangs_up(
    open_as: Any, pair: tuple[Person, Person, str]
) -> None:
    aino, olli, _ = pair
    caller = open_as(aino, f"/@{olli.name}")
    callee = open_as(olli, "/home")
    _ring(caller, callee, aino, olli)
    callee.locator("#call-accept").click()
    for page, person in ((caller, aino), (callee, olli)):
        page.wait_for_function("() => window.porinaCall()?.connectionState === 'connected'")
        _status(page, person, "Connected")
        _frames_rise(page)
    caller.screenshot(path=str(ARTIFACTS / "call-connected-en.png"))
    callee.screenshot(path=str(ARTIFACTS / "call-connected-fi.png"))
    mute, camera = caller.locator("#call-mute"), caller.locator("#call-camera")
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    expect(mute).to_have_text(t("en", "Unmute"))
    camera.click()
    expect(camera).to_have_attribute("aria-pressed", "true")
    assert caller.evaluate(
        "() => document.getElementById('call-local').srcObject.getTracks().every((t) => !t.enabled)"
    )
    caller.locator("#call-hangup").click()
    _status(caller, aino, "Call ended")
    _status(callee, olli, "Call ended")
    assert callee.evaluate("() => window.porinaCall()") is None


def test_a_declined_call_and_a_missed_one(
    open_as: Any, pair: tuple[Person, Person, str], calls_server: str
) -> None:
    aino, olli, olli_token = pair
    caller = open_as(aino, f"/@{olli.name}")
    callee = open_as(olli, "/home")
    _ring(caller, callee, aino, olli, "Voice call")
    callee.locator("#call-decline").click()
    _status(caller, aino, "Declined")
    caller.locator("#call-close").click()
    _ring(caller, callee, aino, olli)
    _status(caller, aino, "Missed call")  # nobody answered within the ringing time
    _status(callee, olli, "Missed call")
    auth = {"Authorization": f"Bearer {olli_token}"}
    with httpx.Client(base_url=calls_server, headers=auth) as api:
        notes = api.get("/api/v1/notifications", params={"types[]": "porina.missed_call"}).json()
    assert [n["account"]["acct"] for n in notes] == [aino.name]
    callee.goto("/notifications")
    expect(
        callee.get_by_text(t("fi", "You missed a call from %(name)s") % {"name": aino.name})
    ).to_be_visible()
