from __future__ import annotations

import httpx


async def test_instance_reports_mastodon_compatible_version(client: httpx.AsyncClient) -> None:
    for path in ("/api/v2/instance", "/api/v2/instance/"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.json()["version"].startswith("4.3.0 (compatible; Porina ")


async def test_unknown_path_answers_in_mastodon_error_shape(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}
