"""Media processing: what an upload really is, and the files Porina keeps of it.

The type comes from the file's own bytes, never from the name or the client's header. Images
are decoded with Pillow (bombs refused), turned upright by their EXIF orientation, stripped of
metadata (EXIF with its GPS position goes), re-encoded, and get a thumbnail and a blurhash.
Video and audio are kept as sent once FFmpeg's libraries have opened them as what their magic
bytes claim and decoded a frame (``posts.probe``); a video's first picture becomes its preview.

Processing an upload can be deferred (``POST /api/v2/media``): the file is verified at once and
its ``meta`` and preview come from ``process_stored``, run by a job (``posts.jobs``).

Pure functions of bytes and files: no database, no files written. ``process_image`` is also
what avatars and headers use.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import blurhash
from PIL import Image, ImageOps, UnidentifiedImageError

from porina.core.errors import PayloadTooLarge, Unprocessable
from porina.posts import probe

MediaType = Literal["image", "gifv", "video", "audio"]

INVALID_TYPE = probe.INVALID_TYPE
UNREADABLE = "Validation failed: File could not be processed"
MAX_PIXELS = 50_000_000
"""Largest decoded image (width x height) accepted; more is treated as a decompression bomb."""
ORIGINAL_MAX_SIDE = 3840
THUMBNAIL_MAX_SIDE = 640
MAX_DESCRIPTION = 1500

_PIL_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


@dataclass(frozen=True, slots=True)
class Sniffed:
    type: MediaType
    mime_type: str
    ext: str


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """An image re-encoded without metadata, upright, fitted into the requested size."""

    data: bytes
    mime_type: str
    ext: str
    width: int
    height: int
    blurhash: str | None

    def meta(self) -> dict[str, Any]:
        return dimensions(self.width, self.height)


@dataclass(frozen=True, slots=True)
class ProcessedMedia:
    """An upload ready to store: the file, its preview (if any) and what clients are told.
    ``processing``: verified, its ``meta`` and preview still to come (``process_stored``)."""

    type: MediaType
    mime_type: str
    ext: str
    data: bytes
    preview: ProcessedImage | None
    blurhash: str | None
    meta: dict[str, Any] = field(default_factory=dict)
    processing: bool = False


def dimensions(width: int, height: int) -> dict[str, Any]:
    return {
        "width": width,
        "height": height,
        "size": f"{width}x{height}",
        "aspect": round(width / height, 6) if height else 0,
    }


def sniff(data: bytes) -> Sniffed | None:
    """The kind of file ``data`` is, from its magic bytes; None when Porina does not take it."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", "png")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed("image", "image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", "webp")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio", "audio/wav", "wav")
    if head[4:8] == b"ftyp":
        return _sniff_iso_media(head[8:12])
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head:
        return Sniffed("video", "video/webm", "webm")
    if head.startswith(b"OggS"):
        return Sniffed("audio", "audio/ogg", "ogg")
    if head.startswith(b"fLaC"):
        return Sniffed("audio", "audio/flac", "flac")
    if head.startswith(b"ID3") or (
        len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 in {0xE2, 0xE4, 0xE6}
    ):
        return Sniffed("audio", "audio/mpeg", "mp3")
    return None


def _sniff_iso_media(brand: bytes) -> Sniffed | None:
    if brand == b"qt  ":
        return Sniffed("video", "video/quicktime", "mov")
    if brand in {b"M4A ", b"M4B ", b"M4P "}:
        return Sniffed("audio", "audio/mp4", "m4a")
    if brand[:3] in {b"iso", b"mp4", b"avc", b"MSN", b"dash"} or brand in {
        b"M4V ",
        b"mp41",
        b"mp42",
    }:
        return Sniffed("video", "video/mp4", "mp4")
    if brand[:3] == b"3gp":
        return Sniffed("video", "video/mp4", "mp4")
    return None


def _megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"


def check_size(kind: MediaType, size: int, *, max_image_bytes: int, max_video_bytes: int) -> None:
    limit = max_image_bytes if kind == "image" else max_video_bytes
    if size > limit:
        raise PayloadTooLarge(
            f"Validation failed: File file size must be less than {_megabytes(limit)}"
        )


