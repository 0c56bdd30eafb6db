"""Filters pages: create a filter with keywords, where it applies, what it does and when it
ends; edit its keywords (change, whole word, remove, add) and settings; delete after a
confirm step (interactions.filters, as /api/v2/filters); errors keep what was typed;
someone else's filter is a 404; in Finnish too."""

from __future__ import annotations

import html
from typing import Any

from tests.factories import Factory, Person
from tests.web.conftest import text_of as raw_text


def text_of(page: str) -> str:
    return html.unescape(raw_text(page))


async def only_filter(person: Person) -> dict[str, Any]:
    found = (await person.get("/api/v2/filters")).json()
    assert len(found) == 1
    return dict(found[0])


async def test_signed_out_goes_to_sign_in(browser: Any) -> None:
    for path in ("/settings/filters", "/settings/filters/new"):
        response = await browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/auth/sign_in")


async def test_create_edit_and_delete(make: Factory, signed_in: Any) -> None:
    alice, carol = await make.person("alice"), await make.person("carol")
    await alice.follow(carol)
    browser = await signed_in(alice)
    assert "You have no filters." in text_of((await browser.get("/settings/filters")).text)
    form = await browser.get("/settings/filters/new")
    assert form.status_code == 200 and 'name="new_0"' in form.text

    made = await browser.post(
        "/settings/filters",
        {
            "title": "Spoilers",
            "new_0": "finale",
            "new_0_whole": "1",
            "new_1": "ending",
            "new_2": "",
            "context": ["home", "thread"],
            "action": "hide",
            "expires_in": "86400",
        },
    )
    assert made.status_code == 303 and made.headers["location"] == "/settings/filters?done=saved"
    stored = await only_filter(alice)
    assert stored["title"] == "Spoilers" and stored["filter_action"] == "hide"
    assert sorted(stored["context"]) == ["home", "thread"]
    assert stored["expires_at"] is not None
    kws = {k["keyword"]: k for k in stored["keywords"]}
    assert kws["finale"]["whole_word"] is True and kws["ending"]["whole_word"] is False

    listed = text_of((await browser.get("/settings/filters")).text)
    assert "Spoilers" in listed and "Hide completely" in listed and "2 keywords:" in listed

    await carol.status("No spoilers: the finale was wild")
    home = text_of((await browser.get("/home")).text)
    assert "the finale was wild" not in home

    fid = stored["id"]
    edit = await browser.get(f"/settings/filters/{fid}")
    assert edit.status_code == 200 and 'value="finale"' in edit.text
    changed = await browser.post(
        f"/settings/filters/{fid}",
        {
            "title": "TV spoilers",
            f"kw_{kws['finale']['id']}": "season finale",
            f"kw_{kws['finale']['id']}_whole": "1",
            f"kw_{kws['ending']['id']}": "ending",
            f"kw_{kws['ending']['id']}_remove": "1",
            "new_0": "cliffhanger",
            "context": ["home"],
            "action": "warn",
            "expires_in": "",
        },
    )
    assert changed.status_code == 303
    stored = await only_filter(alice)
    assert stored["title"] == "TV spoilers" and stored["filter_action"] == "warn"
    assert stored["context"] == ["home"] and stored["expires_at"] is None
    assert sorted(k["keyword"] for k in stored["keywords"]) == ["cliffhanger", "season finale"]

    confirm = await browser.get(f"/settings/filters/{fid}/delete")
    assert confirm.status_code == 200
    assert "Delete the filter “TV spoilers”?" in text_of(confirm.text)
    assert len((await alice.get("/api/v2/filters")).json()) == 1
    deleted = await browser.post(f"/settings/filters/{fid}/delete")
    assert deleted.status_code == 303
    assert (await alice.get("/api/v2/filters")).json() == []


async def test_errors_keep_what_was_typed(make: Factory, signed_in: Any) -> None:
    alice = await make.person("alice")
    browser = await signed_in(alice)
    blank = await browser.post(
        "/settings/filters", {"title": "Work", "new_0": "meeting", "action": "warn"}
    )
    assert blank.status_code == 422
    assert 'role="alert"' in blank.text and 'value="Work"' in blank.text
    assert (await alice.get("/api/v2/filters")).json() == []
    bad_expiry = await browser.post(
        "/settings/filters", {"title": "Work", "context": "home", "expires_in": "-5"}
    )
    assert bad_expiry.status_code == 422


async def test_someone_elses_filter_is_not_found(make: Factory, signed_in: Any) -> None:
    alice, bob = await make.person("alice"), await make.person("bob")
    made = await bob.post(
        "/api/v2/filters",
        json={"title": "Bob's", "context": ["home"], "keywords_attributes": [{"keyword": "x"}]},
    )
    fid = made.json()["id"]
    browser = await signed_in(alice)
    assert "Bob's" not in text_of((await browser.get("/settings/filters")).text)
    assert (await browser.get(f"/settings/filters/{fid}")).status_code == 404
    assert (await browser.get(f"/settings/filters/{fid}/delete")).status_code == 404
    assert (await browser.post(f"/settings/filters/{fid}/delete")).status_code == 404
    update = await browser.post(
        f"/settings/filters/{fid}", {"title": "mine now", "context": "home", "action": "warn"}
    )
    assert update.status_code == 404
    assert (await only_filter(bob))["title"] == "Bob's"


async def test_in_finnish(make: Factory, signed_in: Any) -> None:
    aino = await make.person("aino", locale="fi")
    browser = await signed_in(aino)
    page = text_of((await browser.get("/settings/filters")).text)
    assert "Suodattimet" in page and "Uusi suodatin" in page
    form = text_of((await browser.get("/settings/filters/new")).text)
    assert "Avainsanat" in form and "Piilota kokonaan" in form and "Kokonainen sana" in form
