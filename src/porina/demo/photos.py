"""The pictures in the demo's posts, drawn with Pillow: the café's latte art, cinnamon buns,
pastry counter and blueberry pie; the shop's ceramics shelf, tote bags and candles; a sunset
and a sketch of the café from its customers. Each is an 800 x 600 JPEG."""

from __future__ import annotations

import random

from porina.demo.canvas import Canvas, Color, mix
from porina.demo.scenes import sunset

W, H = 800, 600
WOOD: tuple[Color, Color] = ((176, 124, 82), (128, 84, 52))
CREAM = (252, 244, 230)


def _grain(c: Canvas, rng: random.Random, y0: float, color: Color) -> None:
    for _ in range(26):
        y = rng.uniform(y0, H)
        c.line([(0, y), (W, y + rng.uniform(-8, 8))], color, rng.uniform(1, 3))


def latte() -> bytes:
    rng = random.Random("latte")
    c = Canvas(W, H, *WOOD)
    _grain(c, rng, 0, (110, 70, 40, 60))
    c.ellipse(410, 318, 250, 222, (60, 40, 30, 60))
    c.ellipse(400, 300, 250, 222, (250, 250, 246))
    c.ellipse(400, 300, 186, 166, (236, 232, 226))
    c.ring(620, 300, 46, 30, (250, 250, 246), 18)
    c.ellipse(400, 300, 164, 146, (176, 112, 60))
    c.ellipse(400, 300, 150, 132, (196, 132, 74))
    c.ellipse(362, 270, 52, 50, CREAM)
    c.ellipse(438, 270, 52, 50, CREAM)
    c.poly([(314, 290), (486, 290), (400, 384)], CREAM)
    c.line([(400, 224), (400, 392)], (196, 132, 74), 5)
    for _ in range(9):
        x, y = rng.choice((rng.uniform(40, 140), rng.uniform(680, 770))), rng.uniform(60, 560)
        c.ellipse(x, y, 14, 10, (70, 40, 24))
        c.line([(x - 8, y), (x + 8, y)], (40, 22, 14), 2)
    return c.encode()


def _bun(c: Canvas, x: float, y: float, size: float) -> None:
    c.ellipse(x + 6, y + 10, size, size * 0.82, (90, 60, 40, 70))
    c.ellipse(x, y, size, size * 0.82, (204, 138, 66))
    for r in (0.72, 0.46, 0.22):
        box = (x - size * r, y - size * r * 0.8, x + size * r, y + size * r * 0.8)
        c.arc(box, 30, 330, (128, 72, 30), size * 0.08)
    rng = random.Random(f"{x}:{y}")
    for _ in range(9):
        c.ellipse(
            x + rng.uniform(-size, size) * 0.7, y + rng.uniform(-size, size) * 0.55, 4, 3, CREAM
        )


