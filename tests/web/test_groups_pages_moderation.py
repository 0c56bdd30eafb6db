"""A group's people and reports on the web (docs/groups.md, "Pages"): inviting by @name, the
member list with roles, banning and unbanning, reporting a post and resolving the report; a
plain member is refused each moderator's page and form (a 403 page, nothing written); a
private group's post says who reads it; a pseudonym is never a member."""

from __future__ import annotations

import html

import httpx

from porina.anonymity import actions as anonymity
from porina.groups import actions, queries
from porina.services import Services
from tests.anonymity.support import anonymously
from tests.factories import Factory, Person
from tests.web.conftest import Browser, sign_in_as, text_of


def words(page: httpx.Response) -> str:
    return html.unescape(text_of(page.text))


async def _group(services: Services, owner: Person, privacy: str, *members: Person) -> str:
    async with services.db.transaction() as tx:
        group = await actions.create(tx, owner.actor, name="kerho", privacy=privacy)
        for person in members:  # invited first: a private group's members are let in
            await actions.invite(tx, owner.actor, group.id, person.account.id)
            await actions.join(tx, person.actor, group.id)
    return f"/groups/{group.id}"


async def _relation(services: Services, url: str, person: Person) -> queries.Relation:
    async with services.db.read() as session:
        return await queries.relation(session, int(url.rsplit("/", 1)[1]), person.account.id)


async def test_owners_invite_ban_unban_and_give_roles_and_a_member_may_do_none_of_it(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    owner, aino = await make.person("owner"), await make.person("aino", locale="fi")
    pekka = await make.person("pekka")
    url = await _group(services, owner, "private", pekka)
    browser = Browser(client)
    await sign_in_as(services, client, owner)
    assert (await browser.post(f"{url}/invite", {"acct": "@aino"})).status_code == 303

    await sign_in_as(services, client, aino)
    invited = words(await browser.get(url))
    assert "Sinut on kutsuttu tähän ryhmään." in invited and "Hylkää kutsu" in invited
    assert (await browser.post(f"{url}/join")).status_code == 303

    await sign_in_as(services, client, pekka)
    for path, data in [
        (f"{url}/invite", {"acct": "@owner"}),
        (f"{url}/members/{aino.id}/ban", {}),
        (f"{url}/members/{aino.id}/role", {"role": "moderator"}),
    ]:
        refused = await browser.post(path, data)
        assert refused.status_code == 403 and "owners and moderators" in words(refused)
    refused = await browser.get(f"{url}/reports")
    assert refused.status_code == 403 and "<html" in refused.text
    assert await _relation(services, url, aino) == queries.Relation(role="member")

    await sign_in_as(services, client, owner)
    promoted = await browser.post(f"{url}/members/{aino.id}/role", {"role": "moderator"})
    assert promoted.status_code == 303
    assert (await browser.post(f"{url}/members/{pekka.id}/ban")).status_code == 303
    listed = await browser.get(f"{url}/members")
    assert f'data-member="{aino.id}" data-role="moderator"' in listed.text
    assert f'data-banned="{pekka.id}"' in listed.text
    assert f'data-member="{pekka.id}"' not in listed.text
    assert (await _relation(services, url, pekka)).banned
    assert (await browser.post(f"{url}/members/{pekka.id}/unban")).status_code == 303
    assert "Nobody is banned." in words(await browser.get(f"{url}/members"))

    await sign_in_as(services, client, aino)
    finnish = words(await browser.get(f"{url}/members"))
    assert "Moderaattori" in finnish and "Omistaja" in finnish and "Porttikiellossa" in finnish


async def test_a_member_reports_a_post_and_a_moderator_resolves_it(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    owner, aino = await make.person("owner"), await make.person("aino", locale="fi")
    url = await _group(services, owner, "private", aino)
    gid = url.rsplit("/", 1)[1]
    post = await owner.status("Buy my stuff", porina_group_id=gid)
    reply = await owner.status("Really", in_reply_to_id=post["id"])
    browser = Browser(client)

    await sign_in_as(services, client, aino)
    page = words(await browser.get(url))
    assert "Ryhmän kerho jäsenet" in page and "Ilmoita ryhmän moderaattoreille" in page
    thread = await browser.get(f"/@owner/{post['id']}")
    assert f"/groups/{gid}/report?status_id={reply['id']}" in thread.text
    form = await browser.get(f"{url}/report?status_id={post['id']}")
    assert form.status_code == 200 and "Buy my stuff" in words(form)
    sent = await browser.post(f"{url}/report", {"status_id": post["id"], "comment": "Spam"})
    assert sent.status_code == 303
    assert "Kiitos." in words(await browser.get(sent.headers["location"]))
    assert (await browser.get(f"{url}/reports")).status_code == 403

    await aino.status("Hello all", porina_group_id=gid)
    await sign_in_as(services, client, owner)
    group_page = await browser.get(url)
    assert group_page.text.count(f"/members/{aino.id}/ban") == 1  # her post; not his own
    reports = await browser.get(f"{url}/reports")
    text = words(reports)
    assert "Spam" in text and "Buy my stuff" in text and "reported by aino" in text
    [report_id] = [r.split('"')[0] for r in reports.text.split('data-report="')[1:]]
    resolved = await browser.post(f"{url}/reports/{report_id}/resolve")
    assert resolved.status_code == 303
    assert "No open reports." in words(await browser.get(f"{url}/reports"))


async def test_a_private_groups_post_is_labelled_with_its_members_not_followers(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    owner = await make.person("owner")
    url = await _group(services, owner, "private")
    await owner.status("For the club", porina_group_id=url.rsplit("/", 1)[1])
    await owner.status("For my followers", visibility="private")
    browser = Browser(client)
    await sign_in_as(services, client, owner)
    await services.runner.drain()
    home = await browser.get("/home")
    assert "For the club" in words(home) and "For my followers" in words(home)
    assert home.text.count('title="Members of kerho"') == 1
    assert home.text.count('title="Followers"') == 1


async def test_a_pseudonym_replying_in_a_public_group_is_not_one_of_its_members(
    services: Services, client: httpx.AsyncClient, make: Factory
) -> None:
    owner, alice = await make.person("owner"), await make.person("alice")
    url = await _group(services, owner, "public", alice)
    gid = url.rsplit("/", 1)[1]
    async with services.db.transaction() as tx:
        await anonymity.set_group_policy(tx, owner.actor, int(gid), True)
    thread = await owner.status("Questions?", porina_group_id=gid)
    reply = await anonymously(alice, "One", in_reply_to_id=thread["id"])
    assert reply.status_code == 200, reply.text
    pseudonym = reply.json()["account"]["id"]
    listed = await owner.get(f"/api/porina/v1/groups/{gid}/members")
    ids = [m["account"]["id"] for m in listed.json()]
    assert sorted(ids) == sorted([owner.id, alice.id]) and pseudonym not in ids
    await sign_in_as(services, client, owner)
    page = await Browser(client).get(f"{url}/members")
    assert f'data-member="{alice.id}"' in page.text
    assert f'data-member="{pseudonym}"' not in page.text and "Anonymous" not in words(page)
