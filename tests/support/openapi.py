"""Validate response bodies against ``tests/reference/mastodon-openapi.json`` (vendored; its
origin and licence are in ``tests/reference/README.md``; ``PORINA_OPENAPI`` names another copy).

The schema for a (path template, method, status) is looked up in the document and validated
with ``Draft202012Validator``; every ``$ref`` resolves inside the whole document through a
``referencing`` registry. Strictness: required fields, types, enums and ``oneOf`` (with
``null``) as the document states them. Extra properties the schema does not list are allowed
(the document never forbids them), and ``format`` is not asserted.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:porina:mastodon-openapi"


VENDORED = Path(__file__).resolve().parents[1] / "reference" / "mastodon-openapi.json"


def spec_path() -> Path:
    """The vendored document, or the one ``PORINA_OPENAPI`` names."""
    configured = os.environ.get("PORINA_OPENAPI")
    return Path(configured) if configured else VENDORED


# Where the reference document disagrees with what Mastodon itself serves (and what clients
# expect), the document is corrected here, each with the reason. Keep this list short.
ERRATA: list[tuple[tuple[str, ...], dict[str, Any], str]] = [
    (
        ("components", "schemas", "NotificationGroup", "properties", "most_recent_notification_id"),
        {"description": "ID of the most recent notification in the group.", "type": "string"},
        "Mastodon serializes it as a string id like every other id (masto.js types it string)",
    ),
    (
        ("components", "schemas", "Status", "properties", "quote"),
        {
            "description": "Information about the status being quoted, if any",
            "anyOf": [
                {"$ref": "#/components/schemas/Quote"},
                {"$ref": "#/components/schemas/ShallowQuote"},
                {"type": "null"},
            ],
        },
        "Quote and ShallowQuote both require only `state` and allow other keys, so every quote "
        "matches both and `oneOf` (exactly one) could never hold: Mastodon sends either",
    ),
]


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(spec_path().read_text())
    for where, replacement, _reason in ERRATA:
        node = loaded
        for key in where[:-1]:
            node = node[key]
        node[where[-1]] = replacement
    _allow_null_in_nullable_enums(loaded)
    return loaded


def _allow_null_in_nullable_enums(node: Any) -> None:
    """The document types some optional fields ``["string", "null"]`` but lists an ``enum``
    without ``null`` (``quote_approval_policy``...), which would forbid the null it allows."""
    if isinstance(node, dict):
        kinds = node.get("type")
        enum = node.get("enum")
        if isinstance(kinds, list) and "null" in kinds and enum is not None and None not in enum:
            node["enum"] = [*enum, None]
        for value in node.values():
            _allow_null_in_nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _allow_null_in_nullable_enums(value)


@cache
def registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(document(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)
    return registry


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def schema_pointer(path: str, method: str, status: int) -> str:
    """The JSON pointer of the response schema, or ``LookupError`` naming what exists."""
    paths = document()["paths"]
    if path not in paths:
        raise LookupError(f"{path} is not in the OpenAPI document")
    operation = paths[path].get(method.lower())
    if operation is None:
        raise LookupError(f"{method.upper()} {path} is not in the OpenAPI document")
    responses = operation.get("responses", {})
    code = str(status)
    if code not in responses:
        raise LookupError(f"{method.upper()} {path} documents {sorted(responses)}, not {code}")
    content = responses[code].get("content", {})
    if "application/json" not in content or "schema" not in content["application/json"]:
        raise LookupError(f"{method.upper()} {path} {code} has no JSON schema")
    return _pointer(
        "paths", path, method.lower(), "responses", code, "content", "application/json", "schema"
    )


@cache
def validator(path: str, method: str, status: int) -> Draft202012Validator:
    ref = {"$ref": f"{DOC_URI}#{schema_pointer(path, method, status)}"}
    return Draft202012Validator(ref, registry=registry())


@cache
def component_validator(name: str, *, many: bool = False) -> Draft202012Validator:
    one = {"$ref": f"{DOC_URI}#/components/schemas/{name}"}
    return Draft202012Validator(
        {"type": "array", "items": one} if many else one, registry=registry()
    )


def _describe(error: ValidationError, depth: int = 0) -> list[str]:
    where = error.json_path
    lines = [f"{'  ' * depth}{where}: {error.message[:300]}"]
    if error.validator in ("oneOf", "anyOf") and error.context and depth < 2:
        for sub in sorted(error.context, key=lambda e: len(list(e.relative_path)), reverse=True)[
            :6
        ]:
            lines.extend(_describe(sub, depth + 1))
    return lines


def problems(v: Draft202012Validator, body: Any) -> list[str]:
    out: list[str] = []
    for error in sorted(v.iter_errors(body), key=lambda e: e.json_path):
        out.extend(_describe(error))
    return out


def assert_valid(body: Any, path: str, method: str = "get", status: int = 200) -> None:
    """Fail with every mismatch when ``body`` does not match the documented response."""
    found = problems(validator(path, method, status), body)
    assert not found, f"{method.upper()} {path} {status} breaks the contract:\n" + "\n".join(found)


def assert_component(body: Any, name: str, *, many: bool = False) -> None:
    found = problems(component_validator(name, many=many), body)
    assert not found, f"{name} breaks the contract:\n" + "\n".join(found)


def assert_response(
    response: httpx.Response, path: str, method: str | None = None, status: int = 200
) -> Any:
    """Check the status code, then the body against the schema; return the body."""
    verb = method or response.request.method
    assert response.status_code == status, (
        f"{verb} {response.request.url} gave {response.status_code}: {response.text[:500]}"
    )
    body = response.json()
    if has_schema(path, verb, status):
        assert_valid(body, path, verb, status)
    else:  # documented without a body schema (Mastodon answers ``{}`` or a plain hash)
        assert isinstance(body, (dict, list)), body
    return body


def has_schema(path: str, method: str, status: int) -> bool:
    try:
        schema_pointer(path, method, status)
    except LookupError as exc:
        if "has no JSON schema" in str(exc):
            return False
        raise
    return True
