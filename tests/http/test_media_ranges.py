"""A video player seeks with byte ranges (Safari plays no video without them): ``/media``
answers one range with 206 and exactly those bytes, a range past the end with 416, and
keeps its type, nosniff and sandbox on every answer."""

from __future__ import annotations

import httpx

from porina.http.media_files import byte_range
from tests.factories import Factory, Person
from tests.support import media_files

BASE = "http://testserver.local"


async def _uploaded_video(alice: Person) -> tuple[str, bytes]:
    response = await alice.post(
        "/api/v1/media", files={"file": ("clip.webm", media_files.webm(), "video/webm")}
    )
    assert response.status_code == 200, response.text
    path = response.json()["url"].removeprefix(BASE)
    whole = await alice.client.get(path)
    assert whole.status_code == 200
    assert whole.headers["accept-ranges"] == "bytes"
    return path, whole.content


def _safe(response: httpx.Response) -> None:
    assert response.headers["content-type"] == "video/webm"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"].split("; ")


async def test_one_range_is_206_with_exactly_those_bytes(make: Factory) -> None:
    alice = await make.person("alice")
    path, whole = await _uploaded_video(alice)
    size = len(whole)
    for asked, first, last in (
        ("bytes=0-9", 0, 9),
        ("bytes=10-", 10, size - 1),
        ("bytes=-7", size - 7, size - 1),
        (f"bytes=5-{size + 100}", 5, size - 1),
    ):
        part = await alice.client.get(path, headers={"Range": asked})
        assert part.status_code == 206, asked
        assert part.content == whole[first : last + 1], asked
        assert part.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert part.headers["content-length"] == str(last - first + 1)
        _safe(part)


async def test_a_range_past_the_end_is_416_and_odd_ranges_get_the_whole_file(
    make: Factory,
) -> None:
    alice = await make.person("alice")
    path, whole = await _uploaded_video(alice)
    past = await alice.client.get(path, headers={"Range": f"bytes={len(whole)}-"})
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{len(whole)}"
    for asked in ("bytes=0-1,4-5", "bytes=9-2", "items=0-1", "bytes=-"):
        full = await alice.client.get(path, headers={"Range": asked})
        assert (full.status_code, full.content) == (200, whole), asked
        _safe(full)


async def test_if_range_gets_the_part_only_while_the_file_is_unchanged(make: Factory) -> None:
    alice = await make.person("alice")
    path, whole = await _uploaded_video(alice)
    modified = (await alice.client.get(path)).headers["last-modified"]
    same = await alice.client.get(path, headers={"Range": "bytes=0-3", "If-Range": modified})
    assert (same.status_code, same.content) == (206, whole[:4])
    other = await alice.client.get(
        path, headers={"Range": "bytes=0-3", "If-Range": "Thu, 01 Jan 1970 00:00:00 GMT"}
    )
    assert (other.status_code, other.content) == (200, whole)


async def test_a_range_never_reaches_outside_the_media_directory(make: Factory) -> None:
    alice = await make.person("alice")
    await _uploaded_video(alice)
    for path in ("/media/../settings.py", "/media/%2e%2e/porina.db", "/media/nothing.webm"):
        response = await alice.client.get(path, headers={"Range": "bytes=0-9"})
        assert response.status_code == 404, path


async def test_a_range_request_for_head_sends_headers_only(make: Factory) -> None:
    alice = await make.person("alice")
    path, whole = await _uploaded_video(alice)
    head = await alice.client.head(path, headers={"Range": "bytes=0-9"})
    assert head.status_code == 206
    assert head.content == b""
    assert head.headers["content-range"] == f"bytes 0-9/{len(whole)}"


def test_range_arithmetic() -> None:
    assert byte_range("bytes=0-0", 1) == (0, 0)
    assert byte_range("bytes=-0", 10) == (10, 9)
    assert byte_range("bytes=-100", 10) == (0, 9)
    assert byte_range("bytes=0-", 0) == (0, -1)
