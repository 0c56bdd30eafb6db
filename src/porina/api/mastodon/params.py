"""Request parameters the way Mastodon clients send them.

Clients send the same fields as a query string, a form, multipart, or JSON; Rails-style
brackets (``media_ids[]=1``, ``poll[options][]=a``, ``fields_attributes[0][name]=x``); and
booleans as ``true``/``false`` or ``1``/``0`` (Mastodon.py, even inside JSON). ``Params``
folds all of that into one nested mapping with typed getters that raise 422 on bad values.

This is the API's one validation layer (the rules are ``core/inputs.py``, shared with the web
app): a body that is not UTF-8, not JSON, or nested past ``MAX_DEPTH`` is a 400; a body past
the route's size limit a 413; text holding a NUL character is a 422 (a look-up or search
``term`` holding one names nothing), and so is any text (a value or a name, at any depth)
past ``MAX_FIELD_BYTES``; integers are 64-bit signed; dates are ISO 8601 within
``EARLIEST``..``LATEST``.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile
from litestar.exceptions.http_exceptions import RequestEntityTooLarge

from porina.core import inputs
from porina.core.errors import BadRequest, PayloadTooLarge, Unprocessable
from porina.core.ids import parse_id

_KEY = re.compile(r"\[([^\]]*)\]")
_TRUE = {"1", "true", "t", "on", "yes"}
_FALSE = {"0", "false", "f", "off", "no", ""}
TOO_DEEP = "The request body is nested too deeply"
NOT_UTF8 = "The request body is not valid UTF-8"
_LAST_DAY = f"{inputs.LATEST - timedelta(days=1):%Y-%m-%d}"


TOO_LARGE = "The request body is too large"


def _nul_error(name: str) -> Unprocessable:
    return Unprocessable(f"Validation failed: {name} must not contain a NUL character")


def size_error(name: str, max_bytes: int = inputs.MAX_FIELD_BYTES) -> Unprocessable:
    label = name.replace("_", " ").capitalize() if name else "Text"
    return Unprocessable(f"Validation failed: {label} is too long (maximum is {max_bytes} bytes)")


def checked(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` when every text and name in it fits ``MAX_FIELD_BYTES`` of UTF-8, else a 422
    naming the first that does not."""
    name = inputs.oversized(data)
    if name is not None:
        raise size_error(name)
    return data


def _path(key: str) -> list[str]:
    head = key.split("[", 1)[0]
    return [head, *_KEY.findall(key[len(head) :])]


def _insert(target: dict[str, Any], path: list[str], value: Any) -> None:
    node: Any = target
    for index, part in enumerate(path):
        last = index == len(path) - 1
        nxt = None if last else path[index + 1]
        if part == "":
            if not isinstance(node, list):
                return
            if last:
                node.append(value)
                return
            if (
                nxt
                and nxt != ""
                and (not node or not isinstance(node[-1], dict) or nxt in node[-1])
            ):
                node.append({})
            elif not node:
                node.append({} if nxt != "" else [])
            node = node[-1]
            continue
        if not isinstance(node, dict):
            return
        if last:
            node[part] = value
            return
        default: Any = [] if nxt == "" else {}
        child = node.get(part)
        if not isinstance(child, dict | list):
            child = default
            node[part] = child
        node = child


