"""``OutboundClient``: the one way Porina makes HTTP requests to other servers.

Per request: the URL must be https (plain http only to allow-listed hosts) with a host; every
connection goes through ``backend.GuardedBackend`` (one lookup, every answer checked, connect
to the checked address); redirects are followed here, at most ``max_redirects``, each hop
checked like the first; the body is read up to ``max_bytes``; the whole exchange, redirects
included, ends after ``total_timeout``. httpx runs under it with no environment proxies, no
netrc, no cookie jar and its own redirects off.
"""

from __future__ import annotations

import asyncio
import codecs
import json
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx

from porina import __version__
from porina.http.addresses import AddressPolicy, literal_address
from porina.http.backend import guarded_transport
from porina.http.body import ACCEPT_ENCODING, read_limited
from porina.http.errors import (
    BadResponse,
    BadScheme,
    BadUrl,
    BlockedAddress,
    ConnectFailed,
    OutboundTimeout,
    TooManyRedirects,
)
from porina.http.resolver import Resolver, SystemResolver
from porina.settings import Settings, parse_allow_http_hosts

REDIRECTS = frozenset({301, 302, 303, 307, 308})
CREDENTIALS = ("authorization", "proxy-authorization", "cookie")
"""Headers not carried to another origin by a redirect."""
BODY_HEADERS = ("content-type", "content-length", "transfer-encoding")


@dataclass(frozen=True, slots=True)
class OutboundLimits:
    """Seconds and bytes; ``build_outbound`` takes them from the PORINA_OUTBOUND_* settings."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class OutboundResponse:
    """A complete response: ``content`` is the decoded body, ``headers`` as received, ``url``
    the address that answered (after redirects). Any status is a response, not an error."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.content.decode(_charset(self.headers.get("content-type", "")), "replace")

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError as exc:
            raise BadResponse(f"{self.url} did not answer JSON: {exc}") from exc


@dataclass(frozen=True, slots=True)
class _Hop:
    method: str
    url: httpx.URL
    headers: httpx.Headers
    content: bytes | None


class _NoCookies(DefaultCookiePolicy):
    """Requests to other servers never carry or keep cookies."""

    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


