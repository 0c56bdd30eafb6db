"""The newsletter's lists and subscribers (issue 19, points 1, 3 and 6): the journey from the
public sign-up to the confirmation mail (received by a real SMTP server), the confirm page's
button, the welcome mail with the gift, one-click unsubscribe, the subscriber's own
preferences, export and erasure, and the staff's lists, subscribers and CSV."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from porina.api.mastodon.ratelimit import SIGNUP_LIMIT
from porina.app import create_app
from porina.services import Services, build
from porina.settings import Settings
from tests.desk.inbox_support import Staff, staff
from tests.factories import Factory
from tests.support.smtp import SmtpServer, sending_to

API = "/api/porina/v1/newsletter/lists"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return sending_to(settings, smtp, instance_title="Porina")


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


async def manager_of(services: Services, make: Factory, name: str = "kahvila") -> Staff:
    brand = await make.person(name)
    return await staff(services, make, brand, f"{name}_mari", "manager")


async def new_list(manager: Staff, **fields: Any) -> dict[str, Any]:
    body = {"name": "Kahvilan kirje", "double_opt_in": True, "frequency": "1\u20134 mails a week"}
    found: dict[str, Any] = ok(await manager.post(API, json={**body, **fields}))
    return found


async def sign_up(client: httpx.AsyncClient, list_id: str, email: str, **extra: Any) -> int:
    body = {"email": email, "name": "Aino", **extra}
    response = await client.post(f"{API}/{list_id}/subscribe", json=body)
    return response.status_code


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


async def subscribers(manager: Staff, list_id: str) -> dict[str, str]:
    rows = ok(await manager.get(f"{API}/{list_id}/subscribers"))
    return {row["email"]: row["status"] for row in rows}


async def test_double_opt_in_journey_confirms_only_on_the_button_and_delivers_the_gift(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    gift = "https://kahvila.example/webinar"
    listing = await new_list(manager, gift_url=gift, gift_label="The webinar recording")
    assert await sign_up(make.client, listing["id"], "Aino@Example.com ", source="status:42") == 202
    await services.runner.drain()
    [mail] = smtp.messages
    assert mail.rcpt_tos == ["aino@example.com"]
    assert "spam folder" in mail.part("plain")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail.link()
    assert "/newsletter/confirm/" in link
    # a mail scanner opening the link confirms nobody
    page = await make.client.get(path_of(link))
    assert page.status_code == 200 and "Confirm my subscription" in page.text
    assert await subscribers(manager, listing["id"]) == {"aino@example.com": "unconfirmed"}
    csrf = make.client.cookies.get("porina_csrf") or ""
    done = await make.client.post(path_of(link), data={"_csrf_token": csrf})
    assert done.status_code == 200 and "Welcome" in done.text
    assert await subscribers(manager, listing["id"]) == {"aino@example.com": "confirmed"}
    await services.runner.drain()
    [confirmation, welcome] = smtp.messages
    assert confirmation is mail and welcome.rcpt_tos == ["aino@example.com"]
    assert gift in welcome.part("plain") and "The webinar recording" in welcome.part("html")
    rows = ok(await manager.get(f"{API}/{listing['id']}/subscribers"))
    assert rows[0]["source"] == "status:42" and rows[0]["confirmed_at"]


async def test_subscribe_answers_202_alike_for_new_pending_and_confirmed_addresses(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await new_list(manager, double_opt_in=False)
    answers = [await sign_up(make.client, listing["id"], "bob@example.com") for _ in range(3)]
    answers.append(await sign_up(make.client, listing["id"], "carol@example.com"))
    assert answers == [202, 202, 202, 202]
    await services.runner.drain()
    # a single opt-in list confirms at once: one welcome each, no confirmation, no repeats
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["bob@example.com", "carol@example.com"]
    assert all("Welcome" in m.message["Subject"] for m in smtp.messages)
    assert await subscribers(manager, listing["id"]) == {
        "bob@example.com": "confirmed",
        "carol@example.com": "confirmed",
    }


async def test_a_pending_address_gets_no_second_confirmation_right_away(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await new_list(manager)
    for _ in range(3):
        assert await sign_up(make.client, listing["id"], "dan@example.com") == 202
    await services.runner.drain()
    assert [m.rcpt_tos for m in smtp.messages] == [["dan@example.com"]]


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not an address"},
        {"email": "a@b.example\r\nBcc: x@y.example"},
        {"email": "ok@example.com", "name": "Aino\r\nBcc: x@y.example"},
        {"email": ["x@example.com"]},
        {},
    ],
)
async def test_bad_input_is_422_in_mastodons_shape_and_sends_nothing(
    services: Services, make: Factory, smtp: SmtpServer, body: dict[str, Any]
) -> None:
    manager = await manager_of(services, make)
    listing = await new_list(manager)
    response = await make.client.post(f"{API}/{listing['id']}/subscribe", json=body)
    assert response.status_code == 422, response.text
    assert "error" in response.json()
    await services.runner.drain()
    assert smtp.messages == []
    assert await subscribers(manager, listing["id"]) == {}


async def test_another_brands_list_is_404_for_staff_and_unknown_lists_for_everyone(
    services: Services, make: Factory
) -> None:
    ours = await manager_of(services, make)
    theirs = await manager_of(services, make, "leipomo")
    listing = await new_list(ours)
    for path in (f"{API}/{listing['id']}", f"{API}/{listing['id']}/subscribers"):
        assert (await theirs.get(path)).status_code == 404
    assert (await theirs.get(API)).json() == []
    assert len(ok(await ours.get(API))) == 1
    assert await sign_up(make.client, "12345", "x@example.com") == 404
    agent = await staff(services, make, ours.brand, "kahvila_agent", "agent")
    assert (await agent.post(API, json={"name": "Mine"})).status_code == 403


async def test_one_click_post_unsubscribes_at_once_and_get_only_asks(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await new_list(manager, double_opt_in=False)
    await sign_up(make.client, listing["id"], "eve@example.com")
    await services.runner.drain()
    [welcome] = smtp.messages
    header = welcome.message["List-Unsubscribe"]
    https = header.split("<", 1)[1].split(">", 1)[0]
    assert "/newsletter/unsubscribe/" in https and "mailto:" in header
    page = await make.client.get(path_of(https))
    assert page.status_code == 200 and 'method="post"' in page.text
    assert await subscribers(manager, listing["id"]) == {"eve@example.com": "confirmed"}
    make.client.cookies.clear()  # as a mail provider posts: no cookie, no CSRF token
    done = await make.client.post(
        path_of(https), content=b"List-Unsubscribe=One-Click", headers=FORM
    )
    assert done.status_code == 200
    assert await subscribers(manager, listing["id"]) == {"eve@example.com": "unsubscribed"}
    forged = await make.client.post("/newsletter/unsubscribe/nope", content=b"x", headers=FORM)
    assert forged.status_code == 404


async def test_preferences_change_the_name_download_the_data_and_erase_it(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await new_list(manager, double_opt_in=False)
    await sign_up(make.client, listing["id"], "fay@example.com")
    await services.runner.drain()
    plain = smtp.messages[0].part("plain")
    prefs = next(w for w in plain.split() if "/newsletter/preferences/" in w)
    page = await make.client.get(path_of(prefs))
    assert page.status_code == 200 and "fay@example.com" in page.text
    csrf = make.client.cookies.get("porina_csrf") or ""
    saved = await make.client.post(path_of(prefs), data={"_csrf_token": csrf, "name": "Fay F."})
    assert saved.status_code == 200 and "Fay F." in saved.text
    data = ok(await make.client.get(path_of(prefs) + "/data.json"))
    assert data["email"] == "fay@example.com" and data["name"] == "Fay F."
    assert data["consents"] and "Kahvilan kirje" in data["consents"][0]["text"]
    erased = await make.client.post(path_of(prefs) + "/erase", data={"_csrf_token": csrf})
    assert erased.status_code == 200
    assert await subscribers(manager, listing["id"]) == {}
    assert (await make.client.get(path_of(prefs))).status_code == 404


async def test_staff_import_and_export_subscribers_as_csv(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await new_list(manager)
    csv_text = "email,name\nG@example.com,Gus\nh@example.com,=cmd()\ng@example.com,dup\n"
    imported = await manager.client.post(
        f"{API}/{listing['id']}/subscribers/import",
        content=csv_text.encode(),
        headers={**manager.headers, "content-type": "text/csv"},
    )
    assert ok(imported) == {"imported": 2}
    bad = await manager.post(
        f"{API}/{listing['id']}/subscribers/import", json={"csv": "email\nnope\n"}
    )
    assert bad.status_code == 422
    exported = await manager.get(f"{API}/{listing['id']}/subscribers.csv")
    assert exported.status_code == 200
    lines = exported.text.splitlines()
    assert lines[0].startswith("email,name,status")
    assert any(line.startswith("h@example.com,'=cmd()") for line in lines)
    await services.runner.drain()
    assert smtp.messages == []


async def test_the_finnish_sign_up_page_says_what_and_how_often_and_links_the_privacy_page(
    services: Services, make: Factory
) -> None:
    manager = await manager_of(services, make)
    listing = await new_list(manager, privacy_fi="Käsittelemme vain osoitettasi.")
    fi = {"accept-language": "fi"}
    page = await make.client.get(f"/newsletter/{listing['id']}?source=status:7", headers=fi)
    assert page.status_code == 200
    assert "1\u20134 mails a week" in page.text and "Tilaa" in page.text
    assert f"/newsletter/{listing['id']}/privacy" in page.text
    assert 'value="status:7"' in page.text
    assert page.headers["x-frame-options"] == "DENY"
    privacy = await make.client.get(f"/newsletter/{listing['id']}/privacy", headers=fi)
    assert "Käsittelemme vain osoitettasi." in privacy.text
    embed = await make.client.get(f"/newsletter/{listing['id']}/embed")
    assert embed.status_code == 200 and "x-frame-options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["content-security-policy"]


async def test_the_embedded_form_signs_up_without_a_cookie(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await new_list(manager)
    make.client.cookies.clear()  # a frame on another site has no first-party cookie
    done = await make.client.post(
        f"/newsletter/{listing['id']}/embed",
        data={"email": "ida@example.com", "source": "/blog/post"},
    )
    refused = await make.client.post(f"/newsletter/{listing['id']}/embed", data={"email": "x"})
    assert done.status_code == 200 and "spam folder" in done.text
    assert refused.status_code == 422
    await services.runner.drain()
    assert [m.rcpt_tos for m in smtp.messages] == [["ida@example.com"]]


async def test_sign_ups_are_rate_limited_per_client_across_the_api_and_the_form(
    services: Services, settings: Settings, smtp: SmtpServer
) -> None:
    # ``services`` starts the test from an empty database; this one counts requests
    svc = build(
        replace(settings, rate_limits=True),
        pooled=not settings.database_url.startswith("postgresql"),
    )
    async with AsyncTestClient(create_app(services=svc), base_url="http://testserver.local") as c:
        manager = await manager_of(svc, Factory(svc, c))
        listing = await new_list(manager)
        answers = [
            await sign_up(c, listing["id"], f"p{n}@example.com") for n in range(SIGNUP_LIMIT)
        ]
        form = await c.post(f"/newsletter/{listing['id']}", data={"email": "late@example.com"})
        api = await c.post(f"{API}/{listing['id']}/subscribe", json={"email": "z@example.com"})
    await svc.stop()
    assert answers == [202] * SIGNUP_LIMIT
    assert form.status_code == 429 and api.status_code == 429
    assert "error" in api.json()


async def test_staff_create_edit_and_delete_lists_and_bad_fields_are_422(
    services: Services, make: Factory
) -> None:
    manager = await manager_of(services, make)
    for bad in ({"name": ""}, {"name": "A\r\nB"}, {"name": "Ok", "gift_url": "javascript:x"}):
        response = await manager.post(API, json=bad)
        assert response.status_code == 422 and "error" in response.json(), bad
    listing = await new_list(manager, double_opt_in="0")
    assert listing["double_opt_in"] is False
    assert listing["embed_url"].endswith(f"/newsletter/{listing['id']}/embed")
    edited = await manager.client.patch(
        f"{API}/{listing['id']}", json={"frequency": "weekly"}, headers=manager.headers
    )
    assert ok(edited)["frequency"] == "weekly"
    gone = await manager.client.delete(f"{API}/{listing['id']}", headers=manager.headers)
    assert gone.status_code == 200
    assert ok(await manager.get(API)) == []
    assert (await make.client.get(f"/newsletter/{listing['id']}")).status_code == 404


async def test_a_finnish_sign_up_gets_the_confirmation_in_finnish(
    services: Services, make: Factory, smtp: SmtpServer
) -> None:
    manager = await manager_of(services, make)
    listing = await new_list(manager)
    response = await make.client.post(
        f"{API}/{listing['id']}/subscribe",
        json={"email": "juha@example.com"},
        headers={"accept-language": "fi-FI,fi;q=0.9"},
    )
    assert response.status_code == 202
    await services.runner.drain()
    [mail] = smtp.messages
    assert mail.message["Subject"].startswith("Vahvista uutiskirjeen")
    assert "roskapostikansio" in mail.part("plain")
    page = await make.client.get(path_of(mail.link()), headers={"accept-language": "fi"})
    assert "Vahvista tilaus" in page.text
