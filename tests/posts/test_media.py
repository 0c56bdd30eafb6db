"""Media processing: types come from the bytes, images are cleaned, resized and described."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from porina.core.errors import PayloadTooLarge, Unprocessable
from porina.posts.media import parse_focus, process_image, process_upload, sniff
from porina.storage.files import MediaPathError, MediaStore
from tests.support import media_files

LIMITS = {"max_image_bytes": 16 * 1024 * 1024, "max_video_bytes": 99 * 1024 * 1024}
ORIENTATION = 0x0112
MAKE = 0x010F
GPS_IFD = 0x8825


def jpeg(width: int = 800, height: int = 400, *, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[MAKE] = "PorinaCam"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width: int = 64, height: int = 48, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 150, 90)).save(out, "PNG")
    return out.getvalue()


def test_types_are_detected_from_the_bytes_not_the_name() -> None:
    assert sniff(png()) is not None and sniff(png()).mime_type == "image/png"  # type: ignore[union-attr]
    assert sniff(jpeg()).mime_type == "image/jpeg"  # type: ignore[union-attr]
    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    assert sniff(mp4).type == "video"  # type: ignore[union-attr]
    mov = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" + b"\x00" * 64
    assert sniff(mov).mime_type == "video/quicktime"  # type: ignore[union-attr]
    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 32
    assert sniff(webm).mime_type == "video/webm"  # type: ignore[union-attr]
    assert sniff(b"ID3\x04\x00" + b"\x00" * 64).mime_type == "audio/mpeg"  # type: ignore[union-attr]
    assert sniff(b"OggS" + b"\x00" * 64).type == "audio"  # type: ignore[union-attr]
    assert sniff(b"fLaC" + b"\x00" * 64).mime_type == "audio/flac"  # type: ignore[union-attr]
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x00" * 64).mime_type == "audio/wav"  # type: ignore[union-attr]
    m4a = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 64
    assert sniff(m4a).mime_type == "audio/mp4"  # type: ignore[union-attr]
    assert sniff(b"this is plain text pretending to be a png") is None


def test_text_posing_as_an_image_is_refused_as_invalid_type() -> None:
    with pytest.raises(Unprocessable, match="File content type is invalid"):
        process_upload(b"hello, I am not a picture at all", **LIMITS)


def test_truncated_image_is_refused_not_crashed_on() -> None:
    with pytest.raises(Unprocessable):
        process_upload(png(300, 300)[:60], **LIMITS)


def test_image_over_the_size_limit_is_413() -> None:
    data = png()
    with pytest.raises(PayloadTooLarge, match="less than"):
        process_upload(data, max_image_bytes=len(data) - 1, max_video_bytes=10**9)


def test_video_over_the_video_limit_is_413_even_when_under_the_image_limit() -> None:
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000
    with pytest.raises(PayloadTooLarge):
        process_upload(video, max_image_bytes=10**9, max_video_bytes=1000)


def test_decompression_bomb_is_refused() -> None:
    # a 10000x10000 palette PNG compresses to a few kB but decodes to 100 megapixels
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(Unprocessable, match="dimensions"):
        process_upload(out.getvalue(), **LIMITS)


def test_exif_is_stripped_and_orientation_applied() -> None:
    result = process_upload(jpeg(800, 400, orientation=6), **LIMITS)
    stored = Image.open(io.BytesIO(result.data))
    assert dict(stored.getexif()) == {}
    assert b"PorinaCam" not in result.data
    # orientation 6 means "rotate 90°": the stored picture is upright, so portrait
    assert stored.size == (400, 800)
    assert result.meta["original"] == {
        "width": 400,
        "height": 800,
        "size": "400x800",
        "aspect": 0.5,
    }


def test_image_gets_a_thumbnail_of_at_most_640px_and_a_blurhash() -> None:
    result = process_upload(jpeg(2000, 1000), **LIMITS)
    assert result.type == "image"
    assert result.preview is not None
    assert max(result.preview.width, result.preview.height) == 640
    assert result.meta["small"]["size"] == "640x320"
    assert result.blurhash and len(result.blurhash) > 6


def test_small_png_keeps_its_size_and_transparency() -> None:
    result = process_upload(png(32, 16, "RGBA"), **LIMITS)
    assert result.mime_type == "image/png"
    assert Image.open(io.BytesIO(result.data)).mode == "RGBA"
    assert result.meta["original"]["size"] == "32x16"


def test_process_image_can_crop_to_an_avatar_square() -> None:
    result = process_image(jpeg(1200, 600), max_side=400, crop_to=(400, 400))
    assert (result.width, result.height) == (400, 400)
    assert Image.open(io.BytesIO(result.data)).size == (400, 400)


def test_video_is_kept_as_sent_with_its_type_and_its_first_picture_as_preview() -> None:
    video = media_files.mp4()
    result = process_upload(video, **LIMITS)
    assert (result.type, result.mime_type, result.ext) == ("video", "video/mp4", "mp4")
    assert result.data == video and not result.processing
    assert result.preview is not None and result.preview.mime_type == "image/jpeg"
    assert Image.open(io.BytesIO(result.preview.data)).size == (16, 16)
    assert result.meta["original"]["frame_rate"] == "25/1"


def test_bytes_that_only_start_like_a_video_are_refused() -> None:
    with pytest.raises(Unprocessable, match="File content type is invalid"):
        process_upload(b"\x00\x00\x00\x18ftypisom" + b"\x01" * 500, **LIMITS)


def test_custom_thumbnail_for_audio_becomes_its_preview() -> None:
    audio = media_files.sound("mp3", "libmp3lame")
    result = process_upload(audio, thumbnail=png(900, 900), **LIMITS)
    assert result.type == "audio"
    assert result.preview is not None and result.preview.width == 640


@pytest.mark.parametrize("raw", ["2,0", "0.5", "a,b", "0,0,0", "nan,0", "-1.5,1"])
def test_focus_outside_minus_one_to_one_or_malformed_is_refused(raw: str) -> None:
    with pytest.raises(Unprocessable):
        parse_focus(raw)


def test_focus_is_parsed_as_two_numbers() -> None:
    assert parse_focus("-0.5, 1") == (-0.5, 1.0)
    assert parse_focus("") is None


def test_store_saves_under_random_names_and_refuses_escaping_paths(tmp_path: Path) -> None:
    store = MediaStore(tmp_path)
    first = store.save(b"abc", "media_attachments", "png")
    second = store.save(b"abc", "media_attachments", "png")
    assert first != second and first.startswith("media_attachments/") and first.endswith(".png")
    assert store.path_of(first).read_bytes() == b"abc"
    store.delete(first)
    assert not store.exists(first)
    store.delete(first)  # already gone: fine
    with pytest.raises(MediaPathError):
        store.path_of("../secret_key")
    with pytest.raises(MediaPathError):
        store.save(b"x", "../up", "png")
