"""The demo world ``make run`` seeds: made through the real actions, and seeded only once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from porina.accounts import passwords
from porina.accounts.actions import issue_token
from porina.accounts.models import Account, User
from porina.campaigns.challenge_models import Challenge
from porina.campaigns.draw import PSEUDONYM_PREFIX
from porina.campaigns.models import Contest
from porina.campaigns.proof import verify
from porina.campaigns.survey_models import Survey
from porina.core.clock import aware, now
from porina.core.errors import Conflict
from porina.demo import campaign_scene, seed
from porina.desk.contacts_models import DeskContactNote, DeskContactTag, DeskLabel
from porina.desk.metrics_models import DeskMeasure
from porina.desk.models import DeskConversation, DeskItem
from porina.mail.models import MailMessage
from porina.posts.models import MediaAttachment, Poll, Status
from porina.services import Services


async def _count(services: Services, model: type[object]) -> int:
    async with services.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _token_for(services: Services, username: str) -> str:
    async with services.db.transaction() as tx:
        user = await tx.session.scalar(
            select(User)
            .join(Account, Account.id == User.account_id)
            .where(Account.username == username)
        )
        assert user is not None
        token, _ = await issue_token(tx, user=user, app_id=None, scopes="read write follow push")
    return token


async def test_seeding_builds_a_living_world_once(
    services: Services, client: httpx.AsyncClient
) -> None:
    """One seeding (it is the slowest thing in the suite) checked three ways."""
    result = await seed.run(services, if_empty=True)
    assert result is not None
    await _the_cafe_world(services, client, result)
    await _looks_alive(services, client)
    await _a_second_run_changes_nothing(services)
    await _posted_over_days(services)
    await _the_cafe_desk(services)
    await _the_cafe_campaigns(services, client)


async def _the_cafe_campaigns(services: Services, client: httpx.AsyncClient) -> None:
    """A giveaway drawn (its proof verifies, a pseudonymous entrant, the winners told by the
    café's DM and e-mail, one claimed, the results published as a reply), one running, a
    challenge with a leaderboard and an anonymous survey with answers."""
    api = "/api/porina/v1"
    async with services.db.read() as session:
        rows = {c.state: c for c in (await session.scalars(select(Contest))).all()}
        mails = await session.scalar(
            select(func.count()).select_from(MailMessage).where(MailMessage.kind == "contest_won")
        )
        challenge_id = await session.scalar(select(Challenge.id))
        survey = await session.scalar(select(Survey))
    assert set(rows) == {"drawn", "open"}
    drawn = (await client.get(f"{api}/contests/{rows['drawn'].id}")).json()
    proof = (await client.get(f"{api}/contests/{rows['drawn'].id}/proof")).json()
    assert verify(proof) == [] and PSEUDONYM_PREFIX in proof["entries"]
    assert [w["claimed"] for w in drawn["current_winners"]] == [True, False]
    assert drawn["results_status_id"] and mails == 2
    reply = (await client.get(f"/api/v1/statuses/{drawn['results_status_id']}")).json()
    assert reply["in_reply_to_id"] == drawn["status_id"]
    running = (await client.get(f"{api}/contests/{rows['open'].id}")).json()
    assert running["entrants"] == len(campaign_scene.RUNNING_ENTRANTS)
    board = (await client.get(f"{api}/challenges/{challenge_id}/leaderboard")).json()
    assert len(board["entries"] if isinstance(board, dict) else board) == 3
    assert survey is not None and survey.anonymous
    assert survey.responses_count == len(campaign_scene.ANSWERS)


async def _the_cafe_desk(services: Services) -> None:
    """The café's inbox has customers' conversations, one answered and resolved, one
    assigned with a note and a label from its catalogue, an outreach item its watch heard,
    sentiment on each, a tagged and a noted contact, and response times measured."""
    async with services.db.read() as session:
        rows = (await session.execute(select(DeskConversation))).scalars().all()
        notes = await session.scalar(
            select(func.count()).select_from(DeskItem).where(DeskItem.kind == "note")
        )
        measured = set((await session.scalars(select(DeskMeasure.kind))).all())
        outreach = await session.scalar(
            select(func.count()).select_from(DeskItem).where(DeskItem.kind == "outreach")
        )
        catalogue = set((await session.scalars(select(DeskLabel.name))).all())
        tags = set((await session.scalars(select(DeskContactTag.tag))).all())
        contact_notes = await session.scalar(select(func.count()).select_from(DeskContactNote))
    assert outreach == 1
    assert catalogue == {"allergiat", "tilaukset"}
    assert any("tilaukset" in (c.labels or []) for c in rows)
    assert tags == {"kanta-asiakas"} and contact_notes == 1
    assert len([c for c in rows if c.opened_at is not None]) >= 5
    assert {c.status for c in rows} >= {"open", "resolved"}
    assert any(c.assignee_user_id is not None for c in rows)
    assert {c.sentiment for c in rows} >= {"positive", "negative"}
    assert notes == 1
    assert {"opened", "first_response", "resolution"} <= measured


async def _posted_over_days(services: Services) -> None:
    """Pages show times as on a living server: people joined weeks ago, posts spread over
    days, and the ids sort as the times do (pagination and timelines rely on it)."""
    async with services.db.read() as session:
        rows = (await session.execute(select(Status.id, Status.created_at))).all()
        joined = (await session.scalars(select(Account.created_at))).all()
    moments = [aware(at) for _, at in sorted(rows)]
    assert moments == sorted(moments)
    assert now() - moments[0] > timedelta(days=2)
    assert now() - moments[-1] < timedelta(hours=1)
    assert len({at.replace(minute=0, second=0, microsecond=0) for at in moments}) > 24
    assert all(now() - aware(at) > timedelta(days=20) for at in joined)


async def _the_cafe_world(
    services: Services, client: httpx.AsyncClient, result: seed.SeedResult
) -> None:
    assert result.accounts == len(seed.PEOPLE) + 3
    assert result.statuses >= 90 and result.favourites > 50 and result.reblogs > 5

    async with services.db.read() as session:
        cafe = await session.scalar(select(Account).where(Account.username == seed.CAFE))
        admin = await session.scalar(
            select(User)
            .join(Account, Account.id == User.account_id)
            .where(Account.username == seed.ADMIN)
        )
        hashes = set((await session.scalars(select(User.password_hash))).all())
        warned = await session.scalar(
            select(func.count()).select_from(Status).where(Status.spoiler_text != "")
        )
        dms = await session.scalar(
            select(func.count()).select_from(Status).where(Status.visibility == "direct")
        )
        described = (await session.scalars(select(MediaAttachment.description))).all()
    assert (
        cafe is not None
        and cafe.actor_type == "Organization"
        and cafe.display_name == "Kahvila Porina"
    )
    assert admin is not None and admin.role == "admin"
    assert len(hashes) == 1 and await passwords.verify(hashes.pop(), seed.DEMO_PASSWORD)
    assert warned == len(seed.CONTENT_WARNINGS)
    told = campaign_scene.ENDED["winners"]  # the giveaway's winners, by the café's DM
    assert dms == len(seed.DM_THREAD) + len(seed.PEOPLE_DM) + told
    assert len(described) == sum(len(p.pictures) for p in seed.PHOTOS) and all(described)
    assert await _count(services, Poll) == 1

    token = await _token_for(services, "aino")
    home = await client.get("/api/v1/timelines/home", headers={"Authorization": f"Bearer {token}"})
    assert home.status_code == 200, home.text
    statuses = home.json()
    assert len(statuses) >= 10
    assert any(s["account"]["username"] != "aino" for s in statuses)

    cafe_token = await _token_for(services, seed.CAFE)
    public = await client.get(
        "/api/v1/timelines/tag/kahvi", headers={"Authorization": f"Bearer {cafe_token}"}
    )
    assert public.status_code == 200 and len(public.json()) >= 5


async def _a_second_run_changes_nothing(services: Services) -> None:
    """Again with --if-empty: nothing changes; without it: refused."""
    before = (await _count(services, Account), await _count(services, Status))
    assert await seed.run(services, if_empty=True) is None
    with pytest.raises(Conflict, match="already has accounts"):
        await seed.run(services, if_empty=False)
    assert (await _count(services, Account), await _count(services, Status)) == before


async def _get(client: httpx.AsyncClient, token: str, path: str, **params: str) -> Any:
    answer = await client.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _looks_alive(services: Services, client: httpx.AsyncClient) -> None:
    """What a visitor notices: everyone has their own picture and header, the café and the
    shop post photos with alt text, a poll is open, a thread has replies from several
    people, and cinnamon bun day trends."""
    token = await _token_for(services, "emma")
    async with services.db.read() as session:
        # people and businesses; the demo's groups (demo.groups_scene) have their own test
        ids = (await session.scalars(select(Account.id).where(Account.actor_type != "Group"))).all()
    accounts = [await _get(client, token, f"/api/v1/accounts/{i}") for i in ids]
    avatars = {a["avatar"] for a in accounts}
    headers = {a["header"] for a in accounts}
    assert len(avatars) == len(headers) == len(accounts) == len(seed.PEOPLE) + 3
    assert not any("missing" in url or "/avatars/generated/" in url for url in avatars)
    assert not any("missing" in url for url in headers)
    assert all(a["note"] for a in accounts)
    by_name = {a["username"]: a for a in accounts}

    for brand in (seed.CAFE, seed.SHOP):
        posts = await _get(
            client, token, f"/api/v1/accounts/{by_name[brand]['id']}/statuses", only_media="true"
        )
        media = [m for s in posts for m in s["media_attachments"]]
        assert len(posts) >= 3 and media
        assert all(m["description"] and m["blurhash"] and m["preview_url"] for m in media)
        assert {s["language"] for s in posts} == {"fi", "en"}
        assert by_name[brand]["fields"]

    cafe_posts = await _get(client, token, f"/api/v1/accounts/{by_name[seed.CAFE]['id']}/statuses")
    poll = next(s["poll"] for s in cafe_posts if s["poll"])
    assert not poll["expired"] and poll["votes_count"] > 5

    thread = next(s for s in cafe_posts if "open mic" in s["content"] and s["replies_count"])
    context = await _get(client, token, f"/api/v1/statuses/{thread['id']}/context")
    repliers = {s["account"]["username"] for s in context["descendants"]}
    assert len(context["descendants"]) == len(seed.THREAD) and len(repliers) >= 4

    trends = await _get(client, token, "/api/v1/trends/tags")
    assert "korvapuusti" in [t["name"] for t in trends]

    notifications = await _get(client, token, "/api/v1/notifications")
    assert notifications
