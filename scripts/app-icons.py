"""Draws favicon.svg's mark as the PNG icons of the web app manifest (static/icon-*.png,
the maskable one inside the 80 % safe zone).

Run from the repository root: ``.venv/bin/python scripts/app-icons.py``."""

from PIL import Image, ImageDraw

BG = (0x2B, 0x5F, 0x75, 255)


def draw(size: int, maskable: bool) -> Image.Image:
    s = 4  # supersample
    n = size * s
    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle([0, 0, n, n], fill=BG)
        scale, off = n * 0.6 / 32, n * 0.2  # the mark inside the 80 % safe zone
    else:
        d.rounded_rectangle([0, 0, n - 1, n - 1], radius=n * 8 / 32, fill=BG)
        scale, off = n / 32, 0.0

    def u(v: float) -> float:
        return off + v * scale

    white = (255, 255, 255, 255)
    # M9 24V8h8a5 5 0 0 1 0 10h-4v6z : stem, bowl (rectangle + half disc), hole none
    d.rectangle([u(9), u(8), u(17), u(18)], fill=white)
    d.rectangle([u(9), u(18), u(13), u(24)], fill=white)
    d.ellipse([u(12), u(8), u(22), u(18)], fill=white)
    return img.resize((size, size), Image.LANCZOS)


for size in (180, 192, 512):
    draw(size, False).save(f"src/porina/web/static/icon-{size}.png", optimize=True)
draw(512, True).save("src/porina/web/static/icon-maskable-512.png", optimize=True)
