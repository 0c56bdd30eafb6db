"""A test of an endpoint the app does not serve fails and names it; it never skips."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar

from ..support.contract import Contract
from ..support.openapi import VENDORED, spec_path
from ..support.routes import assert_served

ABSENT = "GET /api/v1/no_such_endpoint/{id}"


def test_asserting_an_unserved_endpoint_fails_naming_it(app: Litestar) -> None:
    with pytest.raises(pytest.fail.Exception, match="no_such_endpoint"):
        assert_served(app, "GET /api/v1/instance", ABSENT)
    assert_served(app, "GET /api/v1/instance", "GET /api/v1/statuses/{id}")


async def test_a_contract_with_an_unserved_endpoint_fails_after_checking_the_rest(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    c = Contract(app)
    await c.check("GET /api/v1/instance", lambda: client.get("/api/v1/instance"))
    assert await c.check(ABSENT, lambda: client.get("/api/v1/no_such_endpoint/1")) is None
    with pytest.raises(pytest.fail.Exception, match=r"no_such_endpoint.*validated 1 others"):
        c.assert_all_served()


def test_the_openapi_document_is_the_copy_in_the_repository(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PORINA_OPENAPI", raising=False)
    assert spec_path() == VENDORED
    assert VENDORED.is_file()
    assert VENDORED.parent.name == "reference" and VENDORED.parents[1].name == "tests"
