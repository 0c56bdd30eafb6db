"""Profile headers for the demo world: Finnish landscapes drawn with Pillow (a sunset over the
archipelago, a birch wood, the northern lights, a lake with a sauna, snowy spruces, rolling
hills, the city at dusk), each person a different scene or a different light."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from porina.demo.canvas import Canvas, Color, mix

WIDTH, HEIGHT = 1200, 400


def _islands(c: Canvas, rng: random.Random, horizon: float, color: Color) -> None:
    for _ in range(3):
        x, w = rng.uniform(0, WIDTH), rng.uniform(120, 320)
        c.ellipse(x, horizon + 4, w / 2, rng.uniform(14, 30), color)
        for t in range(int(w / 24)):
            tx = x - w / 3 + t * 18
            c.poly(
                [(tx - 9, horizon), (tx, horizon - rng.uniform(24, 44)), (tx + 9, horizon)], color
            )


def sunset(rng: random.Random, light: float) -> Canvas:
    c = Canvas(WIDTH, HEIGHT, mix((250, 150, 110), (120, 90, 170), light), (255, 205, 130))
    sun_x = rng.uniform(300, 900)
    c.glow(sun_x, 250, 120, (255, 230, 160), 160)
    c.ellipse(sun_x, 250, 46, 46, (255, 236, 180))
    c.band(262, HEIGHT, (70, 90, 150), (30, 45, 90))
    for i in range(9):
        y = 270 + i * 14
        c.line([(sun_x - 70 + i * 5, y), (sun_x + 70 - i * 5, y)], (255, 220, 150, 150), 3)
    _islands(c, rng, 262, (40, 40, 60))
    return c


def birches(rng: random.Random, light: float) -> Canvas:
    c = Canvas(WIDTH, HEIGHT, mix((200, 230, 250), (250, 220, 170), light), (240, 245, 225))
    c.band(300, HEIGHT, (150, 190, 110), (100, 150, 80))
    for _ in range(14):
        x = rng.uniform(0, WIDTH)
        c.ellipse(x, rng.uniform(60, 160), rng.uniform(70, 130), 80, (110, 170, 90, 170))
    for _ in range(16):
        x, w = rng.uniform(0, WIDTH), rng.uniform(10, 22)
        c.rect(x, 0, x + w, 330 + rng.uniform(-20, 30), (245, 245, 240))
        for _ in range(5):
            y = rng.uniform(20, 300)
            c.rect(x, y, x + w * rng.uniform(0.4, 0.9), y + 5, (50, 50, 50))
    return c


def aurora(rng: random.Random, light: float) -> Canvas:
    c = Canvas(WIDTH, HEIGHT, (10, 16, 40), mix((20, 50, 80), (40, 30, 80), light))
    for _ in range(70):
        c.ellipse(rng.uniform(0, WIDTH), rng.uniform(0, 260), 1.4, 1.4, (255, 255, 255, 200))
    for band, color in enumerate(((80, 230, 160, 70), (120, 120, 255, 50), (90, 250, 190, 60))):
        base = 130 + band * 40
        top = [(x, base + 50 * math.sin(x / 160 + band)) for x in range(0, 1220, 40)]
        c.poly([*top, *[(x, y - 90) for x, y in reversed(top)]], color)
    c.band(340, HEIGHT, (230, 235, 245), (200, 210, 230))
    for x in range(0, WIDTH, 38):
        h = rng.uniform(60, 120)
        c.poly([(x - 22, 350), (x + 8, 350 - h), (x + 38, 350)], (12, 24, 30))
    return c


def lake(rng: random.Random, light: float) -> Canvas:
    c = Canvas(WIDTH, HEIGHT, mix((160, 210, 240), (250, 200, 170), light), (230, 240, 245))
    c.wave(220, 8, 300, rng.uniform(0, 6), (60, 110, 80))
    c.band(240, HEIGHT, (120, 170, 200), (70, 120, 160))
    x = rng.uniform(500, 900)
    c.rect(x, 170, x + 110, 236, (170, 50, 40))
    c.poly([(x - 14, 172), (x + 55, 130), (x + 124, 172)], (70, 40, 35))
    c.rect(x + 40, 196, x + 66, 236, (90, 40, 30))
    c.rect(x + 60, 236, x + 260, 246, (150, 110, 70))
    for i in range(6):
        c.line(
            [(60 + i * 160, 290 + i % 2 * 30), (140 + i * 160, 290 + i % 2 * 30)],
            (255, 255, 255, 110),
            3,
        )
    return c


def snow(rng: random.Random, light: float) -> Canvas:
    c = Canvas(WIDTH, HEIGHT, mix((170, 200, 235), (235, 190, 200), light), (235, 240, 250))
    c.wave(250, 30, 700, rng.uniform(0, 6), (250, 252, 255))
    c.wave(300, 20, 500, rng.uniform(0, 6), (232, 238, 248))
    for _ in range(12):
        x, y, h = rng.uniform(0, WIDTH), rng.uniform(240, 320), rng.uniform(70, 140)
        for k in range(3):
            w = (3 - k) * 18
            c.poly(
                [(x - w, y - k * h / 3.5), (x, y - h - 10), (x + w, y - k * h / 3.5)], (40, 80, 60)
            )
            c.poly(
                [
                    (x - w * 0.6, y - k * h / 3.5 - h * 0.18),
                    (x, y - h - 8),
                    (x + w * 0.6, y - k * h / 3.5 - h * 0.18),
                ],
                (245, 248, 255, 200),
            )
    return c


def hills(rng: random.Random, light: float) -> Canvas:
    c = Canvas(WIDTH, HEIGHT, mix((255, 220, 180), (200, 220, 255), light), (255, 245, 225))
    c.glow(rng.uniform(200, 1000), 110, 70, (255, 255, 220), 200)
    base = mix((120, 150, 200), (200, 120, 140), light)
    for i in range(5):
        tone = mix(base, (40, 50, 80), i / 5)
        c.wave(140 + i * 50, 26 - i * 3, 380 + i * 90, rng.uniform(0, 6), tone)
    return c


def city(rng: random.Random, light: float) -> Canvas:
    c = Canvas(WIDTH, HEIGHT, mix((40, 50, 110), (90, 60, 120), light), (250, 160, 120))
    x = 0.0
    while x < WIDTH:
        w, h = rng.uniform(50, 110), rng.uniform(80, 220)
        c.rect(x, HEIGHT - h, x + w, HEIGHT, (35, 35, 60))
        for wy in range(int(HEIGHT - h + 14), HEIGHT - 10, 22):
            for wx in range(int(x + 10), int(x + w - 12), 18):
                if rng.random() < 0.45:
                    c.rect(wx, wy, wx + 8, wy + 10, (255, 214, 120))
        x += w + rng.uniform(2, 10)
    dome = rng.uniform(300, 900)
    c.rect(dome - 70, 180, dome + 70, HEIGHT, (230, 235, 240))
    c.ellipse(dome, 180, 50, 54, (120, 170, 150))
    c.rect(dome - 4, 110, dome + 4, 132, (120, 170, 150))
    return c


def storefront(awning: Color, wall: Color, rng: random.Random) -> Canvas:
    """A shop front on a Kallio street: a striped awning, big windows, warm light inside."""
    c = Canvas(WIDTH, HEIGHT, mix(wall, (255, 255, 255), 0.15), wall)
    c.rect(0, 360, WIDTH, HEIGHT, (150, 150, 150))
    for x in range(0, WIDTH, 60):
        tone = awning if (x // 60) % 2 == 0 else (250, 246, 236)
        c.poly([(x, 60), (x + 60, 60), (x + 66, 130), (x + 6, 130)], tone)
    c.rect(0, 40, WIDTH, 62, mix(awning, (0, 0, 0), 0.3))
    for x in (80, 440, 860):
        c.rect(x, 160, x + 280, 350, (70, 50, 40), radius=6)
        c.rect(x + 10, 170, x + 270, 340, (255, 222, 160))
        c.glow(x + 140, 230, 90, (255, 250, 220), 140)
        for k in range(4):
            c.ellipse(x + 50 + k * 60, 320, 20, 14, rng.choice(((190, 120, 60), (90, 130, 170))))
    c.rect(370, 170, 420, 360, (60, 40, 32), radius=4)
    return c


SCENES: list[Callable[[random.Random, float], Canvas]] = [
    sunset,
    birches,
    aurora,
    lake,
    snow,
    hills,
    city,
]


def header(index: int, name: str) -> bytes:
    """The header of the demo's ``index``-th account (a JPEG, 1200 x 400)."""
    rng = random.Random(f"header:{name}")
    scene = SCENES[index % len(SCENES)]
    light = (index // len(SCENES)) / 4
    return scene(rng, light).encode()


def business_header(index: int) -> bytes:
    """The café's (0) and the shop's (1) header: their street fronts."""
    rng = random.Random(f"business:{index}")
    if index == 0:
        return storefront((196, 90, 60), (236, 220, 196), rng).encode()
    return storefront((40, 100, 86), (226, 230, 222), rng).encode()
