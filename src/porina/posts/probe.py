"""What a video or audio upload really is, read with FFmpeg's own libraries (PyAV).

Magic bytes (``media.sniff``) only say what a file claims to be: ``ftyp`` followed by HTML
passes for an MP4. ``probe`` opens the file with the one demuxer its claim names (never
FFmpeg's guess, so a playlist or concat script is never followed to other files), requires a
stream of the claimed kind that actually decodes into a frame, and reads what clients are told
(``meta``): dimensions, frame rate, duration, bitrate. Anything else is a 422.

Mastodon's limits for video apply: at most 3840x2160 pixels and 120 frames per second. A
"video" container (MP4, WebM) holding only sound is audio. Cover art in audio files (an
attached picture, which FFmpeg lists as a video stream) is not a video.

Pure functions of a readable file: no database, no files written.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, BinaryIO, Literal

import av
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.frame import Frame
from av.stream import Disposition
from av.video.stream import VideoStream
from PIL import Image

from porina.core.errors import Unprocessable

INVALID_TYPE = "Validation failed: File content type is invalid"
MAX_VIDEO_MATRIX = 8_294_400
"""Mastodon's ``MAX_VIDEO_MATRIX_LIMIT`` (3840x2160); the instance API announces it."""
MAX_VIDEO_FRAME_RATE = 120
MAX_PACKETS_TO_FIRST_FRAME = 500
"""A stream whose first this many packets give no picture or sound is not one."""

DEMUXERS: dict[str, str] = {
    "video/mp4": "mp4",
    "audio/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "matroska",
    "audio/webm": "matroska",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/flac": "flac",
    "audio/wav": "wav",
}
"""The FFmpeg demuxer each accepted type is opened with, and nothing else."""
EXTENSIONS: dict[str, str] = {
    "video/mp4": "mp4",
    "audio/mp4": "m4a",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "audio/webm": "weba",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/flac": "flac",
    "audio/wav": "wav",
}
SOUND_ONLY = {"video/mp4": "audio/mp4", "video/webm": "audio/webm"}
"""Video containers that may hold only sound, and the type such a file is."""


@dataclass(frozen=True, slots=True)
class Probed:
    """A verified video or audio file: its type, what clients are told, and (when asked for)
    the first picture of a video, for its preview."""

    type: Literal["video", "audio"]
    mime_type: str
    ext: str
    meta: dict[str, Any]
    frame: Image.Image | None = None


def probe(source: BinaryIO, mime_type: str, *, want_frame: bool = False) -> Probed:
    """Open ``source`` as ``mime_type`` claims and check it; 422 when it is not that."""
    demuxer = DEMUXERS.get(mime_type)
    if demuxer is None:
        raise Unprocessable(INVALID_TYPE)
    try:
        with av.open(source, mode="r", format=demuxer) as container:
            return _inspect(container, mime_type, want_frame)
    except (av.FFmpegError, EOFError, ValueError, IndexError, MemoryError) as exc:
        raise Unprocessable(INVALID_TYPE) from exc


def _pictures(container: InputContainer) -> list[VideoStream]:
    """Video streams FFmpeg can decode, cover art left out."""
    return [
        s
        for s in container.streams.video
        if s.codec_context is not None and not s.disposition & Disposition.attached_pic
    ]


def _sounds(container: InputContainer) -> list[AudioStream]:
    return [s for s in container.streams.audio if s.codec_context is not None]


def _inspect(container: InputContainer, mime_type: str, want_frame: bool) -> Probed:
    videos = _pictures(container)
    sounds = _sounds(container)
    if mime_type.startswith("video/") and not videos:
        if mime_type not in SOUND_ONLY or not sounds:
            raise Unprocessable("Validation failed: Video has no video stream")
        mime_type = SOUND_ONLY[mime_type]
    ext = EXTENSIONS[mime_type]
    if mime_type.startswith("video/"):
        video = videos[0]
        _check_video_limits(video)
        frame = _first_frame(container, video)
        image = _picture(frame) if want_frame and isinstance(frame, av.VideoFrame) else None
        meta = {"original": _video_meta(container, video, frame)}
        return Probed("video", mime_type, ext, meta, image)
    if not sounds:
        raise Unprocessable(INVALID_TYPE)
    _first_frame(container, sounds[0])
    return Probed("audio", mime_type, ext, {"original": _sound_meta(container, sounds[0])})


def _rate(video: VideoStream) -> Fraction | None:
    rate = video.average_rate or video.guessed_rate
    return rate if rate else None


def _check_video_limits(video: VideoStream) -> None:
    width, height = video.codec_context.width, video.codec_context.height
    if width * height > MAX_VIDEO_MATRIX:
        raise Unprocessable(f"Validation failed: {width}x{height} videos are not supported")
    rate = _rate(video)
    if rate is not None and int(rate) > MAX_VIDEO_FRAME_RATE:
        raise Unprocessable(f"Validation failed: {int(rate)}fps videos are not supported")


def _first_frame(container: InputContainer, stream: VideoStream | AudioStream) -> Frame:
    """The first picture or sound ``stream`` decodes to; 422 when none does."""
    stream.codec_context.thread_count = 1
    for count, packet in enumerate(container.demux(stream)):
        if count > MAX_PACKETS_TO_FIRST_FRAME:
            break
        for frame in packet.decode():
            if isinstance(frame, (av.VideoFrame, av.AudioFrame)):
                return frame
    raise Unprocessable(INVALID_TYPE)


def _picture(frame: av.VideoFrame) -> Image.Image:
    image: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]  # untyped in PyAV's stub
    return image


def _seconds(container: InputContainer, stream: VideoStream | AudioStream) -> float | None:
    if container.duration:
        return round(container.duration / av.time_base, 3)
    if stream.duration and stream.time_base:
        return round(float(stream.duration * stream.time_base), 3)
    return None


def _video_meta(container: InputContainer, video: VideoStream, frame: Frame) -> dict[str, Any]:
    width = frame.width if isinstance(frame, av.VideoFrame) else video.codec_context.width
    height = frame.height if isinstance(frame, av.VideoFrame) else video.codec_context.height
    rate = _rate(video)
    meta: dict[str, Any] = {
        "width": width,
        "height": height,
        "size": f"{width}x{height}",
        "aspect": round(width / height, 6) if height else 0,
        "frame_rate": f"{rate.numerator}/{rate.denominator}" if rate else None,
        "duration": _seconds(container, video),
        "bitrate": container.bit_rate or None,
    }
    return {k: v for k, v in meta.items() if v is not None}


def _sound_meta(container: InputContainer, sound: AudioStream) -> dict[str, Any]:
    meta = {"duration": _seconds(container, sound), "bitrate": container.bit_rate or None}
    return {k: v for k, v in meta.items() if v is not None}
