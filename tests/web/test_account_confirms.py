"""Block, mute and remove follower ask first (issue 15, item 7): the profile's account menu
leads to a confirm step; cancelling changes nothing, confirming does the action."""

from __future__ import annotations

from typing import Any

from porina.accounts import queries as accounts
from porina.services import Services
from tests.factories import Factory
from tests.web.conftest import text_of


async def _relationship(services: Services, me_id: str, other_id: str) -> Any:
    async with services.db.read() as session:
        return await accounts.relationship(session, int(me_id), int(other_id))


async def test_the_profile_menu_asks_before_blocking_muting_or_removing_a_follower(
    services: Services, make: Factory, signed_in: Any
) -> None:
    me, fan = await make.person("me"), await make.person("fan")
    await fan.follow(me)
    browser = await signed_in(me)
    page = await browser.get("/@fan")
    for action in ("mute", "block", "remove_follower"):
        assert f'href="/web/accounts/{fan.id}/{action}/confirm" data-confirm=' in page.text
        dialog = page.text.split(f'action="/web/accounts/{fan.id}/{action}"', 1)[1]
        assert 'name="_csrf_token"' in dialog.split("</form>", 1)[0]  # the dialog's form posts
    asked = await browser.get(f"/web/accounts/{fan.id}/block/confirm")
    assert asked.status_code == 200
    assert "Block @fan?" in text_of(asked.text)
    assert 'href="/@fan">Cancel</a>' in asked.text
    assert not (await _relationship(services, me.id, fan.id)).blocking  # asking changes nothing
    done = await browser.post(f"/web/accounts/{fan.id}/block", {"next": "/@fan"})
    assert done.status_code == 303 and done.headers["location"] == "/@fan"
    assert (await _relationship(services, me.id, fan.id)).blocking
    again = await browser.get("/@fan")
    assert f'action="/web/accounts/{fan.id}/unblock"' in again.text


async def test_removing_a_follower_after_confirming(
    services: Services, make: Factory, signed_in: Any
) -> None:
    me, fan = await make.person("me"), await make.person("fan")
    await fan.follow(me)
    browser = await signed_in(me)
    asked = await browser.get(f"/web/accounts/{fan.id}/remove_follower/confirm")
    assert "Remove @fan from your followers?" in text_of(asked.text)
    assert (await _relationship(services, me.id, fan.id)).followed_by
    await browser.post(f"/web/accounts/{fan.id}/remove_follower", {"next": "/@fan"})
    assert not (await _relationship(services, me.id, fan.id)).followed_by
    page = await browser.get("/@fan")
    assert "/remove_follower/confirm" not in page.text  # no longer a follower to remove


async def test_confirm_pages_need_a_known_action_and_account(make: Factory, signed_in: Any) -> None:
    me, other = await make.person("me"), await make.person("other")
    browser = await signed_in(me)
    assert (await browser.get(f"/web/accounts/{other.id}/explode/confirm")).status_code == 404
    assert (await browser.get("/web/accounts/123456789/block/confirm")).status_code == 404
    muted = await browser.get(f"/web/accounts/{other.id}/mute/confirm")
    assert "Mute @other?" in text_of(muted.text)


async def test_a_posts_menu_asks_before_muting_or_blocking_its_author_and_comes_back(
    services: Services, make: Factory, signed_in: Any
) -> None:
    me, loud = await make.person("me"), await make.person("loud")
    await me.follow(loud)
    await loud.status("very loud post")
    browser = await signed_in(me)
    home = await browser.get("/home")
    for action in ("mute", "block"):
        assert f'href="/web/accounts/{loud.id}/{action}/confirm?next=/home"' in home.text
    mine = await me.status("my own post")
    own = await browser.get(f"/@me/{mine['id']}")
    assert f"/web/accounts/{me.id}/block/confirm" not in own.text  # not oneself
    asked = await browser.get(f"/web/accounts/{loud.id}/mute/confirm?next=/home")
    assert 'href="/home">Cancel</a>' in asked.text
    assert '<input type="hidden" name="next" value="/home">' in asked.text
    away = await browser.get(f"/web/accounts/{loud.id}/mute/confirm?next=https://evil.example/")
    assert 'href="/@loud">Cancel</a>' in away.text
    done = await browser.post(f"/web/accounts/{loud.id}/mute", {"next": "/home"})
    assert done.headers["location"] == "/home"
    assert (await _relationship(services, me.id, loud.id)).muting
    assert "very loud post" not in (await browser.get("/home")).text
