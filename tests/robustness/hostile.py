"""Families of hostile input and the requests that carry them to a route.

Each family is one kind of input a careless or malicious client sends: a NUL byte in text,
JSON nested thousands deep, bytes that are not UTF-8, integers past 64 bits, dates at the ends
of the calendar, and text far past any limit. ``requests_for`` turns a family and a route
into the request that puts the family's value in the route's path, in its query string and
in its body (JSON for API routes, a form for pages), in the fields where that family bites.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from porina.web.errors import NOT_PAGES

# Every field name the API or the pages read as text: the parameters of the vendored Mastodon
# OpenAPI description and the names of the pages' form fields.
TEXT_FIELDS = [
    "status",
    "spoiler_text",
    "q",
    "acct",
    "type",
    "visibility",
    "language",
    "quote_approval_policy",
    "scheduled_at",
    "title",
    "context[]",
    "filter_action",
    "keywords_attributes[][keyword]",
    "display_name",
    "note",
    "fields_attributes[0][name]",
    "fields_attributes[0][value]",
    "source[privacy]",
    "source[language]",
    "description",
    "focus",
    "comment",
    "category",
    "replies_policy",
    "grant_type",
    "client_id",
    "client_secret",
    "client_name",
    "redirect_uri",
    "redirect_uris",
    "scopes",
    "scope",
    "code",
    "code_verifier",
    "token",
    "username",
    "email",
    "password",
    "locale",
    "domain",
    "resource",
    "tag",
    "any[]",
    "all[]",
    "none[]",
    "types[]",
    "exclude_types[]",
    "grouped_types[]",
    "timeline[]",
    "choices[]",
    "poll[options][]",
    "reason",
    "text",
    "name",
    "lang",
    "next",
    "confirmation_token",
    "current_password",
    "new_password",
    "before",
    "action_type",
    "policy",
]
# Every field read as an integer or an id.
INT_FIELDS = [
    "id",
    "id[]",
    "limit",
    "offset",
    "max_id",
    "since_id",
    "min_id",
    "account_id",
    "in_reply_to_id",
    "quoted_status_id",
    "media_ids[]",
    "account_ids[]",
    "status_ids[]",
    "rule_ids[]",
    "choices[]",
    "expires_in",
    "poll[expires_in]",
    "duration",
    "home[last_read_id]",
    "notifications[last_read_id]",
    "tz_offset",
    "before",
]
# Every field read as a date, a time or a duration.
DATE_FIELDS = [
    "scheduled_at",
    "expires_in",
    "poll[expires_in]",
    "duration",
    "tz_offset",
    "date_of_birth",
    "expires_at",
]

HUGE_INTS = ["9223372036854775808", "9223372036854775807", "-9223372036854775809", "1" + "0" * 40]
EXTREME_DATES = [
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "+275760-09-13T00:00:00Z",
    "99999999999999999999",
]
DEPTH = 2_000


@dataclass(frozen=True)
class Hostile:
    """What one request of a family carries: the path value, the query, and the body."""

    path_value: str
    query: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    json_body: bytes | None = None
    form_body: bytes | None = None
    raw_query: str | None = None


def _nul(variant: int) -> Hostile:
    value = ["a\x00b", "\x00"][variant % 2]
    return Hostile("a\x00b", dict.fromkeys(TEXT_FIELDS, value), dict.fromkeys(TEXT_FIELDS, value))


def _deep(variant: int) -> Hostile:
    depth = [DEPTH, 200, DEPTH][variant % 3]
    nested = b"[" * depth + b"]" * depth
    json_body = nested if variant % 3 == 2 else b'{"status": ' + nested + b', "q": ' + nested + b"}"
    key = "poll" + "[options]" * 100
    form = (quote(key) + "=x&" + "status" + "[a]" * 100 + "=y").encode()
    return Hostile("x", {key: "x", "any" + "[]" * 100: "x"}, json_body=json_body, form_body=form)


def _utf8(variant: int) -> Hostile:
    bad = [b"\xff\xfe", b"caf\xc3", b"\xed\xa0\x80"][variant % 3]
    names = ("status", "q", "title", "email", "client_name", "username")
    form = b"&".join(name.encode() + b"=" + bad for name in names)
    json_body = b"{" + b", ".join(b'"' + n.encode() + b'": "' + bad + b'"' for n in names) + b"}"
    escaped = "".join(f"%{byte:02X}" for byte in bad)
    raw_query = "&".join(f"{name}={escaped}" for name in ("q", "acct", "status", "max_id"))
    return Hostile("%FF%FE", json_body=json_body, form_body=form, raw_query=raw_query)


def _ints(variant: int) -> Hostile:
    value = HUGE_INTS[variant % len(HUGE_INTS)]
    fields: dict[str, Any] = dict.fromkeys(INT_FIELDS, int(value))
    return Hostile(value, dict.fromkeys(INT_FIELDS, value), fields)


def _dates(variant: int) -> Hostile:
    """Alternately a post scheduled at an extreme date, and a poll, a mute, a filter lasting
    to one."""
    value = EXTREME_DATES[variant % len(EXTREME_DATES)]
    if variant % 2 == 0:
        fields: dict[str, Any] = {"status": "x", "scheduled_at": value}
    else:
        fields = {"status": "x", "title": "x", "context": ["home"]}
        fields |= {name: value for name in DATE_FIELDS if name != "scheduled_at"}
        fields["poll"] = {"options": ["a", "b"], "expires_in": value}
    return Hostile(value, dict.fromkeys(DATE_FIELDS, value), fields)


def _long(variant: int) -> Hostile:
    letter = ["x", "é", "👍"][variant % 3]
    fields = dict.fromkeys(TEXT_FIELDS, letter * 1_000)
    fields["status"] = fields["note"] = fields["description"] = letter * 20_000
    query = dict.fromkeys(TEXT_FIELDS[:8], "y" * 2_000)
    return Hostile("z" * 5_000, query, fields)


FAMILIES: dict[str, Callable[[int], Hostile]] = {
    "nul": _nul,
    "deep_json": _deep,
    "invalid_utf8": _utf8,
    "huge_int": _ints,
    "extreme_date": _dates,
    "overlong_text": _long,
}

LONG_LIVED = ("/api/v1/streaming", "/web/stream", "/web/calls/stream")
_PARAM = re.compile(r"\{[^}]+\}")


def form_pairs(fields: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``fields`` as a form's pairs, nested the Rails way: ``poll[options][]=a``."""
    out: list[tuple[str, str]] = []
    for key, value in fields.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, dict):
            out.extend(form_pairs(value, name))
        elif isinstance(value, list):
            out.extend((f"{name}[]", str(item)) for item in value)
        else:
            out.append((name, str(value)))
    return out


def routes(app: Any) -> list[tuple[str, str]]:
    """Every (method, path template) the app serves, but the long-lived streams; signing out
    comes last, so the signed-in requests before it keep their session."""
    out: set[tuple[str, str]] = set()
    for route in app.routes:
        if route.path.startswith(LONG_LIVED):
            continue
        for method in getattr(route, "methods", ()):
            if method not in {"HEAD", "OPTIONS"}:
                out.add((str(method), route.path))
    return sorted(out, key=lambda r: (r[1] == "/auth/sign_out", r[1], r[0]))


def is_api(path: str) -> bool:
    """Paths that answer in JSON, never with a page (the web app's own list)."""
    return path.startswith(NOT_PAGES)


def fill(template: str, value: str) -> str:
    """The template with every path parameter set to ``value`` (percent-escaped, except a
    value that is already an escape sequence; a profile's ``{handle}`` starts with ``@``)."""
    escaped = value if value.startswith("%") else quote(value, safe="")

    def one(match: re.Match[str]) -> str:
        at = "%40" if match[0].startswith("{handle") and not escaped.startswith("%40") else ""
        return at + (escaped or "x")

    return _PARAM.sub(one, template)
