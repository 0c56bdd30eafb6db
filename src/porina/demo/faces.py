"""Avatars for the demo world, drawn with Pillow: a friendly illustrated portrait for each
person (skin, hair style and colour, clothes, glasses and backdrop chosen from the person's
place in the list, so neighbours never look alike) and a logo for each business."""

from __future__ import annotations

import random

from porina.demo.canvas import Canvas, Color, alpha, mix

SIZE = 400
BACKDROPS: list[tuple[Color, Color]] = [
    ((255, 214, 170), (244, 162, 120)),
    ((186, 224, 214), (112, 178, 170)),
    ((206, 200, 255), (140, 130, 220)),
    ((255, 232, 150), (240, 180, 80)),
    ((196, 226, 255), (110, 160, 225)),
    ((255, 200, 210), (220, 120, 150)),
    ((210, 236, 190), (130, 190, 120)),
    ((230, 220, 200), (180, 160, 130)),
]
SKINS: list[Color] = [
    (255, 220, 196),
    (241, 194, 160),
    (224, 172, 128),
    (198, 140, 100),
    (160, 106, 72),
    (116, 74, 52),
]
HAIRS: list[Color] = [
    (60, 40, 30),
    (150, 100, 50),
    (230, 200, 140),
    (25, 25, 30),
    (170, 70, 40),
    (200, 200, 205),
    (110, 70, 45),
]
SHIRTS: list[Color] = [
    (44, 80, 140),
    (200, 80, 70),
    (40, 120, 100),
    (240, 240, 235),
    (90, 60, 130),
    (230, 170, 50),
    (60, 60, 70),
    (120, 160, 200),
]
STYLES = ("short", "long", "bun", "curly", "bob", "beanie", "side", "buzz")
DARK = (52, 36, 30)


def _back_hair(c: Canvas, style: str, hair: Color) -> None:
    if style == "long":
        c.rect(112, 150, 288, 340, hair, radius=70)
    elif style == "bob":
        c.rect(118, 140, 282, 270, hair, radius=60)
    elif style == "curly":
        for dx, dy in ((-82, 20), (82, 20), (-70, 80), (70, 80)):
            c.ellipse(200 + dx, 190 + dy, 42, 42, hair)


def _front_hair(c: Canvas, style: str, hair: Color, shirt: Color) -> None:
    if style in ("short", "long", "bob", "side"):
        c.ellipse(200, 135, 84, 52, hair)
        if style == "side":
            c.poly([(120, 140), (240, 96), (290, 150), (200, 130)], hair)
        else:
            c.ellipse(150, 150, 34, 36, hair)
    elif style == "bun":
        c.ellipse(200, 78, 36, 34, hair)
        c.ellipse(200, 132, 82, 48, hair)
    elif style == "curly":
        for dx in range(-80, 81, 32):
            c.ellipse(200 + dx, 120 + abs(dx) * 0.35, 36, 34, hair)
    elif style == "beanie":
        c.ellipse(200, 128, 86, 62, shirt)
        c.rect(112, 130, 288, 158, mix(shirt, (255, 255, 255), 0.3), radius=12)
        c.ellipse(200, 64, 20, 20, mix(shirt, (255, 255, 255), 0.5))
    elif style == "buzz":
        c.ellipse(200, 138, 80, 44, alpha(hair, 170))


def _face(c: Canvas, skin: Color, rng: random.Random) -> None:
    shade = mix(skin, (80, 40, 30), 0.18)
    c.ellipse(122, 200, 14, 20, shade)
    c.ellipse(278, 200, 14, 20, shade)
    c.ellipse(200, 190, 80, 94, skin)
    for x in (170, 230):
        c.ellipse(x, 192, 7, 9, DARK)
        c.line([(x - 16, 168), (x + 14, 164 + rng.choice((0, 3)))], DARK, 4)
    c.ellipse(156, 226, 16, 9, (240, 130, 120, 70))
    c.ellipse(244, 226, 16, 9, (240, 130, 120, 70))
    c.arc((176, 214, 224, 246), 20, 160, (150, 60, 60), 4)
    c.line([(200, 200), (194, 220), (204, 222)], shade, 3)