def _open(data: bytes) -> Image.Image:
    """Decode ``data`` as an image, refusing what is not one and decompression bombs."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in _PIL_FORMATS:
                raise Unprocessable(INVALID_TYPE)
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise Unprocessable("Validation failed: File dimensions are too large")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Unprocessable("Validation failed: File dimensions are too large") from exc
    except UnidentifiedImageError as exc:
        raise Unprocessable(INVALID_TYPE) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise Unprocessable(UNREADABLE) from exc
    return image


def _is_animated(image: Image.Image) -> bool:
    return bool(getattr(image, "is_animated", False))


def _upright(image: Image.Image) -> Image.Image:
    try:
        turned = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError):  # a broken EXIF block: keep the pixels as they are
        return image
    return turned if turned is not None else image


def _fit(image: Image.Image, max_side: int, crop_to: tuple[int, int] | None) -> Image.Image:
    if crop_to is not None:
        return ImageOps.fit(image, crop_to, method=Image.Resampling.LANCZOS)
    if max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def _encode(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode != "RGB":
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=False, progressive=True, icc_profile=icc)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=85, icc_profile=icc)
    elif fmt == "GIF":
        image.save(out, "GIF")
    else:
        if image.mode not in {"RGB", "RGBA", "L", "LA", "P", "I;16"}:
            image = image.convert("RGBA")
        image.save(out, "PNG", icc_profile=icc)
    return out.getvalue()


def blurhash_of(image: Image.Image) -> str | None:
    small = image.copy()
    small.thumbnail((64, 64))
    if small.mode != "RGB":
        background = Image.new("RGB", small.size, (255, 255, 255))
        rgba = small.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        small = background
    try:
        with warnings.catch_warnings():  # blurhash-python still calls Image.getdata
            warnings.simplefilter("ignore", DeprecationWarning)
            value = blurhash.encode(small, x_components=4, y_components=3)
    except Exception:  # blurhash is decoration; never refuse an upload for it
        return None
    return str(value)


def process_image(
    data: bytes,
    *,
    max_side: int,
    crop_to: tuple[int, int] | None = None,
    output_format: str | None = None,
    with_blurhash: bool = True,
) -> ProcessedImage:
    """Decode, turn upright, fit into ``max_side`` (or cover-crop to ``crop_to``) and re-encode
    without metadata. Raises ``Unprocessable`` (422) for anything that is not a usable image.

    Animated GIFs are kept frame for frame when they already fit (they carry no EXIF)."""
    image = _open(data)
    fmt = output_format or image.format or "PNG"
    if fmt not in _PIL_FORMATS:
        raise Unprocessable(INVALID_TYPE)
    animated = _is_animated(image)
    if animated and fmt == "GIF" and crop_to is None and max(image.size) <= max_side:
        width, height = image.size
        return ProcessedImage(
            data, "image/gif", "gif", width, height, blurhash_of(image) if with_blurhash else None
        )
    icc = image.info.get("icc_profile")
    image = _fit(_upright(image), max_side, crop_to)
    if fmt == "GIF" and animated:
        fmt = "PNG"  # a still of the first frame; Porina has no video encoder
    mime, ext = _PIL_FORMATS[fmt]
    encoded = _encode(image, fmt, icc if isinstance(icc, bytes) else None)
    width, height = image.size
    return ProcessedImage(
        encoded, mime, ext, width, height, blurhash_of(image) if with_blurhash else None
    )


def parse_focus(raw: str | None) -> tuple[float, float] | None:
    """``"x,y"`` with both in -1..1, as Mastodon takes the focal point."""
    if raw is None or raw.strip() == "":
        return None
    parts = raw.split(",")
    if len(parts) != 2:
        raise Unprocessable("Validation failed: focus must be two numbers, x,y")
    try:
        x, y = float(parts[0]), float(parts[1])
    except ValueError as exc:
        raise Unprocessable("Validation failed: focus must be two numbers, x,y") from exc
    if not (-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0):
        raise Unprocessable("Validation failed: focus must be two numbers between -1 and 1")
    return x, y


def check_description(text: str | None) -> str | None:
    if text is not None and len(text) > MAX_DESCRIPTION:
        raise Unprocessable(
            f"Validation failed: Description is too long (maximum is {MAX_DESCRIPTION} characters)"
        )
    return text


def process_upload(
    data: bytes,
    *,
    max_image_bytes: int,
    max_video_bytes: int,
    thumbnail: bytes | None = None,
    defer: bool = False,
) -> ProcessedMedia:
    """What to store for an uploaded file. 422 for unknown types and files that are not what
    they claim, 413 for files too large. With ``defer``, a video or audio file is verified
    and returned ``processing``, its meta and preview left to ``process_stored``."""
    kind = sniff(data)
    if kind is None:
        raise Unprocessable(INVALID_TYPE)
    check_size(
        kind.type, len(data), max_image_bytes=max_image_bytes, max_video_bytes=max_video_bytes
    )
    custom = _thumbnail(thumbnail, max_image_bytes) if thumbnail else None
    if kind.type != "image":
        return _process_av(data, kind.mime_type, custom, defer=defer)
    original = process_image(data, max_side=ORIGINAL_MAX_SIDE)
    preview = custom or process_image(
        original.data,
        max_side=THUMBNAIL_MAX_SIDE,
        with_blurhash=False,
        output_format="PNG" if original.mime_type in {"image/png", "image/gif"} else "JPEG",
    )
    meta = {"original": original.meta(), "small": preview.meta()}
    return ProcessedMedia(
        "image", original.mime_type, original.ext, original.data, preview, original.blurhash, meta
    )


def _thumbnail(data: bytes, max_image_bytes: int) -> ProcessedImage:
    kind = sniff(data)
    if kind is None or kind.type != "image":
        raise Unprocessable("Validation failed: Thumbnail content type is invalid")
    check_size("image", len(data), max_image_bytes=max_image_bytes, max_video_bytes=max_image_bytes)
    return process_image(data, max_side=THUMBNAIL_MAX_SIDE)


def still_preview(picture: Image.Image) -> ProcessedImage:
    """A video's preview: its first picture fitted into the thumbnail size, as a JPEG."""
    image = _fit(picture.convert("RGB"), THUMBNAIL_MAX_SIDE, None)
    width, height = image.size
    return ProcessedImage(
        _encode(image, "JPEG", None), "image/jpeg", "jpg", width, height, blurhash_of(image)
    )