class OutboundClient:
    """Async, shared by the whole process; ``aclose`` when the process stops.

    ``resolver`` answers host names (the system's by default; ``StaticResolver`` in tests);
    ``transport`` replaces the guarded transport entirely (tests of features that need canned
    answers; the URL checks here still apply, the per-connection address check does not).
    """

    def __init__(
        self,
        *,
        user_agent: str,
        limits: OutboundLimits | None = None,
        policy: AddressPolicy | None = None,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.limits = limits or OutboundLimits()
        self.policy = policy or AddressPolicy()
        connect, read = self.limits.connect_timeout, self.limits.read_timeout
        self._http = httpx.AsyncClient(
            transport=transport or guarded_transport(self.policy, resolver or SystemResolver()),
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
            headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            cookies=CookieJar(policy=_NoCookies()),
        )

    async def __aenter__(self) -> OutboundClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(
        self, url: str, *, headers: Mapping[str, str] | None = None, max_bytes: int | None = None
    ) -> OutboundResponse:
        return await self.request("GET", url, headers=headers, max_bytes=max_bytes)

    async def post(
        self,
        url: str,
        *,
        content: bytes,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> OutboundResponse:
        return await self.request(
            "POST", url, content=content, headers=headers, max_bytes=max_bytes
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        max_bytes: int | None = None,
    ) -> OutboundResponse:
        """The response to ``method url``, after redirects; OutboundError when refused or when
        no usable response came within the limits. ``max_bytes`` overrides the body limit."""
        hop = _Hop(method.upper(), _parse(url), httpx.Headers(headers), content)
        limit = self.limits.max_bytes if max_bytes is None else max_bytes
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                return await self._follow(hop, limit)
        except TimeoutError as exc:
            raise OutboundTimeout(f"{url} took over {self.limits.total_timeout} s") from exc

    def check_url(self, url: httpx.URL) -> None:
        """Refuses what can be refused before connecting: a scheme other than https (http
        only to allow-listed hosts), no host, a blocked IP literal."""
        if url.scheme not in ("http", "https"):
            raise BadScheme(f"{url.scheme or 'no'} scheme: only https (and http) are fetched")
        host = url.raw_host.decode("ascii")
        if not host:
            raise BadUrl(f"{url} has no host")
        port = url.port or (443 if url.scheme == "https" else 80)
        if url.scheme == "http" and not self.policy.allows_http(host, port):
            raise BadScheme(f"plain http to {host}:{port} is refused; use https")
        literal = literal_address(host)
        reason = None if literal is None else self.policy.refusal(host, port, literal)
        if reason:
            raise BlockedAddress(
                f"{host} is an address Porina does not connect to: {reason}",
                details={"host": host, "address": str(literal), "reason": reason},
            )

    async def _follow(self, hop: _Hop, limit: int) -> OutboundResponse:
        for _ in range(self.limits.max_redirects + 1):
            self.check_url(hop.url)
            answer = await self._exchange(hop, limit)
            if isinstance(answer, OutboundResponse):
                return answer
            hop = answer
        raise TooManyRedirects(f"over {self.limits.max_redirects} redirects, last to {hop.url}")

    async def _exchange(self, hop: _Hop, limit: int) -> OutboundResponse | _Hop:
        """One request: the response, or the next hop when it redirects."""
        url = str(hop.url)
        try:
            async with self._http.stream(
                hop.method, hop.url, headers=hop.headers, content=hop.content
            ) as response:
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    return _redirected(hop, response.status_code, location)
                body = await read_limited(response, limit, url)
                return OutboundResponse(url, response.status_code, response.headers, body)
        except httpx.TimeoutException as exc:
            raise OutboundTimeout(f"{url}: {type(exc).__name__}") from exc
        except httpx.ConnectError as exc:
            raise ConnectFailed(f"{url}: could not connect ({exc})") from exc
        except httpx.RequestError as exc:
            raise BadResponse(f"{url}: {type(exc).__name__} ({exc})") from exc


def _parse(url: str) -> httpx.URL:
    try:
        return httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise BadUrl(f"{url!r} is not an address: {exc}") from exc


def _redirected(hop: _Hop, status: int, location: str) -> _Hop:
    try:
        target = hop.url.join(location)
    except httpx.InvalidURL as exc:
        raise BadResponse(f"{hop.url} redirects to an invalid address {location!r}") from exc
    method, content, headers = hop.method, hop.content, httpx.Headers(hop.headers)
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method, content = "GET", None
        for name in BODY_HEADERS:
            headers.pop(name, None)
    if (target.scheme, target.host, target.port) != (hop.url.scheme, hop.url.host, hop.url.port):
        for name in CREDENTIALS:
            headers.pop(name, None)
    return _Hop(method, target, headers, content)


def _charset(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            try:
                return codecs.lookup(value.strip().strip('"')).name
            except LookupError:
                break
    return "utf-8"


def user_agent(settings: Settings) -> str:
    """``Porina/<version> (+<base url>)``: who is asking and where to read about it."""
    return f"Porina/{__version__} (+{settings.base_url})"


def build_outbound(
    settings: Settings,
    *,
    resolver: Resolver | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> OutboundClient:
    """The process's outbound client, from the PORINA_OUTBOUND_* and
    PORINA_FEDERATION_ALLOW_HTTP_HOSTS settings (a bad allow-list raises SettingsError)."""
    limits = OutboundLimits(
        connect_timeout=settings.outbound_connect_timeout,
        read_timeout=settings.outbound_read_timeout,
        total_timeout=settings.outbound_timeout,
        max_bytes=settings.outbound_max_bytes,
    )
    policy = AddressPolicy(parse_allow_http_hosts(settings.federation_allow_http_hosts))
    return OutboundClient(
        user_agent=user_agent(settings),
        limits=limits,
        policy=policy,
        resolver=resolver,
        transport=transport,
    )
