"""The design system's server side: photos carry what the grid, blurhash and lightbox need
(focal point as classes, no inline style), the side column lists trending hashtags, the home
page has the compact composer, and the theme switch keeps the reader's choice in a cookie."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from porina.core.clock import now
from porina.web import i18n, sidebar
from tests.api.test_media import png
from tests.factories import Factory
from tests.web.conftest import Browser


async def test_a_photo_has_its_focal_point_blurhash_and_lightbox_link(
    make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice")
    media = (
        await alice.post(
            "/api/v2/media",
            files={"file": ("red.png", png(), "image/png")},
            data={"description": "A red square", "focus": "0.5,-0.5"},
        )
    ).json()
    status = await alice.status("a photo", media_ids=[media["id"]])
    page = await (await signed_in(alice)).get(f"/@alice/{status['id']}")
    assert page.status_code == 200
    item = re.search(r'<a href="[^"]+" class="media-item ([^"]+)"[^>]*>', page.text)
    assert item is not None
    assert item.group(1).split() == ["fx-75", "fy-75"]  # x 0.5 -> 75 %, y -0.5 -> 75 %
    tag = item.group(0)
    assert "data-lightbox" in tag and f'data-full="{media["url"]}"' in tag
    assert f'data-blurhash="{media["blurhash"]}"' in tag
    assert 'data-alt="A red square"' in tag
    assert 'class="media media-1"' in page.text
    assert 'alt="A red square"' in page.text


async def test_the_side_column_lists_trending_hashtags(
    make: Factory, browser: Browser, signed_in: Any
) -> None:
    alice = await make.person("alice")
    bob = await make.person("bob")
    await alice.status("buns at nine #pulla")
    await bob.status("more #pulla please #kahvi")
    sidebar._trends["at"] = float("-inf")  # the once-a-minute copy, from an earlier test
    response = await browser.get("/web/sidebar", headers={"hx-request": "true"})
    assert response.status_code == 200
    text = response.text
    assert text.index('href="/tags/pulla"') < text.index('href="/tags/kahvi"')  # 2 people, 1
    assert "2 people talking" in text
    assert "brand-tools" not in text  # signed out: no brand accounts


async def test_home_has_the_compact_composer_and_the_theme_is_kept(
    make: Factory, signed_in: Any
) -> None:
    alice = await make.person("alice")
    browser = await signed_in(alice)
    home = await browser.get("/home")
    quick = home.text.split('class="side-card quick-compose"', 1)[1].split("</section>", 1)[0]
    assert 'action="/compose"' in quick and 'name="status"' in quick
    assert "<html" in home.text and "data-theme" not in home.text.split(">", 2)[1]
    switched = await browser.post("/web/theme", {"theme": "dark", "next": "/home"})
    assert switched.status_code == 303 and switched.headers["location"] == "/home"
    dark = await browser.get("/home")
    assert '<html lang="en" data-theme="dark">' in dark.text
    back = await browser.post("/web/theme", {"theme": "system", "next": "//evil.example"})
    assert back.headers["location"] == "/"  # never another site
    assert 'data-theme="' not in (await browser.get("/home")).text.split("<head>")[0]


async def test_people_who_run_brand_accounts_see_them_in_the_side_column(
    make: Factory, signed_in: Any
) -> None:
    cafe = await make.person("cafe")
    alice = await make.person("alice")
    added = await cafe.post(
        f"/api/v1/porina/accounts/{cafe.id}/operators",
        data={"account_id": alice.id, "role": "editor"},
    )
    assert added.status_code == 200, added.text
    browser = await signed_in(alice)
    text = (await browser.get("/web/sidebar", headers={"hx-request": "true"})).text
    assert "brand-tools" in text
    assert f'href="/compose?as={cafe.id}"' in text and 'href="/@cafe"' in text
    assert 'href="/settings/team"' in text


def test_post_headers_show_a_short_time_and_then_the_date() -> None:
    current = now()
    try:
        i18n.activate("en")
        assert i18n.fmt_ago_short(current - timedelta(minutes=3)) == "3m"
        assert i18n.fmt_ago_short(current - timedelta(hours=2)) == "2h"
        i18n.activate("fi")
        assert i18n.fmt_ago_short(current - timedelta(minutes=3)) == "3min"
        assert i18n.fmt_ago_short(current - timedelta(days=2)) == "2pv"
        old = current.replace(year=current.year - 1, month=8, day=28)
        assert i18n.fmt_ago_short(old) == f"28.8.{current.year - 1}"
    finally:
        i18n.activate(i18n.DEFAULT)