def _described(
    probed: probe.Probed, data: bytes, custom: ProcessedImage | None, *, processing: bool
) -> ProcessedMedia:
    preview = custom
    if preview is None and probed.frame is not None:
        preview = still_preview(probed.frame)
    meta = {} if processing else dict(probed.meta)
    if preview is not None:
        meta["small"] = preview.meta()
    blurhash = preview.blurhash if preview else None
    return ProcessedMedia(
        probed.type, probed.mime_type, probed.ext, data, preview, blurhash, meta, processing
    )


def _process_av(
    data: bytes, mime_type: str, custom: ProcessedImage | None, *, defer: bool
) -> ProcessedMedia:
    want_frame = custom is None and not defer
    probed = probe.probe(io.BytesIO(data), mime_type, want_frame=want_frame)
    return _described(probed, data, custom, processing=defer)


def process_stored(
    path: Path, mime_type: str, *, with_preview: bool
) -> tuple[dict[str, Any], ProcessedImage | None]:
    """The deferred half of a video or audio upload, from its stored file: its ``meta`` and,
    with ``with_preview``, a preview from a video's first picture. 422 if it is no longer
    (or never was) what ``mime_type`` says."""
    with path.open("rb") as file:
        probed = probe.probe(file, mime_type, want_frame=with_preview)
    preview = still_preview(probed.frame) if probed.frame is not None else None
    meta = dict(probed.meta)
    if preview is not None:
        meta["small"] = preview.meta()
    return meta, preview