def fold(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """``[("a[]", 1), ("a[]", 2), ("p[x]", 3)]`` -> ``{"a": [1, 2], "p": {"x": 3}}``; a key
    bracketed deeper than ``MAX_DEPTH`` is a 400."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        path = _path(key)
        if len(path) > inputs.MAX_DEPTH:
            raise BadRequest(TOO_DEEP)
        _insert(out, path, value)
    return out


class Params:
    """Typed access to a folded parameter mapping."""

    def __init__(self, data: Mapping[builtins.str, Any]) -> None:
        self.data = dict(data)

    @classmethod
    async def of(cls, request: Request[Any, Any, Any]) -> Params:
        pairs: list[tuple[str, Any]] = list(request.query_params.multi_items())
        data = fold(pairs)
        if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
            data.update(await _body(request))
        data.update({k: v for k, v in request.path_params.items()})
        return cls(checked(data))

    def has(self, name: builtins.str) -> builtins.bool:
        return name in self.data and self.data[name] is not None

    def raw(self, name: builtins.str) -> Any:
        return self.data.get(name)

    def str(
        self,
        name: builtins.str,
        default: builtins.str | None = None,
        *,
        max_len: builtins.int | None = None,
    ) -> builtins.str | None:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool | int | float):
            value = str(value).lower() if isinstance(value, bool) else str(value)
        if not isinstance(value, str):
            raise Unprocessable(f"Validation failed: {name} must be text")
        if inputs.has_nul(value):
            raise _nul_error(name)
        if max_len is not None and len(value) > max_len:
            raise Unprocessable(f"Validation failed: {name} is too long (maximum is {max_len})")
        return value

    def text(
        self, name: builtins.str, default: builtins.str = "", *, max_len: builtins.int | None = None
    ) -> builtins.str:
        value = self.str(name, default, max_len=max_len)
        return value if value is not None else default

    def term(self, name: builtins.str, *, max_len: builtins.int) -> builtins.str | None:
        """A look-up or search term (``""`` when absent), or None when it names nothing: it
        holds a NUL character, which no stored name or text does."""
        value = self.data.get(name)
        if isinstance(value, str) and inputs.has_nul(value):
            return None
        return self.text(name, max_len=max_len)

    def bool(self, name: builtins.str, default: builtins.bool = False) -> builtins.bool:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return bool(value)
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        raise Unprocessable(f"Validation failed: {name} must be true or false")

    def opt_bool(self, name: builtins.str) -> builtins.bool | None:
        return self.bool(name) if self.has(name) else None

    def int(
        self,
        name: builtins.str,
        default: builtins.int | None = None,
        *,
        lo: builtins.int = inputs.INT64_MIN,
        hi: builtins.int = inputs.INT64_MAX,
    ) -> builtins.int | None:
        """An integer in ``lo``..``hi`` (at most 64 bits signed, the columns' range)."""
        value = self.data.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise Unprocessable(f"Validation failed: {name} must be a number")
        try:
            number = builtins.int(value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise Unprocessable(f"Validation failed: {name} must be a number") from exc
        if not max(lo, inputs.INT64_MIN) <= number <= min(hi, inputs.INT64_MAX):
            raise Unprocessable(f"Validation failed: {name} is out of range")
        return number

    def moment(self, name: builtins.str, *, label: builtins.str) -> datetime | None:
        """An ISO 8601 date and time as aware UTC (None when absent), within the calendar
        ``core.inputs`` allows; ``label`` names the field in the error, as Mastodon does."""
        raw = self.str(name)
        if not raw:
            return None
        parsed = inputs.moment(raw)
        if parsed is None:
            raise Unprocessable(
                f"Validation failed: {label} must be a date and time between "
                f"{inputs.EARLIEST:%Y-%m-%d} and {_LAST_DAY}"
            )
        return parsed

    def limit(self, default: builtins.int = 20, maximum: builtins.int = 40) -> builtins.int:
        """Mastodon clamps ``limit`` instead of refusing it."""
        try:
            number = self.int("limit", default)
        except Unprocessable:
            number = default
        return max(1, min(number or default, maximum))

    def id(self, name: builtins.str) -> builtins.int | None:
        """An id parameter; a malformed one is treated as naming nothing (404 upstream)."""
        value = self.data.get(name)
        if value is None or value == "":
            return None
        parsed = parse_id(value if isinstance(value, str | int) else None)
        if parsed is None:
            raise Unprocessable(f"Validation failed: {name} is not a valid id")
        return parsed

    def list(self, name: builtins.str) -> builtins.list[Any]:
        value = self.data.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return [value[k] for k in sorted(value, key=lambda k: (len(k), k))]
        return [value]

    def str_list(
        self, name: builtins.str, *, max_items: builtins.int | None = None
    ) -> builtins.list[builtins.str]:
        items = self.list(name)
        if max_items is not None and len(items) > max_items:
            raise Unprocessable(f"Validation failed: too many {name} (maximum is {max_items})")
        out: builtins.list[builtins.str] = []
        for item in items:
            if isinstance(item, bool | dict | list) or item is None:
                raise Unprocessable(f"Validation failed: {name} must be a list of text")
            text = str(item)
            if inputs.has_nul(text):
                raise _nul_error(name)
            out.append(text)
        return out

    def id_list(
        self, name: builtins.str, *, max_items: builtins.int | None = None
    ) -> builtins.list[builtins.int]:
        out: builtins.list[builtins.int] = []
        for item in self.str_list(name, max_items=max_items):
            parsed = parse_id(item)
            if parsed is None:
                raise Unprocessable(f"Validation failed: {name} contains an invalid id")
            out.append(parsed)
        return out

    def sub(self, name: builtins.str) -> Params:
        value = self.data.get(name)
        if value is None:
            return Params({})
        if not isinstance(value, dict):
            raise Unprocessable(f"Validation failed: {name} must be an object")
        return Params(value)

    def file(self, name: builtins.str) -> UploadFile | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, UploadFile):
            raise Unprocessable(f"Validation failed: {name} must be a file upload")
        return value


async def _body(request: Request[Any, Any, Any]) -> dict[str, Any]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            raw = await request.body()
        except RequestEntityTooLarge as exc:
            raise PayloadTooLarge(TOO_LARGE) from exc
        return _json_body(raw)
    if ctype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        try:
            form = await request.form()
        except RequestEntityTooLarge as exc:
            raise PayloadTooLarge(TOO_LARGE) from exc
        except Exception as exc:  # malformed multipart from the client
            raise BadRequest("The request body could not be read as a form") from exc
        pairs = list(form.multi_items())
        for key, value in pairs:
            if inputs.has_nul(key) or (isinstance(value, str) and inputs.has_nul(value)):
                raise _nul_error(_path(key)[0])
        return fold(pairs)
    return {}


def _json_body(raw: bytes) -> dict[str, Any]:
    """The decoded object: strict UTF-8 (RFC 8259), nested at most ``MAX_DEPTH`` deep, no NUL
    in any text or key. The decoder's own recursion limit (about a thousand levels) is met
    only by bodies far past ``MAX_DEPTH``, so it is the same 400."""
    if not raw.strip():
        return {}
    try:
        decoded = msgspec.json.decode(raw)
    except UnicodeDecodeError as exc:
        raise BadRequest(NOT_UTF8) from exc
    except RecursionError as exc:
        raise BadRequest(TOO_DEEP) from exc
    except msgspec.DecodeError as exc:
        raise BadRequest("The request body is not valid JSON") from exc
    if not isinstance(decoded, dict):
        raise Unprocessable("Validation failed: the JSON body must be an object")
    fault = inputs.nesting_fault(decoded)
    if fault == "deep":
        raise BadRequest(TOO_DEEP)
    if fault == "nul":
        raise _nul_error("text")
    # JSON bodies may still use bracketed keys (some clients do)
    return fold(decoded.items())
