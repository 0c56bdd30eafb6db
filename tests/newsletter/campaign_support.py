"""Shared helpers of the campaign tests: a brand with a manager, lists filled through the CSV
import (confirmed), campaigns through the API."""

from __future__ import annotations

from typing import Any

import httpx

from porina.services import Services
from tests.desk.inbox_support import Staff, staff
from tests.factories import Factory
from tests.support.smtp import Received, SmtpServer

LISTS = "/api/porina/v1/newsletter/lists"
CAMPAIGNS = "/api/porina/v1/newsletter/campaigns"


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


async def manager_of(services: Services, make: Factory, name: str = "kahvila") -> Staff:
    brand = await make.person(name)
    return await staff(services, make, brand, f"{name}_mari", "manager")


async def filled_list(manager: Staff, rows: list[tuple[str, str, str]], name: str = "Kirje") -> str:
    """A list with ``(email, name, status)`` rows; returns its id."""
    listing = ok(await manager.post(LISTS, json={"name": name, "double_opt_in": True}))
    csv = "email,name,status\n" + "".join(f"{e},{n},{s}\n" for e, n, s in rows)
    imported = ok(
        await manager.post(f"{LISTS}/{listing['id']}/subscribers/import", json={"csv": csv})
    )
    assert imported["imported"] == len(rows)
    return str(listing["id"])


async def campaign(manager: Staff, list_ids: list[str], **fields: Any) -> dict[str, Any]:
    body = {"list_ids": list_ids, "subject": "Hei {{name}}!", "body": "# Uutta\n\nHei {{name}}."}
    found: dict[str, Any] = ok(await manager.post(CAMPAIGNS, json={**body, **fields}))
    return found


async def show(manager: Staff, campaign_id: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(await manager.get(f"{CAMPAIGNS}/{campaign_id}"))
    return found


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def campaign_mail(smtp: SmtpServer) -> list[Received]:
    """The campaigns' mail among what ``smtp`` received (their envelope sender is the VERP
    bounce address, ``bounces+c…``): the jobs a test runs also send the weekly analytics
    report to the brand's owner when it is due (Mondays from 07:00 in their zone)."""
    return [m for m in smtp.messages if m.mail_from.startswith("bounces+")]
