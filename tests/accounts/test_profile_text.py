"""Profile text and images: what people type becomes safe HTML; uploads are checked and resized."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from porina.accounts.actions import AVATAR_SIZE, HEADER_SIZE, process_image, text_to_html
from porina.accounts.errors import InvalidAccountField


def test_bio_is_escaped_paragraphed_and_linked() -> None:
    html = text_to_html(
        "<img src=x onerror=alert(1)> hi\nline two\n\nsee https://example.org/x?a=1&b=2."
    )
    assert "<img" not in html and "&lt;img" in html
    assert html.startswith("<p>") and "<br>" in html and html.count("<p>") == 2
    assert 'href="https://example.org/x?a=1&amp;b=2"' in html
    assert html.endswith(".</p>")


def test_javascript_urls_are_not_linked() -> None:
    assert "href" not in text_to_html("javascript:alert(1)")


def test_empty_bio_is_empty() -> None:
    assert text_to_html("  \n ") == ""


def image(fmt: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt)
    return out.getvalue()


def test_large_header_is_cropped_to_size_and_small_avatar_kept() -> None:
    data, ext = process_image(image("JPEG", (3000, 2000)), HEADER_SIZE, 10_000_000)
    assert ext == "jpg"
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == HEADER_SIZE
    data, ext = process_image(image("PNG", (100, 80), "RGBA"), AVATAR_SIZE, 10_000_000)
    assert ext == "png"
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (100, 80)


def test_bad_or_oversized_images_are_refused() -> None:
    with pytest.raises(InvalidAccountField):
        process_image(b"GIF89a not really", AVATAR_SIZE, 10_000_000)
    with pytest.raises(InvalidAccountField):
        process_image(image("BMP", (10, 10)), AVATAR_SIZE, 10_000_000)
    with pytest.raises(InvalidAccountField):
        process_image(image("PNG", (10, 10)), AVATAR_SIZE, 10)
