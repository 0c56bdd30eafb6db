"""Tiny real video and audio files, made with PyAV (FFmpeg's encoders) in the test itself, and
the fakes that only look like them."""

from __future__ import annotations

import io

import av
from PIL import Image

FAKE_MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + (
    b"<html><body><script>alert(document.cookie)</script></body></html>" * 8
)
"""An MP4's first box (``ftyp``) and then HTML: a file browsers would sniff as a page."""


def video(
    container: str = "mp4",
    codec: str = "libx264",
    *,
    frames: int = 5,
    width: int = 16,
    height: int = 16,
    rate: int = 25,
) -> bytes:
    """A silent video of ``frames`` frames, each a colour of its own."""
    out = io.BytesIO()
    with av.open(out, "w", format=container) as file:
        stream = file.add_stream(codec, rate=rate)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        for index in range(frames):
            picture = Image.new("RGB", (width, height), (40 * index % 256, 160, 60))
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                file.mux(packet)
        for packet in stream.encode():
            file.mux(packet)
    return out.getvalue()


def mp4() -> bytes:
    return video("mp4", "libx264")


def webm() -> bytes:
    return video("webm", "libvpx")


def sound(container: str = "ogg", codec: str = "libopus", *, seconds: float = 0.25) -> bytes:
    """Silence, ``seconds`` long, in ``container`` (``ogg``/libopus, ``mp3``/libmp3lame,
    ``ipod``/aac for an .m4a, ``mp4``/aac, ``wav``/pcm_s16le, ``flac``/flac)."""
    rate = 48000 if codec == "libopus" else 44100
    samples = int(rate * seconds)
    out = io.BytesIO()
    with av.open(out, "w", format=container) as file:
        stream = file.add_stream(codec, rate=rate)
        stream.layout = "mono"
        frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
        frame.planes[0].update(bytes(2 * samples))
        frame.sample_rate = rate
        frame.pts = 0
        for packet in stream.encode(frame):
            file.mux(packet)
        for packet in stream.encode():
            file.mux(packet)
    return out.getvalue()