def _glasses(c: Canvas) -> None:
    for x in (170, 230):
        c.ring(x, 193, 22, 19, (40, 40, 45), 4)
    c.line([(192, 190), (208, 190)], (40, 40, 45), 4)


def portrait(index: int, name: str) -> bytes:
    """The avatar of the demo's ``index``-th person (a JPEG, 400 x 400)."""
    rng = random.Random(name)
    top, bottom = BACKDROPS[index % len(BACKDROPS)]
    skin = SKINS[(index * 5 + 1) % len(SKINS)]
    hair = HAIRS[(index * 3) % len(HAIRS)]
    shirt = SHIRTS[(index * 7 + 2) % len(SHIRTS)]
    style = STYLES[(index * 3 + index // 8) % len(STYLES)]
    c = Canvas(SIZE, SIZE, top, bottom)
    c.ellipse(320, 80, 70, 70, (255, 255, 255, 40))
    _back_hair(c, style, hair)
    c.ellipse(200, 440, 150, 120, shirt)
    c.rect(176, 250, 224, 320, mix(skin, (80, 40, 30), 0.12), radius=20)
    c.arc((150, 300, 250, 350), 0, 180, mix(shirt, (0, 0, 0), 0.25), 6)
    _face(c, skin, rng)
    _front_hair(c, style, hair, shirt)
    if index % 4 == 2:
        _glasses(c)
    return c.encode()


def _cup(c: Canvas, cx: float, cy: float, cup: Color, coffee: Color) -> None:
    c.ellipse(cx, cy + 78, 120, 24, mix(cup, (0, 0, 0), 0.15))
    c.ring(cx + 92, cy + 8, 34, 30, cup, 16)
    c.poly([(cx - 96, cy - 40), (cx + 96, cy - 40), (cx + 70, cy + 70), (cx - 70, cy + 70)], cup)
    c.ellipse(cx, cy + 70, 70, 12, cup)
    c.ellipse(cx, cy - 40, 96, 22, cup)
    c.ellipse(cx, cy - 40, 84, 16, coffee)
    for dx in (-34, 0, 34):
        x = cx + dx
        c.line(
            [(x, cy - 80), (x + 12, cy - 110), (x - 8, cy - 140), (x + 6, cy - 170)],
            (255, 255, 255, 200),
            9,
        )


def cafe_logo() -> bytes:
    """Kahvila Porina: a steaming cup on terracotta."""
    c = Canvas(SIZE, SIZE, (214, 110, 72), (160, 70, 50))
    c.ellipse(200, 210, 170, 170, (255, 240, 225, 40))
    _cup(c, 190, 230, (255, 247, 236), (110, 62, 35))
    return c.encode()


def shop_logo() -> bytes:
    """Puoti: a glazed vase with a sprig, on deep green."""
    c = Canvas(SIZE, SIZE, (38, 98, 84), (22, 64, 56))
    c.ellipse(200, 200, 170, 170, (255, 255, 255, 28))
    c.line([(200, 150), (190, 80), (200, 40)], (140, 190, 120), 6)
    for x, y, side in ((190, 100, -1), (196, 70, 1), (188, 120, 1)):
        c.ellipse(x + side * 22, y, 22, 10, (150, 200, 130))
    c.ellipse(200, 250, 92, 100, (236, 200, 150))
    c.rect(170, 140, 230, 180, (236, 200, 150), radius=10)
    c.ellipse(200, 142, 36, 10, (196, 150, 100))
    for y, tone in ((230, (200, 110, 80)), (262, (60, 110, 150))):
        c.rect(112, y, 288, y + 12, tone, radius=6)
    return c.encode()


def instance_logo() -> bytes:
    """The admin: Porina's speech bubbles."""
    c = Canvas(SIZE, SIZE, (70, 80, 200), (40, 40, 130))
    c.rect(70, 90, 280, 250, (255, 255, 255), radius=50)
    c.poly([(110, 240), (100, 300), (170, 245)], (255, 255, 255))
    c.rect(170, 170, 340, 300, (255, 200, 90), radius=44)
    c.poly([(300, 290), (320, 340), (260, 295)], (255, 200, 90))
    for x in (130, 175, 220):
        c.ellipse(x, 170, 12, 12, (70, 80, 200))
    return c.encode()
