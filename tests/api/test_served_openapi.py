"""The served description (``/openapi/openapi.json``) names every route the app serves, so a
client author can read Porina's extensions next to the Mastodon API."""

from __future__ import annotations

import httpx
from litestar import Litestar

from tests.support.routes import served, shape


async def test_the_served_description_lists_every_route(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    response = await client.get("/openapi/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Porina API"
    described = {
        (method.upper(), shape(path))
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    routes = {
        (method, path)
        for method, path in served(app)
        if method in {"GET", "POST", "PUT", "PATCH", "DELETE"}
        and not path.startswith(("/static", "/media", "/openapi"))
    }
    assert routes - described == set()
    statuses = document["paths"]["/api/v1/statuses"]
    assert "post" in statuses


async def test_the_served_description_documents_desk_presence(client: httpx.AsyncClient) -> None:
    """A client author reads the heartbeat's body, its answer and the stream event there."""
    document = (await client.get("/openapi/openapi.json")).json()
    path = next(
        p for p in document["paths"] if p.endswith("/desk/conversations/{conversation_id}/presence")
    )
    announce, leave = document["paths"][path]["post"], document["paths"][path]["delete"]
    for words in ("`state`", "`viewing`", "`typing`", "viewers", "desk.presence", "403", "422"):
        assert words in announce["description"], words
    assert "desk.presence" in leave["description"]
    answer = announce["responses"]["200"]["content"]["application/json"]["schema"]
    name = answer["$ref"].rsplit("/", 1)[-1]
    schema = document["components"]["schemas"][name]
    assert set(schema["properties"]) == {"conversation_id", "viewers"}
