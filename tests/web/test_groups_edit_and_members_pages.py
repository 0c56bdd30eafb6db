"""A group's edit page and its members a page at a time (docs/groups.md, "Pages"): owners and
moderators change the description and rules through the API's action (bad input: the form
again, 422; anyone else: the 403 page in their language, nothing written; no CSRF token: 403);
the members page and the API's member list page with "Next"/"Previous" and ``Link``, owners and
moderators first, each member once."""

from __future__ import annotations

import re

import httpx
import pytest

from porina.groups import actions
from porina.groups.models import Group
from porina.services import Services
from porina.web import groups_moderation
from tests.factories import Factory, Person
from tests.groups.support import GROUPS
from tests.web.conftest import Browser, sign_in_as, text_of
from tests.web.test_groups_pages_moderation import words


async def _group(services: Services, owner: Person, *members: Person) -> int:
    async with services.db.transaction() as tx:
        group = await actions.create(
            tx, owner.actor, name="kerho", privacy="private", rules=["Be kind"]
        )
        for person in members:
            await actions.invite(tx, owner.actor, group.id, person.account.id)
            await actions.join(tx, person.actor, group.id)
    return group.id


async def _stored(services: Services, gid: int) -> tuple[str, list[str]]:
    async with services.db.read() as session:
        group = await session.get(Group, gid)
        assert group is not None
        return group.description, list(group.rules or [])


async def test_a_moderator_edits_the_description_and_rules_and_a_member_cannot(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    owner, mod = await make.person("owner"), await make.person("modi")
    aino = await make.person("aino", locale="fi")
    gid = await _group(services, owner, mod, aino)
    async with services.db.transaction() as tx:
        await actions.set_role(tx, owner.actor, gid, mod.account.id, "moderator")
    browser, url = Browser(client), f"/groups/{gid}"

    await sign_in_as(services, client, mod)
    assert 'id="edit-group"' in (await browser.get(url)).text
    form = await browser.get(f"{url}/edit")
    assert form.status_code == 200 and "Be kind" in form.text
    saved = await browser.post(
        f"{url}/edit", {"description": "Bakers only", "rules": "No spam\n\n  Share recipes \n"}
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{url}?updated=1"
    page = words(await browser.get(f"{url}?updated=1"))
    assert "Bakers only" in page and "Share recipes" in page and "Be kind" not in page
    assert "description and rules are saved" in page
    assert await _stored(services, gid) == ("Bakers only", ["No spam", "Share recipes"])
    shown = (await mod.get(f"{GROUPS}/{gid}")).json()
    assert (shown["description"], shown["rules"]) == ("Bakers only", ["No spam", "Share recipes"])

    too_long = await browser.post(f"{url}/edit", {"description": "x" * 5001, "rules": "A"})
    assert too_long.status_code == 422 and "too long" in words(too_long)
    assert "x" * 5001 in too_long.text  # the form keeps what was typed
    unprotected = await client.post(f"{url}/edit", data={"description": "csrf", "rules": ""})
    assert unprotected.status_code == 403
    assert await _stored(services, gid) == ("Bakers only", ["No spam", "Share recipes"])

    await sign_in_as(services, client, aino)
    assert 'id="edit-group"' not in (await browser.get(url)).text
    for refused in [
        await browser.get(f"{url}/edit"),
        await browser.post(f"{url}/edit", {"description": "mine now", "rules": ""}),
    ]:
        assert refused.status_code == 403 and "<html" in refused.text
        assert 'lang="fi"' in refused.text
    assert await _stored(services, gid) == ("Bakers only", ["No spam", "Share recipes"])


def _members(page: httpx.Response) -> list[tuple[str, str]]:
    return re.findall(r'data-member="(\d+)" data-role="(\w+)"', page.text)


def _link(page: httpx.Response, rel: str) -> str | None:
    found = re.search(rf'<a class="button" rel="{rel}" href="([^"]+)"', page.text)
    return found.group(1).replace("&amp;", "&") if found else None


async def test_the_members_page_and_list_page_with_owners_and_moderators_first(
    services: Services, client: httpx.AsyncClient, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await make.person("owner")
    people = [await make.person(f"m{i}") for i in range(6)]
    gid = await _group(services, owner, *people)
    async with services.db.transaction() as tx:  # the oldest and the newest member moderate
        for person in (people[0], people[5]):
            await actions.set_role(tx, owner.actor, gid, person.account.id, "moderator")
    newest_first = [p.id for p in reversed(people[1:5])]
    expected = [(owner.id, "owner"), (people[5].id, "moderator"), (people[0].id, "moderator")]
    expected += [(i, "member") for i in newest_first]
    monkeypatch.setattr(groups_moderation, "PAGE", 3)
    browser = Browser(client)
    await sign_in_as(services, client, people[2])

    seen, page, pages = [], await browser.get(f"/groups/{gid}/members"), []
    while True:
        pages.append(page)
        seen += _members(page)
        following = _link(page, "next")
        if following is None:
            break
        page = await browser.get(following)
        assert page.status_code == 200
    assert seen == [(str(i), r) for i, r in expected]
    assert len(pages) == 3 and _link(pages[0], "prev") is None
    back = _link(pages[2], "prev")
    assert back is not None
    assert _members(await browser.get(back)) == _members(pages[1])

    listed, path = [], f"{GROUPS}/{gid}/members?limit=2"
    while path:
        answer = await people[2].get(path)
        assert answer.status_code == 200
        if not answer.json():
            break
        listed += [(m["account"]["id"], m["role"]) for m in answer.json()]
        path = httpx.Response(200, headers=answer.headers).links["next"]["url"]
    assert listed == [(str(i), r) for i, r in expected]


async def _statements(services: Services, browser: Browser, path: str) -> tuple[int, str]:
    await browser.get(path)  # warm
    await services.runner.drain()
    before = services.db.query_count
    page = await browser.get(path)
    assert page.status_code == 200
    return services.db.query_count - before, page.text


async def test_home_names_a_groups_audience_with_a_statement_only_for_group_posts(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    owner, aino = await make.person("owner"), await make.person("aino")
    gid = await _group(services, owner, aino)
    await owner.post(f"/api/v1/accounts/{aino.id}/follow")
    await aino.status("Only for my followers", visibility="private")
    browser = Browser(client)
    await sign_in_as(services, client, owner)
    plain, _ = await _statements(services, browser, "/home")

    await aino.status("For the club", porina_group_id=str(gid))
    await aino.status("Also for the club", porina_group_id=str(gid))
    with_groups, home = await _statements(services, browser, "/home")
    assert "For the club" in text_of(home) and home.count('title="Members of kerho"') == 2
    assert home.count(f'href="/groups/{gid}/report?status_id=') == 2
    assert with_groups == plain + 1  # the groups' names and memberships: group posts only
