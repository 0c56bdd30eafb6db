"""API error messages in the client's language, as Mastodon answers them.

Every error the API, ``/oauth/token`` and ``/oauth/revoke`` answer is ``{"error": "..."}``
(with ``error_description`` for OAuth), whoever produced it: the exception handlers
(``errors.py``), the rate limiter, the OAuth endpoints. ``error_language`` (ASGI middleware)
rewrites those bodies on their way out, so every one of them speaks the language without each
producer knowing about it. The language: the best of ``Accept-Language`` (by quality), else
the signed-in person's setting (``users.locale``, read from the token cache the request's
authentication filled, no query), else English. Status codes and OAuth's ``error`` codes
(``invalid_grant``...) never change: a code has no entry in the catalog.

Messages come from the ``api`` gettext catalog (``api/locale/<lang>/LC_MESSAGES/api.po``,
compiled with ``pybabel compile -d src/porina/api/locale -D api``). A message is looked up
whole; a ``Validation failed: ...`` one is translated as that prefix and its detail; a detail
that carries a value (a field name, a number) matches one of ``TEMPLATES`` and is translated
as the template with the field's name translated too, when the catalog has it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec
from babel.support import NullTranslations
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from porina.accounts.tokens import digest as token_hash
from porina.core import i18n

CATALOGS = str(Path(__file__).resolve().parents[1] / "locale")
DOMAIN = "api"
PATHS = ("/api/", "/oauth/token", "/oauth/revoke")
VALIDATION = "Validation failed: "


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    return message


TEMPLATES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"(?P<name>.+) can't be blank", N_("%(name)s can't be blank")),
        (r"(?P<name>.+) is not included in the list", N_("%(name)s is not included in the list")),
        (
            r"(?P<name>.+) is too long \(maximum is (?P<count>\d+)\)",
            N_("%(name)s is too long (maximum is %(count)s)"),
        ),
        (r"(?P<name>.+) is too long", N_("%(name)s is too long")),
        (r"(?P<name>.+) is invalid", N_("%(name)s is invalid")),
        (r"(?P<name>.+) has already been taken", N_("%(name)s has already been taken")),
        (r"(?P<name>.+) is required", N_("%(name)s is required")),
        (r"(?P<name>.+) must be a number", N_("%(name)s must be a number")),
        (r"(?P<name>.+) must be true or false", N_("%(name)s must be true or false")),
        (r"(?P<name>.+) must be text", N_("%(name)s must be text")),
        (r"(?P<name>.+) must be an object", N_("%(name)s must be an object")),
        (r"(?P<name>.+) must be a list of text", N_("%(name)s must be a list of text")),
        (r"(?P<name>.+) must be a file upload", N_("%(name)s must be a file upload")),
        (r"(?P<name>.+) is out of range", N_("%(name)s is out of range")),
        (r"(?P<name>.+) is not a valid id", N_("%(name)s is not a valid id")),
        (r"(?P<name>.+) contains an invalid id", N_("%(name)s contains an invalid id")),
        (
            r"(?P<name>.+) must not contain a NUL character",
            N_("%(name)s must not contain a NUL character"),
        ),
        (r"(?P<name>.+) content type is invalid", N_("%(name)s content type is invalid")),
        (
            r"too many (?P<name>.+) \(maximum is (?P<count>\d+)\)",
            N_("too many %(name)s (maximum is %(count)s)"),
        ),
        (
            r"param is missing or the value is empty: (?P<name>.+)",
            N_("param is missing or the value is empty: %(name)s"),
        ),
        (
            r"Text character limit of (?P<count>\d+) exceeded",
            N_("Text character limit of %(count)s exceeded"),
        ),
        (
            r"(?P<name>.+) must be a date and time between (?P<start>\S+) and (?P<end>\S+)",
            N_("%(name)s must be a date and time between %(start)s and %(end)s"),
        ),
    )
)


def translations(locale: str) -> NullTranslations:
    return i18n.catalog(CATALOGS, DOMAIN, locale)


def localize(message: str, locale: str) -> str:
    """``message`` (an API error text in English) in ``locale``, as far as the catalog goes;
    what it does not know stays English."""
    if locale == i18n.DEFAULT or not message:
        return message
    catalog = translations(locale)
    whole = catalog.ugettext(message)
    if whole != message:
        return whole
    if message.startswith(VALIDATION):
        details = _detail(catalog, message[len(VALIDATION) :])
        return catalog.ugettext("Validation failed: %(details)s") % {"details": details}
    return _detail(catalog, message)


def _detail(catalog: NullTranslations, text: str) -> str:
    whole = catalog.ugettext(text)
    if whole != text:
        return whole
    for pattern, template in TEMPLATES:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        translated = catalog.ugettext(template)
        if translated == template:
            return text
        values = found.groupdict()
        if "name" in values:
            values["name"] = catalog.ugettext(values["name"])
        return translated % values
    return text


def request_locale(scope: Scope) -> str | None:
    """The language ``Accept-Language`` asks for, or None (then the person's setting)."""
    for name, value in scope.get("headers", ()):
        if name == b"accept-language":
            return i18n.from_accept_language(value.decode("latin-1"))
    return None


def viewer_locale(scope: Scope) -> str | None:
    """The signed-in person's language, if the request's token was seen (the token cache
    holds the viewer the authentication just read)."""
    token = None
    for name, value in scope.get("headers", ()):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            token = value[7:].strip().decode("latin-1")
    if not token:
        return None
    app = scope.get("app")
    services = getattr(getattr(app, "state", None), "services", None)
    cache = getattr(services, "token_cache", None)
    hit = cache.get(token_hash(token)) if cache is not None else None
    viewer = hit[1] if hit is not None else None
    return i18n.supported(getattr(viewer, "locale", None))


def localized_body(body: bytes, locale: str) -> bytes | None:
    """The error body with its texts in ``locale``, or None to leave it as it is."""
    try:
        data: Any = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    if not isinstance(data, dict):
        return None
    changed = False
    for key in ("error", "error_description"):
        value = data.get(key)
        if isinstance(value, str):
            translated = localize(value, locale)
            changed = changed or translated != value
            data[key] = translated
    return msgspec.json.encode(data) if changed else None


def error_language(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: API error bodies in the client's language (see the module's doc)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not scope["path"].startswith(PATHS):
            await app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def localizing_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and _is_json_error(message):
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            locale = request_locale(scope) or viewer_locale(scope)
            await _send_localized(send, start, b"".join(chunks), locale)

        await app(scope, receive, localizing_send)

    return middleware


def _is_json_error(message: Message) -> bool:
    start: Any = message
    if int(start.get("status", 200)) < 400:
        return False
    for name, value in start.get("headers", ()):
        if name.lower() == b"content-type":
            return bytes(value).startswith(b"application/json")
    return False


async def _send_localized(send: Send, start: Any, body: bytes, locale: str | None) -> None:
    chosen = locale or i18n.DEFAULT
    localized = localized_body(body, chosen) if chosen != i18n.DEFAULT else None
    headers = [
        (name, value)
        for name, value in start.get("headers", ())
        if not (localized is not None and name.lower() == b"content-length")
    ]
    headers.append((b"vary", b"Accept-Language"))
    if localized is not None:
        body = localized
        headers.append((b"content-length", str(len(body)).encode()))
        headers.append((b"content-language", chosen.encode()))
    started: Any = {**start, "headers": headers}
    await send(started)
    await send({"type": "http.response.body", "body": body, "more_body": False})