def buns() -> bytes:
    c = Canvas(W, H, (226, 206, 180), (200, 176, 146))
    c.rect(60, 70, 740, 540, (60, 60, 66), radius=18)
    c.rect(74, 84, 726, 526, (82, 82, 88), radius=12)
    for i in range(6):
        _bun(c, 180 + (i % 3) * 220, 200 + (i // 3) * 200, 92)
    return c.encode()


def _croissant(c: Canvas, x: float, y: float) -> None:
    for k, (dx, r) in enumerate(((-44, 20), (-22, 28), (0, 34), (22, 28), (44, 20))):
        c.ellipse(
            x + dx, y - abs(dx) * 0.35, r, r * 0.9, mix((214, 150, 70), (180, 110, 50), k % 2)
        )


def counter() -> bytes:
    rng = random.Random("counter")
    c = Canvas(W, H, (250, 238, 220), (236, 214, 186))
    c.glow(400, 40, 90, (255, 230, 170), 150)
    c.rect(40, 110, 760, 560, (210, 230, 236, 120), radius=10)
    for shelf in (300, 470):
        c.rect(52, shelf, 748, shelf + 12, (150, 110, 76))
    for i in range(5):
        _croissant(c, 120 + i * 140, 260)
    for i in range(5):
        x = 120 + i * 140
        c.ellipse(x, 440, 52, 22, (240, 240, 236))
        c.ellipse(x, 432, 40, 18, rng.choice(((150, 40, 70), (60, 70, 150), (230, 170, 50))))
        c.ellipse(x, 432, 40, 18, (255, 255, 255, 50))
    c.rect(40, 560, 760, 600, (120, 80, 52))
    return c.encode()


def pie() -> bytes:
    rng = random.Random("pie")
    c = Canvas(W, H, (236, 232, 244), (206, 200, 222))
    c.ellipse(400, 320, 280, 190, (255, 255, 255))
    c.ellipse(400, 320, 236, 156, (242, 242, 246))
    c.poly([(250, 380), (560, 300), (560, 360), (250, 440)], (70, 50, 110))
    c.poly([(250, 380), (560, 300), (520, 230), (236, 350)], (226, 176, 110))
    for _ in range(40):
        c.ellipse(rng.uniform(270, 540), rng.uniform(300, 410) - 0, 9, 9, (60, 60, 130))
    c.ellipse(610, 200, 36, 26, (255, 255, 250))
    c.ellipse(606, 192, 24, 16, (255, 255, 255))
    c.line([(130, 470), (330, 530)], (200, 200, 210), 10)
    return c.encode()


def _mug(c: Canvas, x: float, base: float, glaze: Color, tall: float) -> None:
    c.ring(x + 38, base - tall / 2, 16, 18, glaze, 8)
    c.rect(x - 34, base - tall, x + 34, base, glaze, radius=10)
    c.rect(x - 34, base - tall, x + 34, base - tall + 14, mix(glaze, (255, 255, 255), 0.35), 6)


def _vase(c: Canvas, x: float, base: float, glaze: Color) -> None:
    c.ellipse(x, base - 50, 42, 52, glaze)
    c.rect(x - 14, base - 140, x + 14, base - 86, glaze, radius=6)
    c.ellipse(x, base - 140, 20, 6, mix(glaze, (0, 0, 0), 0.3))


def shelf() -> bytes:
    c = Canvas(W, H, (244, 238, 228), (230, 222, 208))
    glazes: list[Color] = [(60, 110, 150), (200, 110, 80), (236, 220, 190), (60, 120, 96)]
    for row, base in enumerate((250, 450)):
        c.rect(30, base, 770, base + 18, (170, 130, 90))
        c.rect(30, base + 18, 770, base + 26, (120, 90, 60, 120))
        for i in range(6):
            x, glaze = 100 + i * 120, glazes[(i + row) % 4]
            if (i + row) % 3 == 0:
                _vase(c, x, base, glaze)
            else:
                _mug(c, x, base, glaze, 70 + (i % 2) * 20)
    c.ellipse(700, 110, 50, 40, (90, 150, 90))
    c.ellipse(670, 140, 36, 30, (110, 170, 100))
    c.rect(670, 150, 730, 250, (210, 190, 170), radius=8)
    c.rect(0, 560, W, H, (150, 120, 90))
    return c.encode()


def totes() -> bytes:
    c = Canvas(W, H, (232, 236, 230), (214, 220, 212))
    c.rect(0, 90, W, 104, (140, 100, 70))
    prints: list[Color] = [(200, 90, 70), (50, 100, 140), (60, 120, 90)]
    for i, ink in enumerate(prints):
        x = 150 + i * 250
        c.arc((x - 60, 60, x + 60, 200), 180, 360, (220, 205, 170), 10)
        c.rect(x - 100, 130, x + 100, 420, (238, 226, 196), radius=6)
        c.ellipse(x, 260, 50, 50, ink)
        c.poly([(x - 70, 380), (x - 20, 320), (x + 20, 360), (x + 50, 330), (x + 80, 380)], ink)
    c.rect(0, 480, W, H, (190, 170, 150))
    return c.encode()


def candles() -> bytes:
    c = Canvas(W, H, (40, 34, 44), (70, 54, 52))
    c.rect(0, 440, W, H, (110, 80, 60))
    for i, (h, tone) in enumerate(((180, (240, 230, 210)), (260, (220, 190, 160)), (140, CREAM))):
        x = 240 + i * 160
        c.glow(x, 440 - h - 30, 90, (255, 190, 90), 130)
        c.rect(x - 40, 440 - h, x + 40, 448, tone, radius=8)
        c.line([(x, 440 - h), (x, 440 - h - 12)], (30, 30, 30), 3)
        c.ellipse(x, 440 - h - 30, 10, 22, (255, 210, 110))
        c.ellipse(x, 440 - h - 24, 5, 12, (255, 250, 230))
    return c.encode()


def harbour() -> bytes:
    picture = sunset(random.Random("harbour"), 0.3)
    return picture.encode()


def interior() -> bytes:
    c = Canvas(W, H, (246, 236, 214), (236, 220, 196))
    c.rect(0, 420, W, H, (160, 112, 74))
    for x in (80, 330, 580):
        c.rect(x, 60, x + 170, 300, (90, 70, 50), radius=6)
        c.rect(x + 10, 70, x + 160, 290, (176, 212, 236), radius=4)
        c.line([(x + 85, 70), (x + 85, 290)], (90, 70, 50), 6)
    for x in (170, 470):
        c.ellipse(x, 392, 96, 24, (110, 74, 50))
        c.rect(x - 8, 400, x + 8, 560, (90, 60, 40))
        c.ellipse(x - 20, 372, 18, 12, (250, 250, 246))
    c.glow(650, 360, 60, (255, 220, 150), 120)
    c.rect(690, 330, 760, 420, (60, 130, 70), radius=30)
    c.rect(700, 420, 750, 500, (180, 96, 64), radius=6)
    return c.encode()
