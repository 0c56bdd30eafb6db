"""Click counting (issue 19, point 6): off unless the brand turns it on for its lists; links
in a campaign's HTML go through ``/newsletter/c/<token>``, which redirects (302) to the
original link after counting one click for the campaign and link — and nothing about who;
forged tokens are refused, so it is no open redirect."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from sqlalchemy import select

from porina.newsletter import clicks, results
from porina.newsletter.models import NewsletterLinkClicks
from porina.services import Services
from porina.settings import Settings
from tests.factories import Factory
from tests.support.smtp import SmtpServer, sending_to

from .bounce_support import LISTS, brand
from .campaign_support import CAMPAIGNS, filled_list, manager_of, ok, show
from .campaign_support import campaign as new_campaign

SETTINGS = Settings(secret_key="k" * 64, base_url="https://porina.example")


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp, newsletter_send_rate=0)


HTML = """<p>Hi {{name}}! See <a href="https://kahvila.example/menu?a=1&amp;b=2">the menu</a>,
<a class="x" href='http://kahvila.example/blog'>the blog</a>, <a href="mailto:hi@kahvila.example">
mail us</a>, <a href="#top">top</a>, <a href="https://kahvila.example/?n={{name}}">you</a>,
<a href="https://porina.example/newsletter/unsubscribe/tok">Unsubscribe</a>.</p>"""


def tracked(html: str) -> list[str]:
    return [
        part.split('"')[0].split("'")[0]
        for part in html.split("https://porina.example/newsletter/c/")[1:]
    ]


def test_only_outside_http_links_are_rewritten() -> None:
    out = clicks.rewrite_links(HTML, 7, SETTINGS)
    tokens = tracked(out)
    assert [clicks.read(SETTINGS, t) for t in tokens] == [
        (7, "https://kahvila.example/menu?a=1&b=2"),
        (7, "http://kahvila.example/blog"),
    ]
    for kept in ("mailto:hi@kahvila.example", "#top", "?n={{name}}", "/unsubscribe/tok"):
        assert kept in out
    assert "Hi {{name}}!" in out and 'class="x"' in out


URLS = st.builds(
    lambda path, query: f"https://shop.example/{path}?q={query}",
    st.text("abcdefghij/-_.", max_size=30),
    st.text("abc123%&=", max_size=20),
)


@examples(max_examples=200, deadline=None)
@given(URLS, st.integers(1, 10**17), st.integers(1, 10**17), st.text(max_size=20))
def test_a_token_opens_only_its_own_link(url: str, campaign: int, other: int, junk: str) -> None:
    value = clicks.token(SETTINGS, campaign, url)
    assert clicks.read(SETTINGS, value) == (campaign, url)
    _, encoded, mac = value.split(".")
    evil = clicks.token(SETTINGS, campaign, "https://evil.example/").split(".")[1]
    forged = [
        f"{other}.{encoded}.{mac}" if other != campaign else "x",
        f"{campaign}.{evil}.{mac}",
        f"{campaign}.{encoded}.{junk}",
        junk,
    ]
    assert [clicks.read(SETTINGS, f) for f in forged] == [None] * 4
    assert clicks.read(SETTINGS.with_(secret_key="other"), value) is None


async def test_counting_is_off_until_every_list_turns_it_on(
    services: Services, make: Factory
) -> None:
    cafe = await brand(services, make)
    async with services.db.read() as session:
        assert await clicks.tracking_on(session, cafe.list_ids) is False
    manager = cafe.manager
    response = await manager.client.patch(
        f"{LISTS}/{cafe.list_ids[0]}", json={"click_tracking": True}, headers=manager.headers
    )
    assert response.status_code == 200 and response.json()["click_tracking"] is True
    async with services.db.read() as session:
        assert await clicks.tracking_on(session, cafe.list_ids[:1]) is True
        assert await clicks.tracking_on(session, cafe.list_ids) is False
    bad = await manager.client.patch(
        f"{LISTS}/{cafe.list_ids[1]}", json={"click_tracking": "maybe"}, headers=manager.headers
    )
    assert bad.status_code == 422 and "click_tracking" in bad.json()["error"]


async def test_the_redirect_counts_per_link_and_refuses_forged_tokens(
    services: Services, make: Factory
) -> None:
    settings = services.settings
    html = clicks.rewrite_links(
        '<a href="https://kahvila.example/menu">menu</a> <a href="https://kahvila.example/">home</a>',
        31,
        settings,
    )
    menu, home = [link.split('"')[0] for link in html.split('href="')[1:]]
    assert menu.startswith(f"{settings.base_url}/newsletter/c/")
    for link in (menu, menu, home):
        response = await make.client.get(
            link.removeprefix(settings.base_url), follow_redirects=False
        )
        assert response.status_code == 302, response.text
        assert response.headers["location"] in {
            "https://kahvila.example/menu",
            "https://kahvila.example/",
        }
        assert "set-cookie" not in response.headers
    assert response.headers["location"] == "https://kahvila.example/"
    forged = menu.replace("/c/31.", "/c/32.")
    mac = menu.rsplit(".", 1)[1]
    evil = f"{settings.base_url}/newsletter/c/31.aHR0cHM6Ly9ldmlsLmV4YW1wbGUv.{mac}"
    for link in (forged, evil, f"{settings.base_url}/newsletter/c/nothing"):
        refused = await make.client.get(
            link.removeprefix(settings.base_url), follow_redirects=False
        )
        assert refused.status_code == 404 and "error" in refused.json()
        assert "location" not in refused.headers
    async with services.db.read() as session:
        rows = (await session.scalars(select(NewsletterLinkClicks))).all()
    assert sorted((r.campaign_id, r.url, r.clicks) for r in rows) == [
        (31, "https://kahvila.example/", 1),
        (31, "https://kahvila.example/menu", 2),
    ]
    # what is kept: the campaign, the link, a number, the last click's time — nobody's identity
    assert set(NewsletterLinkClicks.__table__.columns.keys()) == {
        "campaign_id",
        "url_hash",
        "url",
        "clicks",
        "last_at",
    }


@examples(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.text(alphabet="0123456789.²٣-_=aA", max_size=30))
def test_no_token_breaks_the_reader(junk: str, digits: str) -> None:
    """Whatever a client puts in the path: a link, or None (a 404), never an error."""
    for value in (junk, digits, f"{digits}.{junk}.{junk}"):
        assert clicks.read(SETTINGS, value) is None


async def test_a_campaign_to_a_counting_list_sends_counted_links(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    """The whole way: the campaign's HTML part links through the counter — the same link for
    every recipient — the plain-text part keeps the link as written; a list that does not
    count gets the link as written."""
    manager = await manager_of(services, make)
    rows = [("aino@example.com", "Aino", "confirmed"), ("eero@example.com", "Eero", "confirmed")]
    counting, plain = (
        await filled_list(manager, rows, "A"),
        await filled_list(manager, rows[:1], "B"),
    )
    turned = await manager.client.patch(
        f"{LISTS}/{counting}", json={"click_tracking": True}, headers=manager.headers
    )
    assert turned.status_code == 200
    body = "Hei {{name}}, katso [menu](https://kahvila.example/menu)."
    for list_id in (counting, plain):
        created = await new_campaign(manager, [list_id], body=body)
        assert ok(await manager.post(f"{CAMPAIGNS}/{created['id']}/send"))["state"] == "sending"
        await services.runner.drain()
    *first, plain_mail = smtp.messages  # campaign A to both, then campaign B
    tracked_mail = next(m for m in first if m.rcpt_tos == ["aino@example.com"])
    eeros = next(m for m in first if m.rcpt_tos == ["eero@example.com"])
    assert "https://kahvila.example/menu" in tracked_mail.part("plain")
    assert "https://kahvila.example/menu" not in tracked_mail.part("html")
    assert 'href="https://kahvila.example/menu"' in plain_mail.part("html")
    link = tracked_mail.part("html").split('href="', 1)[1].split('"', 1)[0]
    # the same link for every recipient: a click names nobody
    assert eeros.part("html").split('href="', 1)[1].split('"', 1)[0] == link
    assert link.startswith(f"{services.settings.base_url}/newsletter/c/")
    for _ in range(2):
        response = await make.client.get(
            link.removeprefix(services.settings.base_url), follow_redirects=False
        )
        assert response.headers["location"] == "https://kahvila.example/menu"
    campaign_id = int(link.rsplit("/", 1)[1].split(".", 1)[0])
    async with services.db.read() as session:
        found = await results.campaign_results(session, campaign_id)
    assert found is not None and (found.sent, found.clicks) == (2, 2)
    shown = await show(manager, str(campaign_id))  # GET …/campaigns/:id
    assert (shown["sent"], shown["clicks"], shown["complaints"]) == (2, 2, 0)
    assert shown["links"] == [{"url": "https://kahvila.example/menu", "clicks": 2}]
