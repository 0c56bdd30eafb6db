"""Sign-up names every problem of a refused form at once, each next to its field (linked by
aria-describedby, the field aria-invalid) and in a summary at the top that links to the fields;
what was typed stays, except the passwords."""

from __future__ import annotations

from html.parser import HTMLParser

from porina.services import Services
from porina.settings import Settings
from tests.factories import Factory
from tests.web.conftest import Browser, text_of


class Elements(HTMLParser):
    """Every element with an id: its tag's attributes; and the summary's link targets."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str]] = {}
        self.texts: dict[str, str] = {}
        self.summary_links: list[str] = []
        self._open: list[str] = []
        self._in_summary = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "id" in found:
            self.by_id[found["id"]] = found
            self.texts[found["id"]] = ""
            if tag == "span":
                self._open.append(found["id"])
        if found.get("id") == "error-summary":
            self._in_summary = True
        if self._in_summary and tag == "a":
            self.summary_links.append(found["href"])
        if tag == "form":
            self._in_summary = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for key in self._open:
            self.texts[key] += data


def described_by(page: Elements, field: str) -> list[str]:
    return page.by_id[field].get("aria-describedby", "").split()


BAD = {
    "display_name": "Kaisa K",
    "username": "kaisa k!",
    "email": "taken@example.com",
    "password": "short",
    "password_confirmation": "other",
}


async def test_every_problem_is_shown_at_once_and_the_typed_values_stay(
    browser: Browser, make: Factory
) -> None:
    await make.person("taken")
    response = await browser.post("/auth/sign_up", BAD)
    assert response.status_code == 422
    page = Elements(response.text)
    expected = {
        "username": "A username may have only letters, numbers and underscores, at most 30.",
        "email": "An account with this e-mail address already exists.",
        "password": "The password needs at least 8 characters.",
        "agreement": "Please accept the server rules to continue.",
    }
    for field, message in expected.items():
        assert page.texts[f"{field}-error"].strip() == message
        assert f"{field}-error" in described_by(page, field)
        assert page.by_id[field]["aria-invalid"] == "true"
    assert page.summary_links == ["#username", "#email", "#password", "#agreement"]
    assert "Please fix these 4 things to continue:" in text_of(response.text)
    assert "aria-invalid" not in page.by_id["display_name"]
    assert "username-help" in described_by(page, "username")
    assert page.by_id["display_name"]["value"] == "Kaisa K"
    assert page.by_id["username"]["value"] == "kaisa k!"
    assert page.by_id["email"]["value"] == "taken@example.com"
    assert "value" not in page.by_id["password"]
    assert "value" not in page.by_id["password_confirmation"]
    assert "short" not in response.text


async def test_mismatch_taken_username_and_kept_agreement_in_finnish(
    browser: Browser, make: Factory
) -> None:
    await make.person("taken")
    await browser.post("/lang", {"lang": "fi"})
    form = {
        "username": "Taken",
        "email": "not-an-address",
        "password": "correct horse battery",
        "password_confirmation": "correct horse batterx",
        "agreement": "1",
    }
    response = await browser.post("/auth/sign_up", form)
    assert response.status_code == 422
    page = Elements(response.text)
    assert page.texts["username-error"].strip() == "Käyttäjänimi on jo käytössä."
    assert page.texts["email-error"].strip() == (
        "Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi."
    )
    assert page.texts["password_confirmation-error"].strip() == "Salasanat eivät täsmää."
    assert "password-error" not in page.by_id
    assert page.summary_links == ["#username", "#email", "#password_confirmation"]
    assert "Korjaa nämä 3 kohtaa jatkaaksesi:" in text_of(response.text)
    assert "checked" in page.by_id["agreement"]
    assert page.by_id["username"]["value"] == "Taken"


async def test_an_empty_form_asks_for_each_field_and_a_good_one_still_signs_up(
    browser: Browser,
) -> None:
    response = await browser.post("/auth/sign_up", {})
    assert response.status_code == 422
    page = Elements(response.text)
    assert page.texts["username-error"].strip() == "Choose a username."
    assert page.texts["email-error"].strip() == "Enter your e-mail address."
    assert "Please fix these 4 things to continue:" in text_of(response.text)
    good = {
        "username": "kaisa",
        "email": "kaisa@example.com",
        "password": "correct horse battery",
        "password_confirmation": "correct horse battery",
        "agreement": "1",
    }
    response = await browser.post("/auth/sign_up", good)
    assert response.status_code == 303
    assert response.headers["location"] == "/home"


async def test_the_sign_up_page_has_no_errors_before_a_post(browser: Browser) -> None:
    response = await browser.get("/auth/sign_up")
    assert response.status_code == 200
    page = Elements(response.text)
    assert "error-summary" not in page.by_id
    assert "aria-invalid" not in page.by_id["username"]
    assert described_by(page, "username") == ["username-help"]


GOOD = {
    "username": "kaisa",
    "email": "kaisa@example.com",
    "password": "correct horse battery",
    "password_confirmation": "correct horse battery",
    "agreement": "1",
}


async def test_closed_registrations_refuse_a_web_sign_up(
    browser: Browser, settings: Settings, services: Services
) -> None:
    services.settings = settings.with_(registrations="closed")
    await browser.post("/lang", {"lang": "fi"})
    response = await browser.post("/auth/sign_up", GOOD)
    assert response.status_code == 422
    assert "Tälle palvelimelle ei voi nyt rekisteröityä." in text_of(response.text)
    assert "porina_session=" not in response.headers.get("set-cookie", "")


async def test_a_sign_up_awaiting_approval_is_not_signed_in(
    browser: Browser, settings: Settings, services: Services
) -> None:
    services.settings = settings.with_(registrations="approval")
    response = await browser.post("/auth/sign_up", GOOD)
    assert response.status_code == 200
    assert "A moderator will look at your sign-up." in text_of(response.text)
    assert "porina_session=" not in response.headers.get("set-cookie", "")
    home = await browser.get("/home")
    assert home.status_code == 303


async def test_a_display_name_longer_than_a_profile_allows_is_refused(browser: Browser) -> None:
    response = await browser.post("/auth/sign_up", {**GOOD, "display_name": "K" * 31})
    assert response.status_code == 422
    page = Elements(response.text)
    assert page.texts["display_name-error"].strip() == (
        "The display name can be at most 30 characters."
    )
    assert page.by_id["display_name"]["value"] == "K" * 31
