"""A small drawing surface for the demo's illustrations: Pillow, drawn at twice the size and
scaled down (smooth edges), gradients, translucent fills. Coordinates are output pixels."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFilter

Color = tuple[int, int, int] | tuple[int, int, int, int]
SCALE = 2


def mix(a: Color, b: Color, t: float) -> tuple[int, int, int]:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def alpha(color: Color, value: int) -> tuple[int, int, int, int]:
    return (color[0], color[1], color[2], value)


def gradient(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    """A vertical gradient from ``top`` to ``bottom``."""
    column = Image.linear_gradient("L").resize((1, size[1]), Image.Resampling.BILINEAR)
    mask = column.resize(size, Image.Resampling.NEAREST)
    return Image.composite(
        Image.new("RGB", size, bottom[:3]), Image.new("RGB", size, top[:3]), mask
    )


class Canvas:
    """An RGB picture of ``width`` x ``height`` output pixels, filled with a gradient."""

    def __init__(self, width: int, height: int, top: Color, bottom: Color | None = None) -> None:
        self.width, self.height = width, height
        self.image = gradient((width * SCALE, height * SCALE), top, bottom or top)
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    def _xy(self, values: Sequence[float]) -> list[float]:
        return [v * SCALE for v in values]

    def band(self, y0: float, y1: float, top: Color, bottom: Color) -> None:
        """A horizontal strip with a gradient of its own (sea, ground, a table)."""
        h = max(1, round((y1 - y0) * SCALE))
        self.image.paste(gradient((self.width * SCALE, h), top, bottom), (0, round(y0 * SCALE)))

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: Color) -> None:
        self.draw.ellipse(self._xy((cx - rx, cy - ry, cx + rx, cy + ry)), fill=fill)

    def ring(  # noqa: PLR0917 (a drawing call reads best positional)
        self, cx: float, cy: float, rx: float, ry: float, color: Color, width: float
    ) -> None:
        box = self._xy((cx - rx, cy - ry, cx + rx, cy + ry))
        self.draw.ellipse(box, outline=color, width=round(width * SCALE))

    def rect(  # noqa: PLR0917 (a drawing call reads best positional)
        self, x0: float, y0: float, x1: float, y1: float, fill: Color, radius: float = 0
    ) -> None:
        self.draw.rounded_rectangle(
            self._xy((x0, y0, x1, y1)), radius=round(radius * SCALE), fill=fill
        )

    def poly(self, points: Sequence[tuple[float, float]], fill: Color) -> None:
        self.draw.polygon([(x * SCALE, y * SCALE) for x, y in points], fill=fill)

    def line(self, points: Sequence[tuple[float, float]], color: Color, width: float) -> None:
        self.draw.line(
            [(x * SCALE, y * SCALE) for x, y in points],
            fill=color,
            width=round(width * SCALE),
            joint="curve",
        )

    def arc(
        self, box: Sequence[float], start: float, end: float, color: Color, width: float
    ) -> None:
        self.draw.arc(self._xy(box), start, end, fill=color, width=round(width * SCALE))

    def wave(self, base: float, amplitude: float, period: float, phase: float, fill: Color) -> None:
        """Fill below a sine line (hills, waves, dunes)."""
        points = [
            (x, base + amplitude * math.sin((x / period) * 2 * math.pi + phase))
            for x in range(0, self.width + 20, 20)
        ]
        self.poly([(0, self.height), *points, (self.width, self.height)], fill)

    def glow(self, cx: float, cy: float, radius: float, color: Color, strength: int = 120) -> None:
        """A soft halo (sun, lamp, candle flame), blurred in a layer just big enough."""
        r = max(4, round(radius * SCALE / 8))
        layer = Image.new("RGBA", (4 * r, 4 * r), alpha(color, 0))
        ImageDraw.Draw(layer).ellipse((r, r, 3 * r, 3 * r), fill=alpha(color, strength))
        big = round(radius * SCALE)
        layer = layer.filter(ImageFilter.GaussianBlur(r / 2.5)).resize(
            (4 * big, 4 * big), Image.Resampling.BILINEAR
        )
        self.image.paste(layer, (round(cx * SCALE) - 2 * big, round(cy * SCALE) - 2 * big), layer)

    def encode(self, fmt: str = "JPEG") -> bytes:
        out = io.BytesIO()
        small = self.image.reduce(SCALE)
        if fmt == "JPEG":
            small.save(out, "JPEG", quality=86, optimize=True)
        else:
            small.save(out, fmt)
        return out.getvalue()
